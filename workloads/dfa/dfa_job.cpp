#include "workloads/dfa/dfa_job.h"

#include "models/base/errors.h"
#include "workloads/common/network.h"
#include "workloads/dfa/split_rounding.h"
#include "workloads/dfa/study.h"
#include "workloads/job/chip_job.h"
#include "workloads/job/group_factors.h"
#include "workloads/job/weights_io.h"

namespace nmsim::dfa {

void DfaJob::read_options(const ChipConfig& chip, const RunConfig& run) {
  m_run = run;
  m_schedule.params = dfa_params(run.dfa(), chip);
  if (run.training().batch_size() != 1) {
    throw ConfigError("run.training.batch_size = " + std::to_string(run.training().batch_size()) +
                      ": the DFA firmware trains online (1)");
  }
  m_network.layer_sizes = workloads::layer_sizes(run);
  m_network.weight_width_bits = chip.core().weight_width_bits();
  m_network.neuron = workloads::neuron_params(run, chip);
}

job::Network DfaJob::network(const workloads::DatasetSplit& /*data*/) {
  m_network.weights = job::initial_weights(m_run, m_network.layer_sizes, m_network.weight_width_bits);
  return m_network;
}

void DfaJob::schedule(const workloads::DatasetSplit& data, const mapper::Mapping& mapping) {
  if (mapping.layers.back().size() != mapping.layers.back().front().fan_in_groups)
    throw ConfigError("the DFA firmware needs the output layer's neurons on one core");
  const std::vector<uint32_t>& sizes = m_network.layer_sizes;
  DfaSchedule& s = m_schedule;
  s.data = &data.train;
  s.sample_indices = job::training_samples(m_run, data.train);
  s.encoder_indices.assign(s.sample_indices.begin(), s.sample_indices.end());  // epoch 0: the sample's index
  s.test_data = &data.test;
  s.test_indices = job::test_indices(m_run, data.test);
  s.time_steps = m_run.time_steps();
  s.layers = static_cast<uint32_t>(sizes.size() - 1);
  s.encoder = m_run.encoder();
  s.seed = m_run.seed();
  s.neuron = m_network.neuron;
  for (uint32_t h = 0; h + 2 < sizes.size(); ++h) {
    s.feedback.push_back(make_feedback(s.params, m_run.seed(), h, sizes[h + 1], sizes.back()));
  }
}

void DfaJob::load_programs(chip::Chip& chip, const mapper::Mapping& mapping, const job::ProgramHooks& hooks) {
  if (m_schedule.params.stochastic_rounding) {  // each lane's generator, seeded once per run like the weights
    for (const auto& layer : mapping.layers) {
      for (const auto& slot : layer) {
        std::vector<uint32_t> states(slot.neuron_count);
        for (uint32_t k = 0; k < slot.neuron_count; ++k) {
          states[k] = rounding_seed(m_run.seed(), slot.layer, slot.first_neuron + k);
        }
        chip.core(slot.core_index).enable_stochastic_rounding(states);
      }
    }
  }
  std::vector<noc::Destination> hidden_cores;
  for (std::size_t l = 0; l + 1 < mapping.layers.size(); ++l) {
    for (const auto& slot : mapping.layers[l]) {
      if (slot.owns_neurons()) hidden_cores.push_back({slot.node, slot.core_in_node});
    }
  }
  // A network without hidden layers (one core, as on odin_like) trains its output layer alone.
  m_schedule.has_hidden_layers = !hidden_cores.empty();
  if (m_schedule.has_hidden_layers) {
    m_schedule.error_tree = chip.mesh().add_multicast_tree(mapping.layers.back().front().node, hidden_cores);
  }

  for (const auto& layer : mapping.layers) {
    for (std::size_t i = 0; i < layer.size(); ++i) {
      const mapper::CoreSlot& slot = layer[i];
      const auto factor_tree = job::add_group_factor_tree(chip, layer, i);
      auto rounding_peers = m_schedule.params.stochastic_rounding ? line_count_destinations(layer, i)
                                                                  : std::vector<noc::Destination>{};
      m_programs.push_back(std::make_unique<DfaCoreProgram>(m_schedule, factor_tree, std::move(rounding_peers)));
      chip.core(slot.core_index).set_program(m_programs.back().get());
    }
  }
  const auto total = static_cast<uint32_t>(m_schedule.sample_indices.size() + m_schedule.test_indices.size());
  m_host = std::make_unique<DfaHostProgram>(
      m_schedule, chip, [hooks, total](uint32_t done) { hooks.progress(done, total); }, hooks.training_ended);
  chip.host().set_program(m_host.get());
}

void DfaJob::read_back(chip::Chip& chip) {
  m_chip_outcomes = m_host->outcomes();
  m_chip_test_outcomes = m_host->test_outcomes();
  m_chip_weights = job::read_back_weights(chip, m_network.weights, m_network.weight_width_bits);
}

job::Accuracy DfaJob::accuracy() const {
  job::Accuracy accuracy;
  for (const auto& o : m_chip_outcomes) accuracy.train.add(o.label, o.predicted);
  for (const auto& o : m_chip_test_outcomes) accuracy.test.add(o.label, o.predicted);
  return accuracy;
}

void DfaJob::add_notes(Report& report) const { report.add_notes(job::kPreloadNote); }

std::string DfaJob::check_reference(const job::ChipTotals& chip) {
  const workloads::Dataset& train = *m_schedule.data;
  const workloads::Dataset& test = *m_schedule.test_data;
  DfaReference reference(m_network.layer_sizes, m_network.weights, m_schedule.neuron, m_schedule.params,
                         m_run.time_steps(), m_run.encoder(), m_run.seed());
  // Training predictions, then test predictions.
  std::vector<uint32_t> predictions, chip_predictions;
  for (uint32_t d : m_schedule.sample_indices) {
    predictions.push_back(reference.train(train.sample(d), train.labels[d], d, m_reference_counts));
  }
  for (uint32_t d : m_schedule.test_indices) {
    predictions.push_back(reference.infer(test.sample(d), d, &m_reference_counts));
  }
  for (const auto& o : m_chip_outcomes) chip_predictions.push_back(o.predicted);
  for (const auto& o : m_chip_test_outcomes) chip_predictions.push_back(o.predicted);
  if (chip_predictions.size() != predictions.size()) return "sample counts differ";
  for (std::size_t s = 0; s < predictions.size(); ++s) {
    if (chip_predictions[s] != predictions[s]) return "sample " + std::to_string(s) + ": predictions differ";
  }
  for (std::size_t l = 0; l < reference.weights().layers.size(); ++l) {
    if (m_chip_weights.layers[l].w != reference.weights().layers[l].w) {
      return "layer " + std::to_string(l + 1) + ": weights differ after training";
    }
  }
  if (chip.sops[Phase::kForward] != m_reference_counts.sops_forward) return "forward SOPs differ";
  if (chip.sops[Phase::kBackward] != m_reference_counts.sops_feedback) return "feedback SOPs differ";
  if (chip.weight_updates.total() != m_reference_counts.weights_written) return "weights written differ";
  return "";
}

job::WorkloadDefinition definition() {
  job::WorkloadDefinition d;
  d.workload = WORKLOAD_DFA;
  d.name = "dfa";
  d.chip_job = [] { return std::make_unique<DfaJob>(); };
  d.trains_inference_network = true;
  d.study = run_study;
  d.compare_title = "sparse DFA";
  return d;
}

}  // namespace nmsim::dfa
