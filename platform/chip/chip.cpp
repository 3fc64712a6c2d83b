#include "platform/chip/chip.h"

#include <algorithm>
#include <string>

#include "models/base/errors.h"

namespace nmsim::chip {

Chip::Chip(sc_core::sc_module_name name, const ChipConfig& config, SimContext& ctx)
    : sc_module(name),
      m_ctx(ctx),
      m_width(config.mesh_width()),
      m_cores_per_node(config.cores_per_node()),
      m_mesh("mesh", config, ctx),
      m_barrier("barrier", config.barrier(), ctx),
      m_host("host", config.host_link(), ctx, m_barrier),
      m_quiescence(m_mesh) {
  m_barrier.set_network(&m_quiescence);
  const uint32_t nodes = config.mesh_width() * config.mesh_height();
  // A graded-value packet: one header flit, then the 32-bit value over as many flits as needed.
  const uint32_t flit_bits = config.noc().flit_width_bits();
  const uint32_t value_flits = 1 + (32 + flit_bits - 1) / flit_bits;
  m_cores.reserve(static_cast<std::size_t>(nodes) * m_cores_per_node);
  for (uint32_t node = 0; node < nodes; ++node) {
    for (uint32_t c = 0; c < m_cores_per_node; ++c) {
      const std::string core_name = "core_" + std::to_string(node % m_width) + "_" +
                                    std::to_string(node / m_width) + "_" + std::to_string(c);
      m_cores.push_back(std::make_unique<core::NeuronCore>(core_name.c_str(), config.core(), ctx,
                                                           node, c, m_barrier, value_flits));
      m_cores.back()->noc_socket.bind(m_mesh.ni(node).inject_socket());
      m_mesh.set_sink(node, c, m_cores.back().get());
    }
  }
}

void Chip::configure(const mapper::Mapping& mapping, const core::NeuronParams& params) {
  m_mapping = mapping;
  const std::size_t layers = mapping.layers.size();
  for (std::size_t l = 0; l < layers; ++l) {
    const std::vector<mapper::CoreSlot>& slots = mapping.layers[l];
    const std::vector<mapper::CoreSlot> no_slots;
    const std::vector<mapper::CoreSlot>& next_slots = l + 1 < layers ? mapping.layers[l + 1] : no_slots;
    const uint32_t next_groups = next_slots.empty() ? 1 : next_slots.front().fan_in_groups;
    std::vector<noc::Destination> next;
    for (const auto& slot : next_slots) next.push_back({slot.node, slot.core_in_node});
    for (std::size_t i = 0; i < slots.size(); ++i) {
      const mapper::CoreSlot& slot = slots[i];
      core::CoreLayout layout;
      layout.used = true;
      layout.layer = slot.layer;
      layout.first_layer = (l == 0);
      layout.last_layer = (l + 1 == layers);
      layout.first_neuron = slot.first_neuron;
      layout.neuron_count = slot.neuron_count;
      layout.fan_in = slot.fan_in;
      layout.words_per_row = slot.words_per_row;
      layout.row_bytes = slot.row_bytes;
      layout.first_axon = slot.first_axon;
      layout.fan_in_group = slot.fan_in_group;
      layout.fan_in_groups = slot.fan_in_groups;
      const mapper::CoreSlot& last_group = slots[i - slot.fan_in_group + slot.fan_in_groups - 1];
      layout.layer_fan_in = last_group.first_axon + last_group.fan_in;
      const mapper::CoreSlot& owner = slots[i - slot.fan_in_group];
      layout.owner_node = owner.node;
      layout.owner_core = owner.core_in_node;
      if (!next.empty() && slot.owns_neurons()) {
        if (next_groups == 1) {
          layout.has_tree = true;
          layout.tree_id = m_mesh.add_multicast_tree(slot.node, next);
        } else {
          add_split_routes(slot, next_slots, layout);
        }
      }
      m_cores[slot.core_index]->configure(layout, params);
    }
  }
  m_barrier.set_participants(mapping.cores_used + 1);  // + the host
}

void Chip::add_split_routes(const mapper::CoreSlot& slot, const std::vector<mapper::CoreSlot>& next_slots,
                            core::CoreLayout& layout) {
  // One tree per fan-in group of the next layer that holds some of this core's neurons as
  // input lines, to that group's cores (one per neuron range).
  const uint32_t begin = slot.first_neuron;
  const uint32_t end = slot.first_neuron + slot.neuron_count;
  for (uint32_t g = 0; g < next_slots.front().fan_in_groups; ++g) {
    const mapper::CoreSlot& group = next_slots[g];  // the first range's core of group g
    const uint32_t lines_end = group.first_axon + group.fan_in;
    if (lines_end <= begin || group.first_axon >= end) continue;
    std::vector<noc::Destination> cores;
    for (const auto& next : next_slots) {
      if (next.fan_in_group == g) cores.push_back({next.node, next.core_in_node});
    }
    layout.routes.push_back({std::min(end, lines_end) - begin, m_mesh.add_multicast_tree(slot.node, cores)});
  }
  layout.has_tree = true;
  layout.tree_id = layout.routes.front().tree_id;
}

void Chip::finish() {
  m_mesh.rethrow_if_failed();
  const auto cycles = phase_cycles();
  for (auto& core : m_cores) core->finalize(cycles);
}

std::array<uint64_t, kPhaseCount> Chip::phase_cycles() const {
  return m_ctx.phase.cycles(m_ctx.clock.now());
}

}  // namespace nmsim::chip
