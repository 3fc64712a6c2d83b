// Power gating as a design option, end to end: a sweep over chip.power_gating.unused_cores on
// three-digit inference. The default chip (4 x 4 cores, 256 neurons of 24-bit state, 512 KB of
// synapse SRAM each) and the default energy table (1 uW/KB, 5 uW of logic per core, 5 %
// residual when gated, wake-up 1 pJ/KB and 10 pJ per core) give the expected figures by hand.
#include <catch2/catch.hpp>

#include <google/protobuf/util/json_util.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "proto/report.pb.h"
#include "tests/tools/cli_harness.h"

namespace {

using nmsim::testing::run_nmsim;
using nmsim::testing::slurp;
using nmsim::testing::TempDir;

nmsim::Report report_of(const std::string& path) { return nmsim::testing::from_json<nmsim::Report>(path); }

double cells(const nmsim::Report& r, const std::string& usage, const std::string& kind) {
  double pj = 0;
  for (const auto& c : r.breakdown()) {
    if (c.usage() == usage && (kind.empty() || c.kind() == kind)) pj += c.energy_pj();
  }
  return pj;
}

}  // namespace

TEST_CASE("power gating: a sweep over unused_cores, leakage of unused cores drops to 5 %", "[gating][cli]") {
  TempDir dir;
  std::ofstream(dir.file("g.textproto")) << R"(name: "g"
set: "workload=WORKLOAD_INFERENCE"
set: "samples=3"
axes { field { path: "chip.power_gating.unused_cores" values: ["false", "true"] } }
)";
  const auto outcome = run_nmsim(dir, "sweep g.textproto --out r -j 2 --quiet");
  INFO(outcome.err);
  REQUIRE(outcome.status == 0);
  const nmsim::Report off = report_of(dir.file("r/points/p000000.json"));
  const nmsim::Report on = report_of(dir.file("r/points/p000001.json"));
  REQUIRE(on.summary().cycles() == off.summary().cycles());
  REQUIRE(on.summary().sops() == off.summary().sops());

  // Cores that did anything are used; the others hold nothing.
  int active = 0;
  for (const auto& component : off.components()) {
    if (component.component_class() == nmsim::COMPONENT_CORE && component.name().rfind("chip.core_", 0) == 0 &&
        component.name().find('.', 5) == std::string::npos && component.dynamic_pj() > 0) {
      ++active;
    }
  }
  REQUIRE(active >= 2);
  const int unused = 16 - active;
  const double time_us = off.summary().cycles() * 5000 * 1e-6;  // 200 MHz: 5000 ps a cycle
  // One unused core: 5 uW of logic + 256 x 24 bits = 0.75 KB of state + 512 KB of SRAM.
  const double core_uw = 5 + 0.75 + 512;
  const double tolerance = 1e-12;
  REQUIRE(cells(off, "unused", "leakage") == Approx(unused * core_uw * time_us).epsilon(tolerance));
  REQUIRE(cells(on, "unused", "leakage") == Approx(0.05 * unused * core_uw * time_us).epsilon(tolerance));
  // Wake-ups once per run: 10 pJ of logic and 512.75 KB x 1 pJ/KB per core.
  REQUIRE(cells(on, "unused", "dynamic") == Approx(unused * (10 + 512.75)).epsilon(tolerance));
  REQUIRE(cells(off, "unused", "dynamic") == 0);
  // What is used costs the same.
  REQUIRE(cells(on, "used", "") == Approx(cells(off, "used", "")).epsilon(tolerance));
  // The sweep CSV carries the unused leakage.
  const std::string csv = slurp(dir.file("r/g.csv"));
  REQUIRE(csv.find("unused_leakage_pJ") != std::string::npos);
}

TEST_CASE("breakdown CSV: run --breakdown writes the header and cells adding up to the total", "[breakdown][cli]") {
  TempDir dir;
  const auto outcome =
      run_nmsim(dir, "run --quiet --no-table --set workload=WORKLOAD_INFERENCE --set samples=2 --json r.json "
                     "--json-detail summary --breakdown b.csv");
  INFO(outcome.err);
  REQUIRE(outcome.status == 0);
  const nmsim::Report report = report_of(dir.file("r.json"));
  REQUIRE(report.breakdown_size() > 0);  // kept in the summary level too
  std::istringstream csv(slurp(dir.file("b.csv")));
  std::string line;
  std::getline(csv, line);
  REQUIRE(line == "part,phase,component_class,usage,kind,event,energy_pJ");
  double total = 0;
  int rows = 0;
  while (std::getline(csv, line)) {
    ++rows;
    REQUIRE(line.rfind("test,", 0) == 0);  // no training: all of it is the test part
    total += std::stod(line.substr(line.rfind(',') + 1));
  }
  REQUIRE(rows == report.breakdown_size());
  REQUIRE(total == Approx(report.summary().energy_pj()).epsilon(1e-12));
}
