// The workload registry: one definition per workload, found by its run.workload and by its
// short name, and what each command finds there.
#include <catch2/catch.hpp>

#include <set>

#include "workloads/registry/registry.h"

using namespace nmsim;

TEST_CASE("registry: each workload once, found by its value and its name", "[registry]") {
  std::set<int> values;
  std::set<std::string> names;
  for (const job::WorkloadDefinition& d : registry::all()) {
    CHECK(values.insert(d.workload).second);
    CHECK(names.insert(d.name).second);
    CHECK(registry::find(d.workload) == &d);
    CHECK(registry::find(d.name) == &d);
    REQUIRE(d.chip_job);
    CHECK(d.chip_job() != nullptr);
  }
  CHECK(registry::find(WORKLOAD_UNSPECIFIED) == nullptr);
  CHECK(registry::find("traffic") == nullptr);
}

TEST_CASE("registry: the commands' lists come from the definitions", "[registry]") {
  CHECK(registry::names([](const job::WorkloadDefinition& d) { return !d.compare_title.empty(); }) ==
        "dfa, ff, spide, convex");
  CHECK(registry::workload_names([](const job::WorkloadDefinition& d) { return d.study != nullptr; }) ==
        "WORKLOAD_DFA, WORKLOAD_FF, WORKLOAD_SPIDE, WORKLOAD_CONVEX");
  CHECK(registry::workload_names([](const job::WorkloadDefinition& d) { return d.trains_inference_network; }) ==
        "WORKLOAD_DFA");
  const job::WorkloadDefinition& inference = *registry::find(WORKLOAD_INFERENCE);
  CHECK_FALSE(inference.chip_job()->trains());
  CHECK(inference.study == nullptr);
}
