// The SPIDE accuracy study: trains the functional reference on a data set for
// run.training().epochs() epochs and evaluates the test split after each one.
#pragma once

#include <functional>

#include "proto/chip.pb.h"
#include "proto/run.pb.h"
#include "proto/training.pb.h"
#include "workloads/common/dataset.h"

namespace nmsim::spide {

// ConfigError if the configuration does not suit the algorithm.
// on_epoch is called after each epoch's evaluation (may be empty).
::nmsim::StudyReport run_study(const ::nmsim::RunConfig& run, const ::nmsim::ChipConfig& chip,
                               const workloads::DatasetSplit& data,
                               const std::function<void(const ::nmsim::EpochResult&)>& on_epoch);

}  // namespace nmsim::spide
