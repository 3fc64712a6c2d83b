// Report builder: a tiny hierarchy of StatGroup modules with known counts; names,
// values, energies, component totals, summary, phases, JSON zeros, conservation.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>

#include <systemc>

#include <google/protobuf/arena.h>
#include <google/protobuf/util/message_differencer.h>

#include "models/base/errors.h"
#include "models/base/stats.h"
#include "platform/config/loader.h"
#include "platform/energy/energy_model.h"
#include "platform/report/atomic_file.h"
#include "platform/report/report_builder.h"
#include "platform/report/report_format.h"

namespace {

using nmsim::EnergyKind;
using nmsim::Phase;
using nmsim::PhaseCounter;

Approx exact(double v) { return Approx(v).epsilon(1e-10); }

// Synapse SRAM: 512 KB in 4 banks of 128 KB, 64-bit words.
struct TestSram : sc_core::sc_module, nmsim::StatGroup {
  nmsim::ComponentClass component_class() const override { return nmsim::COMPONENT_SRAM; }
  PhaseCounter reads, writes;
  explicit TestSram(sc_core::sc_module_name name) : sc_module(name) {
    add_stat("reads", "words", "bank reads", reads, {EnergyKind::kSramRead, 128, 64});
    add_stat("writes", "words", "bank writes", writes, {EnergyKind::kSramWrite, 128, 64});
    add_leakage({nmsim::LeakageKind::kSram, 512});
    reads.add(Phase::kHostIo, 10);
    reads.add(Phase::kForward, 250);
    writes.add(Phase::kHostIo, 40);
  }
};

struct TestCore : sc_core::sc_module, nmsim::StatGroup {
  nmsim::ComponentClass component_class() const override { return nmsim::COMPONENT_CORE; }
  PhaseCounter sops, accumulates;
  TestSram sram{"sram"};
  explicit TestCore(sc_core::sc_module_name name) : sc_module(name) {
    add_stat("sops", "ops", "synaptic operations", sops);
    add_stat("accumulates", "ops", "16-bit accumulates", accumulates, {EnergyKind::kAdd, 0, 16});
    add_leakage({nmsim::LeakageKind::kCoreLogic, 0});
    sops.add(Phase::kForward, 1000);
    accumulates.add(Phase::kForward, 1000);
  }
};

struct TestRouter : sc_core::sc_module, nmsim::StatGroup {
  nmsim::ComponentClass component_class() const override { return nmsim::COMPONENT_ROUTER; }
  PhaseCounter flits_injected, hops;
  explicit TestRouter(sc_core::sc_module_name name) : sc_module(name) {
    add_stat("flits_injected", "flits", "flits entering the mesh", flits_injected);
    add_stat("hops", "flits", "flit hops", hops, {EnergyKind::kFlitHop, 0, 32});
    add_leakage({nmsim::LeakageKind::kRouter, 0});
    flits_injected.add(Phase::kForward, 30);
    hops.add(Phase::kForward, 90);
  }
};

// A plain module (not a StatGroup) holding the others: the walk must go through it.
struct TestChip : sc_core::sc_module {
  TestCore core{"core"};
  TestRouter router{"router"};
  explicit TestChip(sc_core::sc_module_name name) : sc_module(name) {}
};

// 100 host-I/O cycles + 900 forward cycles at 5000 ps (200 MHz).
constexpr std::array<uint64_t, nmsim::kPhaseCount> kPhaseCycles{100, 900, 0, 0};
constexpr double kClockMhz = 200;

// Per-event energies of the default table (see test_energy.cpp for the derivations):
// SRAM read 128 KB x 64 bit 6.37934615948 pJ, write 7.65521539137 pJ, 16-bit add x2
// control 0.06 pJ, 32-bit flit hop 2.304 pJ.
constexpr double kRead = 6.37934615948, kWrite = 7.65521539137;

nmsim::Report build(const TestChip& chip, const nmsim::energy::EnergyModel& model, double clock_mhz = kClockMhz) {
  return nmsim::report::build_report({&chip}, model, kPhaseCycles, nmsim::Clock(clock_mhz));
}

}  // namespace

