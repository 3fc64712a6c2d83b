// Every workload nmsim knows, keyed by its run.workload and its short name: what `nmsim run`,
// `study` and `compare` (and the sweeps to come) look a workload up in. Adding a workload is
// its folder (workloads/README.md) plus one line in registry.cpp.
#pragma once

#include <string>
#include <vector>

#include "proto/run.pb.h"
#include "workloads/job/workload.h"

namespace nmsim::registry {

// In the order the commands list them (compare's table order).
const std::vector<job::WorkloadDefinition>& all();

// The definition of a workload; null if nmsim has none.
const job::WorkloadDefinition* find(Workload workload);
const job::WorkloadDefinition* find(const std::string& name);

// The names or run.workload values of the definitions `has` selects, joined by ", "
// (for messages that list the choices).
std::string names(bool (*has)(const job::WorkloadDefinition&));
std::string workload_names(bool (*has)(const job::WorkloadDefinition&));

}  // namespace nmsim::registry
