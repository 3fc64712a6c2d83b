// Chip presets and clocks as users give them, end to end: every chip preset runs the default
// DFA job out of the box (its run overlay adapted, the report says what, a user's value kept),
// a sweep puts presets on an axis, and any clock gives the same cycles with time = cycles / f.
#include <catch2/catch.hpp>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>

#include <google/protobuf/util/json_util.h>

#include "proto/report.pb.h"
#include "tests/tools/cli_harness.h"

namespace {

using nmsim::testing::run_nmsim;
using nmsim::testing::slurp;
using nmsim::testing::TempDir;

nmsim::Report report_of(const std::string& path) { return nmsim::testing::from_json<nmsim::Report>(path); }

std::string adaptation_note(const nmsim::Report& report) {
  for (const std::string& note : report.notes()) {
    if (note.find("Run adapted to the chip preset") == 0) return note;
  }
  return "";
}

const char* kTiny = " --set training.train_samples=20 --set samples=10 --quiet --no-table";

}  // namespace

TEST_CASE("presets: loihi_like runs the default job, its run adapted and noted", "[presets][cli]") {
  TempDir dir;
  const auto outcome = run_nmsim(dir, std::string("run --chip loihi_like --json r.json") + kTiny);
  REQUIRE(outcome.status == 0);  // 0 includes the bit-exact check against the functional reference
  const nmsim::Report report = report_of(dir.file("r.json"));
  const std::string note = adaptation_note(report);
  // The default run's 2000 does not fit the preset's 8-bit weights (-128..127).
  CHECK(note.find("run.network.init_weight_range 2000 -> 125 (") != std::string::npos);
  CHECK(note.find("run.network.neuron.threshold 16384 -> 1024 (") != std::string::npos);
  CHECK(report.provenance().run_config().find("init_weight_range: 125") != std::string::npos);
}

TEST_CASE("presets: a field the user sets is never adapted", "[presets][cli]") {
  TempDir dir;
  std::ofstream(dir.file("run.textproto")) << "network { neuron { threshold: 2048 } }\n";
  const auto outcome = run_nmsim(
      dir, std::string("run --chip loihi_like --run run.textproto --set network.init_weight_range=100 --json r.json") +
               kTiny);
  REQUIRE(outcome.status == 0);
  const nmsim::Report report = report_of(dir.file("r.json"));
  const std::string note = adaptation_note(report);
  CHECK(note.find("init_weight_range") == std::string::npos);
  CHECK(note.find("threshold") == std::string::npos);
  CHECK(note.find("run.dfa.output_lr_shift 5 -> 9") != std::string::npos);  // the fields left to the preset
  CHECK(report.provenance().run_config().find("init_weight_range: 100") != std::string::npos);
  CHECK(report.provenance().run_config().find("threshold: 2048") != std::string::npos);
}

TEST_CASE("presets: odin_like runs the default job on its one core, pooled to 14 x 14", "[presets][cli]") {
  TempDir dir;
  const auto outcome = run_nmsim(dir, std::string("run --chip odin_like --json r.json") + kTiny);
  REQUIRE(outcome.status == 0);
  const nmsim::Report report = report_of(dir.file("r.json"));
  const std::string note = adaptation_note(report);
  CHECK(note.find("run.input_pooling 1 -> 2 (") != std::string::npos);
  CHECK(note.find("run.network.neuron.threshold 16384 -> ") != std::string::npos);
  // The default chip has no overlay: nothing adapted, no note.
  REQUIRE(run_nmsim(dir, std::string("run --json d.json") + kTiny).status == 0);
  CHECK(adaptation_note(report_of(dir.file("d.json"))).empty());
}

TEST_CASE("presets: a sweep over the chip presets runs every point", "[presets][sweep][cli]") {
  TempDir dir;
  std::ofstream(dir.file("p.textproto")) << R"(name: "presets"
set: "training.train_samples=20"
set: "samples=10"
axes { field { path: "chip" values: ["default", "loihi_like", "odin_like"] } }
)";
  const auto outcome = run_nmsim(dir, "sweep p.textproto --out r -j 2");
  CHECK(outcome.status == 0);
  const std::string csv = slurp(dir.file("r/presets.csv"));
  std::istringstream lines(csv);
  std::string line;
  int ok = 0, rows = -1;  // the header is not a point
  while (std::getline(lines, line)) {
    ++rows;
    if (line.find(",ok,") != std::string::npos) ++ok;
  }
  CHECK(rows == 3);
  CHECK(ok == 3);
}

TEST_CASE("clock: 75, 333 and 1000/3 MHz give the 200 MHz cycles, time = cycles / f", "[presets][clock][cli]") {
  TempDir dir;
  const std::string job = " --set training.train_samples=4 --set samples=4 --quiet --no-table --trace-end 3000";
  REQUIRE(run_nmsim(dir, "run --vcd base.vcd --json base.json" + job).status == 0);
  const nmsim::Summary base = report_of(dir.file("base.json")).summary();
  REQUIRE(base.clock_mhz() == 200);
  for (const auto& [text, mhz] : {std::pair<std::string, double>{"75", 75.0}, {"333", 333.0}, {"1000/3", 1000.0 / 3}}) {
    INFO("clock_mhz = " << text);
    REQUIRE(run_nmsim(dir, "run --set chip.clock_mhz=" + text + " --vcd c.vcd --json c.json" + job).status == 0);
    const nmsim::Summary s = report_of(dir.file("c.json")).summary();
    CHECK(s.cycles() == base.cycles());  // cycles do not depend on the clock
    CHECK(s.clock_mhz() == mhz);
    CHECK(s.simulated_seconds() == Approx(static_cast<double>(s.cycles()) / (mhz * 1e6)).epsilon(1e-15));
    // Leakage is power x time; dynamic energy counts events, whatever the clock.
    CHECK(s.leakage_energy_pj() == Approx(base.leakage_energy_pj() * 200 / mhz).epsilon(1e-12));
    CHECK(s.dynamic_energy_pj() == base.dynamic_energy_pj());
    // The VCD's time axis counts cycles: the same trace as at 200 MHz but for the period its
    // $comment states (the kernel's: the true one rounded to whole ps).
    CHECK(s.clock_period_ps() == static_cast<uint64_t>(1e6 / mhz + 0.5));
    const auto without_comment = [](std::string text) {
      const std::size_t begin = text.find("$comment");
      return begin == std::string::npos ? text : text.erase(begin, text.find("$end", begin) - begin);
    };
    const std::string vcd = slurp(dir.file("c.vcd")), base_vcd = slurp(dir.file("base.vcd"));
    CHECK(vcd.find("clock period is " + std::to_string(s.clock_period_ps()) + " ps") != std::string::npos);
    CHECK(vcd.size() > 1000);
    CHECK(without_comment(vcd) == without_comment(base_vcd));
  }
}
