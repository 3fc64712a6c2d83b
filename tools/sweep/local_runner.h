// Runs a sweep's points on this machine: each point is `nmsim run` (or traffic) in a process of
// its own, up to `jobs` at once. Points already recorded in the output folder are skipped (failed
// ones too, unless retried), so a killed sweep resumes where it stopped. SIGINT, SIGTERM and
// SIGHUP stop the running points (their reports are written only on success) and return; a
// second signal ends everything at once (tools/interrupt.h).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "tools/sweep/sweep_output.h"
#include "tools/sweep/sweep_plan.h"

namespace nmsim::sweep {

struct LocalRunOptions {
  std::string nmsim_binary;            // the program each point runs
  unsigned jobs = 1;                   // points at once
  bool retry_failed = false;           // run failed points again
  bool quiet = false;                  // no progress on the terminal or in the log
  bool write_csv = true;               // rebuild the CSV every few seconds as points end (not for a shard)
  // More arguments of a point's command (its trace options), given the point's index.
  std::function<std::vector<std::string>(uint32_t)> point_arguments;
};

struct LocalRunOutcome {
  uint32_t ran = 0;
  uint32_t skipped = 0;                // recorded before this run
  uint32_t failed = 0;                 // of those run now
  bool interrupted = false;            // a signal stopped the sweep
  int signal = 0;
};

// Runs `indices` (points of the plan); records each point in `output` as it ends.
LocalRunOutcome run_points(const SweepPlan& plan, const std::vector<uint32_t>& indices, SweepOutput& output,
                           const LocalRunOptions& options);

}  // namespace nmsim::sweep
