// The report as JSON (every field, zeros included) and as a readable text table.
#pragma once

#include <string>

#include "proto/report.pb.h"

namespace nmsim::report {

// protobuf JSON: field names as in report.proto, zero-valued fields printed, indented, 64-bit
// counters as numbers where they fit a double exactly (platform/report/message_json.h).
std::string to_json(const Report& report);
// Summary, per-phase table, per-component energy sorted by energy, top stats by energy.
std::string to_table(const Report& report);

// 1234567 -> "1,234,567".
std::string with_thousands(uint64_t value);
// pJ with a readable prefix, 3 decimals: 1234.0 -> "1.234 nJ".
std::string format_energy(double pj);

}  // namespace nmsim::report
