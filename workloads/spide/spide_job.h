// SPIDE training on the chip, end to end (firmware.h): the recurrent hidden layer on one
// core and the readout on another, trained online on the first N samples of the epoch-0
// training order, then the test samples as inference; the report shows every phase, the test
// accuracy, the energy per trained sample and the backward stage's share, and the functional
// reference runs the same samples so that predictions, trained weights and counts are
// compared bit for bit.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "proto/report.pb.h"
#include "workloads/job/chip_job.h"
#include "workloads/spide/firmware.h"
#include "workloads/spide/matrices.h"
#include "workloads/spide/reference.h"

namespace nmsim::spide {

using SpideJobOptions = job::JobOptions;

struct SpideJobResult {
  Report report;
  std::vector<uint32_t> labels, predictions;            // training samples, before each update
  std::vector<uint32_t> test_labels, test_predictions;  // after training
  SpideMatrices chip_weights;                           // read back after training
  std::vector<SpideChipRecord> records;                 // per training sample
  bool reference_checked = false;
  bool reference_matches = false;
  std::string mismatch;
  SampleCounts reference_counts;  // training samples
  double chip_wall_seconds = 0;
  double reference_wall_seconds = 0;
};

// ConfigError for what SPIDE on the chip cannot run: batch_size != 1, a hidden layer plus
// the inputs that do not fit one core (chip.core.neurons, chip.core.max_axons), no ternary
// couples or transposed read (chip.core.ternary_couples, chip.core.transposed_read), a
// weights file (run.network.weights_file: F, W and O come from run.seed).
SpideJobResult run_spide_job(const SpideJobOptions& options);

}  // namespace nmsim::spide
