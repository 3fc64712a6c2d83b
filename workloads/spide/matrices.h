// The weight matrices of a SPIDE network (input F, recurrent W, readout O, and V of a
// feedforward layer before the recurrent one) and their
// initial values from the seed (reference.h gives the layout and the PRNG indices).
#pragma once

#include "workloads/common/weights.h"
#include "workloads/spide/options.h"

namespace nmsim::spide {

struct SpideMatrices {
  workloads::LayerWeightsData feedforward;  // V: inputs x H (empty without a feedforward layer)
  workloads::LayerWeightsData input;      // F: recurrent_inputs() x N (pixels or layer H)
  workloads::LayerWeightsData recurrent;  // W: N x N, row = presynaptic neuron
  workloads::LayerWeightsData readout;    // O: N x classes
};

// V (if H > 0), F, W, O uniform in [-range, range] of their init ranges, drawn from options.seed.
SpideMatrices random_matrices(const SpideOptions& options);

}  // namespace nmsim::spide
