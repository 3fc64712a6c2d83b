// The convex reconstruction accuracy study: solves the readout of the functional reference
// (workloads/convex/reference.h) on a data set for up to run.training().epochs() epochs,
// and evaluates the test split and the pruned network after each one.
//
// Training set: the first N = train_samples (0: all) samples of the split in the order of
// epoch 0 (workloads/common/training_order.h), fixed for the whole run, since the convex
// problem is over one data set. Epoch e visits it in the order training_order(N, seed, e,
// shuffle) of positions in that set, in batches of run.convex.batch_size.
// Sample indices (the Bernoulli encoder's draws): a training sample's split index, a test
// sample's 2^40 + its index, the same in every epoch. The hidden units are fixed, so their
// spike trains are computed once per sample and kept (a chip would recompute them, or
// store them: the counts below charge the recomputation to every epoch).
// Test samples: all of the split, or run.samples() of them strided evenly.
// After each epoch: the objective over the training set (its relative change; training
// stops below run.convex.tolerance), the kept units, test accuracy, the mean inference SOPs
// per test sample of the whole and the pruned network. After the last epoch the pruned
// network is built from the kept units and run from the pixels on the test samples; its
// outputs must equal the whole network's on every sample (NMSIM_ASSERT).
// Refit (run.convex.refit_epochs > 0): then up to refit_epochs more epochs (EpochResult.refit,
// epoch numbers continuing) re-solve the kept units' readout without the penalty (reference.h
// step 8), ending with the same check of the pruned network. Shuffle orders continue with
// the epoch number. Hidden SOPs of a refit epoch are those of the kept units.
// Counts in EpochResult are totals over the epoch's training samples: sops_forward =
// hidden SOPs, readout_additions = readout forward additions, sops_update = gradient
// additions, weight_writes = readout weights changed; sops_feedback and
// hidden_weight_writes are 0 (nothing is sent back; the witness weights never change).
#pragma once

#include <functional>

#include "proto/chip.pb.h"
#include "proto/run.pb.h"
#include "proto/training.pb.h"
#include "workloads/common/dataset.h"
#include "workloads/job/study_checkpoint.h"

namespace nmsim::convex {

// ConfigError if the configuration does not suit the algorithm.
// on_epoch is called after each epoch's evaluation (may be empty); `checkpoint`:
// workloads/job/study_checkpoint.h (a checkpoint holds v, the threshold accumulator, the
// refit's units, the phase and J of the previous epoch; mid-epoch ones are taken after a
// batch, the first at or after each multiple of --checkpoint-every training samples).
::nmsim::StudyReport run_study(const ::nmsim::RunConfig& run, const ::nmsim::ChipConfig& chip,
                               const workloads::DatasetSplit& data,
                               const std::function<void(const ::nmsim::EpochResult&)>& on_epoch,
                               const job::CheckpointOptions& checkpoint = {});

}  // namespace nmsim::convex
