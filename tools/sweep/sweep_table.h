// `nmsim sweep FILE --format md|latex|csv --columns LIST`: the sweep's CSV (OUT/NAME.csv) as a
// table for a paper, of the columns named, captioned from the points' reports.
#pragma once

#include <string>

#include "tools/sweep/sweep_output.h"
#include "tools/table/table.h"

namespace nmsim::sweep {

// The CSV's rows (every recorded point, in point order) with the columns of `columns`:
// comma-separated CSV column names, each optionally ":N" for N digits after the point
// (without it a cell is written as in the CSV: exact). The headers are the CSV's column names,
// which carry their units (energy_pJ, simulated_time_s). The caption is the points' reports'
// (nmsim version, energy table name and hash, data set hash); when the points differ in them
// (an energy preset axis), each distinct caption once. ConfigError for a column the CSV lacks.
table::Table sweep_table(const SweepPlan& plan, const SweepOutput& output, const std::string& columns);

}  // namespace nmsim::sweep
