// run.input_pooling: each k x k block of a 28 x 28 image becomes one input (the mean of its
// pixels, rounded down), so a network fits a core with fewer axons (ODIN's 256: 14 x 14 =
// 196 inputs at k = 2). Applied to the data set once, before any encoder, so the chip and
// its functional reference see the same inputs.
#pragma once

#include <cstdint>

#include "proto/run.pb.h"
#include "workloads/common/dataset.h"

namespace nmsim::workloads {

// The inputs per sample after pooling: 784 / k^2. ConfigError unless k divides 28.
uint32_t input_pixels(const RunConfig& run);

// The data set with every image pooled (k = 1: unchanged).
Dataset pooled(const Dataset& data, uint32_t k);

}  // namespace nmsim::workloads
