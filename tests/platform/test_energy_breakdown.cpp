// Energy breakdown and power gating in the report builder: a tiny hierarchy with one used
// core (half of its SRAM banks untouched), one core that holds nothing and a router; the
// expected energies are derived by hand from the default table (energy_28nm):
// 1 uW/KB of SRAM, 5 uW per core's logic and per router, residual 5 % when gated, wake-up
// 1 pJ/KB and 10 pJ per core; 100 host-I/O + 900 forward cycles at 5000 ps = 5 us.
#include <catch2/catch.hpp>

#include <array>
#include <functional>
#include <map>
#include <sstream>
#include <string>

#include <systemc>

#include "models/base/stats.h"
#include "platform/config/loader.h"
#include "platform/energy/energy_model.h"
#include "platform/report/breakdown_csv.h"
#include "platform/report/report_builder.h"

namespace {

using nmsim::EnergyKind;
using nmsim::Phase;
using nmsim::PhaseCounter;

// The cells add a few hundred doubles whose sum is the total: the rounding error stays below
// (cells) x 2^-53 of the total, far under 1e-12.
Approx close(double v) { return Approx(v).epsilon(1e-12); }

// 512 KB in 4 banks of 128 KB; `untouched_banks` of them hold nothing.
struct TestSram : sc_core::sc_module, nmsim::StatGroup {
  nmsim::ComponentClass component_class() const override { return nmsim::COMPONENT_SRAM; }
  double unused_sram_kb() const override { return 128.0 * untouched_banks; }
  PhaseCounter reads;
  uint32_t untouched_banks = 0;
  explicit TestSram(sc_core::sc_module_name name) : sc_module(name) {
    add_stat("reads", "words", "bank reads", reads, {EnergyKind::kSramRead, 128, 64});
    add_leakage({nmsim::LeakageKind::kSram, 512});
  }
};

struct TestCore : sc_core::sc_module, nmsim::StatGroup {
  nmsim::ComponentClass component_class() const override { return nmsim::COMPONENT_CORE; }
  bool holds_nothing() const override { return empty; }
  PhaseCounter accumulates;
  TestSram sram{"sram"};
  bool empty = false;
  explicit TestCore(sc_core::sc_module_name name) : sc_module(name) {
    add_stat("accumulates", "ops", "16-bit accumulates", accumulates, {EnergyKind::kAdd, 0, 16});
    add_leakage({nmsim::LeakageKind::kCoreLogic, 0});
  }
};

struct TestRouter : sc_core::sc_module, nmsim::StatGroup {
  nmsim::ComponentClass component_class() const override { return nmsim::COMPONENT_ROUTER; }
  PhaseCounter hops;
  explicit TestRouter(sc_core::sc_module_name name) : sc_module(name) {
    add_stat("hops", "flits", "flit hops", hops, {EnergyKind::kFlitHop, 0, 32});
    add_leakage({nmsim::LeakageKind::kRouter, 0});
  }
};

struct TestChip : sc_core::sc_module {
  TestCore used{"used"};
  TestCore empty{"empty"};
  TestRouter router{"router"};
  explicit TestChip(sc_core::sc_module_name name) : sc_module(name) {
    empty.empty = true;
    empty.sram.untouched_banks = 4;  // under an empty core: counted with the core, not twice
    used.sram.untouched_banks = 2;
    used.accumulates.add(Phase::kForward, 1000);
    used.sram.reads.add(Phase::kHostIo, 10);
    used.sram.reads.add(Phase::kForward, 250);
    router.hops.add(Phase::kForward, 90);
  }
};

constexpr std::array<uint64_t, nmsim::kPhaseCount> kPhaseCycles{100, 900, 0, 0};
// 200 MHz: a 5000 ps period, so 1000 cycles are 5 us (the leakage figures below).
const nmsim::Clock kClock(200);

nmsim::PowerGatingConfig gating(bool cores, bool banks) {
  nmsim::PowerGatingConfig g;
  g.set_unused_cores(cores);
  g.set_unused_sram_banks(banks);
  return g;
}

double sum_cells(const nmsim::Report& r, const std::function<bool(const nmsim::EnergyCell&)>& match) {
  double pj = 0;
  for (const auto& cell : r.breakdown()) {
    if (match(cell)) pj += cell.energy_pj();
  }
  return pj;
}

// The breakdown adds up to the summary's total, dynamic and leakage energy, and to every
// component class's energy.
void require_consistent(const nmsim::Report& r) {
  REQUIRE(sum_cells(r, [](const auto&) { return true; }) == close(r.summary().energy_pj()));
  REQUIRE(sum_cells(r, [](const auto& c) { return c.kind() == "dynamic"; }) == close(r.summary().dynamic_energy_pj()));
  REQUIRE(sum_cells(r, [](const auto& c) { return c.kind() == "leakage"; }) == close(r.summary().leakage_energy_pj()));
  std::map<int, double> by_class;
  for (const auto& component : r.components()) {
    by_class[component.component_class()] += component.dynamic_pj() + component.leakage_pj();
  }
  for (const auto& [component_class, pj] : by_class) {
    REQUIRE(sum_cells(r, [c = component_class](const auto& cell) { return cell.component_class() == c; }) == close(pj));
  }
  for (const auto& cell : r.breakdown()) REQUIRE(cell.energy_pj() != 0);
}

bool unused_leakage(const nmsim::EnergyCell& c) { return c.usage() == "unused" && c.kind() == "leakage"; }

}  // namespace

