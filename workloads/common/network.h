// The run's layered network as the workloads see it: its layer sizes and the neuron
// parameters the chip's datapath runs with.
#pragma once

#include <cstdint>
#include <vector>

#include "models/core/neuron_datapath.h"
#include "proto/chip.pb.h"
#include "proto/run.pb.h"

namespace nmsim::workloads {

// [784, run.network.hidden_sizes..., 10].
std::vector<uint32_t> layer_sizes(const RunConfig& run);

// run.network.neuron with the chip's state width.
core::NeuronParams neuron_params(const RunConfig& run, const ChipConfig& chip);

}  // namespace nmsim::workloads
