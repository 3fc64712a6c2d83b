// One inference run, end to end: load data and weights, map the network onto the chip,
// elaborate the chip, run the firmware, build the report (with provenance), and check the
// chip against the functional reference on the same samples.
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
#include "workloads/common/network.h"
#include "workloads/inference/firmware.h"
#include "workloads/job/chip_job.h"
#include "workloads/inference/reference.h"

namespace nmsim::inference {

struct InferenceJobOptions : job::JobOptions {
  SpikeRecord* spike_record = nullptr;  // tests: the chip's spikes per sample/step/layer
};

struct InferenceJobResult {
  Report report;
  std::vector<ChipSampleOutcome> chip_outcomes;
  std::vector<SampleResult> reference_outcomes;  // if checked (spikes recorded if spike_record)
  bool reference_checked = false;
  bool reference_matches = false;
  std::string mismatch;  // the first difference, if any
  double chip_wall_seconds = 0;
  double reference_wall_seconds = 0;
};

// Validates the configs (ConfigError), loads the data (DataError), runs. One call per
// process: it elaborates a SystemC design.
InferenceJobResult run_inference_job(const InferenceJobOptions& options);

using workloads::layer_sizes;
using workloads::neuron_params;

}  // namespace nmsim::inference