TEST_CASE("report: stats are named by the hierarchy, with values and energies", "[report]") {
  TestChip chip("chip");
  const nmsim::energy::EnergyModel model(nmsim::config::default_energy_table());
  const nmsim::Report report = build(chip, model);
  // Depth first: core, core.sram, router (construction order).
  REQUIRE(report.stats_size() == 6);
  REQUIRE(report.stats(0).name() == "chip.core.sops");
  REQUIRE(report.stats(1).name() == "chip.core.accumulates");
  REQUIRE(report.stats(2).name() == "chip.core.sram.reads");
  REQUIRE(report.stats(3).name() == "chip.core.sram.writes");
  REQUIRE(report.stats(4).name() == "chip.router.flits_injected");
  REQUIRE(report.stats(5).name() == "chip.router.hops");

  const nmsim::Stat& reads = report.stats(2);
  REQUIRE(reads.unit() == "words");
  REQUIRE(reads.description() == "bank reads");
  REQUIRE(reads.value() == 260);
  REQUIRE(reads.by_phase_size() == 4);
  REQUIRE(reads.by_phase(0) == 10);
  REQUIRE(reads.by_phase(1) == 250);
  REQUIRE(reads.by_phase(2) == 0);
  REQUIRE(reads.energy_kind() == "SramRead");
  REQUIRE(reads.energy_pj() == exact(260 * kRead));                 // 1658.630001465 pJ
  REQUIRE(report.stats(0).energy_pj() == 0);                        // sops cost nothing by themselves
  REQUIRE(report.stats(1).energy_pj() == exact(60));                // 1000 x 0.06
  REQUIRE(report.stats(3).energy_pj() == exact(40 * kWrite));       // 306.2086156548 pJ
  REQUIRE(report.stats(5).energy_pj() == exact(207.36));            // 90 x 2.304

  // Components: one per StatGroup, leakage = power x 1000 cycles x 5000 ps = 5 us.
  REQUIRE(report.components_size() == 3);
  const nmsim::ComponentEnergy& core = report.components(0);
  const nmsim::ComponentEnergy& sram = report.components(1);
  const nmsim::ComponentEnergy& router = report.components(2);
  REQUIRE(core.name() == "chip.core");
  REQUIRE(core.dynamic_pj() == exact(60));
  REQUIRE(core.leakage_pj() == exact(25));       // 5 uW x 5 us
  REQUIRE(sram.name() == "chip.core.sram");
  REQUIRE(sram.dynamic_pj() == exact(260 * kRead + 40 * kWrite));  // 1964.8386171196 pJ
  REQUIRE(sram.leakage_pj() == exact(2560));     // 512 KB x 1 uW/KB x 5 us
  REQUIRE(sram.dynamic_by_phase_pj(0) == exact(10 * kRead + 40 * kWrite));
  REQUIRE(sram.dynamic_by_phase_pj(1) == exact(250 * kRead));
  REQUIRE(sram.leakage_by_phase_pj(0) == exact(256));   // 100 of 1000 cycles
  REQUIRE(sram.leakage_by_phase_pj(1) == exact(2304));  // 900 of 1000 cycles
  REQUIRE(router.name() == "chip.router");
  REQUIRE(router.dynamic_pj() == exact(207.36));
  REQUIRE(router.leakage_pj() == exact(25));
}

TEST_CASE("report: summary and phases, and energy recomputed from counts is exact", "[report]") {
  TestChip chip("chip");
  const nmsim::energy::EnergyModel model(nmsim::config::default_energy_table());
  const nmsim::Report report = build(chip, model);
  const nmsim::Summary& s = report.summary();
  REQUIRE(s.cycles() == 1000);
  REQUIRE(s.clock_period_ps() == 5000);
  REQUIRE(s.clock_mhz() == 200);
  REQUIRE(s.simulated_seconds() == exact(5e-6));
  REQUIRE(s.sops() == 1000);
  REQUIRE(s.sram_reads() == 260);
  REQUIRE(s.sram_writes() == 40);
  REQUIRE(s.noc_flits() == 30);
  REQUIRE(s.noc_hops() == 90);
  // Dynamic 60 + 1658.6300014648 + 306.2086156548 + 207.36 = 2232.1986171196 pJ;
  // leakage 25 + 2560 + 25 = 2610 pJ; total 4842.1986171196 pJ over 1000 SOPs.
  REQUIRE(s.dynamic_energy_pj() == exact(2232.1986171196));
  REQUIRE(s.leakage_energy_pj() == exact(2610));
  REQUIRE(s.energy_pj() == exact(4842.1986171196));
  REQUIRE(s.pj_per_sop() == exact(4.8421986171196));

  REQUIRE(report.phase_names_size() == 4);
  REQUIRE(report.phase_names(0) == "host_io");
  REQUIRE(report.phase_names(1) == "forward");
  REQUIRE(report.phases_size() == 4);
  const nmsim::PhaseSummary& host = report.phases(0);
  REQUIRE(host.phase() == "host_io");
  REQUIRE(host.cycles() == 100);
  REQUIRE(host.sops() == 0);
  REQUIRE(host.sram_reads() == 10);
  REQUIRE(host.sram_writes() == 40);
  // 10 reads + 40 writes + leakage of 100 cycles (256 + 2.5 + 2.5 pJ) = 631.0020772496 pJ.
  REQUIRE(host.energy_pj() == exact(631.0020772496));
  const nmsim::PhaseSummary& forward = report.phases(1);
  REQUIRE(forward.cycles() == 900);
  REQUIRE(forward.sops() == 1000);
  REQUIRE(forward.sram_reads() == 250);
  REQUIRE(forward.noc_flits() == 30);
  REQUIRE(forward.noc_hops() == 90);
  // 60 + 250 reads + 207.36 + leakage of 900 cycles (2304 + 22.5 + 22.5) = 4211.19653987 pJ.
  REQUIRE(forward.energy_pj() == exact(4211.19653987));
  REQUIRE(report.phases(2).energy_pj() == 0);

  // Conservation: the same products summed in the same order give the same bits.
  REQUIRE(nmsim::report::recompute_energy_pj(report, model) == s.energy_pj());
}

