// Traces from the command line: a pattern that matches nothing fails before the run, naming
// the nearest signals; traffic, compare and sweep trace like run; an event counter's last
// value in the trace equals its statistic in the report (they share the name).
#include <catch2/catch.hpp>

#include <google/protobuf/util/json_util.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <string>

#include "proto/report.pb.h"
#include "tests/common/vcd_reader.h"
#include "tests/tools/cli_harness.h"

using nmsim::testing::exists;
using nmsim::testing::run_nmsim;
using nmsim::testing::slurp;
using nmsim::testing::TempDir;
using nmsim::testing::VcdReader;

namespace {

const std::string kTinyRun = "run --quiet --no-table --no-check --set workload=WORKLOAD_INFERENCE --set samples=1 ";

nmsim::Report report_of(const std::string& path) {
  nmsim::Report report;
  REQUIRE(google::protobuf::util::JsonStringToMessage(slurp(path), &report).ok());
  return report;
}

// Every counter of the trace that is also a statistic of the report ends at the statistic's
// value (the trace covers the whole run); returns how many there were.
std::size_t check_counters_equal_stats(const VcdReader& vcd, const nmsim::Report& report) {
  std::map<std::string, double> stats;
  for (const auto& stat : report.stats()) stats[stat.name()] = stat.value();
  std::size_t checked = 0;
  for (const std::string& name : vcd.names()) {
    if (vcd.var(name).type != "integer" || stats.count(name) == 0) continue;
    INFO(name);
    CHECK(static_cast<double>(vcd.value_at(name, vcd.end_time())) == stats[name]);
    ++checked;
  }
  return checked;
}

}  // namespace

TEST_CASE("trace cli: a pattern that matches no signal fails before the run, naming the nearest", "[cli][trace]") {
  TempDir dir;
  const auto r = run_nmsim(dir, kTinyRun + "--json r.json --vcd t.vcd --trace 'chip.core_0_0_0.bsy'");
  CHECK(r.status == 2);
  CHECK(r.err.find("trace pattern 'chip.core_0_0_0.bsy' matches none of the run's") != std::string::npos);
  CHECK(r.err.find("the nearest: chip.core_0_0_0.busy, ") != std::string::npos);
  CHECK_FALSE(exists(dir.file("t.vcd")));
  CHECK_FALSE(exists(dir.file("r.json")));
}

TEST_CASE("trace cli: --vcd and --fst are one trace, and a VCD is not named .fst", "[cli][trace]") {
  TempDir dir;
  const auto both = run_nmsim(dir, kTinyRun + "--json r.json --vcd t.vcd --fst t.fst");
  CHECK(both.status == 2);
  CHECK(both.err.find("--vcd, --fst and --perfetto: one trace at a time") != std::string::npos);
  const auto named = run_nmsim(dir, kTinyRun + "--json r.json --vcd t.fst");
  CHECK(named.status == 2);
  CHECK(named.err.find("write FST with --fst t.fst") != std::string::npos);
}

TEST_CASE("trace cli: a run's counters end at their statistics and FST holds the same trace", "[cli][trace]") {
  TempDir dir;
  const auto r = run_nmsim(dir, kTinyRun + "--json r.json --vcd t.vcd --trace 'chip.core_0_0_0.*' --trace '*_0_0.*'");
  INFO(r.err);
  REQUIRE(r.status == 0);
  const VcdReader vcd(dir.file("t.vcd"));
  CHECK(vcd.has("chip.core_0_0_0.activity"));
  CHECK(vcd.has("chip.core_0_0_0.sram.bank[0].busy_cycles"));
  CHECK(vcd.has("chip.mesh.router_0_0.out_local.busy"));
  CHECK_FALSE(vcd.has("chip.mesh.router_1_0.out_local.busy"));
  CHECK(check_counters_equal_stats(vcd, report_of(dir.file("r.json"))) > 10);
  // The same run as FST, read back through GTKWave's fst2vcd: the same changes.
  const auto fst = run_nmsim(dir, kTinyRun + "--json r2.json --fst t.fst --trace 'chip.core_0_0_0.*' --trace '*_0_0.*'");
  INFO(fst.err);
  REQUIRE(fst.status == 0);
  REQUIRE(std::system(("fst2vcd -f " + dir.file("t.fst") + " -o " + dir.file("t2.vcd") + " > /dev/null").c_str()) == 0);
  const VcdReader round_trip(dir.file("t2.vcd"));
  CHECK(round_trip.names() == vcd.names());
  CHECK(round_trip.end_time() == vcd.end_time());
  for (const std::string& name : vcd.names()) {
    INFO(name);
    const bool text = vcd.var(name).type == "string";  // fst2vcd writes numbers with all their digits
    for (uint64_t t = 0; t <= vcd.end_time(); t += 5) {
      if (text) {
        CHECK(round_trip.text_at(name, t) == vcd.text_at(name, t));
      } else {
        CHECK(round_trip.value_at(name, t) == vcd.value_at(name, t));
      }
    }
  }
}

