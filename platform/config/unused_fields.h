// Run fields that the chosen workload never reads: a field differing from the default run
// (the run_default preset) inside a part of RunConfig whose (read_by) option
// (proto/options.proto) names none of the workloads that will run. `--set ff.lr_shift=3`
// under DFA would otherwise be accepted and silently ignored.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "proto/run.pb.h"

namespace nmsim::config {

// One message per unused field, in field order: "run.ff.lr_shift = 3: set, but WORKLOAD_DFA
// does not read run.ff (read by WORKLOAD_FF)".
std::vector<std::string> unused_fields(const RunConfig& run, const std::vector<Workload>& workloads);
// The same against other defaults: a run adapted to a chip preset is checked against
// run_default with the preset's run overlay (run_adaptation.h), whose fields the user did not set.
std::vector<std::string> unused_fields(const RunConfig& run, const std::vector<Workload>& workloads,
                                       const RunConfig& defaults);

// Refuses the first unused field (ConfigError, with the hint to remove it or to pass
// --allow-unused), or with allow_unused writes each as a warning line to `warnings`.
// `nmsim run` and `nmsim study` pass {run.workload()}; `nmsim compare` the workloads of its
// algorithms (the union of what they read) and its shared run config.
void check_unused_fields(const RunConfig& run, const std::vector<Workload>& workloads, bool allow_unused,
                         std::ostream& warnings);
void check_unused_fields(const RunConfig& run, const std::vector<Workload>& workloads, bool allow_unused,
                         std::ostream& warnings, const RunConfig& defaults);

}  // namespace nmsim::config
