// What one sweep point's report gives its CSV row: the figures an architect plots, with the
// unit in the column name (never in the cell). Numbers are written exactly: integers as
// integers, reals in the shortest form that reads back to the same double.
#pragma once

#include <string>
#include <vector>

#include "proto/report.pb.h"

namespace nmsim::sweep {

// The figures' column names, in row order.
std::vector<std::string> figure_columns();

// The report's figures, one per figure_columns() entry.
std::vector<std::string> figure_values(const Report& report);

// The figures of a point that produced no report: every cell empty.
std::vector<std::string> empty_figures();

// Reads a report written as JSON (DataError naming the file if it is not one).
Report read_report(const std::string& path);

}  // namespace nmsim::sweep
