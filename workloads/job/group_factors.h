// Learning across a fan-in split (platform/mapper/mapper.h): the owner of a neuron range
// computes its neurons' update factors (DFA's e or deltas, FF's -e_j) and sends the non-zero
// ones as graded values along a multicast tree to the range's fan-in group cores, which update
// their own rows with them (each with its own per-line spike counts).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "models/core/neuron_core.h"
#include "platform/chip/chip.h"
#include "platform/mapper/mapper.h"

namespace nmsim::job {

// Graded values with an index from here up are not factors (DFA's line counts:
// workloads/dfa/split_rounding.h); receive_group_factors passes over them.
inline constexpr uint32_t kNotAFactor = 0x8000'0000u;

// The tree from layer[i] (an owner of a split layer) to its range's other fan-in group cores;
// none for a core of an unsplit layer or a group core.
std::optional<uint32_t> add_group_factor_tree(chip::Chip& chip, const std::vector<mapper::CoreSlot>& layer,
                                              std::size_t i);
// The owner: one graded value (index j) per non-zero factor, one a cycle.
void send_group_factors(core::NeuronCore& core, uint32_t tree, const std::vector<int32_t>& factors);
// A group core: the factors its owner sent (zero where none came); false if all are 0. Clears
// every received value.
bool receive_group_factors(core::NeuronCore& core, std::vector<int32_t>& factors);

}  // namespace nmsim::job