TEST_CASE("report: a report built into a message on an arena is the same report", "[report]") {
  TestChip chip("chip");
  const nmsim::energy::EnergyModel model(nmsim::config::default_energy_table());
  const nmsim::Report by_value = build(chip, model);
  google::protobuf::Arena arena;
  nmsim::Report& on_arena = *google::protobuf::Arena::CreateMessage<nmsim::Report>(&arena);
  nmsim::report::build_report_into(on_arena, {&chip}, model, kPhaseCycles, nmsim::Clock(kClockMhz));
  REQUIRE(on_arena.GetArena() == &arena);
  REQUIRE(on_arena.stats_size() == 6);
  REQUIRE(google::protobuf::util::MessageDifferencer::Equals(by_value, on_arena));
  REQUIRE(nmsim::report::to_json(by_value) == nmsim::report::to_json(on_arena));
}

TEST_CASE("report: at a clock whose period is not a whole ps, time and leakage follow the frequency", "[report]") {
  TestChip chip("chip");
  const nmsim::energy::EnergyModel model(nmsim::config::default_energy_table());
  const nmsim::Report at_200 = build(chip, model);
  for (const double mhz : {75.0, 333.0, 1000.0 / 3}) {
    const nmsim::Report report = build(chip, model, mhz);
    const nmsim::Summary& s = report.summary();
    REQUIRE(s.cycles() == 1000);
    REQUIRE(s.clock_mhz() == mhz);
    // The kernel period is the true one rounded to whole ps: 13333, 3003, 3000 ps.
    REQUIRE(s.clock_period_ps() == static_cast<uint64_t>(std::llround(1e6 / mhz)));
    // 1000 cycles at mhz MHz = 1000 / mhz us, not 1000 x the rounded period.
    REQUIRE(s.simulated_seconds() == Approx(1000 / (mhz * 1e6)).epsilon(1e-15));
    // Leakage is power x time: it scales by 200 / mhz from the 200 MHz report; dynamic does not.
    REQUIRE(s.leakage_energy_pj() == Approx(at_200.summary().leakage_energy_pj() * 200 / mhz).epsilon(1e-14));
    REQUIRE(s.dynamic_energy_pj() == at_200.summary().dynamic_energy_pj());
    REQUIRE(nmsim::report::recompute_energy_pj(report, model) == s.energy_pj());
  }
}

TEST_CASE("report: no SOPs gives 0 pJ/SOP", "[report]") {
  TestRouter router("router");
  const nmsim::energy::EnergyModel model(nmsim::config::default_energy_table());
  const nmsim::Report report = nmsim::report::build_report({&router}, model, kPhaseCycles, nmsim::Clock(kClockMhz));
  REQUIRE(report.summary().sops() == 0);
  REQUIRE(report.summary().pj_per_sop() == 0);
  REQUIRE(report.summary().energy_pj() == exact(207.36 + 25));
}

