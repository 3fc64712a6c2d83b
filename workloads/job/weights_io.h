// Moving a network's weights in and out of the chip's synapse SRAMs through the uncounted
// debug backdoor (transport_dbg): the initial load before a run (the report says it is not
// counted) and the read-back of trained weights after it. Row a of a core holds
// W[a][first..first+count) in the layout of models/core/weight_row.h.
#pragma once

#include <cstdint>

#include "platform/chip/chip.h"
#include "workloads/common/weights.h"

namespace nmsim::job {

void preload_weights(chip::Chip& chip, const workloads::NetworkWeights& weights, uint32_t weight_width_bits);

// The chip's weights, in the shape of `like` (layer sizes from it).
workloads::NetworkWeights read_back_weights(chip::Chip& chip, const workloads::NetworkWeights& like,
                                            uint32_t weight_width_bits);

}  // namespace nmsim::job
