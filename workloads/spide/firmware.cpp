#include "workloads/spide/firmware.h"

#include <algorithm>
#include <cstring>

#include "models/base/errors.h"
#include "platform/chip/chip.h"
#include "platform/mapper/mapper.h"
#include "workloads/common/fixed_point.h"
#include "workloads/common/softmax.h"
#include "workloads/spide/split_firmware.h"

namespace nmsim::spide {
namespace {
constexpr int32_t kOneQ8 = 256;
constexpr uint64_t kDividerCycles = 32;
}  // namespace

void configure_chip(chip::Chip& chip, const mapper::Mapping& mapping, const arith::NeuronParams& neuron,
                    SpideSchedule& schedule) {
  if (mapping.layers.size() == 2 && (mapping.layers[0].size() > 1 || mapping.layers[1].size() > 1)) {
    configure_split_chip(chip, mapping, neuron, schedule);
    return;
  }
  NMSIM_ASSERT(mapping.layers.size() == 2, "spide: a recurrent layer and a readout map as two layers");
  chip.configure(mapping, neuron);
  const mapper::CoreSlot& hidden = mapping.layers[0].front();
  const mapper::CoreSlot& output = mapping.layers[1].front();
  schedule.hidden_core = hidden.core_index;
  schedule.output_core = output.core_index;
  schedule.hidden_node = hidden.node;
  schedule.hidden_core_in_node = hidden.core_in_node;
  core::NeuronCore& core = chip.core(hidden.core_index);
  core::CoreLayout layout = core.layout();
  layout.tree_id = chip.mesh().add_multicast_tree(
      hidden.node, {{hidden.node, hidden.core_in_node}, {output.node, output.core_in_node}});
  core.configure(layout, neuron);
  core.set_transposed_block(0);
}

void charge_error_and_gradient(core::NeuronCore& core, uint32_t classes, uint32_t hidden, uint32_t nonzero_errors) {
  const uint64_t macs = uint64_t{hidden} * nonzero_errors;
  core.controller_compute(3 * uint64_t{classes} + kDividerCycles + macs + 2 * uint64_t{hidden},
                          3 * uint64_t{classes} + macs + 2 * uint64_t{hidden}, 2 * uint64_t{classes} + macs);
}

SpideCoreProgram::SpideCoreProgram(const SpideSchedule& schedule)
    : m_schedule(schedule),
      m_encoder(schedule.options.encoder, schedule.options.seed, schedule.options.forward_steps) {}

void SpideCoreProgram::run(core::NeuronCore& core) {
  const SpideOptions& o = m_schedule.options;
  const bool hidden = core.layout().first_layer;
  m_input_spikes.resize(o.inputs);
  m_axon_spikes.resize(o.hidden + o.inputs);
  m_plus.resize(o.hidden);
  m_minus.resize(o.hidden);
  m_logits.assign(o.classes, 0);
  m_probabilities.assign(o.classes, 0);
  m_error.assign(o.classes, 0);
  m_row.assign(o.classes, 0);
  m_gradient.assign(o.hidden, 0);
  m_factors.assign(hidden ? o.hidden : o.classes, 0);
  for (std::size_t s = 0; s < m_schedule.pixels.size(); ++s) {
    SpideChipRecord record;
    core.barrier(Phase::kForward);  // pixels and label are loaded
    if (hidden) {
      forward_hidden(core, m_schedule.encoder_indices[s], Phase::kBackward);
    } else {
      forward_output(core, Phase::kBackward);
      gradient_output(core);
    }
    core.barrier(Phase::kBackward);  // g delivered
    if (hidden) backward_hidden(core, record);
    core.barrier(Phase::kUpdate);
    if (hidden) {
      update_hidden(core);
    } else {
      update_output(core, o.hidden);
    }
    core.barrier(Phase::kHostIo);
    if (hidden) m_records.push_back(std::move(record));
  }
  for (uint64_t index : m_schedule.test_encoder_indices) {
    core.barrier(Phase::kForward);  // pixels are loaded
    if (hidden) {
      forward_hidden(core, index, Phase::kHostIo);
    } else {
      forward_output(core, Phase::kHostIo);
    }
  }
}

void SpideCoreProgram::encode(core::NeuronCore& core, uint32_t t) {
  const uint32_t n = m_schedule.options.hidden;
  m_encoder.step(t, m_input_spikes);
  m_axon_spikes.clear();
  m_input_spikes.for_each([&](uint32_t i) { m_axon_spikes.set(n + i); });
  core.set_input_spikes(m_axon_spikes);
}

void SpideCoreProgram::forward_hidden(core::NeuronCore& core, uint64_t encoder_index, Phase after) {
  const uint32_t steps = m_schedule.options.forward_steps;
  core.reset_neurons();
  m_encoder.start(core.input_pixels().data(), m_schedule.options.inputs, encoder_index);
  encode(core, 0);
  for (uint32_t t = 0; t < steps; ++t) {
    core.integrate();  // x[t] and s[t-1]
    core.fire();
    if (t + 1 < steps) encode(core, t + 1);  // clears the bitmap: before this step's spikes return
    core.send_spikes();
    core.barrier(Phase::kForward);  // s[t] delivered here and at the output core
    core.barrier(t + 1 == steps ? after : Phase::kForward);
  }
}

void SpideCoreProgram::forward_output(core::NeuronCore& core, Phase after) {
  const uint32_t steps = m_schedule.options.forward_steps;
  core.reset_neurons();
  for (uint32_t t = 0; t < steps; ++t) {
    core.barrier(Phase::kForward);
    core.integrate();  // o += O^T s[t]; no fire scan: the outputs only accumulate
    core.barrier(t + 1 == steps ? after : Phase::kForward);
  }
}

void SpideCoreProgram::gradient_output(core::NeuronCore& core) {
  const SpideOptions& o = m_schedule.options;
  const uint32_t nonzero = output_error(core);
  charge_error_and_gradient(core, o.classes, o.hidden, nonzero);
  if (nonzero == 0) return;  // g = 0: nothing to send
  row_gradients(core, o.hidden);
  if (!m_schedule.split()) {
    for (uint32_t i = 0; i < o.hidden; ++i)
      if (m_gradient[i] != 0) core.send_value_to(m_schedule.hidden_node, m_schedule.hidden_core_in_node, i, m_gradient[i]);
    return;
  }
  send_gradients(core, 0, o.hidden);
}

uint32_t SpideCoreProgram::output_error(core::NeuronCore& core) {
  const SpideOptions& o = m_schedule.options;
  const auto label = static_cast<uint32_t>(core.host_register(HostRegister::kLabel));
  NMSIM_ASSERT(label < o.classes, "spide: label out of range");
  for (uint32_t k = 0; k < o.classes; ++k)
    m_logits[k] = static_cast<int32_t>(workloads::round_shift(core.potentials()[k], static_cast<int>(o.logit_shift)));
  if (o.loss == Loss::kSoftmaxCrossEntropy) {
    workloads::softmax_q8(m_logits.data(), o.classes, m_probabilities.data());
    for (uint32_t k = 0; k < o.classes; ++k) m_error[k] = m_probabilities[k] - (k == label ? kOneQ8 : 0);
  } else {
    for (uint32_t k = 0; k < o.classes; ++k) m_error[k] = m_logits[k] - (k == label ? kOneQ8 : 0);
  }
  uint32_t nonzero = 0;
  for (uint32_t k = 0; k < o.classes; ++k) nonzero += m_error[k] != 0;
  return nonzero;
}

void SpideCoreProgram::row_gradients(core::NeuronCore& core, uint32_t rows) {
  const SpideOptions& o = m_schedule.options;
  const int64_t limit = int64_t{o.threshold} - 1;
  for (uint32_t i = 0; i < rows; ++i) {
    core.read_weights(i, m_row.data());  // O[i][*], before the update
    int64_t sum = 0;
    for (uint32_t k = 0; k < o.classes; ++k) sum += int64_t{m_row[k]} * m_error[k];
    const int64_t g = std::clamp<int64_t>(workloads::round_shift(sum, static_cast<int>(o.gradient_shift)), -limit, limit);
    m_gradient[i] = static_cast<int32_t>(g);
  }
}

void SpideCoreProgram::send_gradients(core::NeuronCore& core, uint32_t first_line, uint32_t rows) {
  for (uint32_t owner : m_schedule.range_owner) {  // g_i to the owner of i, its local index
    const SpideHiddenCore& h = m_schedule.hidden_cores[owner];
    const uint32_t begin = std::max(first_line, h.first_neuron);
    const uint32_t end = std::min(first_line + rows, h.first_neuron + h.neuron_count);
    for (uint32_t i = begin; i < end; ++i)
      if (m_gradient[i - first_line] != 0)
        core.send_value_to(h.node, h.core_in_node, i - h.first_neuron, m_gradient[i - first_line]);
  }
}

void SpideCoreProgram::backward_hidden(core::NeuronCore& core, SpideChipRecord& record) {
  const SpideOptions& o = m_schedule.options;
  std::fill(m_gradient.begin(), m_gradient.end(), 0);  // zero drives were not sent
  for (const auto& v : core.received_values()) m_gradient[v.index] = v.value;
  core.clear_received_values();
  core.reset_couples();
  core.set_couple_drive(m_gradient.data());
  core.set_couple_send_mask_from_counts(0, static_cast<uint8_t>(o.forward_steps));
  m_plus.clear();
  m_minus.clear();
  uint64_t senders = 0;  // masked spikes of the previous step
  for (uint32_t t = 0; t < o.backward_steps; ++t) {
    if (senders > 0) {
      core.integrate_couples_transposed(m_plus, m_minus);  // v += b[t-1] through W^T
      record.backward_senders += senders;
    }
    core.fire_couples(true);  // v += g, +-theta_b
    m_plus = core.couples().spikes_positive();
    m_minus = core.couples().spikes_negative();
    senders = m_plus.count() + m_minus.count();
    record.backward_spikes += senders;
  }
  const SpikeBitmap& mask = core.couples().send_mask();
  record.active = mask.count();
  for (uint32_t j = 0; j < o.hidden; ++j) m_factors[j] = mask.test(j) ? core.couples().counts()[j] : 0;
  record.hidden_counts.assign(core.spike_counts().begin(), core.spike_counts().begin() + o.hidden);
  record.gradient = m_gradient;
  record.delta = m_factors;
  for (int32_t& f : m_factors) f = -f;  // w -= delta x
}

void SpideCoreProgram::update_hidden(core::NeuronCore& core) {
  const SpideOptions& o = m_schedule.options;
  if (std::none_of(m_factors.begin(), m_factors.end(), [](int32_t f) { return f != 0; })) return;
  const std::vector<uint8_t>& x = core.axon_counts();
  for (uint32_t i = 0; i < o.inputs; ++i)  // F
    if (x[o.hidden + i] != 0) core.update_weights_scaled(o.hidden + i, m_factors.data(), x[o.hidden + i], o.input_lr_shift);
  const std::vector<uint8_t>& a = core.spike_counts();
  for (uint32_t i = 0; i < o.hidden; ++i)  // W (the last step's spikes were never integrated: a, not axon counts)
    if (a[i] != 0) core.update_weights_scaled(i, m_factors.data(), a[i], o.recurrent_lr_shift);
}

void SpideCoreProgram::update_output(core::NeuronCore& core, uint32_t rows) {
  const SpideOptions& o = m_schedule.options;
  for (uint32_t k = 0; k < o.classes; ++k) m_factors[k] = -m_error[k];
  if (std::none_of(m_factors.begin(), m_factors.end(), [](int32_t f) { return f != 0; })) return;
  const std::vector<uint8_t>& a = core.axon_counts();  // the output core integrated every step
  for (uint32_t j = 0; j < rows; ++j)
    if (a[j] != 0) core.update_weights_scaled(j, m_factors.data(), a[j], o.readout_lr_shift);
}

SpideHostProgram::SpideHostProgram(const SpideSchedule& schedule, chip::Chip& chip, std::function<void()> progress,
                                   std::function<void()> training_done)
    : m_schedule(schedule), m_chip(chip), m_progress(std::move(progress)), m_training_done(std::move(training_done)) {}

void SpideHostProgram::load(host::HostLink& link, const uint8_t* pixels) {
  const uint32_t inputs = m_schedule.options.inputs;
  if (!m_schedule.split()) {
    std::memcpy(m_chip.core(m_schedule.hidden_core).input_pixels().data(), pixels, inputs);
    link.transfer_to_chip(inputs + sizeof(uint32_t));  // pixels + encoder index register
    return;
  }
  // Each core its pixels: layer H's cores with a feedforward layer, else the recurrent layer's.
  for (const SpideHiddenCore& h : m_schedule.feedforward() ? m_schedule.feedforward_cores : m_schedule.hidden_cores) {
    if (h.pixels == 0) continue;
    std::memcpy(m_chip.core(h.core_index).input_pixels().data(), pixels + h.first_pixel, h.pixels);
    link.transfer_to_chip(h.pixels + sizeof(uint32_t));
  }
}

void SpideHostProgram::forward_barriers(host::HostLink& link, Phase after) {
  const uint32_t steps = m_schedule.options.forward_steps;
  link.barrier(Phase::kForward);
  if (m_schedule.feedforward()) {  // layer H's r[0]
    link.barrier(Phase::kForward);
    link.barrier(Phase::kForward);
  }
  for (uint32_t t = 0; t < steps; ++t) {
    link.barrier(Phase::kForward);
    link.barrier(t + 1 == steps && !m_schedule.split() ? after : Phase::kForward);
  }
  if (m_schedule.split()) link.barrier(after);  // the output core integrated s[T-1]
}

void SpideHostProgram::backward_barriers(host::HostLink& link) {
  if (m_schedule.readout_split()) link.barrier(Phase::kBackward);  // err at the readout's group cores
  link.barrier(Phase::kBackward);
  // One per backward step but the last (the ternary spikes delivered); with a feedforward
  // layer the last step's too (they also read F).
  const uint32_t steps = m_schedule.options.backward_steps - (m_schedule.feedforward() ? 0 : 1);
  if (m_schedule.split())
    for (uint32_t t = 0; t < steps; ++t) link.barrier(Phase::kBackward);
}

uint32_t SpideHostProgram::read_prediction(host::HostLink& link, bool keep_outputs) {
  const uint32_t classes = m_schedule.options.classes;
  const std::vector<int32_t>& o = m_chip.core(m_schedule.output_core).potentials();
  link.transfer_from_chip(uint64_t{classes} * sizeof(int32_t));
  uint32_t best = 0;
  for (uint32_t k = 1; k < classes; ++k)
    if (o[k] > o[best]) best = k;
  if (keep_outputs) m_outputs.emplace_back(o.begin(), o.begin() + classes);
  return best;
}

void SpideHostProgram::run(host::HostLink& link) {
  core::NeuronCore& output = m_chip.core(m_schedule.output_core);
  for (std::size_t s = 0; s < m_schedule.pixels.size(); ++s) {
    load(link, m_schedule.pixels[s]);
    output.host_register(HostRegister::kLabel) = static_cast<int32_t>(m_schedule.labels[s]);
    link.transfer_to_chip(sizeof(int32_t));
    forward_barriers(link, Phase::kBackward);
    backward_barriers(link);
    link.barrier(Phase::kUpdate);
    link.barrier(Phase::kHostIo);
    // o: the output core's potentials, untouched by the backward stage and the update.
    m_predictions.push_back(read_prediction(link, true));
    if (m_progress) m_progress();
  }
  if (m_training_done) m_training_done();
  for (const uint8_t* pixels : m_schedule.test_pixels) {
    load(link, pixels);
    forward_barriers(link, Phase::kHostIo);
    m_test_predictions.push_back(read_prediction(link, false));
    if (m_progress) m_progress();
  }
}

}  // namespace nmsim::spide