TEST_CASE("breakdown: cells add up, unused leakage apart, hand-derived", "[report][breakdown]") {
  TestChip chip("chip");
  const nmsim::energy::EnergyModel model(nmsim::config::default_energy_table());
  const nmsim::Report r = nmsim::report::build_report({&chip}, model, kPhaseCycles, kClock);
  require_consistent(r);
  for (const auto& cell : r.breakdown()) REQUIRE(cell.part() == "test");
  // The empty core (5 uW logic + 512 KB x 1 uW/KB) x 5 us = 2585 pJ, plus the used core's two
  // untouched banks 256 KB x 1 uW/KB x 5 us = 1280 pJ.
  REQUIRE(sum_cells(r, unused_leakage) == close(2585 + 1280));
  REQUIRE(sum_cells(r, [](const auto& c) { return unused_leakage(c) && c.event() == "CoreLogic"; }) == close(25));
  // Used: the core's logic 25 pJ, its 256 KB of touched banks 1280 pJ, the router 25 pJ.
  REQUIRE(sum_cells(r, [](const auto& c) { return c.usage() == "used" && c.kind() == "leakage"; }) ==
          close(25 + 1280 + 25));
  // Leakage of the forward phase alone: 900 of 1000 cycles.
  REQUIRE(sum_cells(r, [](const auto& c) { return unused_leakage(c) && c.phase() == "forward"; }) ==
          close(0.9 * (2585 + 1280)));
  // Dynamic by event: 1000 16-bit adds x 0.06 pJ, 90 32-bit hops x 2.304 pJ.
  REQUIRE(sum_cells(r, [](const auto& c) { return c.event() == "Add"; }) == close(60));
  REQUIRE(sum_cells(r, [](const auto& c) { return c.event() == "FlitHop"; }) == close(207.36));
  // Not gated: one leakage entry per source, none gated; no wake-ups.
  for (const auto& component : r.components()) {
    for (const auto& entry : component.leakage()) REQUIRE_FALSE(entry.gated());
  }
  REQUIRE(nmsim::report::recompute_energy_pj(r, model) == r.summary().energy_pj());
  REQUIRE(r.notes_size() == 1);
  REQUIRE(r.notes(0).find("Unused: 1 cores hold nothing") == 0);
}

