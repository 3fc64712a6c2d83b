// Run fields the workload does not read: refused, or warned about with --allow-unused.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>

#include "models/base/errors.h"
#include "platform/config/loader.h"
#include "platform/config/override.h"
#include "platform/config/unused_fields.h"

namespace {

namespace config = nmsim::config;
using Workloads = std::vector<nmsim::Workload>;

// The default run with the overrides applied, as `nmsim run --set ...` resolves it.
nmsim::RunConfig run_with(std::initializer_list<const char*> sets) {
  nmsim::ChipConfig chip = config::default_chip_config();
  nmsim::RunConfig run = config::default_run_config();
  nmsim::EnergyTable energy = config::default_energy_table();
  nmsim::TrafficConfig traffic = config::default_traffic_config();
  for (const char* set : sets) config::apply_override(chip, run, energy, traffic, set);
  return run;
}

}  // namespace

TEST_CASE("config: the default run uses every field it sets, for every workload", "[config][unused]") {
  for (const nmsim::Workload w : {nmsim::WORKLOAD_INFERENCE, nmsim::WORKLOAD_DFA, nmsim::WORKLOAD_FF,
                                  nmsim::WORKLOAD_SPIDE, nmsim::WORKLOAD_CONVEX}) {
    nmsim::RunConfig run = config::default_run_config();
    run.set_workload(w);
    CHECK(config::unused_fields(run, {w}).empty());
  }
}

TEST_CASE("config: a field of a part the workload does not read is refused, naming field and workload",
          "[config][unused]") {
  const nmsim::RunConfig run = run_with({"ff.lr_shift=3"});  // run_default's workload is DFA
  REQUIRE(config::unused_fields(run, {nmsim::WORKLOAD_DFA}) ==
          std::vector<std::string>{"run.ff.lr_shift = 3: set, but WORKLOAD_DFA does not read run.ff (read by WORKLOAD_FF)"});
  std::ostringstream warnings;
  REQUIRE_THROWS_WITH(config::check_unused_fields(run, {nmsim::WORKLOAD_DFA}, false, warnings),
                      "run.ff.lr_shift = 3: set, but WORKLOAD_DFA does not read run.ff (read by WORKLOAD_FF); leave "
                      "it at its default, or pass --allow-unused to only warn");
  REQUIRE(warnings.str().empty());
  // Read by FF; equal to the default is not "set".
  CHECK(config::unused_fields(run, {nmsim::WORKLOAD_FF}).empty());
  CHECK(config::unused_fields(run_with({"ff.lr_shift=5"}), {nmsim::WORKLOAD_DFA}).empty());
}

TEST_CASE("config: --allow-unused turns each unused field into a warning", "[config][unused]") {
  const nmsim::RunConfig run = run_with({"training.epochs=3", "time_steps=4", "dfa.hidden_lr_shift=2"});
  std::ostringstream warnings;
  REQUIRE_NOTHROW(config::check_unused_fields(run, {nmsim::WORKLOAD_INFERENCE}, true, warnings));
  REQUIRE(warnings.str() ==
          "nmsim: warning: run.training.epochs = 3: set, but WORKLOAD_INFERENCE does not read run.training (read by "
          "WORKLOAD_DFA, WORKLOAD_FF, WORKLOAD_SPIDE, WORKLOAD_CONVEX) (ignored)\n"
          "nmsim: warning: run.dfa.hidden_lr_shift = 2: set, but WORKLOAD_INFERENCE does not read run.dfa (read by "
          "WORKLOAD_DFA) (ignored)\n");
}

TEST_CASE("config: fields read by some workloads only", "[config][unused]") {
  // SPIDE runs its own step counts; SPIDE and convex draw no weights from init_weight_range.
  CHECK(config::unused_fields(run_with({"time_steps=4"}), {nmsim::WORKLOAD_SPIDE}) ==
        std::vector<std::string>{"run.time_steps = 4: set, but WORKLOAD_SPIDE does not read run.time_steps (read by "
                                 "WORKLOAD_INFERENCE, WORKLOAD_DFA, WORKLOAD_FF, WORKLOAD_CONVEX)"});
  CHECK(config::unused_fields(run_with({"network.init_weight_range=100"}), {nmsim::WORKLOAD_CONVEX}).size() == 1);
  // Lists are values too; a field every workload reads is never unused.
  CHECK(config::unused_fields(run_with({"network.hidden_sizes=64,32", "samples=10"}), {nmsim::WORKLOAD_SPIDE}).empty());
  CHECK(config::unused_fields(run_with({"ff.group_sizes=1,2"}), {nmsim::WORKLOAD_DFA}) ==
        std::vector<std::string>{"run.ff.group_sizes = 1,2: set, but WORKLOAD_DFA does not read run.ff (read by "
                                 "WORKLOAD_FF)"});
}

TEST_CASE("config: compare checks its shared run against the union of its algorithms", "[config][unused]") {
  const nmsim::RunConfig run = run_with({"ff.lr_shift=3", "spide.logit_shift=6"});
  CHECK(config::unused_fields(run, {nmsim::WORKLOAD_DFA, nmsim::WORKLOAD_FF, nmsim::WORKLOAD_SPIDE}).empty());
  CHECK(config::unused_fields(run, {nmsim::WORKLOAD_DFA, nmsim::WORKLOAD_FF}) ==
        std::vector<std::string>{"run.spide.logit_shift = 6: set, but WORKLOAD_DFA and WORKLOAD_FF do not read "
                                 "run.spide (read by WORKLOAD_SPIDE)"});
}
