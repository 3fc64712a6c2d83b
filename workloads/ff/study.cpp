#include "workloads/ff/study.h"

#include "workloads/common/training_order.h"

#include <chrono>
#include <numeric>
#include <string>
#include <vector>


#include "models/base/errors.h"
#include "workloads/common/metrics.h"
#include "workloads/common/prng.h"
#include "workloads/common/study_setup.h"
#include "workloads/common/weights.h"
#include "workloads/ff/reference.h"

namespace nmsim::ff {
namespace {

std::string network_name(const FfOptions& o) {
  std::string s = std::to_string(o.layer_sizes[0]);
  for (size_t l = 1; l < o.layer_sizes.size(); ++l)
    s += "-" + std::to_string(o.layer_sizes[l]) + "(10 groups)";
  return s + ", T = " + std::to_string(o.time_steps);
}

}  // namespace

StudyReport run_study(const RunConfig& run, const ChipConfig& chip,
                      const workloads::DatasetSplit& data,
                      const std::function<void(const EpochResult&)>& on_epoch,
                      const job::CheckpointOptions& checkpoint) {
  const TrainingConfig& training = run.training();
  if (training.batch_size() != 1)
    throw ConfigError("run.training.batch_size = " + std::to_string(training.batch_size()) +
                      ": FF trains online only (1)");
  if (training.epochs() < 1) throw ConfigError("run.training.epochs: must be >= 1");
  const FfOptions options = options_from_config(run, chip);
  const workloads::NetworkWeights initial =
      run.network().weights_file().empty()
          ? workloads::random_weights(options.layer_sizes, run.network().init_weight_range(), run.seed())
          : workloads::load_weights(run.network().weights_file(), options.layer_sizes,
                                    options.weight_width_bits);
  FfReference ref(options, initial);

  const uint32_t train_count = data.train.count;
  const workloads::StudySamples samples = workloads::study_samples(run, data);
  const uint32_t train_samples = samples.train_per_epoch;
  StudyReport report = workloads::study_report("ff", run, data, network_name(options), NMSIM_VERSION);
  report.add_notes("counts are totals over the epoch's training samples; sops_feedback = 0: FF "
                   "sends nothing backward");
  if (options.class_adaptation) report.add_notes("class-aware complexity adaptation on");

  // The whole split in the epoch's order (workloads/common/training_order.h); an epoch of
  // train_count samples takes the first ones, so a subsampled run still sees every class.
  const job::StudyCheckpoints checkpoints(checkpoint, run, chip, data, train_samples);
  ReferenceState resumed;
  job::StudyPosition position = checkpoints.resume(report, resumed, on_epoch);
  if (checkpoints.resuming()) ref.restore_state(resumed);
  const job::SaveState save_state = [&ref](ReferenceState& state) { ref.save_state(state); };

  std::vector<uint32_t> order;
  for (uint32_t epoch = position.epoch; epoch < training.epochs(); ++epoch) {
    const auto start = std::chrono::steady_clock::now() - job::wall_duration(position.wall_seconds);
    workloads::training_order(order, data.train.count, run.seed(), epoch, training.shuffle());
    ref.set_lr_shift(options.lr_shift + static_cast<int32_t>(epoch * options.lr_shift_per_epoch));
    EpochResult& result = position.partial;  // a resumed epoch's counts so far
    result.set_epoch(epoch + 1);
    workloads::AccuracyMeter train_meter;
    for (uint32_t k = 0; k < position.sample; ++k) train_meter.add(data.train.labels[order[k]], position.predictions[k]);
    for (uint32_t k = position.sample; k < train_samples; ++k) {
      const uint32_t i = order[k];
      const uint32_t label = data.train.labels[i];
      const uint32_t predicted =
          ref.train(data.train.sample(i), label, uint64_t{epoch} * train_count + i);
      train_meter.add(label, predicted);
      const SampleCounts& c = ref.last_counts();
      result.set_sops_forward(result.sops_forward() + c.sops_forward);
      result.set_sops_update(result.sops_update() + c.update_ops);
      result.set_weight_writes(result.weight_writes() + c.weights_written);
      position.predictions.push_back(predicted);
      position.sample = k + 1;
      checkpoints.sample_done(report, position, start, save_state);
    }
    result.set_hidden_weight_writes(result.weight_writes());
    result.set_train_samples(train_samples);
    result.set_train_accuracy(train_meter.accuracy());

    workloads::AccuracyMeter test_meter;
    for (const uint32_t i : samples.test_indices) {
      test_meter.add(data.test.labels[i],
                     ref.predict(data.test.sample(i), workloads::kTestSampleIndexBase + i));
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
  return report;
}

}  // namespace nmsim::ff
