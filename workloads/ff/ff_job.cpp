#include "workloads/ff/ff_job.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>

#include "models/base/errors.h"
#include "platform/chip/chip.h"
#include "workloads/job/weights_io.h"
#include "platform/config/validate.h"
#include "platform/energy/energy_model.h"
#include "platform/mapper/mapper.h"
#include "workloads/common/fixed_point.h"
#include "workloads/common/metrics.h"
#include "workloads/common/study_setup.h"
#include "workloads/ff/reference.h"
#include "workloads/job/chip_job.h"

namespace nmsim::ff {

namespace {

using job::seconds_since;
using job::stat_sum;
using job::WallClock;

// The class groups and logit constants of every layer, as the host computes them once per
// run (reference.h steps 1-2), and the leaders and error trees of the mapping.
std::vector<FfLayerPlan> plan_layers(const FfOptions& o, const mapper::Mapping& mapping, chip::Chip& chip) {
  std::vector<FfLayerPlan> plans;
  const uint64_t t2 = uint64_t{o.time_steps} * o.time_steps;
  for (std::size_t l = 1; l < o.layer_sizes.size(); ++l) {
    FfLayerPlan plan;
    const uint32_t h = o.layer_sizes[l];
    uint32_t start = 0;
    for (uint32_t c = 0; c < kClasses; ++c) {
      const uint32_t n = o.group_sizes.empty() ? h / kClasses + (c < h % kClasses ? 1 : 0) : o.group_sizes[c];
      plan.group_start[c] = start;
      plan.group_size[c] = n;
      const uint64_t denominator = uint64_t{n} * t2;
      plan.logit_scale[c] = ((uint64_t{1} << 24) * o.tau_divisor + denominator / 2) / denominator;
      start += n;
    }
    const std::vector<mapper::CoreSlot>& slots = mapping.layers[l - 1];
    const mapper::CoreSlot& leader = slots.front();
    NMSIM_ASSERT(leader.first_neuron == 0, "ff: the first core of a layer holds its neuron 0");
    plan.leader_core_index = leader.core_index;
    plan.leader_node = leader.node;
    plan.leader_core_in_node = leader.core_in_node;
    std::vector<noc::Destination> followers;
    for (std::size_t k = 1; k < slots.size(); ++k) followers.push_back({slots[k].node, slots[k].core_in_node});
    plan.has_followers = !followers.empty();
    if (plan.has_followers) plan.error_tree = chip.mesh().add_multicast_tree(leader.node, followers);
    plans.push_back(plan);
  }
  return plans;
}

// What the reference's last sample implies for the chip's learning engines: per core of
// each layer, the rows it multiplies (every row whose input spiked, if any of its neurons
// has e_j != 0) and the rows it writes (some round_shift(-e_j x_i) != 0 among its neurons).
void add_core_work(const FfReference& ref, const mapper::Mapping& mapping, FfWorkTotals& totals) {
  std::vector<uint32_t> active;
  for (std::size_t l = 1; l <= mapping.layers.size(); ++l) {
    const LayerState& s = ref.layer(static_cast<uint32_t>(l));
    uint64_t rows_spiked = 0;
    for (uint32_t x : s.x) rows_spiked += x > 0 ? 1 : 0;
    for (const mapper::CoreSlot& slot : mapping.layers[l - 1]) {
      active.clear();
      for (uint32_t j = slot.first_neuron; j < slot.first_neuron + slot.neuron_count; ++j) {
        if (s.neuron_error[j] != 0) active.push_back(j);
      }
      if (active.empty()) continue;
      totals.core_multiplies += rows_spiked * slot.neuron_count;
      for (uint32_t x : s.x) {
        if (x == 0) continue;
        const bool written = std::any_of(active.begin(), active.end(), [&](uint32_t j) {
          return workloads::round_shift(-(s.neuron_error[j] * x), ref.lr_shift()) != 0;
        });
        totals.core_rows_written += written ? 1 : 0;
      }
    }
  }
}

void add_counts(const SampleCounts& c, FfWorkTotals& totals) {
  totals.sops_forward += c.sops_forward;
  totals.update_ops += c.update_ops;
  totals.weights_written += c.weights_written;
  totals.rows_written += c.rows_written;
}

// The leaders' records of sample s against the reference's layer states; "" if equal.
// `sample` indexes the records (training samples, then test samples).
const char* compare_records(const FfJobResult& result, const FfReference& ref, std::size_t sample, bool training,
                            uint32_t* layer) {
  const auto layers = static_cast<uint32_t>(result.chip_records.size());
  for (uint32_t l = 1; l <= layers; ++l) {
    const LeaderRecord& chip = result.chip_records[l - 1][sample];
    const LayerState& state = ref.layer(l);
    *layer = l;
    for (uint32_t c = 0; c < kClasses; ++c) {
      if (chip.goodness[c] != state.goodness_sum[c]) return "goodness sums differ";
      if (chip.logits[c] != state.logits[c]) return "logits differ";
      if (training && chip.class_error[c] != state.class_error[c]) return "class errors differ";
    }
    if (l != layers) continue;
    for (uint32_t c = 0; c < kClasses; ++c) {
      int64_t potential = 0;
      const uint32_t begin = ref.group_start(l, c), end = begin + ref.group_size(l, c);
      for (uint32_t j = begin; j < end; ++j) potential += state.potentials[j];
      if (chip.potential[c] != potential) return "group potential sums differ";
    }
  }
  return nullptr;
}

// One sample's comparison: prediction, then the leaders' records; "" if equal.
std::string compare_sample(const FfJobResult& result, const FfReference& ref, std::size_t sample, bool training,
                           uint32_t chip_predicted, uint32_t reference_predicted, std::size_t number) {
  const auto what = [&] { return std::string(training ? "training" : "test") + " sample " + std::to_string(number); };
  if (chip_predicted != reference_predicted) return what() + ": predictions differ";
  uint32_t layer = 0;
  const char* difference = compare_records(result, ref, sample, training, &layer);
  return difference == nullptr ? "" : what() + ", layer " + std::to_string(layer) + ": " + difference;
}

std::string compare_counts(const Report& r, const FfWorkTotals& t) {
  const auto forward = static_cast<int>(Phase::kForward);
  const auto backward = static_cast<int>(Phase::kBackward);
  const auto update = static_cast<int>(Phase::kUpdate);
  if (stat_sum(r, ".sops", forward) != t.sops_forward) return "forward SOPs differ";
  if (stat_sum(r, ".sops", backward) != 0 || stat_sum(r, ".sops", update) != 0) {
    return "SOPs outside the forward pass (FF sends nothing backward)";
  }
  if (stat_sum(r, ".learning.weight_updates") != t.weights_written) return "weights written differ";
  if (stat_sum(r, ".learning.rows_updated") != t.core_rows_written) return "rows written differ";
  if (stat_sum(r, ".learning.multiplies") != t.core_multiplies) return "update multiplies differ";
  return "";
}

}  // namespace

FfJobResult run_ff_job(const FfJobOptions& options) {
  const ChipConfig& chip_config = options.chip;
  const RunConfig& run = options.run;
  const energy::EnergyModel energy = job::validated_energy_model(options);
  if (run.training().batch_size() != 1) {
    throw ConfigError("run.training.batch_size = " + std::to_string(run.training().batch_size()) +
                      ": the FF firmware trains online (1)");
  }
  const FfOptions ff = options_from_config(run, chip_config);
  const std::vector<uint32_t>& sizes = ff.layer_sizes;
  const uint32_t weight_bits = chip_config.core().weight_width_bits();
  const workloads::NetworkWeights initial = job::initial_weights(run, sizes, weight_bits);
  FfReference reference(ff, initial);  // also checks the FF options (ConfigError)
  const job::LoadedData loaded = job::load_data(run);
  const workloads::Dataset& train = loaded.split.train;
  const workloads::Dataset& test = loaded.split.test;
  const mapper::Mapping mapping = mapper::map_network(chip_config, sizes);

  FfSchedule schedule;
  schedule.data = &train;
  const std::vector<uint32_t> order = job::training_samples(run, train);
  const auto samples = static_cast<uint32_t>(order.size());
  schedule.sample_indices = order;
  schedule.encoder_indices.assign(order.begin(), order.end());  // epoch 0: the sample's index
  schedule.test_data = &test;
  schedule.test_indices = job::test_indices(run, test);
  for (uint32_t i : schedule.test_indices) schedule.test_encoder_indices.push_back(workloads::kTestSampleIndexBase + i);
  const auto test_samples = static_cast<uint32_t>(schedule.test_indices.size());
  schedule.time_steps = ff.time_steps;
  schedule.state_width_bits = ff.neuron.state_width_bits;
  schedule.encoder = ff.encoder;
  schedule.seed = ff.seed;
  schedule.lr_shift = ff.lr_shift;
  schedule.gate = ff.gate;
  schedule.predict_last_layer = ff.predict_last_layer;
  schedule.class_adaptation = ff.class_adaptation;
  schedule.adaptation_window = ff.adaptation_window;
  schedule.adaptation_interval = ff.adaptation_interval;

  SimContext ctx(config::clock_period_ps(chip_config));
  const std::unique_ptr<trace::Tracer> tracer = job::make_tracer(options.trace, ctx);
  chip::Chip chip("chip", chip_config, ctx);
  chip.configure(mapping, ff.neuron);
  job::preload_weights(chip, initial, weight_bits);
  schedule.layers = plan_layers(ff, mapping, chip);

  std::vector<std::unique_ptr<FfCoreProgram>> programs;
  std::vector<const FfCoreProgram*> leaders;
  for (const auto& layer : mapping.layers) {
    for (const auto& slot : layer) {
      programs.push_back(std::make_unique<FfCoreProgram>(schedule));
      chip.core(slot.core_index).set_program(programs.back().get());
      if (slot.first_neuron == 0) leaders.push_back(programs.back().get());
    }
  }
  // The report as it stands when training ends: energy per trained sample comes from it.
  Report training_report;
  FfHostProgram host(
      schedule, chip, leaders,
      [&](uint32_t done) {
        if (options.progress) options.progress(done, samples + test_samples);
      },
      [&] {
        training_report = job::chip_report(chip, energy, ctx);
      });
  chip.host().set_program(&host);

  FfJobResult result;
  result.chip_wall_seconds = job::simulate(chip);
  result.chip_outcomes = host.outcomes();
  result.chip_test_outcomes = host.test_outcomes();
  for (const FfCoreProgram* leader : leaders) result.chip_records.push_back(leader->records());
  result.chip_weights = job::read_back_weights(chip, initial, weight_bits);

  Report& report = result.report;
  report = job::chip_report(chip, energy, ctx);
  report.set_kind("ff");
  workloads::AccuracyMeter train_meter, test_meter;
  for (const auto& o : result.chip_outcomes) train_meter.add(o.label, o.predicted);
  for (const auto& o : result.chip_test_outcomes) test_meter.add(o.label, o.predicted);
  job::fill_training_summary(report, training_report, "FF (class groups, layer-local)", train_meter, test_meter);
  job::fill_provenance(report, chip_config, run, options.energy, train, loaded.dir, options.command_line);
  job::fill_speed(report, result.chip_wall_seconds);
  report.add_notes("Weights are preloaded into the synapse SRAMs before the run; that load is not counted.");

  if (options.check_reference) {
    FfWorkTotals& totals = result.reference_totals;
    const auto reference_start = WallClock::now();
    for (std::size_t s = 0; s < order.size() && result.mismatch.empty(); ++s) {
      const uint32_t d = order[s];
      const uint32_t predicted = reference.train(train.sample(d), train.labels[d], d);
      result.mismatch = compare_sample(result, reference, s, true, result.chip_outcomes[s].predicted, predicted, s);
      add_counts(reference.last_counts(), totals);
      add_core_work(reference, mapping, totals);
    }
    for (std::size_t k = 0; k < schedule.test_indices.size() && result.mismatch.empty(); ++k) {
      const uint32_t i = schedule.test_indices[k];
      const uint32_t predicted = reference.predict(test.sample(i), schedule.test_encoder_indices[k]);
      result.mismatch =
          compare_sample(result, reference, samples + k, false, result.chip_test_outcomes[k].predicted, predicted, k);
      add_counts(reference.last_counts(), totals);
    }
    result.reference_wall_seconds = seconds_since(reference_start);
    result.reference_alpha = reference.alpha();
    report.mutable_speed()->set_reference_wall_seconds(result.reference_wall_seconds);
    if (result.mismatch.empty()) {
      for (std::size_t l = 0; l < reference.weights().layers.size(); ++l) {
        if (result.chip_weights.layers[l].w != reference.weights().layers[l].w) {
          result.mismatch = "layer " + std::to_string(l + 1) + ": weights differ after training";
          break;
        }
      }
    }
    if (result.mismatch.empty()) result.mismatch = compare_counts(report, totals);
    result.reference_checked = true;
    result.reference_matches = result.mismatch.empty();
    report.add_notes(result.reference_matches
                         ? "Functional reference: bit-exact match (predictions, goodness sums, logits, class errors, "
                           "trained weights, forward SOPs, weights and rows written, update multiplies)."
                         : "Functional reference MISMATCH: " + result.mismatch);
    char line[320];
    std::snprintf(line, sizeof line,
                  "Learning work: %llu update products with a non-zero error (reference), %llu multiplied by the "
                  "learning engines (whole rows of every core with a non-zero error); %llu weights and %llu "
                  "core rows written.",
                  static_cast<unsigned long long>(totals.update_ops),
                  static_cast<unsigned long long>(totals.core_multiplies),
                  static_cast<unsigned long long>(totals.weights_written),
                  static_cast<unsigned long long>(totals.core_rows_written));
    report.add_notes(line);
  }
  if (tracer) tracer->finish(chip.now());
  return result;
}

}  // namespace nmsim::ff
