#include "workloads/dfa/study.h"

#include "workloads/common/training_order.h"

#include <chrono>
#include <numeric>
#include <string>
#include <vector>


#include "models/base/errors.h"
#include "workloads/common/metrics.h"
#include "workloads/common/prng.h"
#include "workloads/common/study_setup.h"
#include "workloads/dfa/reference.h"

#ifndef NMSIM_VERSION
#define NMSIM_VERSION "unknown"
#endif

namespace nmsim::dfa {
namespace {


std::string network_text(const std::vector<uint32_t>& sizes, uint32_t time_steps) {
  std::string s;
  for (size_t l = 0; l < sizes.size(); ++l) s += (l ? "-" : "") + std::to_string(sizes[l]);
  return s + ", T = " + std::to_string(time_steps);
}

// The epoch's counts in a checkpoint (EpochResult's fields) and back.
EpochResult partial_of(const SampleCounts& c) {
  EpochResult r;
  r.set_sops_forward(c.sops_forward);
  r.set_sops_feedback(c.sops_feedback);
  r.set_sops_update(c.update_ops);
  r.set_rows_written(c.rows_written);
  r.set_weight_writes(c.weights_written);
  r.set_hidden_weight_writes(c.hidden_weights_written);
  return r;
}

SampleCounts counts_of(const EpochResult& r) {
  SampleCounts c;
  c.sops_forward = r.sops_forward();
  c.sops_feedback = r.sops_feedback();
  c.update_ops = r.sops_update();
  c.rows_written = r.rows_written();
  c.weights_written = r.weight_writes();
  c.hidden_weights_written = r.hidden_weight_writes();
  return c;
}

}  // namespace

StudyReport run_study(const RunConfig& run, const ChipConfig& chip,
                      const workloads::DatasetSplit& data,
                      const std::function<void(const EpochResult&)>& on_epoch,
                      workloads::NetworkWeights* trained, const job::CheckpointOptions& checkpoint) {
  const TrainingConfig& training = run.training();
  if (training.batch_size() != 1)
    throw ConfigError("training.batch_size = " + std::to_string(training.batch_size()) +
                      ": the DFA reference trains online only (1)");
  if (training.epochs() < 1) throw ConfigError("training.epochs = 0: must be >= 1");
  const std::vector<uint32_t> sizes = layer_sizes(run);
  const DfaParams params = dfa_params(run.dfa(), chip);
  const arith::NeuronParams neuron = neuron_params(run, chip);
  workloads::NetworkWeights weights =
      run.network().weights_file().empty()
          ? workloads::random_weights(sizes, run.network().init_weight_range(), run.seed())
          : workloads::load_weights(run.network().weights_file(), sizes, params.weight_width_bits);
  if (data.train.pixels_per_sample != sizes[0] || data.test.pixels_per_sample != sizes[0])
    throw DataError(data.train.name + ": samples of " + std::to_string(data.train.pixels_per_sample) +
                    " pixels, the network takes " + std::to_string(sizes[0]));
  DfaReference reference(sizes, std::move(weights), neuron, params, run.time_steps(),
                         run.encoder(), run.seed());

  const workloads::StudySamples samples = workloads::study_samples(run, data);
  const uint32_t train_count = samples.train_per_epoch;
  StudyReport report =
      workloads::study_report("dfa", run, data, network_text(sizes, run.time_steps()), NMSIM_VERSION);
  report.add_notes(std::string(params.feedback == Feedback::kSparse ? "sparse" : "dense") +
                   " feedback; counts are totals over the epoch's training samples");

  const job::StudyCheckpoints checkpoints(checkpoint, run, chip, data, train_count);
  ReferenceState resumed;
  job::StudyPosition position = checkpoints.resume(report, resumed, on_epoch);
  if (checkpoints.resuming()) reference.restore_state(resumed);
  const job::SaveState save_state = [&reference](ReferenceState& state) { reference.save_state(state); };

  std::vector<uint32_t> order(data.train.count);
  for (uint32_t epoch = position.epoch; epoch < training.epochs(); ++epoch) {
    const auto start = std::chrono::steady_clock::now() - job::wall_duration(position.wall_seconds);
    workloads::training_order(order, data.train.count, run.seed(), epoch, training.shuffle());
    if (params.lr_decay_epochs > 0)
      reference.set_extra_lr_shift(static_cast<int32_t>(epoch / params.lr_decay_epochs));
    SampleCounts counts = counts_of(position.partial);
    workloads::AccuracyMeter train_meter(workloads::kClasses);
    for (uint32_t s = 0; s < position.sample; ++s) train_meter.add(data.train.labels[order[s]], position.predictions[s]);
    for (uint32_t s = position.sample; s < train_count; ++s) {
      const uint32_t d = order[s];
      const uint32_t label = data.train.labels[d];
      const uint32_t predicted = reference.train(
          data.train.sample(d), label, uint64_t{epoch} * data.train.count + d, counts);
      train_meter.add(label, predicted);
      position.predictions.push_back(predicted);
      position.sample = s + 1;
      position.partial = partial_of(counts);
      checkpoints.sample_done(report, position, start, save_state);
    }
    workloads::AccuracyMeter test_meter(workloads::kClasses);
    for (const uint32_t d : samples.test_indices) {
      test_meter.add(data.test.labels[d], reference.infer(data.test.sample(d), d));
    }
    const std::chrono::duration<double> wall = std::chrono::steady_clock::now() - start;

    EpochResult* result = report.add_epochs();
    result->set_epoch(epoch + 1);
    result->set_train_accuracy(train_meter.accuracy());
    result->set_test_accuracy(test_meter.accuracy());
    for (double a : test_meter.per_class()) result->add_test_per_class(a);
    result->set_sops_forward(counts.sops_forward);
    result->set_sops_feedback(counts.sops_feedback);
    result->set_sops_update(counts.update_ops);
    result->set_weight_writes(counts.weights_written);
    result->set_hidden_weight_writes(counts.hidden_weights_written);
    result->set_wall_seconds(wall.count());
    result->set_train_samples(train_count);
    if (on_epoch) on_epoch(*result);
    position = job::StudyPosition{};
    position.epoch = epoch + 1;
    checkpoints.epoch_done(report, epoch, save_state);
  }
  if (trained) *trained = reference.weights();
  return report;
}

}  // namespace nmsim::dfa
