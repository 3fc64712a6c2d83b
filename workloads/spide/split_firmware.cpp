#include "workloads/spide/split_firmware.h"

#include <algorithm>
#include <string>

#include "models/base/errors.h"
#include "platform/chip/chip.h"
#include "platform/mapper/mapper.h"

namespace nmsim::spide {

SpideHiddenCore slot_core(const mapper::CoreSlot& slot, const std::vector<SpideHiddenCore>& cores,
                          std::vector<uint32_t>& owners) {
  SpideHiddenCore h;
  h.core_index = slot.core_index;
  h.node = slot.node;
  h.core_in_node = slot.core_in_node;
  h.owner = slot.owns_neurons();
  if (h.owner) owners.push_back(static_cast<uint32_t>(cores.size()));
  h.range = static_cast<uint32_t>(owners.size() - 1);
  h.first_neuron = slot.first_neuron;
  h.neuron_count = slot.neuron_count;
  h.first_axon = slot.first_axon;
  h.fan_in = slot.fan_in;
  return h;
}

void configure_split_chip(chip::Chip& chip, const mapper::Mapping& mapping, const arith::NeuronParams& neuron,
                          SpideSchedule& schedule) {
  const SpideOptions& o = schedule.options;
  const bool feedforward = o.feedforward > 0;  // mapping layers: H, the recurrent layer, the readout
  const std::size_t recurrent_layer = feedforward ? 1 : 0;
  const std::vector<mapper::CoreSlot>& readout = mapping.layers[recurrent_layer + 1];
  if (readout.front().fan_in_groups != readout.size())
    throw ConfigError("spide: the readout's " + std::to_string(o.classes) +
                      " neurons must fit one core's neurons (chip.core.neurons); they are split over " +
                      std::to_string(readout.size() / readout.front().fan_in_groups) + " cores");
  chip.configure(mapping, neuron);
  const std::vector<mapper::CoreSlot>& slots = mapping.layers[recurrent_layer];
  const mapper::CoreSlot& output = readout.front();  // group 0: owns the outputs
  schedule.readout_cores.clear();
  std::vector<uint32_t> readout_owner;
  for (const mapper::CoreSlot& slot : readout)
    schedule.readout_cores.push_back(slot_core(slot, schedule.readout_cores, readout_owner));
  // Layer H's owners: the F rows' partial sums of e = F delta go to them.
  std::vector<const mapper::CoreSlot*> feedforward_owners;
  if (feedforward)
    for (const mapper::CoreSlot& slot : mapping.layers[0])
      if (slot.owns_neurons()) feedforward_owners.push_back(&slot);
  schedule.output_core = output.core_index;
  schedule.output_node = output.node;
  schedule.output_core_in_node = output.core_in_node;
  schedule.hidden_cores.clear();
  schedule.range_owner.clear();
  for (const mapper::CoreSlot& slot : slots) {
    SpideHiddenCore h = slot_core(slot, schedule.hidden_cores, schedule.range_owner);
    const uint32_t end = slot.first_axon + slot.fan_in;
    h.recurrent_rows = slot.first_axon < o.hidden ? std::min(end, o.hidden) - slot.first_axon : 0;
    const uint32_t first_line = std::max(slot.first_axon, o.hidden);
    h.first_pixel = end > first_line ? first_line - o.hidden : 0;
    h.pixels = end > first_line ? end - first_line : 0;
    h.block_rows = feedforward ? h.fan_in : h.recurrent_rows;
    schedule.hidden_cores.push_back(h);
  }
  const auto ranges = static_cast<uint32_t>(schedule.range_owner.size());
  for (SpideHiddenCore& h : schedule.hidden_cores) {
    core::NeuronCore& core = chip.core(h.core_index);
    if (h.owner) {
      // Spikes: one tree per fan-in group holding some of the range's neurons as recurrent
      // lines, to that group's core of every range, and the output core.
      core::CoreLayout layout = core.layout();
      layout.routes.clear();
      std::vector<noc::Destination> group_cores, spike_cores;
      for (const SpideHiddenCore& g : schedule.hidden_cores) {
        if (g.range != h.range || g.owner) continue;
        group_cores.push_back({g.node, g.core_in_node});
        if (g.block_rows > 0) spike_cores.push_back({g.node, g.core_in_node});
      }
      for (const SpideHiddenCore& g : schedule.hidden_cores) {
        if (g.range != 0 || g.recurrent_rows == 0) continue;  // range 0's core of each group
        const uint32_t begin = std::max(g.first_axon, h.first_neuron);
        const uint32_t end = std::min(g.first_axon + g.recurrent_rows, h.first_neuron + h.neuron_count);
        if (begin >= end) continue;
        // Cut again at the readout's group boundaries: each piece to the readout core holding its lines.
        for (const SpideHiddenCore& out : schedule.readout_cores) {
          const uint32_t piece_begin = std::max(begin, out.first_axon);
          const uint32_t piece_end = std::min(end, out.first_axon + out.fan_in);
          if (piece_begin >= piece_end) continue;
          std::vector<noc::Destination> cores;
          for (const SpideHiddenCore& r : schedule.hidden_cores)
            if (r.first_axon == g.first_axon) cores.push_back({r.node, r.core_in_node});
          cores.push_back({out.node, out.core_in_node});
          layout.routes.push_back({piece_end - h.first_neuron, chip.mesh().add_multicast_tree(h.node, cores)});
        }
      }
      NMSIM_ASSERT(!layout.routes.empty() && layout.routes.back().end == h.neuron_count, "spide: spike routes");
      layout.has_tree = true;
      layout.tree_id = layout.routes.front().tree_id;
      core.configure(layout, neuron);
      if (!spike_cores.empty()) {
        h.has_spike_tree = true;
        h.spike_tree = chip.mesh().add_multicast_tree(h.node, spike_cores);
      }
      if (!group_cores.empty()) {
        h.has_factor_tree = true;
        h.factor_tree = chip.mesh().add_multicast_tree(h.node, group_cores);
      }
    }
    core::NeuronCore::CouplePartialsLayout partials;
    partials.first_row = 0;  // the recurrent lines come first in every group holding some
    partials.rows = h.block_rows;
    partials.range = h.range;
    partials.ranges = ranges;
    for (uint32_t owner_index : schedule.range_owner) {
      const SpideHiddenCore& owner = schedule.hidden_cores[owner_index];
      const uint32_t begin = std::max(h.first_axon, owner.first_neuron);
      const uint32_t end = std::min(h.first_axon + h.recurrent_rows, owner.first_neuron + owner.neuron_count);
      if (begin >= end) continue;
      partials.targets.push_back({owner.node, owner.core_in_node, begin - h.first_axon, end - begin,
                                  begin - owner.first_neuron});
    }
    for (const mapper::CoreSlot* owner : feedforward_owners) {  // F rows: line N + h is layer H's neuron h
      const uint32_t lines = o.hidden + owner->first_neuron;
      const uint32_t begin = std::max(h.first_axon + h.recurrent_rows, lines);
      const uint32_t end = std::min(h.first_axon + h.fan_in, lines + owner->neuron_count);
      if (begin >= end) continue;
      partials.targets.push_back({owner->node, owner->core_in_node, begin - h.first_axon, end - begin, begin - lines});
    }
    if (core.transposed_sram() != nullptr && h.block_rows > 0) {  // TRANSPOSED_COPY
      const uint64_t word_bits = uint64_t{core.synapse_sram().word_bytes()} * 8;
      const uint64_t row_words = (uint64_t{h.block_rows} * o.weight_width_bits + word_bits - 1) / word_bits;
      const uint64_t need = uint64_t{h.neuron_count} * row_words * (word_bits / 8);
      const uint64_t have = core.transposed_sram()->size_bytes();
      if (need > have)
        throw ConfigError("chip.core.transposed_read = TRANSPOSED_COPY: core " + std::to_string(h.core_index) +
                          " holds " + std::to_string(h.block_rows) + (feedforward ? " W and F rows of " : " recurrent rows of ") +
                          std::to_string(h.neuron_count) + " neurons; their transposed copy needs " +
                          std::to_string(need) + " bytes, the copy array has " + std::to_string(have) +
                          " (chip.core.neurons^2 weights); use COLUMN_READ or smaller cores");
    }
    if (partials.rows > 0 || h.owner) core.configure_couple_partials(partials);
  }
}

SpideSplitProgram::SpideSplitProgram(const SpideSchedule& schedule, int hidden_index)
    : m_schedule(schedule),
      m_index(hidden_index),
      m_encoder(schedule.options.encoder, schedule.options.seed, schedule.options.forward_steps),
      m_output(schedule) {}

void SpideSplitProgram::run(core::NeuronCore& core) {
  const SpideOptions& o = m_schedule.options;
  if (m_index < 0) {
    m_output.m_logits.assign(o.classes, 0);
    m_output.m_probabilities.assign(o.classes, 0);
    m_output.m_error.assign(o.classes, 0);
    m_output.m_row.assign(o.classes, 0);
    m_output.m_gradient.assign(readout_core().fan_in, 0);
    m_output.m_factors.assign(o.classes, 0);
  } else {
    const SpideHiddenCore& h = m_schedule.hidden_cores[static_cast<std::size_t>(m_index)];
    m_axon_spikes.resize(h.fan_in);
    m_plus.resize(h.neuron_count);
    m_minus.resize(h.neuron_count);
    m_gradient.assign(h.neuron_count, 0);
    m_factors.assign(h.neuron_count, 0);
    m_line_counts.assign(h.recurrent_rows, 0);
  }
  const bool owner = m_index >= 0 && m_schedule.hidden_cores[static_cast<std::size_t>(m_index)].owner;
  for (std::size_t s = 0; s < m_schedule.pixels.size(); ++s) {
    SpideChipRecord record;
    core.barrier(Phase::kForward);  // pixels and label are loaded
    forward(core, m_schedule.encoder_indices[s], Phase::kBackward);
    if (m_index < 0) {
      if (!m_schedule.readout_split()) {
        m_output.gradient_output(core);
      } else if (readout_core().owner) {
        readout_owner_gradient(core);
      }
    } else if (owner) {
      backward_owner_start(core);
    }
    if (m_schedule.readout_split()) {
      core.barrier(Phase::kBackward);  // err delivered to the readout's group cores
      if (m_index < 0 && !readout_core().owner) readout_group_gradient(core);
    }
    core.barrier(Phase::kBackward);  // g and a delivered
    if (m_index >= 0) read_counts_and_drive(core);
    backward(core, record);
    core.barrier(Phase::kUpdate);  // delta delivered
    if (m_index < 0) {
      m_output.update_output(core, readout_core().fan_in);
    } else {
      update(core);
    }
    core.barrier(Phase::kHostIo);
    if (owner) m_records.push_back(std::move(record));
  }
  for (uint64_t index : m_schedule.test_encoder_indices) {
    core.barrier(Phase::kForward);  // pixels are loaded
    forward(core, index, Phase::kHostIo);
  }
}

void SpideSplitProgram::encode(core::NeuronCore& core, uint32_t t) {
  const SpideHiddenCore& h = m_schedule.hidden_cores[static_cast<std::size_t>(m_index)];
  m_axon_spikes.clear();
  if (h.pixels > 0) {
    m_encoder.step(t, m_pixel_spikes);
    // The pixel lines follow the recurrent rows (both are 0 on a core of pixels only).
    m_pixel_spikes.for_each([&](uint32_t i) { m_axon_spikes.set(h.recurrent_rows + i); });
  }
  core.set_input_spikes(m_axon_spikes);
}

void SpideSplitProgram::forward(core::NeuronCore& core, uint64_t encoder_index, Phase after) {
  const uint32_t steps = m_schedule.options.forward_steps;
  const bool feedforward = m_schedule.feedforward();
  core.reset_neurons();
  // With a feedforward layer, layer H fires r[0] before step 0 (feedforward_firmware.h): the
  // recurrent cores drop the last sample's s[T-1] and wait two barriers for r[0].
  if (feedforward && m_index >= 0) core.clear_axon_spikes();
  if (feedforward) {
    core.barrier(Phase::kForward);
    core.barrier(Phase::kForward);  // r[0] delivered
  }
  if (m_index < 0) {
    for (uint32_t t = 0; t < steps; ++t) {
      if (t > 0) integrate_readout(core);  // o += O^T s[t-1]; no fire scan
      core.barrier(Phase::kForward);
      core.barrier(Phase::kForward);  // s[t] delivered
    }
    integrate_readout(core);
    core.barrier(after);
    return;
  }
  const SpideHiddenCore& h = m_schedule.hidden_cores[static_cast<std::size_t>(m_index)];
  const bool split_fan_in = core.layout().fan_in_groups > 1;
  if (!feedforward) {
    if (h.pixels > 0) m_encoder.start(core.input_pixels().data(), h.pixels, encoder_index, h.first_pixel, m_schedule.options.inputs);
    encode(core, 0);  // without pixels: an empty load clears the previous sample's last spikes
  }
  for (uint32_t t = 0; t < steps; ++t) {
    core.integrate();  // x[t] (or layer H's r[t]) and s[t-1]
    if (h.owner) {
      if (split_fan_in) core.merge_partials();
      core.fire();
    } else {
      core.send_partials();
    }
    if (!feedforward && t + 1 < steps && h.pixels > 0) encode(core, t + 1);  // before s[t] arrives
    core.barrier(Phase::kForward);
    if (h.owner) core.send_spikes();
    core.barrier(Phase::kForward);  // s[t] delivered
  }
  core.barrier(after);  // the output core integrated s[T-1]
}

const SpideHiddenCore& SpideSplitProgram::readout_core() const {
  return m_schedule.readout_cores[static_cast<std::size_t>(-1 - m_index)];
}

void SpideSplitProgram::integrate_readout(core::NeuronCore& core) {
  core.integrate();
  if (!m_schedule.readout_split()) return;
  // Every step: the group cores' partial sums start from the identity at each integrate, and
  // the saturating merge composes exactly in group order (the one-core readout's sums).
  if (readout_core().owner) {
    core.merge_partials();
  } else {
    core.send_partials();
  }
}

void SpideSplitProgram::readout_owner_gradient(core::NeuronCore& core) {
  const SpideOptions& o = m_schedule.options;
  const SpideHiddenCore& r = readout_core();
  const uint32_t nonzero = m_output.output_error(core);
  charge_error_and_gradient(core, o.classes, r.fan_in, nonzero);
  if (nonzero == 0) return;  // g = 0: nothing to send
  // The non-zero err_k to every other readout core (unicast: see backward_owner_start).
  for (std::size_t c = 1; c < m_schedule.readout_cores.size(); ++c) {
    const SpideHiddenCore& out = m_schedule.readout_cores[c];
    for (uint32_t k = 0; k < o.classes; ++k)
      if (m_output.m_error[k] != 0) core.send_value_to(out.node, out.core_in_node, k, m_output.m_error[k]);
  }
  m_output.row_gradients(core, r.fan_in);
  m_output.send_gradients(core, r.first_axon, r.fan_in);
}

void SpideSplitProgram::readout_group_gradient(core::NeuronCore& core) {
  const SpideHiddenCore& r = readout_core();
  std::vector<int32_t>& error = m_output.m_error;
  std::fill(error.begin(), error.end(), 0);  // zero errors were not sent
  for (const auto& v : core.received_values()) error[v.index] = v.value;
  core.clear_received_values();
  uint64_t nonzero = 0;
  for (int32_t e : error) nonzero += e != 0;
  // The owner's gradient work for these rows (charge_error_and_gradient without the error).
  const uint64_t macs = uint64_t{r.fan_in} * nonzero;
  core.controller_compute(macs + 2 * uint64_t{r.fan_in}, macs + 2 * uint64_t{r.fan_in}, macs);
  if (nonzero == 0) return;
  m_output.row_gradients(core, r.fan_in);
  m_output.send_gradients(core, r.first_axon, r.fan_in);
}

bool SpideSplitProgram::from_readout(uint32_t node, uint32_t core_in_node) const {
  for (const SpideHiddenCore& out : m_schedule.readout_cores)
    if (out.node == node && out.core_in_node == core_in_node) return true;
  return false;
}

void SpideSplitProgram::backward_owner_start(core::NeuronCore& core) {
  // a_i to every core holding row i (one per range), unicast: multi-flit packets on the
  // overlapping trees of several owners at once could hold each other's links (wormhole).
  const SpideHiddenCore& h = m_schedule.hidden_cores[static_cast<std::size_t>(m_index)];
  const std::vector<uint8_t>& a = core.spike_counts();
  for (const SpideHiddenCore& r : m_schedule.hidden_cores) {
    const uint32_t begin = std::max(r.first_axon, h.first_neuron);
    const uint32_t end = std::min(r.first_axon + r.recurrent_rows, h.first_neuron + h.neuron_count);
    for (uint32_t i = begin; i < end; ++i)
      if (a[i - h.first_neuron] != 0) core.send_value_to(r.node, r.core_in_node, i, a[i - h.first_neuron]);
  }
}

void SpideSplitProgram::read_counts_and_drive(core::NeuronCore& core) {
  const SpideHiddenCore& h = m_schedule.hidden_cores[static_cast<std::size_t>(m_index)];
  std::fill(m_line_counts.begin(), m_line_counts.end(), 0);
  std::fill(m_gradient.begin(), m_gradient.end(), 0);  // zero drives were not sent
  for (const auto& v : core.received_values()) {
    if (from_readout(v.src_node, v.src_core)) {
      m_gradient[v.index] = v.value;
    } else {
      NMSIM_ASSERT(v.index >= h.first_axon && v.index - h.first_axon < h.recurrent_rows, "spide: a count for a row not held");
      m_line_counts[v.index - h.first_axon] = v.value;
    }
  }
  core.clear_received_values();
  if (!h.owner) return;
  core.reset_couples();
  core.set_couple_drive(m_gradient.data());
  core.set_couple_send_mask_from_counts(0, static_cast<uint8_t>(m_schedule.options.forward_steps));
}

void SpideSplitProgram::backward(core::NeuronCore& core, SpideChipRecord& record) {
  const SpideOptions& o = m_schedule.options;
  const bool hidden = m_index >= 0;
  const SpideHiddenCore* h = hidden ? &m_schedule.hidden_cores[static_cast<std::size_t>(m_index)] : nullptr;
  const bool owner = hidden && h->owner;
  // With a feedforward layer every step's spikes also read F's block (e = F delta sums all T_b
  // steps), so the last step is integrated too; its W partials are merged into couples that
  // no longer fire (the block is one transposed read).
  const bool feedforward = m_schedule.feedforward();
  for (uint32_t t = 0; t < o.backward_steps; ++t) {
    if (owner) {
      if (t > 0) core.merge_couple_partials();  // v += W^T b[t-1]
      core.fire_couples(true);                  // v += g, +-theta_b
      m_plus = core.couples().spikes_positive();
      m_minus = core.couples().spikes_negative();
      const uint64_t senders = m_plus.count() + m_minus.count();
      record.backward_spikes += senders;
      if (t + 1 < o.backward_steps) record.backward_senders += senders;
      if (t + 1 < o.backward_steps || feedforward) {
        if (h->has_spike_tree) {
          m_plus.for_each([&](uint32_t j) { core.send_value(h->spike_tree, j, 1); });
          m_minus.for_each([&](uint32_t j) { core.send_value(h->spike_tree, j, -1); });
        }
      }
    }
    if (t + 1 == o.backward_steps && !feedforward) break;
    core.barrier(Phase::kBackward);  // b[t] delivered to the range's cores
    if (!hidden || h->block_rows == 0) continue;
    if (!owner) {
      m_plus.clear();
      m_minus.clear();
      for (const auto& v : core.received_values()) (v.value > 0 ? m_plus : m_minus).set(v.index);
      core.clear_received_values();
    }
    core.integrate_couple_partials(m_plus, m_minus);
    core.send_couple_partials();
  }
  if (!owner) return;
  if (feedforward) core.merge_couple_partials();  // the last step's W partials (clears the merge buffer)
  const SpikeBitmap& mask = core.couples().send_mask();
  record.active = mask.count();
  for (uint32_t j = 0; j < h->neuron_count; ++j) m_factors[j] = mask.test(j) ? core.couples().counts()[j] : 0;
  record.hidden_counts.assign(core.spike_counts().begin(), core.spike_counts().begin() + h->neuron_count);
  record.gradient = m_gradient;
  record.delta = m_factors;
  for (int32_t& f : m_factors) f = -f;  // w -= delta x
  if (h->has_factor_tree)
    for (uint32_t j = 0; j < h->neuron_count; ++j)
      if (m_factors[j] != 0) core.send_value(h->factor_tree, j, m_factors[j]);
}

void SpideSplitProgram::update(core::NeuronCore& core) {
  const SpideOptions& o = m_schedule.options;
  const SpideHiddenCore& h = m_schedule.hidden_cores[static_cast<std::size_t>(m_index)];
  if (!h.owner) {
    std::fill(m_factors.begin(), m_factors.end(), 0);
    for (const auto& v : core.received_values()) m_factors[v.index] = v.value;
    core.clear_received_values();
  }
  if (std::none_of(m_factors.begin(), m_factors.end(), [](int32_t f) { return f != 0; })) return;
  for (uint32_t r = 0; r < h.recurrent_rows; ++r)  // W rows, scaled by the sender's count a_i
    if (m_line_counts[r] != 0) core.update_weights_scaled(r, m_factors.data(), m_line_counts[r], o.recurrent_lr_shift);
  const std::vector<uint8_t>& x = core.axon_counts();
  for (uint32_t r = h.recurrent_rows; r < h.recurrent_rows + h.pixels; ++r)  // F rows, scaled by x_i
    if (x[r] != 0) core.update_weights_scaled(r, m_factors.data(), x[r], o.input_lr_shift);
}

std::vector<SpideChipRecord> combined_records(const std::vector<const SpideSplitProgram*>& owners) {
  std::vector<SpideChipRecord> combined(owners.empty() ? 0 : owners.front()->records().size());
  for (const SpideSplitProgram* owner : owners) {
    NMSIM_ASSERT(owner->records().size() == combined.size(), "spide: owners with different sample counts");
    for (std::size_t s = 0; s < combined.size(); ++s) {
      const SpideChipRecord& r = owner->records()[s];
      SpideChipRecord& c = combined[s];
      c.hidden_counts.insert(c.hidden_counts.end(), r.hidden_counts.begin(), r.hidden_counts.end());
      c.gradient.insert(c.gradient.end(), r.gradient.begin(), r.gradient.end());
      c.delta.insert(c.delta.end(), r.delta.begin(), r.delta.end());
      c.backward_spikes += r.backward_spikes;
      c.backward_senders += r.backward_senders;
      c.active += r.active;
    }
  }
  return combined;
}

}  // namespace nmsim::spide
