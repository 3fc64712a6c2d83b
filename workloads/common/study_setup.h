// What every accuracy study (nmsim study) shares: which samples it trains and tests, the
// encoder's sample index of a test sample, and the report's header.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "proto/run.pb.h"
#include "proto/training.pb.h"
#include "workloads/common/dataset.h"

namespace nmsim::workloads {

// Test sample i draws its Bernoulli spikes as sample 2^40 + i: never a training draw.
inline constexpr uint64_t kTestSampleIndexBase = uint64_t{1} << 40;

struct StudySamples {
  uint32_t train_per_epoch = 0;       // the first N of each epoch's order (training_order.h)
  std::vector<uint32_t> test_indices; // into the test split
};

// run.training.train_samples (0: the whole split) and run.samples test samples (0: all),
// ConfigError naming the field if a split is smaller.
StudySamples study_samples(const RunConfig& run, const DatasetSplit& data);

// `samples` indices strided evenly over a split of `count` (floor(k count / samples)): the
// split's files are ordered by class, so the first N would all be one class.
// ConfigError (naming run.samples) if samples > count; 0 means all.
std::vector<uint32_t> evenly_strided(uint32_t samples, uint32_t count);

// A study report with the workload's name, the resolved run config, the data set, its hash,
// the network's description and the simulator's version.
StudyReport study_report(const std::string& workload, const RunConfig& run, const DatasetSplit& data,
                         const std::string& network, const std::string& version);

}  // namespace nmsim::workloads
