#include "workloads/inference/inference_job.h"

#include <chrono>
#include <cstring>
#include <memory>
#include <sstream>


#include "models/base/errors.h"
#include "platform/chip/chip.h"
#include "workloads/job/weights_io.h"
#include "platform/config/loader.h"
#include "platform/config/validate.h"
#include "platform/energy/energy_model.h"
#include "platform/mapper/mapper.h"
#include "workloads/common/dataset.h"
#include "workloads/common/metrics.h"
#include "workloads/common/weights.h"
#include "workloads/job/chip_job.h"

namespace nmsim::inference {

namespace {

using job::seconds_since;
using job::WallClock;


// Compares chip and reference outcomes and counts; returns the first difference or "".
std::string compare(const std::vector<ChipSampleOutcome>& chip,
                    const std::vector<SampleResult>& reference, const Report& report,
                    const SpikeRecord* record) {
  uint64_t reference_sops = 0;
  for (std::size_t s = 0; s < chip.size(); ++s) {
    const auto& c = chip[s];
    const auto& r = reference[s];
    std::ostringstream where;
    where << "sample " << s << ": ";
    if (c.output_counts != r.output_counts) return where.str() + "output spike counts differ";
    if (c.final_potentials != r.final_potentials) return where.str() + "final potentials differ";
    if (c.predicted != r.predicted) return where.str() + "predictions differ";
    for (uint64_t v : r.sops_per_layer) reference_sops += v;
    if (record != nullptr) {
      for (std::size_t t = 0; t < r.spikes.size(); ++t) {
        for (std::size_t l = 1; l < r.spikes[t].size(); ++l) {
          if ((*record)[s][t][l] != r.spikes[t][l]) {
            where << "step " << t << " layer " << l << " spikes differ";
            return where.str();
          }
        }
      }
    }
  }
  if (report.summary().sops() != reference_sops) {
    return "SOPs differ: chip " + std::to_string(report.summary().sops()) + ", reference " +
           std::to_string(reference_sops);
  }
  return "";
}

}  // namespace



InferenceJobResult run_inference_job(const InferenceJobOptions& options) {
  const ChipConfig& chip_config = options.chip;
  const RunConfig& run = options.run;
  const energy::EnergyModel energy = job::validated_energy_model(options);

  // Data, network, mapping, weights: every user error surfaces before elaboration.
  const job::LoadedData loaded = job::load_data(run);
  const std::string& data_dir = loaded.dir;
  const workloads::DatasetSplit& data = loaded.split;
  const std::vector<uint32_t> sizes = layer_sizes(run);
  const mapper::Mapping mapping = mapper::map_network(chip_config, sizes);
  const uint32_t weight_bits = chip_config.core().weight_width_bits();
  const workloads::NetworkWeights weights = job::initial_weights(run, sizes, weight_bits);

  InferenceSchedule schedule;
  schedule.data = &data.test;
  schedule.sample_indices = job::test_indices(run, data.test);
  const auto samples = static_cast<uint32_t>(schedule.sample_indices.size());
  schedule.time_steps = run.time_steps();
  schedule.layers = static_cast<uint32_t>(sizes.size() - 1);
  schedule.encoder = run.encoder();
  schedule.seed = run.seed();
  if (options.spike_record != nullptr) {
    options.spike_record->assign(samples, std::vector<std::vector<SpikeBitmap>>(
                                              schedule.time_steps));
    for (auto& steps : *options.spike_record) {
      for (auto& layers : steps) {
        layers.resize(sizes.size());
        for (std::size_t l = 0; l < sizes.size(); ++l) layers[l].resize(sizes[l]);
      }
    }
  }

  // Elaborate and run the chip.
  SimContext ctx(config::clock_period_ps(chip_config));
  const std::unique_ptr<trace::Tracer> tracer = job::make_tracer(options.trace, ctx);
  chip::Chip chip("chip", chip_config, ctx);
  const core::NeuronParams params = neuron_params(run, chip_config);
  chip.configure(mapping, params);
  job::preload_weights(chip, weights, weight_bits);

  std::vector<std::unique_ptr<InferenceCoreProgram>> programs;
  for (const auto& layer : mapping.layers) {
    for (const auto& slot : layer) {
      programs.push_back(std::make_unique<InferenceCoreProgram>(schedule, options.spike_record));
      chip.core(slot.core_index).set_program(programs.back().get());
    }
  }
  InferenceHostProgram host_program(schedule, chip, [&](uint32_t done) {
    if (options.progress) options.progress(done, samples);
  });
  chip.host().set_program(&host_program);

  InferenceJobResult result;
  result.chip_wall_seconds = job::simulate(chip);
  result.chip_outcomes = host_program.outcomes();

  Report& report = result.report;
  report = job::chip_report(chip, energy, ctx);
  report.set_kind("inference");
  workloads::AccuracyMeter meter;
  for (const auto& o : result.chip_outcomes) meter.add(o.label, o.predicted);
  Summary& summary = *report.mutable_summary();
  summary.set_samples(samples);
  summary.set_energy_per_sample_pj(samples > 0 ? summary.energy_pj() / samples : 0);
  job::fill_accuracy(summary, meter);

  job::fill_provenance(report, chip_config, run, options.energy, data.test, data_dir, options.command_line);
  if (run.network().weights_file().empty()) {
    report.mutable_provenance()->set_weights_source("random from seed (untrained: accuracy is chance level)");
  }
  job::fill_speed(report, result.chip_wall_seconds);
  report.add_notes("Weights are preloaded into the synapse SRAMs before the run; that load is "
                   "not counted. Host I/O counts the pixels in and the outputs out per sample.");

  if (options.check_reference) {
    InferenceReference reference(sizes, weights, params, run.time_steps(), run.encoder(),
                                 run.seed());
    const auto reference_start = WallClock::now();
    for (uint32_t i : schedule.sample_indices) {
      result.reference_outcomes.push_back(
          reference.run(data.test.sample(i), i, options.spike_record != nullptr));
    }
    result.reference_wall_seconds = seconds_since(reference_start);
    result.reference_checked = true;
    report.mutable_speed()->set_reference_wall_seconds(result.reference_wall_seconds);
    result.mismatch = compare(result.chip_outcomes, result.reference_outcomes, report,
                              options.spike_record);
    result.reference_matches = result.mismatch.empty();
    report.add_notes(result.reference_matches
                         ? "Functional reference: bit-exact match (outputs, potentials, SOPs)."
                         : "Functional reference MISMATCH: " + result.mismatch);
  }
  if (tracer) tracer->finish(chip.now());
  return result;
}

}  // namespace nmsim::inference