TEST_CASE("breakdown: power gating leaves the residual fraction and charges wake-ups", "[report][breakdown]") {
  TestChip chip("chip");
  const nmsim::energy::EnergyModel model(nmsim::config::default_energy_table());
  const nmsim::Report open = nmsim::report::build_report({&chip}, model, kPhaseCycles, kClock);
  const nmsim::Report cores =
      nmsim::report::build_report({&chip}, model, kPhaseCycles, kClock, "test", gating(true, false));
  const nmsim::Report both =
      nmsim::report::build_report({&chip}, model, kPhaseCycles, kClock, "test", gating(true, true));
  for (const auto* r : {&cores, &both}) {
    require_consistent(*r);
    REQUIRE(nmsim::report::recompute_energy_pj(*r, model) == r->summary().energy_pj());
    REQUIRE(r->summary().cycles() == open.summary().cycles());
    // What is used costs the same.
    const auto used = [](const auto& c) { return c.usage() == "used"; };
    REQUIRE(sum_cells(*r, used) == close(sum_cells(open, used)));
  }
  // Gated empty core: 2585 pJ x 0.05 = 129.25 pJ; the untouched banks of the used core stay.
  REQUIRE(sum_cells(cores, unused_leakage) == close(129.25 + 1280));
  // Wake-ups, in host_io: 10 pJ for the logic, 512 KB x 1 pJ/KB.
  const auto wakeups = [](const auto& c) { return c.event() == "CoreWakeup" || c.event() == "SramWakeup"; };
  REQUIRE(sum_cells(cores, wakeups) == close(10 + 512));
  REQUIRE(sum_cells(cores, [&](const auto& c) { return wakeups(c) && c.phase() != "host_io"; }) == 0);
  // Banks gated too: 1280 pJ x 0.05 = 64 pJ, and 256 KB more woken.
  REQUIRE(sum_cells(both, unused_leakage) == close(129.25 + 64));
  REQUIRE(sum_cells(both, wakeups) == close(10 + 512 + 256));
  // The used SRAM's entry is split: 256 KB open, 256 KB gated at 12.8 uW.
  const nmsim::ComponentEnergy& sram = both.components(1);
  REQUIRE(sram.name() == "chip.used.sram");
  REQUIRE(sram.leakage_size() == 2);
  REQUIRE(sram.leakage(0).size_kb() == 256);
  REQUIRE_FALSE(sram.leakage(0).gated());
  REQUIRE(sram.leakage(1).size_kb() == 256);
  REQUIRE(sram.leakage(1).gated());
  REQUIRE(sram.leakage(1).power_uw() == close(12.8));
  REQUIRE(both.notes(0).find("unused cores gated, unused SRAM banks gated") != std::string::npos);
  // Saved: (2585 + 1280) x 0.95 = 3671.75 pJ.
  REQUIRE(both.notes(0).find("leakage saved 0.004 uJ") != std::string::npos);
}

TEST_CASE("breakdown: the training part is the snapshot, the test part the rest", "[report][breakdown]") {
  TestChip chip("chip");
  const nmsim::energy::EnergyModel model(nmsim::config::default_energy_table());
  const nmsim::Report training =
      nmsim::report::build_report({&chip}, model, {100, 400, 0, 0}, kClock, "training");
  chip.used.accumulates.add(Phase::kForward, 500);  // the test pass
  chip.router.hops.add(Phase::kForward, 10);
  nmsim::Report r = nmsim::report::build_report({&chip}, model, kPhaseCycles, kClock);
  nmsim::report::split_training_part(r, training);
  require_consistent(r);
  REQUIRE(sum_cells(r, [](const auto& c) { return c.part() == "training"; }) == close(training.summary().energy_pj()));
  // Test part: 500 adds x 0.06 + 10 hops x 2.304 + half the leakage (500 of 1000 cycles) of
  // 25 + 2560 + 25 + 2560 + 25 = 5195 pJ.
  REQUIRE(sum_cells(r, [](const auto& c) { return c.part() == "test"; }) == close(30 + 23.04 + 0.5 * 5195));
  REQUIRE(sum_cells(r, [](const auto& c) { return c.part() == "test" && c.phase() == "host_io"; }) == 0);
}

TEST_CASE("breakdown: CSV has the plotting header and one row per cell", "[report][breakdown]") {
  TestChip chip("chip");
  const nmsim::energy::EnergyModel model(nmsim::config::default_energy_table());
  const nmsim::Report r = nmsim::report::build_report({&chip}, model, kPhaseCycles, kClock);
  std::istringstream csv(nmsim::report::breakdown_csv(r));
  std::string line;
  std::getline(csv, line);
  REQUIRE(line == "part,phase,component_class,usage,kind,event,energy_pJ");
  int rows = 0;
  double total = 0;
  while (std::getline(csv, line)) {
    ++rows;
    total += std::stod(line.substr(line.rfind(',') + 1));
    if (rows == 1) REQUIRE(line.rfind("test,host_io,core,", 0) == 0);
  }
  REQUIRE(rows == r.breakdown_size());
  REQUIRE(total == close(r.summary().energy_pj()));  // shortest round-trip text: the same doubles
  REQUIRE(nmsim::report::component_class_name(nmsim::COMPONENT_NETWORK_INTERFACE) == "network_interface");
}
