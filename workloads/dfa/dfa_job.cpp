#include "workloads/dfa/dfa_job.h"

#include <chrono>
#include <cstdio>
#include <memory>

#include "models/base/errors.h"
#include "platform/chip/chip.h"
#include "workloads/job/weights_io.h"
#include "platform/config/validate.h"
#include "platform/energy/energy_model.h"
#include "platform/mapper/mapper.h"
#include "workloads/common/metrics.h"
#include "workloads/job/chip_job.h"

namespace nmsim::dfa {

namespace {

using job::seconds_since;
using job::stat_sum;
using job::WallClock;

std::string compare(const DfaJobResult& result, const std::vector<uint32_t>& reference_predictions,
                    const workloads::NetworkWeights& reference_weights, const SampleCounts& counts) {
  // Training predictions, then test predictions.
  std::vector<uint32_t> chip_predictions;
  for (const auto& o : result.chip_outcomes) chip_predictions.push_back(o.predicted);
  for (const auto& o : result.chip_test_outcomes) chip_predictions.push_back(o.predicted);
  if (chip_predictions.size() != reference_predictions.size()) return "sample counts differ";
  for (std::size_t s = 0; s < reference_predictions.size(); ++s) {
    if (chip_predictions[s] != reference_predictions[s]) {
      return "sample " + std::to_string(s) + ": predictions differ";
    }
  }
  for (std::size_t l = 0; l < reference_weights.layers.size(); ++l) {
    if (result.chip_weights.layers[l].w != reference_weights.layers[l].w) {
      return "layer " + std::to_string(l + 1) + ": weights differ after training";
    }
  }
  const Report& r = result.report;
  const auto forward = static_cast<int>(Phase::kForward);
  const auto backward = static_cast<int>(Phase::kBackward);
  if (stat_sum(r, ".sops", forward) != counts.sops_forward) return "forward SOPs differ";
  if (stat_sum(r, ".sops", backward) != counts.sops_feedback) return "feedback SOPs differ";
  if (stat_sum(r, ".learning.weight_updates") != counts.weights_written) return "weights written differ";
  return "";
}

}  // namespace

DfaJobResult run_dfa_job(const DfaJobOptions& options) {
  const ChipConfig& chip_config = options.chip;
  const RunConfig& run = options.run;
  const energy::EnergyModel energy = job::validated_energy_model(options);
  const DfaParams params = dfa_params(run.dfa(), chip_config);
  if (run.training().batch_size() != 1) {
    throw ConfigError("run.training.batch_size = " + std::to_string(run.training().batch_size()) +
                      ": the DFA firmware trains online (1)");
  }

  const job::LoadedData loaded = job::load_data(run);
  const workloads::Dataset& train = loaded.split.train;
  const std::vector<uint32_t> sizes = layer_sizes(run);
  const mapper::Mapping mapping = mapper::map_network(chip_config, sizes);
  if (mapping.layers.back().size() != 1) throw ConfigError("the DFA firmware needs the output layer on one core");
  const uint32_t weight_bits = chip_config.core().weight_width_bits();
  const workloads::NetworkWeights initial = job::initial_weights(run, sizes, weight_bits);

  DfaSchedule schedule;
  schedule.data = &train;
  const std::vector<uint32_t> order = job::training_samples(run, train);
  const auto samples = static_cast<uint32_t>(order.size());
  schedule.sample_indices = order;
  schedule.encoder_indices.assign(order.begin(), order.end());  // epoch 0: the sample's index
  const workloads::Dataset& test = loaded.split.test;
  schedule.test_data = &test;
  schedule.test_indices = job::test_indices(run, test);
  const auto test_samples = static_cast<uint32_t>(schedule.test_indices.size());
  schedule.time_steps = run.time_steps();
  schedule.layers = static_cast<uint32_t>(sizes.size() - 1);
  schedule.encoder = run.encoder();
  schedule.seed = run.seed();
  schedule.params = params;
  schedule.neuron = neuron_params(run, chip_config);
  for (uint32_t h = 0; h + 2 < sizes.size(); ++h) {
    schedule.feedback.push_back(make_feedback(params, run.seed(), h, sizes[h + 1], sizes.back()));
  }

  SimContext ctx(config::clock_period_ps(chip_config));
  const std::unique_ptr<trace::Tracer> tracer = job::make_tracer(options.trace, ctx);
  chip::Chip chip("chip", chip_config, ctx);
  chip.configure(mapping, schedule.neuron);
  job::preload_weights(chip, initial, weight_bits);
  if (params.stochastic_rounding) {  // each lane's generator, seeded once per run like the weights
    for (const auto& layer : mapping.layers) {
      for (const auto& slot : layer) {
        std::vector<uint32_t> states(slot.neuron_count);
        for (uint32_t k = 0; k < slot.neuron_count; ++k) states[k] = rounding_seed(run.seed(), slot.layer, slot.first_neuron + k);
        chip.core(slot.core_index).enable_stochastic_rounding(states);
      }
    }
  }
  std::vector<noc::Destination> hidden_cores;
  for (std::size_t l = 0; l + 1 < mapping.layers.size(); ++l) {
    for (const auto& slot : mapping.layers[l]) hidden_cores.push_back({slot.node, slot.core_in_node});
  }
  schedule.error_tree = chip.mesh().add_multicast_tree(mapping.layers.back().front().node, hidden_cores);

  std::vector<std::unique_ptr<DfaCoreProgram>> programs;
  for (const auto& layer : mapping.layers) {
    for (const auto& slot : layer) {
      programs.push_back(std::make_unique<DfaCoreProgram>(schedule));
      chip.core(slot.core_index).set_program(programs.back().get());
    }
  }
  // The report as it stands when training ends: energy per trained sample comes from it.
  Report training_report;
  DfaHostProgram host(
      schedule, chip,
      [&](uint32_t done) {
        if (options.progress) options.progress(done, samples + test_samples);
      },
      [&] {
        training_report = job::chip_report(chip, energy, ctx);
      });
  chip.host().set_program(&host);

  DfaJobResult result;
  result.chip_wall_seconds = job::simulate(chip);
  result.chip_outcomes = host.outcomes();
  result.chip_test_outcomes = host.test_outcomes();
  result.chip_weights = job::read_back_weights(chip, initial, weight_bits);

  Report& report = result.report;
  report = job::chip_report(chip, energy, ctx);
  report.set_kind("dfa");
  workloads::AccuracyMeter train_meter, test_meter;
  for (const auto& o : result.chip_outcomes) train_meter.add(o.label, o.predicted);
  for (const auto& o : result.chip_test_outcomes) test_meter.add(o.label, o.predicted);
  job::fill_training_summary(report, training_report, "Sparse DFA", train_meter, test_meter);
  job::fill_provenance(report, chip_config, run, options.energy, train, loaded.dir, options.command_line);
  job::fill_speed(report, result.chip_wall_seconds);
  report.add_notes("Weights are preloaded into the synapse SRAMs before the run; that load is not counted.");

  if (options.check_reference) {
    DfaReference reference(sizes, initial, schedule.neuron, params, run.time_steps(), run.encoder(), run.seed());
    std::vector<uint32_t> predictions;
    const auto reference_start = WallClock::now();
    for (std::size_t s = 0; s < order.size(); ++s) {
      const uint32_t d = order[s];
      predictions.push_back(reference.train(train.sample(d), train.labels[d], d, result.reference_counts));
    }
    for (uint32_t d : schedule.test_indices) {
      predictions.push_back(reference.infer(test.sample(d), d, &result.reference_counts));
    }
    result.reference_wall_seconds = seconds_since(reference_start);
    report.mutable_speed()->set_reference_wall_seconds(result.reference_wall_seconds);
    result.reference_checked = true;
    result.mismatch = compare(result, predictions, reference.weights(), result.reference_counts);
    result.reference_matches = result.mismatch.empty();
    report.add_notes(result.reference_matches
                         ? "Functional reference: bit-exact match (predictions, trained weights, SOPs, weight writes)."
                         : "Functional reference MISMATCH: " + result.mismatch);
  }
  if (tracer) tracer->finish(chip.now());
  return result;
}

}  // namespace nmsim::dfa
