// A validation split held out of the training split, for tuning hyperparameters without
// looking at the test split (DATASET_MNIST_FULL_VALIDATION).
#pragma once

#include <cstdint>

#include "workloads/common/dataset.h"

namespace nmsim::workloads {

// The split with its test part replaced by `samples` training samples, evenly strided over
// the training split (floor(k count / samples), as run.samples strides the test split), and
// its training part by the rest, in their order. Needs 0 < samples < the training count.
DatasetSplit validation_split(const DatasetSplit& split, uint32_t samples);

}  // namespace nmsim::workloads
