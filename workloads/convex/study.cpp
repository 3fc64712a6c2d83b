#include "workloads/convex/study.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "models/base/errors.h"
#include "workloads/common/metrics.h"
#include "workloads/common/study_setup.h"
#include "workloads/common/training_order.h"
#include "workloads/convex/reference.h"

namespace nmsim::convex {
namespace {

std::string network_name(const ConvexOptions& o) {
  return "784-" + (two_layers(o) ? std::to_string(o.layer1_units) + "-" : std::string()) +
         std::to_string(o.units) + "-10, T = " + std::to_string(o.time_steps) +
         (o.features == CONVEX_FEATURES_SPIKE_TRAIN ? ", spike-train features" : ", count features") +
         (o.group_norm == CONVEX_GROUP_NORM_L1 ? ", group norm l1" : ", group norm l_inf");
}

std::string number_text(double v) {
  char text[64];
  std::snprintf(text, sizeof text, "%.6g", v);
  return text;
}

// Where the solver stands between two epochs: the phase and its next epoch (0-based), or done,
// and J of the previous epoch (the stop rule's reference).
struct SolverPhase {
  bool refit = false;
  uint32_t epoch = 0;
  bool done = false;
  double previous = 0;
};

// The phase in a checkpoint, after the readout's arrays; restore_phase is DataError for one
// the study's config could not have reached.
void save_phase(ReferenceState& state, const SolverPhase& phase) {
  job::add_state_values(state, "solver_phase", std::vector<uint32_t>{phase.refit, phase.epoch, phase.done});
  job::add_state_real(state, "previous_objective", phase.previous);
}

SolverPhase restore_phase(const ReferenceState& state, uint32_t epochs, uint32_t refit_epochs) {
  std::vector<uint32_t> values(3);
  job::read_state_values(state, ConvexReadout::kStateArrays, "solver_phase", values);
  SolverPhase phase;
  phase.refit = values[0] != 0;
  phase.epoch = values[1];
  phase.done = values[2] != 0;
  phase.previous = job::state_real(state, 0, "previous_objective");
  job::check_state_value("solver_phase", values[0] <= 1 && values[2] <= 1 && (!phase.refit || refit_epochs > 0) &&
                                             phase.epoch < (phase.refit ? refit_epochs : epochs));
  job::check_state_value("previous_objective", std::isfinite(phase.previous) && phase.previous >= 0);
  return phase;
}

// The epoch's counts in a checkpoint (EpochResult's fields).
EpochResult partial_of(uint64_t readout_additions, uint64_t gradient_additions, uint64_t writes) {
  EpochResult r;
  r.set_readout_additions(readout_additions);
  r.set_sops_update(gradient_additions);
  r.set_weight_writes(writes);
  return r;
}

}  // namespace

StudyReport run_study(const RunConfig& run, const ChipConfig& chip,
                      const workloads::DatasetSplit& data,
                      const std::function<void(const EpochResult&)>& on_epoch,
                      const job::CheckpointOptions& checkpoint) {
  const TrainingConfig& training = run.training();
  if (training.epochs() < 1) throw ConfigError("run.training.epochs: must be >= 1");
  const ConvexOptions options = options_from_config(run, chip);
  if (training.batch_size() != 1 && training.batch_size() != options.batch_size)
    throw ConfigError("run.training.batch_size = " + std::to_string(training.batch_size()) +
                      ": convex solves with run.convex.batch_size (" + std::to_string(options.batch_size) +
                      "); leave run.training.batch_size at 1 or set it equal");
  if (!run.network().weights_file().empty())
    throw ConfigError("run.network.weights_file: convex draws its witness weights from the seed "
                      "(surrogate-trained hidden weights, SG-CVX, are not implemented)");

  const uint32_t train_count = data.train.count;
  const workloads::StudySamples samples = workloads::study_samples(run, data);
  const uint32_t train_samples = samples.train_per_epoch;
  const std::vector<uint32_t>& test_set = samples.test_indices;
  const auto test_samples = static_cast<uint32_t>(test_set.size());
  StudyReport report = workloads::study_report("convex", run, data, network_name(options), NMSIM_VERSION);
  // Read (and a mismatch refused) before the spike trains take their minutes. Checkpoints count
  // the epochs of both phases (StudyPosition.epoch = the epoch's number - 1).
  const job::StudyCheckpoints checkpoints(checkpoint, run, chip, data, train_samples);

  // The fixed training set and the test samples, and their spike trains (computed once).
  const auto features_start = std::chrono::steady_clock::now();
  std::vector<uint32_t> order;
  workloads::training_order(order, train_count, run.seed(), 0, training.shuffle());
  const std::vector<uint32_t> train_set(order.begin(), order.begin() + train_samples);
  std::vector<uint32_t> all_units(options.units);
  for (uint32_t j = 0; j < options.units; ++j) all_units[j] = j;
  HiddenUnits hidden(options, all_units);
  const FeatureStore train_store = compute_features(hidden, data.train, train_set, 0);
  const FeatureStore test_store = compute_features(hidden, data.test, test_set, workloads::kTestSampleIndexBase);
  std::vector<uint8_t> train_labels(train_samples), test_labels(test_samples);
  for (uint32_t s = 0; s < train_samples; ++s) train_labels[s] = data.train.labels[train_set[s]];
  for (uint32_t s = 0; s < test_samples; ++s) test_labels[s] = data.test.labels[test_set[s]];
  uint64_t train_input_spikes = 0, train_layer1_spikes = 0;
  for (uint32_t n : train_store.input_spikes) train_input_spikes += n;
  for (uint32_t n : train_store.layer1_spikes) train_layer1_spikes += n;
  const double features_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - features_start).count();

