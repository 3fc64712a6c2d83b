#include "workloads/registry/registry.h"

#include "workloads/convex/convex_job.h"
#include "workloads/dfa/dfa_job.h"
#include "workloads/ff/ff_job.h"
#include "workloads/inference/inference_job.h"
#include "workloads/spide/spide_job.h"

namespace nmsim::registry {

const std::vector<job::WorkloadDefinition>& all() {
  static const std::vector<job::WorkloadDefinition> definitions = {
      inference::definition(),
      dfa::definition(),
      ff::definition(),
      spide::definition(),
      convex::definition(),
  };
  return definitions;
}

const job::WorkloadDefinition* find(Workload workload) {
  for (const job::WorkloadDefinition& d : all()) {
    if (d.workload == workload) return &d;
  }
  return nullptr;
}

const job::WorkloadDefinition* find(const std::string& name) {
  for (const job::WorkloadDefinition& d : all()) {
    if (d.name == name) return &d;
  }
  return nullptr;
}

namespace {

std::string joined(bool (*has)(const job::WorkloadDefinition&), std::string (*text)(const job::WorkloadDefinition&)) {
  std::string list;
  for (const job::WorkloadDefinition& d : all()) {
    if (has(d)) list += (list.empty() ? "" : ", ") + text(d);
  }
  return list;
}

}  // namespace

std::string names(bool (*has)(const job::WorkloadDefinition&)) {
  return joined(has, [](const job::WorkloadDefinition& d) { return d.name; });
}

std::string workload_names(bool (*has)(const job::WorkloadDefinition&)) {
  return joined(has, [](const job::WorkloadDefinition& d) { return Workload_Name(d.workload); });
}

}  // namespace nmsim::registry
