// Convex parameter reconstruction on the chip, end to end (firmware.h): the P hidden units
// mapped as one layer, each core holding its units' witness weights (stored or regenerated)
// and their readout; the solver runs epochs over the first N samples of the epoch-0 training
// order until the objective's relative change falls below the tolerance (or
// run.training.epochs), then the test samples run forward. The functional reference solves
// the same problem, and predictions, outputs, the objective, beta_max, every readout weight
// and the counts are compared bit for bit.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "proto/report.pb.h"
#include "workloads/convex/firmware.h"
#include "workloads/job/chip_job.h"

namespace nmsim::convex {

using ConvexJobOptions = job::JobOptions;

struct ConvexJobResult {
  Report report;
  std::vector<EpochOutcome> epochs;
  bool converged = false;
  uint64_t beta_max = 0;
  std::vector<uint32_t> test_labels, test_predictions;
  std::vector<int32_t> readout;    // [f * 10 + k], read back after training
  std::vector<uint32_t> kept_units;
  // Inference SOPs per test sample (input spikes x units + 10 x active features) of the whole
  // network and of the pruned one (kept units only), from the reference's spike trains.
  double inference_sops_per_sample = 0;
  double pruned_inference_sops_per_sample = 0;
  bool reference_checked = false;
  bool reference_matches = false;
  std::string mismatch;
  double chip_wall_seconds = 0;
  double reference_wall_seconds = 0;
};

// ConfigError for what the chip cannot run: count features (run.convex.features), a refit
// (run.convex.refit_epochs), a weights file, a batch size other than run.convex.batch_size,
// a readout that does not fit a core's synapse SRAM above its witness rows.
ConvexJobResult run_convex_job(const ConvexJobOptions& options);

}  // namespace nmsim::convex