  ConvexReadout readout(options);
  std::vector<uint32_t> positions(train_samples);
  for (uint32_t s = 0; s < train_samples; ++s) positions[s] = s;
  readout.set_training_set(train_store, train_labels, positions);
  report.add_notes("beta_max = " + std::to_string(readout.beta_max()) + ", beta = " + number_text(readout.beta()) +
                   " (beta_fraction " + number_text(options.beta_fraction) + "), objective of v = 0: " +
                   number_text(readout.initial_objective()));
  report.add_notes("hidden spike trains of " + std::to_string(train_samples) + " training and " +
                   std::to_string(test_samples) + " test samples computed once in " +
                   number_text(features_seconds) + " s (not in the epochs' wall times)");
  report.add_notes("counts are totals over the epoch's training samples: sops_forward = hidden SOPs, "
                   "readout_additions = readout forward additions, sops_update = gradient additions, "
                   "weight_writes = readout weights changed; objective_additions = the objective pass");

  SolverPhase phase;
  phase.previous = readout.initial_objective();
  ReferenceState resumed;
  job::StudyPosition position = checkpoints.resume(report, resumed, on_epoch);
  if (checkpoints.resuming()) {
    readout.restore_state(resumed);
    phase = restore_phase(resumed, training.epochs(), options.refit_epochs);
  }
  const job::SaveState save_state = [&readout, &phase](ReferenceState& state) {
    readout.save_state(state);
    save_phase(state, phase);
  };