TEST_CASE("trace cli: traffic traces its routers and interfaces, counters equal to the report", "[cli][trace]") {
  TempDir dir;
  const auto r = run_nmsim(dir, "traffic --quiet --no-table --json r.json --vcd t.vcd --set traffic.injection_rate=0.05 "
                                "--set traffic.warmup_cycles=100 --set traffic.measure_cycles=300");
  INFO(r.err);
  REQUIRE(r.status == 0);
  const VcdReader vcd(dir.file("t.vcd"));
  CHECK(vcd.has("traffic.mesh.router_0_0.out_east.busy"));
  CHECK(vcd.has("nmsim.clk"));
  const nmsim::Report report = report_of(dir.file("r.json"));
  CHECK(vcd.end_time() == 10 * (report.summary().cycles() + 1));
  CHECK(check_counters_equal_stats(vcd, report) >= 16);  // every interface's packets_delivered
}

TEST_CASE("trace cli: compare writes one trace per algorithm, sweep one per point", "[cli][trace]") {
  TempDir dir;
  const auto compare = run_nmsim(dir, "compare --quiet --algorithms dfa,ff --json c.json --set training.train_samples=2 "
                                      "--set samples=2 --set dfa:network.hidden_sizes=16 --set ff:network.hidden_sizes=20 "
                                      "--no-check --vcd t.vcd --trace '*.activity' --trace-end 200");
  INFO(compare.err);
  REQUIRE(compare.status == 0);
  for (const char* name : {"t.dfa.vcd", "t.ff.vcd"}) {
    INFO(name);
    REQUIRE(exists(dir.file(name)));
    const VcdReader vcd(dir.file(name));
    CHECK(vcd.has("chip.core_0_0_0.activity"));
    CHECK(vcd.end_time() == 2010);  // cycles 0..200
  }
  CHECK_FALSE(exists(dir.file("t.vcd")));

  std::ofstream(dir.file("s.textproto")) << "name: \"s\"\nset: \"workload=WORKLOAD_INFERENCE\"\nset: \"samples=1\"\n"
                                            "axes { field { path: \"noc.buffer_depth_flits\" values: [\"2\", \"4\"] } }\n";
  const auto sweep = run_nmsim(dir, "sweep s.textproto --out out -j 1 --quiet --vcd p.vcd --trace 'nmsim.*' --trace-end 50");
  INFO(sweep.err);
  REQUIRE(sweep.status == 0);
  for (const char* name : {"p.p000000.vcd", "p.p000001.vcd"}) {
    INFO(name);
    REQUIRE(exists(dir.file(name)));
    CHECK(VcdReader(dir.file(name)).names() == std::vector<std::string>{"nmsim.clk", "nmsim.cycle"});
  }
}

TEST_CASE("trace cli: bench writes one trace per job, every path checked first", "[cli][trace]") {
  TempDir dir;
  const std::string bench = "bench --measure-cycles 200 --samples 1 --trace 'nmsim.*' --trace-end 50 ";
  const std::vector<std::string> jobs = {"traffic8x8_0.01", "traffic8x8_0.05", "traffic16x16_0.01",
                                         "traffic16x16_0.05", "inference"};
  // A job's trace path that cannot be written: refused before any job runs.
  REQUIRE(mkdir(dir.file("b.inference.vcd").c_str(), 0755) == 0);
  const auto refused = run_nmsim(dir, bench + "--vcd b.vcd");
  CHECK(refused.status == 2);
  CHECK(refused.err.find("b.inference.vcd") != std::string::npos);
  CHECK_FALSE(exists(dir.file("b.traffic8x8_0.01.vcd")));
  REQUIRE(rmdir(dir.file("b.inference.vcd").c_str()) == 0);

  const auto traced = run_nmsim(dir, bench + "--vcd b.vcd");
  INFO(traced.err);
  REQUIRE(traced.status == 0);
  for (const std::string& job : jobs) {
    const std::string name = "b." + job + ".vcd";
    INFO(name);
    REQUIRE(exists(dir.file(name)));
    const VcdReader vcd(dir.file(name));
    CHECK(vcd.names() == std::vector<std::string>{"nmsim.clk", "nmsim.cycle"});
    CHECK(vcd.end_time() == 510);  // cycles 0..50
  }
  CHECK_FALSE(exists(dir.file("b.vcd")));
}
