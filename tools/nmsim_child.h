// Another nmsim process's report: `nmsim bench` runs each workload as a process of its own (one
// SystemC elaboration per process) and reads what it measured back from its JSON, timing the
// whole process as well (start-up, simulation, report, exit).
#pragma once

#include <string>
#include <vector>

#include "proto/report.pb.h"

namespace nmsim::tools {

struct ChildRun {
  Report report;
  double wall_seconds = 0;  // from fork to exit, as its user waits for it
  double cpu_seconds = 0;   // user + system time of the child
};

// Runs `binary <args> --quiet --no-table --json <temporary in $TMPDIR or /tmp>` and returns its report (fields an
// older build does not write stay unset; fields it writes that this build does not know are
// skipped) and its times. The child is tracked (tools/interrupt.h), so a signal that stops this
// process stops it first, and the temporary is listed for the handler to remove
// (models/base/live_temporaries.h). Error if it cannot start, fails or writes no readable report.
ChildRun run_nmsim_child(const std::string& binary, std::vector<std::string> args);

// This process's own executable (/proc/self/exe), or `fallback` where that cannot be read.
std::string self_executable(const std::string& fallback);

}  // namespace nmsim::tools
