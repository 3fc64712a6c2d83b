// What the workloads' steps of a chip run share: the data set, the initial weights and the
// samples a run trains and tests.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "proto/run.pb.h"
#include "workloads/common/dataset.h"
#include "workloads/common/weights.h"

namespace nmsim::job {

// The run's data set (run.data_dir, or the default install location); DataError if damaged.
struct LoadedData {
  std::string dir;
  workloads::DatasetSplit split;
};
// The images pooled by run.input_pooling (workloads/common/input_pooling.h).
LoadedData load_data(const RunConfig& run);

// The run's initial weights: drawn from the seed, or loaded from run.network.weights_file
// (DataError for a damaged file or a weight that does not fit the chip's weight width).
workloads::NetworkWeights initial_weights(const RunConfig& run, const std::vector<uint32_t>& sizes,
                                          uint32_t weight_width_bits);

// The training samples a chip run trains: the first run.training.train_samples (0: all) of
// epoch 0's order (workloads/common/training_order.h); ConfigError if too many.
std::vector<uint32_t> training_samples(const RunConfig& run, const workloads::Dataset& train);

// run.samples test samples (0: all), an even stride over the test split (its files are
// ordered by class, so the first N would all be zeros); ConfigError if too many.
std::vector<uint32_t> test_indices(const RunConfig& run, const workloads::Dataset& test);

// The note of a run whose weights were preloaded before it.
inline constexpr const char* kPreloadNote =
    "Weights are preloaded into the synapse SRAMs before the run; that load is not counted.";

}  // namespace nmsim::job
