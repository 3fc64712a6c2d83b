// nmsim run --spikes / --membrane end to end: --trace-start/--trace-end keep exactly the rows
// of the whole run inside the window; a bad --membrane-neurons SPEC or output path is refused
// before the run, with nothing written and no temporary left.
#include <catch2/catch.hpp>

#include <fstream>
#include <string>
#include <vector>

#include "tests/tools/cli_harness.h"

namespace {

using nmsim::testing::exists;
using nmsim::testing::run_nmsim;
using nmsim::testing::TempDir;
using nmsim::testing::temporaries_in;

// Two inference samples through a 784-20-10 network.
const std::string kRun = "run --set workload=WORKLOAD_INFERENCE --set samples=2 --set network.hidden_sizes=20 "
                         "--no-table -q --json r.json";

std::vector<std::string> lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

uint64_t cycle_of(const std::string& row) { return std::stoull(row.substr(0, row.find(','))); }

}  // namespace

TEST_CASE("exports: the trace window keeps exactly the rows inside it", "[exports][cli]") {
  TempDir dir;
  const auto whole = run_nmsim(dir, kRun + " --spikes all.csv");
  INFO(whole.err);
  REQUIRE(whole.status == 0);
  const std::vector<std::string> all = lines(dir.file("all.csv"));
  REQUIRE(all.size() > 100);
  CHECK(all.front() == "cycle,sample,step,layer,neuron");
  // A window from a third to two thirds of the rows' cycles, its ends on spikes.
  const uint64_t start = cycle_of(all[all.size() / 3]), end = cycle_of(all[2 * all.size() / 3]);
  const std::string window = " --trace-start " + std::to_string(start) + " --trace-end " + std::to_string(end);
  const auto part = run_nmsim(dir, kRun + " --spikes part.csv --membrane m.csv --membrane-neurons 2:0-9" + window);
  INFO(part.err);
  REQUIRE(part.status == 0);
  std::vector<std::string> expected = {all.front()};
  for (std::size_t i = 1; i < all.size(); ++i) {
    if (cycle_of(all[i]) >= start && cycle_of(all[i]) <= end) expected.push_back(all[i]);
  }
  CHECK(expected.size() > 2);
  CHECK(lines(dir.file("part.csv")) == expected);
  const std::vector<std::string> membrane = lines(dir.file("m.csv"));
  REQUIRE(membrane.size() > 1);
  CHECK(membrane.front() == "cycle,sample,step,layer,neuron,potential");
  for (std::size_t i = 1; i < membrane.size(); ++i) {
    CHECK(cycle_of(membrane[i]) >= start);
    CHECK(cycle_of(membrane[i]) <= end);
  }
}

TEST_CASE("exports: a bad SPEC or output is refused before the run, nothing written", "[exports][cli][errors]") {
  TempDir dir;
  const auto check_refused = [&](const std::string& options, const std::vector<std::string>& named) {
    const auto outcome = run_nmsim(dir, kRun + " --spikes s.csv " + options);
    INFO(options << ": " << outcome.err);
    CHECK(outcome.status == 2);
    for (const std::string& text : named) CHECK(outcome.err.find(text) != std::string::npos);
    CHECK_FALSE(exists(dir.file("s.csv")));
    CHECK_FALSE(exists(dir.file("m.csv")));
    CHECK_FALSE(exists(dir.file("r.json")));
    CHECK(temporaries_in(dir.path()).empty());
  };
  const std::string membrane = "--membrane m.csv --membrane-neurons ";
  check_refused(membrane + "1:x", {"--membrane-neurons 1:x", "'1:x'", "not a decimal number"});
  check_refused(membrane + "x:1", {"'x:1'", "layer 'x'"});
  check_refused(membrane + "1", {"'1'", "has no ':'"});
  check_refused(membrane + "1:3,", {"--membrane-neurons 1:3,", "'' has no ':'"});
  check_refused(membrane + "1:5-2", {"'1:5-2'", "ends before it begins"});
  check_refused(membrane + "1:2-3-4", {"'1:2-3-4'", "not a decimal number"});
  check_refused(membrane + "'1: 3'", {"not a decimal number"});
  check_refused(membrane + "1:-3", {"'1:-3'"});
  check_refused(membrane + "0:3", {"layer 0, the inputs"});
  check_refused(membrane + "1:99999999999", {"too large"});
  check_refused(membrane + "''", {"--membrane-neurons: empty"});
  // Outside the network (784-20-10: layers 1..2, layer 1 has neurons 0..19): after the
  // network is known, still before the run.
  check_refused(membrane + "3:0", {"'3:0'", "the network has layers 1..2"});
  check_refused(membrane + "1:15-20", {"'1:15-20'", "layer 1 has neurons 0..19"});
  check_refused("--membrane m.csv", {"--membrane needs --membrane-neurons"});
  check_refused("--membrane-neurons 1:0", {"--membrane-neurons needs --membrane"});
  check_refused("--membrane r.json --membrane-neurons 1:0", {"--membrane", "r.json"});  // the report's path
  check_refused("--membrane nowhere/m.csv --membrane-neurons 1:0", {"--membrane", "nowhere/m.csv"});
  check_refused("--trace-start 10 --trace-end 5", {"--trace-end 5 is before --trace-start 10"});
  const auto folder = run_nmsim(dir, kRun + " --spikes .");
  CHECK(folder.status == 2);
  CHECK(folder.err.find("--spikes") != std::string::npos);
  CHECK_FALSE(exists(dir.file("r.json")));
}
