// `nmsim compare`'s table: one row per training algorithm, every figure read from that
// algorithm's chip-job report (never recomputed from the job's internals), so the table
// cannot drift from what `nmsim run` reports for the same configs.
#pragma once

#include <string>
#include <vector>

#include "proto/compare.pb.h"
#include "proto/report.pb.h"
#include "proto/run.pb.h"

namespace nmsim::tools {

// The row of one chip-job report: `run` is the algorithm's resolved run config, `inputs`
// the data set's pixels per sample (the network's input layer), `distinct_samples` the
// training samples an epoch visits.
CompareRow compare_row(const Report& report, const RunConfig& run, uint32_t inputs, uint32_t distinct_samples);

// The per-trained-sample cycles and energies of the training part of the run, by phase: from
// report.training_phases (job::fill_training_summary), or else parsed from its per-phase note;
// Error if neither is there.
struct TrainingPhase {
  std::string phase;
  double cycles = 0;
  double energy_uj = 0;
};
std::vector<TrainingPhase> training_phases(const Report& report);

// Leakage power (uW) of the memories that only SPIDE uses (every core's couple potential
// and drive memories and its transposed synapse copy), read from the report's leakage
// entries: the couple memories are the state-memory-kind entries twice the state memory's
// size, the copy is each core's `transposed_sram` component.
double spide_only_leakage_uw(const Report& report);

// The markdown table (header, one line per row).
std::string markdown_table(const std::vector<CompareRow>& rows);

}  // namespace nmsim::tools
