// `nmsim compare`'s table: one row per training algorithm, every figure read from that
// algorithm's chip-job report and the chip's totals (never recomputed from the job's
// internals), so the table cannot drift from what `nmsim run` reports for the same configs.
#pragma once

#include <string>
#include <vector>

#include "proto/compare.pb.h"
#include "proto/report.pb.h"
#include "proto/run.pb.h"
#include "tools/table/table.h"
#include "workloads/job/workload.h"

namespace nmsim::tools {

// The row of one chip job's outcome: `workload` says what the algorithm is, `run` is its
// resolved run config, `inputs` the data set's pixels per sample (the network's input
// layer), `distinct_samples` the training samples an epoch visits.
CompareRow compare_row(const job::WorkloadDefinition& workload, const CompareJobOutcome& outcome, const RunConfig& run,
                       uint32_t inputs, uint32_t distinct_samples);

// Leakage power (uW) of the memories that only SPIDE uses (every core's couple potential
// and drive memories and its transposed synapse copy), read from the report's leakage
// entries: the couple memories are the state-memory-kind entries twice the state memory's
// size, the copy is each core's `transposed_sram` component.
double spide_only_leakage_uw(const Report& report);

// The table, one row per algorithm, units in the headers; precision: epochs 2 decimals, test
// accuracy (%) 2, energy (uJ) 3, cycles 0, weight writes 1, pJ/SOP 2, shares (%) 1.
table::Table compare_table(const std::vector<CompareRow>& rows, const std::string& caption);

}  // namespace nmsim::tools
