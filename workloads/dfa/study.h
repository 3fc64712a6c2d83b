// The accuracy study of sparse DFA on the functional reference (`nmsim study`): trains for
// run.training.epochs epochs and evaluates the test split after each one.
//
// Sample order: epoch e (0-based) visits a permutation of the training split; with
// run.training.shuffle it is a Fisher-Yates shuffle of the identity, for i = n-1 down to 1
// swapping i with prng_uniform(seed, Stream::kShuffle, (e << 32) + i, 0, i); without, the
// split's order. The first run.training.train_samples of it are trained (0: all).
// Bernoulli encoder indices: training sample d of epoch e uses e * train.count + d, test
// sample d uses d. Test samples: run.samples evenly strided over the test split (0: all),
// as inference does.
// Counts in EpochResult are totals over the epoch's training samples (divide by
// train_samples for per-sample figures); sops_update is the learning engine's
// read-modify-write operations (reference.h).
#pragma once

#include <functional>

#include "proto/chip.pb.h"
#include "proto/run.pb.h"
#include "proto/training.pb.h"
#include "workloads/common/dataset.h"
#include "workloads/common/weights.h"
#include "workloads/job/study_checkpoint.h"

namespace nmsim::dfa {

// ConfigError for a config DFA cannot run (batch_size != 1, no hidden layer, bad dfa
// fields, too many test samples); DataError from a weights file. If `trained` is given it
// receives the weights after the last epoch; `checkpoint`: workloads/job/study_checkpoint.h.
StudyReport run_study(const RunConfig& run, const ChipConfig& chip,
                      const workloads::DatasetSplit& data,
                      const std::function<void(const EpochResult&)>& on_epoch,
                      workloads::NetworkWeights* trained = nullptr,
                      const job::CheckpointOptions& checkpoint = {});

}  // namespace nmsim::dfa
