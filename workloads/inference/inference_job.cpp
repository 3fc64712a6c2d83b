#include "workloads/inference/inference_job.h"

#include <sstream>

#include "workloads/common/network.h"
#include "workloads/job/chip_job.h"

namespace nmsim::inference {

void InferenceJob::read_options(const ChipConfig& chip, const RunConfig& run) {
  m_run = run;
  m_network.layer_sizes = workloads::layer_sizes(run);
  m_network.weight_width_bits = chip.core().weight_width_bits();
  m_network.neuron = workloads::neuron_params(run, chip);
}

job::Network InferenceJob::network(const workloads::DatasetSplit& /*data*/) {
  m_network.weights = job::initial_weights(m_run, m_network.layer_sizes, m_network.weight_width_bits);
  return m_network;
}

void InferenceJob::schedule(const workloads::DatasetSplit& data, const mapper::Mapping& /*mapping*/) {
  const std::vector<uint32_t>& sizes = m_network.layer_sizes;
  m_schedule.data = &data.test;
  m_schedule.sample_indices = job::test_indices(m_run, data.test);
  m_schedule.time_steps = m_run.time_steps();
  m_schedule.layers = static_cast<uint32_t>(sizes.size() - 1);
  m_schedule.encoder = m_run.encoder();
  m_schedule.seed = m_run.seed();
  if (m_spike_record == nullptr) return;
  m_spike_record->assign(m_schedule.sample_indices.size(),
                         std::vector<std::vector<SpikeBitmap>>(m_schedule.time_steps));
  for (auto& steps : *m_spike_record) {
    for (auto& layers : steps) {
      layers.resize(sizes.size());
      for (std::size_t l = 0; l < sizes.size(); ++l) layers[l].resize(sizes[l]);
    }
  }
}

void InferenceJob::load_programs(chip::Chip& chip, const mapper::Mapping& mapping, const job::ProgramHooks& hooks) {
  for (const auto& layer : mapping.layers) {
    for (const auto& slot : layer) {
      m_programs.push_back(std::make_unique<InferenceCoreProgram>(m_schedule, m_spike_record));
      chip.core(slot.core_index).set_program(m_programs.back().get());
    }
  }
  const auto samples = static_cast<uint32_t>(m_schedule.sample_indices.size());
  m_host = std::make_unique<InferenceHostProgram>(m_schedule, chip,
                                                  [hooks, samples](uint32_t done) { hooks.progress(done, samples); });
  chip.host().set_program(m_host.get());
}

void InferenceJob::read_back(chip::Chip& /*chip*/) { m_chip_outcomes = m_host->outcomes(); }

job::Accuracy InferenceJob::accuracy() const {
  job::Accuracy accuracy;
  for (const auto& o : m_chip_outcomes) accuracy.test.add(o.label, o.predicted);
  return accuracy;
}

void InferenceJob::add_notes(Report& report) const {
  if (m_run.network().weights_file().empty()) {
    report.mutable_provenance()->set_weights_source("random from seed (untrained: accuracy is chance level)");
  }
  report.add_notes("Weights are preloaded into the synapse SRAMs before the run; that load is "
                   "not counted. Host I/O counts the pixels in and the outputs out per sample.");
}

std::string InferenceJob::check_reference(const job::ChipTotals& chip) {
  InferenceReference reference(m_network.layer_sizes, m_network.weights, m_network.neuron, m_run.time_steps(),
                               m_run.encoder(), m_run.seed());
  for (uint32_t i : m_schedule.sample_indices) {
    m_reference_outcomes.push_back(reference.run(m_schedule.data->sample(i), i, m_spike_record != nullptr));
  }
  uint64_t reference_sops = 0;
  for (std::size_t s = 0; s < m_chip_outcomes.size(); ++s) {
    const ChipSampleOutcome& c = m_chip_outcomes[s];
    const SampleResult& r = m_reference_outcomes[s];
    std::ostringstream where;
    where << "sample " << s << ": ";
    if (c.output_counts != r.output_counts) return where.str() + "output spike counts differ";
    if (c.final_potentials != r.final_potentials) return where.str() + "final potentials differ";
    if (c.predicted != r.predicted) return where.str() + "predictions differ";
    for (uint64_t v : r.sops_per_layer) reference_sops += v;
    if (m_spike_record == nullptr) continue;
    for (std::size_t t = 0; t < r.spikes.size(); ++t) {
      for (std::size_t l = 1; l < r.spikes[t].size(); ++l) {
        if ((*m_spike_record)[s][t][l] != r.spikes[t][l]) {
          where << "step " << t << " layer " << l << " spikes differ";
          return where.str();
        }
      }
    }
  }
  if (chip.sops.total() != reference_sops) {
    return "SOPs differ: chip " + std::to_string(chip.sops.total()) + ", reference " + std::to_string(reference_sops);
  }
  return "";
}

job::WorkloadDefinition definition() {
  job::WorkloadDefinition d;
  d.workload = WORKLOAD_INFERENCE;
  d.name = "inference";
  d.chip_job = [] { return std::make_unique<InferenceJob>(); };
  return d;
}

}  // namespace nmsim::inference