  std::vector<uint32_t> predictions(train_samples);
  std::vector<uint32_t> visit;
  // One epoch, from `position`: training with the schedule of epoch `epoch` of its phase, the
  // objective, the test split; the pruned network's check after a phase's last epoch. True if
  // it was the last.
  const auto run_epoch = [&](uint32_t epoch, uint32_t epochs, bool refit) {
    const auto start = std::chrono::steady_clock::now() - job::wall_duration(position.wall_seconds);
    const auto number = static_cast<uint32_t>(report.epochs_size() + 1);  // both phases
    EpochResult result;
    result.set_epoch(number);
    result.set_refit(refit);
    workloads::training_order(visit, train_samples, run.seed(), number - 1, training.shuffle());
    workloads::AccuracyMeter train_meter;
    for (uint32_t s = 0; s < position.sample; ++s) train_meter.add(train_labels[visit[s]], position.predictions[s]);
    uint64_t readout_additions = position.partial.readout_additions();
    uint64_t gradient_additions = position.partial.sops_update();
    uint64_t writes = position.partial.weight_writes();
    const uint32_t batch = readout.batch_size(epoch);
    if (position.sample % batch != 0 && position.sample != train_samples)
      throw DataError("--resume: damaged checkpoint: sample " + std::to_string(position.sample) +
                      " is not at the end of a batch of " + std::to_string(batch));
    for (uint32_t k = position.sample; k < train_samples; k += batch) {
      const uint32_t b = std::min(batch, train_samples - k);
      const StepCounts c = readout.step(train_store, train_labels, visit.data() + k, b, epoch, predictions.data());
      for (uint32_t s = 0; s < b; ++s) train_meter.add(train_labels[visit[k + s]], predictions[s]);
      readout_additions += c.readout_additions;
      gradient_additions += c.gradient_additions;
      writes += c.weights_written;
      position.predictions.insert(position.predictions.end(), predictions.begin(), predictions.begin() + b);
      position.sample = k + b;
      position.partial = partial_of(readout_additions, gradient_additions, writes);
      checkpoints.sample_done(report, position, start, save_state, b);
    }
    result.set_train_samples(train_samples);
    result.set_train_accuracy(train_meter.accuracy());
    const uint32_t hidden_units = refit ? static_cast<uint32_t>(readout.kept_units().size()) : options.units;
    result.set_sops_forward(hidden_sops(options, train_input_spikes, train_layer1_spikes, hidden_units));
    result.set_readout_additions(readout_additions);
    result.set_sops_update(gradient_additions);
    result.set_weight_writes(writes);
    result.set_beta(readout.beta());

    const Objective objective = readout.objective(train_store, train_labels, positions);
    const double change = phase.previous > 0 ? std::fabs(phase.previous - objective.value) / phase.previous : 0;
    phase.previous = objective.value;
    result.set_objective(objective.value);
    result.set_objective_relative_change(change);
    result.set_objective_additions(objective.additions);
    const bool converged = options.tolerance > 0 && change < options.tolerance;
    const bool last = converged || epoch + 1 == epochs;

    // Test split: the whole network, and the pruned one's SOPs from the same spike trains.
    const std::vector<uint32_t> kept = readout.kept_units();
    std::vector<uint8_t> kept_mask(options.units, 0);
    for (uint32_t j : kept) kept_mask[j] = 1;
    result.set_kept_units(static_cast<uint32_t>(kept.size()));
    workloads::AccuracyMeter test_meter;
    uint64_t sops_whole = 0, sops_pruned = 0;
    std::vector<int64_t> test_outputs(size_t{test_samples} * kClasses);
    const std::vector<uint8_t> all_units_mask(options.units, 1);
    for (uint32_t s = 0; s < test_samples; ++s) {
      const uint64_t* bits = test_store.sample(s);
      test_meter.add(test_labels[s], readout.predict(bits, test_outputs.data() + size_t{s} * kClasses, nullptr));
      const uint64_t input_spikes = test_store.input_spikes[s], layer1_spikes = test_store.layer1_spikes[s];
      sops_whole += hidden_sops(options, input_spikes, layer1_spikes, options.units) +
                    kClasses * readout.kept_active_features(bits, all_units_mask);
      sops_pruned += hidden_sops(options, input_spikes, layer1_spikes, kept.size()) +
                     kClasses * readout.kept_active_features(bits, kept_mask);
    }
    result.set_test_accuracy(test_meter.accuracy());
    for (double v : test_meter.per_class()) result.add_test_per_class(v);
    result.set_inference_sops_per_sample(static_cast<double>(sops_whole) / test_samples);
    result.set_pruned_inference_sops_per_sample(static_cast<double>(sops_pruned) / test_samples);

    if (last) {
      // The reconstructed network, run from the pixels on the kept units only.
      PrunedNetwork pruned = readout.reconstruct();
      workloads::AccuracyMeter pruned_meter;
      uint64_t pruned_sops = 0;
      for (uint32_t s = 0; s < test_samples; ++s) {
        int64_t out[kClasses];
        pruned_sops += pruned.outputs(data.test.sample(test_set[s]), workloads::kTestSampleIndexBase + test_set[s], out);
        for (uint32_t k = 0; k < kClasses; ++k)
          NMSIM_ASSERT(out[k] == test_outputs[size_t{s} * kClasses + k],
                       "convex: the pruned network's outputs differ from the whole network's");
        pruned_meter.add(test_labels[s], argmax(out));
      }
      NMSIM_ASSERT(pruned_sops == sops_pruned, "convex: the pruned network's SOPs differ from the count");
      NMSIM_ASSERT(pruned_meter.correct() == test_meter.correct(), "convex: pruning changed the accuracy");
      result.set_pruned_test_accuracy(pruned_meter.accuracy());
      const std::string phase = refit ? "refit" : "solve";
      report.add_notes(converged ? phase + " converged after epoch " + std::to_string(number) +
                                       ": objective's relative change " + number_text(change) + " < tolerance " +
                                       number_text(options.tolerance)
                                 : phase + " not converged after epoch " + std::to_string(number) +
                                       ": objective's relative change in the last epoch " +
                                       number_text(change) + " (tolerance " + number_text(options.tolerance) + ")");
      report.add_notes((refit ? "refitted network: " : "reconstructed network: ") + std::to_string(kept.size()) +
                       " of " + std::to_string(options.units) +
                       (two_layers(options) ? " layer-2 units kept (layer 1's " + std::to_string(options.layer1_units) +
                                                  " units all stay: each feeds every kept unit)"
                                            : std::string(" units kept")) +
                       "; run from the pixels it gives the "
                       "same outputs on all " + std::to_string(test_samples) + " test samples");
    }
    result.set_wall_seconds(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    *report.add_epochs() = result;
    if (on_epoch) on_epoch(result);
    return last;
  };

  while (!phase.done) {
    const bool last = run_epoch(phase.epoch, phase.refit ? options.refit_epochs : training.epochs(), phase.refit);
    if (!last) {
      ++phase.epoch;
    } else if (!phase.refit && options.refit_epochs > 0) {
      readout.restrict_to(readout.kept_units());
      phase.refit = true;
      phase.epoch = 0;
      phase.previous = readout.objective(train_store, train_labels, positions).value;
    } else {
      phase.done = true;
    }
    position = job::StudyPosition{};
    position.epoch = static_cast<uint32_t>(report.epochs_size());
    checkpoints.epoch_done(report, position.epoch - 1, save_state);
  }
  return report;
}

}  // namespace nmsim::convex
