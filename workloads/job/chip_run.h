// One chip run, whichever the workload: the pipeline that owns the fixed steps, in order:
// validate, options, data, network, map, schedule, elaborate, configure, preload, programs,
// simulate, read back, report, provenance, reference check. The workload (workload.h)
// supplies what differs.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "models/base/output_file.h"
#include "models/trace/neuron_recorder.h"
#include "models/trace/tracer.h"
#include "proto/chip.pb.h"
#include "proto/energy.pb.h"
#include "proto/report.pb.h"
#include "proto/run.pb.h"
#include "workloads/job/chip_totals.h"
#include "workloads/job/workload.h"

namespace nmsim::job {

// What every chip run takes: the resolved configs, the trace and exports, whether to check the functional
// reference, a progress callback and the command line for the report's provenance.
struct JobOptions {
  ChipConfig chip;
  RunConfig run;  // training jobs: training.train_samples trained (0: all), then run.samples tested
  EnergyTable energy;
  std::optional<trace::TraceOptions> trace;  // waveform output
  std::optional<trace::NeuronRecordOptions> neurons;  // spike raster and membrane potentials (CSV)
  bool check_reference = true;               // run the functional reference too and compare
  std::function<void(uint32_t done, uint32_t total)> progress;
  std::string command_line;
};

// What every chip run gives.
struct JobResult {
  Report report;
  ChipTotals totals;  // the chip's counts (the reference compared them)
  bool reference_checked = false;
  bool reference_matches = false;
  std::string mismatch;  // the first difference, if any
  // The VCD (with JobOptions::trace), whole but not yet in place: the caller commits it with
  // its other outputs, so a run that fails after the simulation leaves none of them.
  std::optional<OutputFile> trace_file;
  // The spike and membrane CSVs (with JobOptions::neurons), likewise not yet in place.
  std::vector<OutputFile> neuron_files;
};

// Runs `workload` on the chip. ConfigError for the configs (before any data is read, where
// the configs alone say so), DataError for the data. One call per process: it elaborates a
// SystemC design.
JobResult run_chip_job(ChipWorkload& workload, const JobOptions& options);

}  // namespace nmsim::job
