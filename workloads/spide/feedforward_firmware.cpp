#include "workloads/spide/feedforward_firmware.h"

#include <algorithm>

#include "models/arith/rounding.h"
#include "models/base/errors.h"
#include "platform/chip/chip.h"
#include "platform/mapper/mapper.h"
#include "workloads/spide/split_firmware.h"

namespace nmsim::spide {

void configure_feedforward_chip(chip::Chip& chip, const mapper::Mapping& mapping, const arith::NeuronParams& neuron,
                                SpideSchedule& schedule) {
  NMSIM_ASSERT(mapping.layers.size() == 3, "spide: a feedforward layer maps as three layers");
  configure_split_chip(chip, mapping, neuron, schedule);  // calls chip.configure
  const SpideOptions& o = schedule.options;
  const std::vector<mapper::CoreSlot>& recurrent = mapping.layers[1];
  schedule.feedforward_cores.clear();
  schedule.feedforward_owner.clear();
  for (const mapper::CoreSlot& slot : mapping.layers[0]) {
    SpideHiddenCore h = slot_core(slot, schedule.feedforward_cores, schedule.feedforward_owner);
    h.first_pixel = slot.first_axon;  // every line is a pixel
    h.pixels = slot.fan_in;
    schedule.feedforward_cores.push_back(h);
  }
  const uint32_t recurrent_groups = recurrent.front().fan_in_groups;
  const auto recurrent_ranges = static_cast<uint32_t>(schedule.range_owner.size());
  for (SpideHiddenCore& h : schedule.feedforward_cores) {
    if (!h.owner) continue;
    core::NeuronCore& core = chip.core(h.core_index);
    // r_h lands on the recurrent layer's line N + h: one tree per recurrent fan-in group
    // holding some of these lines, to that group's core of every recurrent range.
    core::CoreLayout layout = core.layout();
    layout.routes.clear();
    layout.spike_address_base = o.hidden;
    const uint32_t begin = o.hidden + h.first_neuron;
    const uint32_t end = begin + h.neuron_count;
    for (uint32_t g = 0; g < recurrent_groups; ++g) {
      const mapper::CoreSlot& group = recurrent[g];  // range 0's core of group g
      const uint32_t lines_end = group.first_axon + group.fan_in;
      if (lines_end <= begin || group.first_axon >= end) continue;
      std::vector<noc::Destination> cores;
      for (const mapper::CoreSlot& slot : recurrent)
        if (slot.fan_in_group == g) cores.push_back({slot.node, slot.core_in_node});
      layout.routes.push_back({std::min(end, lines_end) - begin, chip.mesh().add_multicast_tree(h.node, cores)});
    }
    NMSIM_ASSERT(!layout.routes.empty() && layout.routes.back().end == h.neuron_count, "spide: layer H's spike routes");
    layout.has_tree = true;
    layout.tree_id = layout.routes.front().tree_id;
    core.configure(layout, neuron);
    std::vector<noc::Destination> group_cores;
    for (const SpideHiddenCore& g : schedule.feedforward_cores)
      if (g.range == h.range && !g.owner) group_cores.push_back({g.node, g.core_in_node});
    if (!group_cores.empty()) {
      h.has_factor_tree = true;
      h.factor_tree = chip.mesh().add_multicast_tree(h.node, group_cores);
    }
    // e's partial sums: one report from every recurrent neuron range (its F rows of lines
    // N + first_neuron ..), merged into the couple potentials.
    core::NeuronCore::CouplePartialsLayout partials;
    partials.ranges = recurrent_ranges;
    core.configure_couple_partials(partials);
  }
}

SpideFeedforwardProgram::SpideFeedforwardProgram(const SpideSchedule& schedule, uint32_t index)
    : m_schedule(schedule),
      m_core(schedule.feedforward_cores.at(index)),
      m_encoder(schedule.options.encoder, schedule.options.seed, schedule.options.forward_steps) {}

void SpideFeedforwardProgram::run(core::NeuronCore& core) {
  m_axon_spikes.resize(m_core.fan_in);
  m_factors.assign(m_core.neuron_count, 0);
  for (std::size_t s = 0; s < m_schedule.pixels.size(); ++s) {
    SpideChipRecord record;
    core.barrier(Phase::kForward);  // pixels and label are loaded
    forward(core, m_schedule.encoder_indices[s], Phase::kBackward);
    if (m_schedule.readout_split()) core.barrier(Phase::kBackward);  // err at the readout's group cores
    core.barrier(Phase::kBackward);  // the recurrent layer's g and a delivered
    backward(core, record);
    core.barrier(Phase::kUpdate);  // -delta_h delivered to the group cores
    update(core);
    core.barrier(Phase::kHostIo);
    if (m_core.owner) m_records.push_back(record);
  }
  for (uint64_t index : m_schedule.test_encoder_indices) {
    core.barrier(Phase::kForward);  // pixels are loaded
    forward(core, index, Phase::kHostIo);
  }
}

void SpideFeedforwardProgram::encode(core::NeuronCore& core, uint32_t t) {
  m_encoder.step(t, m_pixel_spikes);
  m_axon_spikes.clear();
  m_pixel_spikes.for_each([&](uint32_t i) { m_axon_spikes.set(i); });
  core.set_input_spikes(m_axon_spikes);
}

void SpideFeedforwardProgram::forward(core::NeuronCore& core, uint64_t encoder_index, Phase after) {
  const uint32_t steps = m_schedule.options.forward_steps;
  const bool split_fan_in = core.layout().fan_in_groups > 1;
  core.reset_neurons();
  m_encoder.start(core.input_pixels().data(), m_core.pixels, encoder_index, m_core.first_pixel,
                  m_schedule.options.inputs);
  // Slot 0 fires r[0]; slot t + 1 fires r[t + 1] during the recurrent layer's step t.
  for (uint32_t slot = 0; slot <= steps; ++slot) {
    const bool fires = slot < steps;
    if (fires) {
      encode(core, slot);
      core.integrate();
      if (m_core.owner) {
        if (split_fan_in) core.merge_partials();
        core.fire();
      } else {
        core.send_partials();
      }
    }
    core.barrier(Phase::kForward);
    if (fires && m_core.owner) core.send_spikes();
    core.barrier(Phase::kForward);  // r[slot] delivered
  }
  core.barrier(after);  // the output core integrated s[T-1]
}

void SpideFeedforwardProgram::backward(core::NeuronCore& core, SpideChipRecord& record) {
  const SpideOptions& o = m_schedule.options;
  if (m_core.owner) {
    core.reset_couples();  // e = 0
    core.set_couple_send_mask_from_counts(0, static_cast<uint8_t>(o.forward_steps));  // m_h
  }
  for (uint32_t t = 0; t < o.backward_steps; ++t) {
    core.barrier(Phase::kBackward);  // b[t] delivered to the recurrent cores
    if (m_core.owner) core.merge_couple_partials();  // e += F b[t], range by range
  }
  if (!m_core.owner) return;
  // delta_h = m_h round_shift(e_h, shift) on the scalar datapath: the rounding add and the
  // negation (the factor is -delta_h), 2 cycles and 2 adds a neuron; the shift is wiring.
  const uint32_t n = m_core.neuron_count;
  const std::vector<int32_t>& e = core.couples().potentials();
  const SpikeBitmap& mask = core.couples().send_mask();
  const auto shift = static_cast<int>(o.feedforward_delta_shift);
  for (uint32_t h = 0; h < n; ++h)
    m_factors[h] = mask.test(h) ? static_cast<int32_t>(-arith::round_shift(int64_t{e[h]}, shift)) : 0;
  core.controller_compute(2 * uint64_t{n}, 2 * uint64_t{n}, 0);
  record.feedforward_active = mask.count();
  for (uint32_t h = 0; h < n; ++h) record.feedforward_spikes += core.spike_counts()[h];
  if (m_core.has_factor_tree)
    for (uint32_t h = 0; h < n; ++h)
      if (m_factors[h] != 0) core.send_value(m_core.factor_tree, h, m_factors[h]);
}

void SpideFeedforwardProgram::update(core::NeuronCore& core) {
  if (!m_core.owner) {
    std::fill(m_factors.begin(), m_factors.end(), 0);
    for (const auto& v : core.received_values()) m_factors[v.index] = v.value;
    core.clear_received_values();
  }
  if (std::none_of(m_factors.begin(), m_factors.end(), [](int32_t f) { return f != 0; })) return;
  const std::vector<uint8_t>& p = core.axon_counts();  // pixel counts of the core's lines
  for (uint32_t r = 0; r < m_core.fan_in; ++r)
    if (p[r] != 0) core.update_weights_scaled(r, m_factors.data(), p[r], m_schedule.options.feedforward_lr_shift);
}

}  // namespace nmsim::spide
