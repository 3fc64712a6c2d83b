#include "workloads/job/group_factors.h"

#include <algorithm>

namespace nmsim::job {

std::optional<uint32_t> add_group_factor_tree(chip::Chip& chip, const std::vector<mapper::CoreSlot>& layer,
                                              std::size_t i) {
  const mapper::CoreSlot& owner = layer[i];
  if (!owner.owns_neurons() || owner.fan_in_groups == 1) return std::nullopt;
  std::vector<noc::Destination> groups;
  for (uint32_t g = 1; g < owner.fan_in_groups; ++g) groups.push_back({layer[i + g].node, layer[i + g].core_in_node});
  return chip.mesh().add_multicast_tree(owner.node, groups);
}

void send_group_factors(core::NeuronCore& core, uint32_t tree, const std::vector<int32_t>& factors) {
  for (uint32_t j = 0; j < core.layout().neuron_count; ++j) {
    if (factors[j] != 0) core.send_value(tree, j, factors[j]);
  }
}

bool receive_group_factors(core::NeuronCore& core, std::vector<int32_t>& factors) {
  std::fill(factors.begin(), factors.end(), 0);
  for (const auto& v : core.received_values()) {
    if (v.index < kNotAFactor) factors[v.index] = v.value;
  }
  core.clear_received_values();
  return std::any_of(factors.begin(), factors.end(), [](int32_t f) { return f != 0; });
}

}  // namespace nmsim::job
