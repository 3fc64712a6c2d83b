// FF (FFGAF) training on the chip, end to end: the network [784, H_1..H_L] mapped and
// loaded, the firmware trains on the first N samples of the epoch-0 training order and then
// runs the test samples forward only; the report shows every phase, the test accuracy (per
// class too) and the energy per trained sample. The functional reference runs the same
// samples (the FF study's encoder indices: training sample d -> d, test sample i -> 2^40 + i)
// and is compared bit for bit: predictions, every layer's goodness sums, logits and class
// errors per sample, the trained weights read back from the synapse SRAMs, and the counts.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "models/trace/tracer.h"
#include "proto/chip.pb.h"
#include "proto/energy.pb.h"
#include "proto/report.pb.h"
#include "proto/run.pb.h"
#include "workloads/common/weights.h"
#include "workloads/ff/firmware.h"
#include "workloads/job/chip_job.h"

namespace nmsim::ff {

using FfJobOptions = job::JobOptions;

// The reference's work over the whole run (training and test samples), and what it implies
// for the chip's per-core learning engines (a class group may span cores, so a layer row is
// written once per core that holds a neuron with a non-zero delta in it).
struct FfWorkTotals {
  uint64_t sops_forward = 0;
  uint64_t update_ops = 0;        // (i, j) pairs with x_i > 0 and e_j != 0 (the reference's count)
  uint64_t weights_written = 0;   // weights whose value changed
  uint64_t rows_written = 0;      // layer rows with a non-zero delta (the reference's count)
  uint64_t core_rows_written = 0; // core rows with a non-zero delta: the chip's rows_updated
  uint64_t core_multiplies = 0;   // rows with x_i > 0 x neurons, of every core with some e_j != 0
};

struct FfJobResult {
  Report report;
  std::vector<FfOutcome> chip_outcomes;       // training samples
  std::vector<FfOutcome> chip_test_outcomes;  // test samples after training
  std::vector<std::vector<LeaderRecord>> chip_records;  // [l - 1][sample]: training, then test
  workloads::NetworkWeights chip_weights;     // read back after training
  bool reference_checked = false;
  bool reference_matches = false;
  std::string mismatch;
  FfWorkTotals reference_totals;
  std::vector<uint32_t> reference_alpha;      // alpha in effect after the last training sample
  double chip_wall_seconds = 0;
  double reference_wall_seconds = 0;
};

FfJobResult run_ff_job(const FfJobOptions& options);

}  // namespace nmsim::ff
