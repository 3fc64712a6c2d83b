#include "workloads/dfa/firmware.h"

#include <cstring>
#include <utility>

#include "models/base/errors.h"
#include "platform/chip/chip.h"
#include "workloads/common/metrics.h"
#include "workloads/job/forward_pass.h"
#include "workloads/job/group_factors.h"

namespace nmsim::dfa {

ErrorCost error_cost(uint32_t classes) {
  constexpr uint64_t kDividerCycles = 32;
  return {3 * uint64_t{classes} + kDividerCycles, 3 * uint64_t{classes}, 2 * uint64_t{classes}};
}

DfaCoreProgram::DfaCoreProgram(const DfaSchedule& schedule, std::optional<uint32_t> factor_tree,
                               std::vector<noc::Destination> rounding_peers)
    : m_schedule(schedule), m_factor_tree(factor_tree), m_encoder(schedule.encoder, schedule.seed, schedule.time_steps) {
  if (!rounding_peers.empty()) m_split_rounding.emplace(std::move(rounding_peers));
}


void DfaCoreProgram::run(core::NeuronCore& core) {
  // Every phase's sends are separated from what reads them by a barrier, and nothing here
  // reads the kernel's clock: the core's own work needs no wait of its own (neuron_core.h).
  core.set_deferred_waits(true);
  const core::CoreLayout& layout = core.layout();
  m_counts.assign(layout.neuron_count, 0);
  m_factors.assign(layout.neuron_count, 0);
  const bool owner = layout.owns_neurons();
  m_error.assign(layout.last_layer && owner ? layout.neuron_count : 0, 0);
  m_logits = m_probabilities = m_error;
  for (std::size_t s = 0; s < m_schedule.sample_indices.size(); ++s) {
    core.barrier(Phase::kForward);  // pixels and label are loaded
    job::run_forward_pass(core, m_encoder, m_input_spikes, m_schedule.encoder_indices[s], m_schedule.time_steps,
                          m_schedule.layers, Phase::kBackward);
    for (uint32_t j = 0; j < layout.neuron_count; ++j) m_counts[j] = core.spike_counts()[j];
    if (m_split_rounding) m_split_rounding->send_line_count(core);
    if (layout.last_layer && owner) backward_output(core);
    core.barrier(Phase::kBackward);  // errors (and line counts) delivered
    const RoundingSteps steps = m_split_rounding ? m_split_rounding->read_line_counts(core) : RoundingSteps{};
    if (!layout.last_layer && owner) backward_hidden(core);
    core.barrier(Phase::kUpdate);  // factors delivered to the fan-in group cores
    if (!owner) job::receive_group_factors(core, m_factors);
    update(core, steps);
    core.barrier(Phase::kHostIo);
  }
  for (uint32_t index : m_schedule.test_indices) {
    core.barrier(Phase::kForward);  // pixels are loaded
    job::run_forward_pass(core, m_encoder, m_input_spikes, index, m_schedule.time_steps, m_schedule.layers,
                          Phase::kHostIo);
  }
}

void DfaCoreProgram::backward_output(core::NeuronCore& core) {
  const core::CoreLayout& layout = core.layout();
  NMSIM_ASSERT(layout.first_neuron == 0, "the output layer spans one core");
  const auto label = static_cast<uint32_t>(core.host_register(HostRegister::kLabel));
  output_error(m_schedule.params, m_schedule.neuron, m_schedule.time_steps, m_counts.data(),
               core.potentials().data(), layout.neuron_count, label, m_logits.data(),
               m_probabilities.data(), m_error.data());
  const ErrorCost cost = error_cost(layout.neuron_count);
  core.controller_compute(cost.cycles, cost.adds, cost.multiplies);
  for (uint32_t k = 0; k < layout.neuron_count && m_schedule.has_hidden_layers; ++k) {
    if (m_error[k] != 0) core.send_value(m_schedule.error_tree, k, m_error[k]);
  }
  std::memcpy(m_factors.data(), m_error.data(), m_error.size() * sizeof(int32_t));
  if (m_factor_tree) job::send_group_factors(core, *m_factor_tree, m_factors);
}

void DfaCoreProgram::backward_hidden(core::NeuronCore& core) {
  const core::CoreLayout& layout = core.layout();
  const FeedbackMatrix& feedback = m_schedule.feedback[layout.layer - 1];
  std::vector<int32_t>& error = m_error;
  error.assign(feedback.classes, 0);  // classes whose error is 0 were not sent
  for (const auto& v : core.received_values()) {
    if (v.index < kLineCountIndex) error[v.index] = v.value;  // line counts were read
  }
  core.clear_received_values();
  const uint64_t sops = hidden_deltas(m_schedule.params, feedback, error.data(), m_schedule.time_steps,
                                      layout.first_neuron, layout.neuron_count, m_counts.data(),
                                      core.potentials().data(), m_factors.data());
  core.accumulate_values(sops);
  if (m_factor_tree) job::send_group_factors(core, *m_factor_tree, m_factors);
}



void DfaCoreProgram::update(core::NeuronCore& core, const RoundingSteps& steps) {
  const core::CoreLayout& layout = core.layout();
  const DfaParams& p = m_schedule.params;
  const int shift = layout.last_layer ? p.output_lr_shift : p.hidden_lr_shift;
  bool any = false;
  for (int32_t f : m_factors) any = any || f != 0;
  if (!any) return;  // no row can change, no lane draws
  if (steps.before > 0) core.advance_rounding(m_factors.data(), steps.before);
  core.update_rows_scaled(core.axon_counts().data(), m_factors.data(), shift);
  if (steps.after > 0) core.advance_rounding(m_factors.data(), steps.after);
}

DfaHostProgram::DfaHostProgram(const DfaSchedule& schedule, chip::Chip& chip,
                               std::function<void(uint32_t)> progress, std::function<void()> training_done)
    : m_schedule(schedule),
      m_chip(chip),
      m_progress(std::move(progress)),
      m_training_done(std::move(training_done)) {}

void DfaHostProgram::load(host::HostLink& link, const workloads::Dataset& data, uint32_t index, bool label) {
  const uint8_t* pixels = data.sample(index);
  for (const auto& slot : m_chip.mapping().layers.front()) {
    auto& buffer = m_chip.core(slot.core_index).input_pixels();
    std::memcpy(buffer.data(), pixels + slot.first_axon, buffer.size());  // its fan-in group's pixels
    link.transfer_to_chip(buffer.size() + sizeof(uint32_t));  // pixels + encoder index register
  }
  if (!label) return;
  const auto& output = m_chip.mapping().layers.back().front();
  m_chip.core(output.core_index).host_register(HostRegister::kLabel) = data.labels[index];
  link.transfer_to_chip(sizeof(int32_t));
}

ChipTrainingOutcome DfaHostProgram::read_outputs(host::HostLink& link, const workloads::Dataset& data,
                                                 uint32_t index) {
  const auto& slot = m_chip.mapping().layers.back().front();
  core::NeuronCore& core = m_chip.core(slot.core_index);
  const std::vector<uint32_t> counts(core.spike_counts().begin(), core.spike_counts().begin() + slot.neuron_count);
  const std::vector<int32_t> potentials(core.potentials().begin(), core.potentials().begin() + slot.neuron_count);
  link.transfer_from_chip(uint64_t{slot.neuron_count} * (1 + sizeof(int32_t)));
  ChipTrainingOutcome outcome;
  outcome.label = data.labels[index];
  outcome.predicted = workloads::predict(counts, potentials);
  return outcome;
}

void DfaHostProgram::run(host::HostLink& link) {
  const uint32_t forward_barriers = m_schedule.time_steps * m_schedule.layers;
  const auto& train = m_schedule.sample_indices;
  uint32_t done = 0;
  for (std::size_t s = 0; s < train.size(); ++s) {
    load(link, *m_schedule.data, train[s], true);
    link.barrier(Phase::kForward);
    for (uint32_t b = 1; b <= forward_barriers; ++b) {
      link.barrier(b == forward_barriers ? Phase::kBackward : Phase::kForward);
    }
    link.barrier(Phase::kBackward);
    link.barrier(Phase::kUpdate);
    link.barrier(Phase::kHostIo);
    // The outputs are those of the forward pass: the update does not touch them.
    m_outcomes.push_back(read_outputs(link, *m_schedule.data, train[s]));
    if (m_progress) m_progress(++done);
  }
  if (m_training_done) m_training_done();
  for (uint32_t index : m_schedule.test_indices) {
    load(link, *m_schedule.test_data, index, false);
    link.barrier(Phase::kForward);
    for (uint32_t b = 1; b <= forward_barriers; ++b) {
      link.barrier(b == forward_barriers ? Phase::kHostIo : Phase::kForward);
    }
    m_test_outcomes.push_back(read_outputs(link, *m_schedule.test_data, index));
    if (m_progress) m_progress(++done);
  }
}

}  // namespace nmsim::dfa
