#include "workloads/spide/study.h"

#include <chrono>
#include <string>
#include <vector>

#include "models/base/errors.h"
#include "workloads/common/metrics.h"
#include "workloads/common/study_setup.h"
#include "workloads/common/training_order.h"
#include "workloads/spide/reference.h"

#ifndef NMSIM_VERSION
#define NMSIM_VERSION "unknown"
#endif

namespace nmsim::spide {
namespace {

std::string network_text(const SpideOptions& o) {
  const std::string feedforward = o.feedforward > 0 ? std::to_string(o.feedforward) + "-" : "";
  return std::to_string(o.inputs) + "-" + feedforward + std::to_string(o.hidden) + "(recurrent)-" +
         std::to_string(o.classes) + ", T_f = " + std::to_string(o.forward_steps) +
         ", T_b = " + std::to_string(o.backward_steps);
}

void add_counts(EpochResult& r, const SampleCounts& c) {
  r.set_sops_forward(r.sops_forward() + c.sops_feedforward + c.sops_input + c.sops_recurrent + c.sops_readout);
  r.set_sops_feedback(r.sops_feedback() + c.sops_backward + c.sops_feedforward_backward + c.sops_gradient);
  r.set_sops_update(r.sops_update() + c.update_ops);
  r.set_weight_writes(r.weight_writes() + c.weights_written);
  r.set_hidden_weight_writes(r.hidden_weight_writes() + c.hidden_weights_written);
  r.set_forward_spikes(r.forward_spikes() + c.forward_spikes);
  r.set_backward_spikes(r.backward_spikes() + c.backward_spikes);
  r.set_sops_forward_recurrent(r.sops_forward_recurrent() + c.sops_recurrent);
  r.set_sops_gradient(r.sops_gradient() + c.sops_gradient);
  r.set_active_neurons(r.active_neurons() + c.active_neurons);
  r.set_rows_written(r.rows_written() + c.rows_written);
  r.set_gradient_clamped(r.gradient_clamped() + c.gradient_clamped);
}

}  // namespace

StudyReport run_study(const RunConfig& run, const ChipConfig& chip,
                      const workloads::DatasetSplit& data,
                      const std::function<void(const EpochResult&)>& on_epoch,
                      SpideMatrices* trained, const job::CheckpointOptions& checkpoint) {
  const TrainingConfig& training = run.training();
  if (training.batch_size() != 1)
    throw ConfigError("run.training.batch_size = " + std::to_string(training.batch_size()) +
                      ": the SPIDE reference trains online only (1)");
  if (training.epochs() < 1) throw ConfigError("run.training.epochs = 0: must be >= 1");
  const SpideOptions options = options_from_config(run, chip);
  if (data.train.pixels_per_sample != options.inputs || data.test.pixels_per_sample != options.inputs)
    throw DataError(data.train.name + ": samples of " + std::to_string(data.train.pixels_per_sample) +
                    " pixels, the network takes " + std::to_string(options.inputs));
  const uint32_t train_count = data.train.count;
  const workloads::StudySamples samples = workloads::study_samples(run, data);
  const uint32_t train_samples = samples.train_per_epoch;
  SpideReference reference(options, random_matrices(options));

  StudyReport report = workloads::study_report("spide", run, data, network_text(options), NMSIM_VERSION);
  report.add_notes("counts are totals over the epoch's training samples; run.time_steps is not "
                   "used (spide.forward_steps and backward_steps are)");

  const job::StudyCheckpoints checkpoints(checkpoint, run, chip, data, train_samples);
  ReferenceState resumed;
  job::StudyPosition position = checkpoints.resume(report, resumed, on_epoch);
  if (checkpoints.resuming()) reference.restore_state(resumed);
  const job::SaveState save_state = [&reference](ReferenceState& state) { reference.save_state(state); };

  std::vector<uint32_t> order(train_count);
  for (uint32_t epoch = position.epoch; epoch < training.epochs(); ++epoch) {
    const auto start = std::chrono::steady_clock::now() - job::wall_duration(position.wall_seconds);
    workloads::training_order(order, train_count, run.seed(), epoch, training.shuffle());
    if (options.lr_decay_epochs > 0)
      reference.set_extra_lr_shift(static_cast<int32_t>(epoch / options.lr_decay_epochs));
    EpochResult& result = position.partial;  // a resumed epoch's counts so far
    result.set_epoch(epoch + 1);
    workloads::AccuracyMeter train_meter(options.classes);
    for (uint32_t s = 0; s < position.sample; ++s) train_meter.add(data.train.labels[order[s]], position.predictions[s]);
    for (uint32_t s = position.sample; s < train_samples; ++s) {
      const uint32_t d = order[s];
      const uint32_t label = data.train.labels[d];
      const uint32_t predicted = reference.train(data.train.sample(d), label, uint64_t{epoch} * train_count + d);
      train_meter.add(label, predicted);
      add_counts(result, reference.last_counts());
      position.predictions.push_back(predicted);
      position.sample = s + 1;
      checkpoints.sample_done(report, position, start, save_state);
    }
    result.set_train_samples(train_samples);
    result.set_train_accuracy(train_meter.accuracy());
    workloads::AccuracyMeter test_meter(options.classes);
    for (const uint32_t d : samples.test_indices) {
      test_meter.add(data.test.labels[d],
                     reference.predict(data.test.sample(d), workloads::kTestSampleIndexBase + d));
    }
    result.set_test_accuracy(test_meter.accuracy());
    for (double v : test_meter.per_class()) result.add_test_per_class(v);
    result.set_wall_seconds(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    *report.add_epochs() = result;
    if (on_epoch) on_epoch(result);
    position = job::StudyPosition{};
    position.epoch = epoch + 1;
    checkpoints.epoch_done(report, epoch, save_state);
  }
  if (trained) *trained = reference.weights();
  return report;
}

}  // namespace nmsim::spide
