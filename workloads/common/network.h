// The run's layered network as the workloads see it: its layer sizes and the neuron
// parameters the chip's datapath runs with.
#pragma once

#include <cstdint>
#include <vector>

#include "models/arith/neuron_datapath.h"
#include "proto/chip.pb.h"
#include "proto/run.pb.h"
#include "workloads/common/weights.h"

namespace nmsim::workloads {

// [784, run.network.hidden_sizes..., 10].
std::vector<uint32_t> layer_sizes(const RunConfig& run);

// Checks a layered network before a reference model runs it: at least two non-empty
// layers, one weight matrix of the right shape per layer, a state width of 2..32 bits that
// holds the threshold, refractory steps that fit 8 bits. ConfigError naming what is wrong.
void check_network(const std::vector<uint32_t>& sizes, const NetworkWeights& weights,
                   const arith::NeuronParams& neuron);

// run.network.neuron with the chip's state width.
arith::NeuronParams neuron_params(const RunConfig& run, const ChipConfig& chip);
// The same from one neuron config and the core's state width.
arith::NeuronParams neuron_params(const NeuronConfig& neuron, uint32_t state_width_bits);

}  // namespace nmsim::workloads