TEST_CASE("report: JSON shows zero-valued fields, the table is readable", "[report]") {
  TestChip chip("chip");
  const nmsim::energy::EnergyModel model(nmsim::config::default_energy_table());
  nmsim::Report report = build(chip, model);
  report.set_kind("inference");
  const std::string json = nmsim::report::to_json(report);
  REQUIRE(json.find("\"kind\": \"inference\"") != std::string::npos);
  REQUIRE(json.find("\"samples\": 0,") != std::string::npos);  // uint64 as a JSON number (it fits a double)
  REQUIRE(json.find("\"accuracy\": 0") != std::string::npos);
  REQUIRE(json.find("\"sram_writes\": 0") != std::string::npos);  // forward phase
  REQUIRE(json.find("\"phase_names\"") != std::string::npos);
  REQUIRE(json.find("\"chip.core.sram.reads\"") != std::string::npos);

  const std::string table = nmsim::report::to_table(report);
  REQUIRE(table.find("cycles                1,000") != std::string::npos);
  REQUIRE(table.find("energy                4.842 nJ (dynamic 2.232 nJ, leakage 2.610 nJ)") != std::string::npos);
  REQUIRE(table.find("energy per SOP        4.842 pJ") != std::string::npos);
  // Components sorted by energy: the SRAM (4.525 nJ) first.
  const auto sram = table.find("chip.core.sram  ");
  const auto core = table.find("chip.core        ");
  REQUIRE(sram != std::string::npos);
  REQUIRE(core != std::string::npos);
  REQUIRE(sram < core);
  REQUIRE(nmsim::report::with_thousands(1234567) == "1,234,567");
  REQUIRE(nmsim::report::with_thousands(999) == "999");
  REQUIRE(nmsim::report::format_energy(1234.0) == "1.234 nJ");
  REQUIRE(nmsim::report::format_energy(2.5e9) == "2.500 mJ");
}

TEST_CASE("report: files are written whole, or an error names the path", "[report]") {
  const std::string path = "/tmp/nmsim_test_" + std::to_string(getpid()) + "_report.json";
  nmsim::report::write_file_atomically(path, "{\"a\": 1}\n");
  std::ifstream in(path);
  std::stringstream content;
  content << in.rdbuf();
  REQUIRE(content.str() == "{\"a\": 1}\n");
  REQUIRE(std::ifstream(path + ".tmp").fail());  // the temporary was renamed away
  std::remove(path.c_str());
  try {
    nmsim::report::write_file_atomically("/nonexistent/folder/report.json", "x");
    FAIL("no DataError");
  } catch (const nmsim::DataError& e) {
    REQUIRE(std::string(e.what()) == "cannot write '/nonexistent/folder/report.json': No such file or directory");
  }
}

// The figures of a 784-4096-4096-10 DFA epoch's forward phase: wider than the table's usual
// columns, which once ran the SRAM-write, flit and hop columns together.
TEST_CASE("report: the table's columns widen for counts longer than their usual width", "[report]") {
  nmsim::Report report;
  nmsim::PhaseSummary& phase = *report.add_phases();
  phase.set_phase("forward");
  phase.set_cycles(1192112887);
  phase.set_sops(603336726592);
  phase.set_sram_reads(150897510624);
  phase.set_sram_writes(0);
  phase.set_noc_flits(4207151091);
  phase.set_noc_hops(6352126831);
  phase.set_energy_pj(1762.763e9);
  const std::string table = nmsim::report::to_table(report);
  const auto header_at = table.find("  phase");
  REQUIRE(header_at != std::string::npos);
  const std::string header = table.substr(header_at, table.find('\n', header_at) - header_at);
  const auto row_at = table.find("  forward");
  REQUIRE(row_at != std::string::npos);
  const std::string row = table.substr(row_at, table.find('\n', row_at) - row_at);
  // Each count stands apart from its neighbours and ends where its column's title ends.
  REQUIRE(row.find(" 0  4,207,151,091  6,352,126,831 ") != std::string::npos);
  REQUIRE(row.size() == header.size());
  for (const char* title : {"SRAM wr", "flits", "hops"}) {
    const std::size_t title_end = header.find(title) + std::string(title).size();
    REQUIRE(row[title_end - 1] != ' ');
    REQUIRE(row[title_end] == ' ');
  }
  // Counts that fit keep the usual widths: a phase of the main job's size.
  nmsim::Report small;
  nmsim::PhaseSummary& update = *small.add_phases();
  update.set_phase("update");
  update.set_cycles(1000);
  const std::string small_table = nmsim::report::to_table(small);
  REQUIRE(small_table.find("  update             1,000                0") != std::string::npos);
}
