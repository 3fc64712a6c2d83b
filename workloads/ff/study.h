// The FF accuracy study: trains the functional reference on a data set for
// run.training().epochs() epochs and evaluates the test split after each one.
//
// Order of training samples: workloads/common/training_order.h (with shuffle, epoch e visits
// a Fisher-Yates permutation of the whole training split; without, the split's order). The
// first train_samples (0: all) of that order are trained, so a subsample has every class.
// Sample indices (the Bernoulli encoder's draws): training sample i of epoch e uses
// e * train.count + i, test sample i uses 2^40 + i (a fresh draw per visit, never shared).
// Test samples: all of the split, or run.samples() of them strided evenly (sample
// floor(k * count / samples) for k < samples), as the inference workload does.
// Learning rate: epoch e trains with lr_shift + e * lr_shift_per_epoch (ConfigError if
// that leaves -16..40).
// Counts in EpochResult are totals over the epoch's training samples (divide by
// train_samples for per-sample figures); sops_feedback is 0 (nothing goes backward);
// weight_writes = hidden_weight_writes (every FF layer is a hidden layer).
#pragma once

#include <functional>

#include "proto/chip.pb.h"
#include "proto/run.pb.h"
#include "proto/training.pb.h"
#include "workloads/common/dataset.h"
#include "workloads/job/study_checkpoint.h"

namespace nmsim::ff {

// ConfigError if the configuration does not suit FF (batch_size != 1, sizes, ...).
// on_epoch is called after each epoch's evaluation (may be empty); `checkpoint`:
// workloads/job/study_checkpoint.h.
::nmsim::StudyReport run_study(const ::nmsim::RunConfig& run, const ::nmsim::ChipConfig& chip,
                               const workloads::DatasetSplit& data,
                               const std::function<void(const ::nmsim::EpochResult&)>& on_epoch,
                               const job::CheckpointOptions& checkpoint = {});

}  // namespace nmsim::ff
