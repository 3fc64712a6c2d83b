// Runs a sweep on a Slurm cluster: one job array, each task a slice of the points
// (`nmsim sweep FILE --shard T/N`), all writing their rows into the same output folder, which
// must be on a file system the nodes share (as must the nmsim binary and the sweep file). The
// CSV is assembled when the array has ended (waiting here), or later by `--collect`.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tools/sweep/sweep_output.h"
#include "tools/sweep/sweep_plan.h"

namespace nmsim::sweep {

struct SlurmOptions {
  std::string nmsim_binary;
  uint32_t tasks = 0;                        // array tasks (0: one per pending point)
  uint32_t cpus_per_task = 1;                // points each task runs at once
  std::vector<std::string> sbatch_options;   // passed on to sbatch (--partition=..., --time=...)
  bool wait = true;                          // wait for the array to end
  bool quiet = false;
  std::vector<std::string> sweep_arguments;  // more arguments of each task's `nmsim sweep` (the trace options)
};

struct SlurmOutcome {
  std::string job_id;
  uint32_t tasks = 0;
  bool waited = false;
  int signal = 0;          // a SIGINT, SIGTERM or SIGHUP stopped it after the submission
  bool cancelled = false;  // and scancel cancelled the array
};

// Writes OUT/slurm/array.sh, submits it with sbatch (Error with sbatch's message if it fails),
// and, if asked, waits until no task is pending or running. A first signal from the submission
// on cancels the array (scancel) and returns (outcome.signal); a second ends nmsim at once.
SlurmOutcome run_on_slurm(const SweepPlan& plan, SweepOutput& output, const SlurmOptions& options);

}  // namespace nmsim::sweep
