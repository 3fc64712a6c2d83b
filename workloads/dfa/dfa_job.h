// Sparse-DFA training on the chip, end to end: the network mapped and loaded, the firmware
// trains on the first N samples of the epoch-0 training order and then runs the test samples
// as inference; the report shows every phase, the test accuracy and the energy per trained
// sample, and the functional reference runs the same samples so that predictions, trained
// weights and counts can be compared bit for bit.
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
#include "workloads/dfa/firmware.h"
#include "workloads/dfa/reference.h"
#include "workloads/job/chip_job.h"

namespace nmsim::dfa {

using DfaJobOptions = job::JobOptions;

struct DfaJobResult {
  Report report;
  std::vector<ChipTrainingOutcome> chip_outcomes;       // training samples
  std::vector<ChipTrainingOutcome> chip_test_outcomes;  // test samples after training
  workloads::NetworkWeights chip_weights;  // read back after training
  bool reference_checked = false;
  bool reference_matches = false;
  std::string mismatch;
  SampleCounts reference_counts;
  double chip_wall_seconds = 0;
  double reference_wall_seconds = 0;
};

DfaJobResult run_dfa_job(const DfaJobOptions& options);

}  // namespace nmsim::dfa
