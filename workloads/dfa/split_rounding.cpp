#include "workloads/dfa/split_rounding.h"

#include "models/base/errors.h"

namespace nmsim::dfa {

std::vector<noc::Destination> line_count_destinations(const std::vector<mapper::CoreSlot>& layer, std::size_t i) {
  const mapper::CoreSlot& slot = layer[i];
  const std::size_t owner = i - slot.fan_in_group;  // a range's cores are adjacent, group 0 first
  std::vector<noc::Destination> others;
  for (uint32_t g = 0; g < slot.fan_in_groups; ++g) {
    if (g != slot.fan_in_group) others.push_back({layer[owner + g].node, layer[owner + g].core_in_node});
  }
  return others;
}

void SplitRounding::send_line_count(core::NeuronCore& core) {
  const core::CoreLayout& layout = core.layout();
  uint32_t spiking = 0;
  for (uint32_t i = 0; i < layout.fan_in; ++i) spiking += core.axon_counts()[i] != 0;
  core.controller_compute((layout.fan_in + core.lanes() - 1) / core.lanes(), layout.fan_in, 0);
  m_counts.assign(layout.fan_in_groups, 0);
  m_counts[layout.fan_in_group] = spiking;
  for (const noc::Destination& d : m_others) {
    core.send_value_to(d.node, d.core, kLineCountIndex + layout.fan_in_group, static_cast<int32_t>(spiking));
  }
}

RoundingSteps SplitRounding::read_line_counts(core::NeuronCore& core) {
  const core::CoreLayout& layout = core.layout();
  uint32_t received = 0;
  for (const auto& v : core.received_values()) {
    if (v.index < kLineCountIndex) continue;  // an error or a factor
    const uint32_t group = v.index - kLineCountIndex;
    NMSIM_ASSERT(group < layout.fan_in_groups && group != layout.fan_in_group, "a line count from a foreign group");
    m_counts[group] = static_cast<uint32_t>(v.value);
    ++received;
  }
  NMSIM_ASSERT(received == layout.fan_in_groups - 1, "a fan-in group's line count is missing");
  // The output layer's owner is sent nothing else: clear the counts before the next sample's.
  if (received == core.received_values().size()) core.clear_received_values();
  RoundingSteps steps;
  for (uint32_t g = 0; g < layout.fan_in_groups; ++g) {
    (g < layout.fan_in_group ? steps.before : steps.after) += g == layout.fan_in_group ? 0 : m_counts[g];
  }
  core.controller_compute(received, received, 0);
  return steps;
}

}  // namespace nmsim::dfa
