// The SPIDE accuracy study: trains the functional reference (reference.h) on a data set for
// run.training().epochs() epochs and evaluates the test split after each one.
//
// Order of training samples: workloads/common/training_order.h (with shuffle, epoch e visits
// a Fisher-Yates permutation of the whole training split); the first train_samples (0: all)
// of that order are trained, so a subsample has every class. Sample indices (the Bernoulli
// encoder's draws): training sample i of epoch e uses e * train.count + i, test sample i
// uses 2^40 + i. Test samples: all of the split, or run.samples() of them strided evenly
// (sample floor(k * count / samples)).
// Learning rates: epoch e (0-based) adds e / lr_decay_epochs to the three shifts (none
// when lr_decay_epochs is 0).
// EpochResult: counts are totals over the epoch's training samples. sops_forward = (feedforward
// layer's +) input + recurrent + readout SOPs, sops_feedback = backward-stage (transposed W,
// and transposed F with a feedforward layer) SOPs + gradient (O^T err) operations,
// sops_update = update operations, weight_writes = (V +) F + W + O, hidden_weight_writes =
// (V +) F + W; fields 20-26 split these further (training.proto; forward_spikes and
// active_neurons are the recurrent layer's).
#pragma once

#include <functional>

#include "proto/chip.pb.h"
#include "proto/run.pb.h"
#include "proto/training.pb.h"
#include "workloads/common/dataset.h"
#include "workloads/job/study_checkpoint.h"
#include "workloads/spide/matrices.h"

namespace nmsim::spide {

// ConfigError if the configuration does not suit SPIDE (batch_size != 1, not exactly one
// hidden layer, a field out of range, ...). on_epoch is called after each epoch's
// evaluation (may be empty). trained (if not null) receives the final weights; `checkpoint`:
// workloads/job/study_checkpoint.h.
::nmsim::StudyReport run_study(const ::nmsim::RunConfig& run, const ::nmsim::ChipConfig& chip,
                               const workloads::DatasetSplit& data,
                               const std::function<void(const ::nmsim::EpochResult&)>& on_epoch,
                               SpideMatrices* trained = nullptr,
                               const job::CheckpointOptions& checkpoint = {});

}  // namespace nmsim::spide
