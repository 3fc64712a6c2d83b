// The tables of one report (`nmsim run --format`, `nmsim traffic --format`), captioned from
// its provenance. Precision: energies in uJ with 3 decimals, pJ/SOP with 3, accuracy in %
// with 2, simulated time in ms with 3, traffic loads with 4, latencies and hops with 2;
// counts exact.
#pragma once

#include <string>
#include <vector>

#include "proto/report.pb.h"
#include "tools/table/table.h"

namespace nmsim::table {

// "nmsim VERSION; energy table NAME (hash HASH); data set hash HASH" (the data set part only
// when the run read one).
std::string caption(const Provenance& provenance);

// A chip run: the summary (one row: cycles, simulated time, samples, accuracy, energy total,
// dynamic, leakage, per sample, per SOP), then the phases (one row a phase and a total row:
// cycles, SOPs, SRAM reads and writes, NoC flits and hops, energy).
std::vector<Table> run_tables(const Report& report);

// Synthetic traffic: one row (offered and accepted load, latency average and maximum, average
// hops, packets measured, drained, cycles, NoC flits, energy).
Table traffic_table(const Report& report);

// The tables rendered one after the other, an empty line between them.
std::string render_all(const std::vector<Table>& tables, Format format);

}  // namespace nmsim::table
