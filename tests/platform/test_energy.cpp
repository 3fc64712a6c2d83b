// Energy model: per-event energies and leakage from the default 28 nm table, computed by
// hand from ENERGY.md's numbers (energy_28nm.textproto).
#include <catch2/catch.hpp>

#include <limits>

#include <algorithm>
#include <functional>
#include <vector>
#include <string>

#include "models/base/errors.h"
#include "platform/config/loader.h"
#include "platform/energy/energy_model.h"
#include "platform/report/report_builder.h"

namespace {

using nmsim::EnergyEvent;
using nmsim::EnergyKind;
using nmsim::LeakageKind;
using nmsim::LeakageSource;
using nmsim::energy::EnergyModel;

// pow() results are compared to hand-computed decimals to 1e-10 relative: the decimals
// below carry 12 significant digits, nothing looser.
Approx exact(double v) { return Approx(v).epsilon(1e-10); }

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const nmsim::ConfigError& e) {
    return e.what();
  }
  return "(no ConfigError)";
}

}  // namespace

TEST_CASE("energy: SRAM and state memory accesses follow the CACTI fit", "[energy]") {
  const EnergyModel model(nmsim::config::default_energy_table());
  // Read of a 128 KB bank (the default 512 KB synapse SRAM / 4 banks), 64-bit word:
  // 0.1075 x 128^0.545 x 64^0.346 = 0.1075 x 2^(7 x 0.545 + 6 x 0.346) = 0.1075 x 2^5.891
  //   = 0.1075 x 59.3427549719 = 6.37934615948 pJ.
  REQUIRE(model.event_pj({EnergyKind::kSramRead, 128, 64}) == exact(6.37934615948));
  // Write = 1.2 x read = 7.65521539137 pJ.
  REQUIRE(model.event_pj({EnergyKind::kSramWrite, 128, 64}) == exact(7.65521539137));
  // Neuron state memory: 256 neurons x 24 bits = 768 bytes = 0.75 KB, 24-bit word, factor 1:
  // 0.1075 x 0.75^0.545 x 24^0.346 = 0.1075 x 0.854886361431 x 3.00298449345 = 0.275975127356 pJ;
  // write 1.2 x that = 0.331170152828 pJ.
  REQUIRE(model.event_pj({EnergyKind::kStateRead, 0.75, 24}) == exact(0.275975127356));
  REQUIRE(model.event_pj({EnergyKind::kStateWrite, 0.75, 24}) == exact(0.331170152828));
}

TEST_CASE("energy: arithmetic by width times the control overhead", "[energy]") {
  const EnergyModel model(nmsim::config::default_energy_table());
  // add 8/16/32 bit = 0.016 / 0.03 / 0.058 pJ, x2 control overhead.
  REQUIRE(model.event_pj({EnergyKind::kAdd, 0, 8}) == exact(0.032));
  REQUIRE(model.event_pj({EnergyKind::kAdd, 0, 16}) == exact(0.06));
  REQUIRE(model.event_pj({EnergyKind::kAdd, 0, 24}) == exact(0.116));  // > 16 bits: 32-bit entry
  REQUIRE(model.event_pj({EnergyKind::kAdd, 0, 32}) == exact(0.116));
  REQUIRE(model.event_pj({EnergyKind::kAdd, 0, 64}) == exact(2 * 0.116));  // two chained 32-bit adds
  // multiply 8/16/32 bit = 0.12 / 0.5 / 2.0 pJ, x2.
  REQUIRE(model.event_pj({EnergyKind::kMultiply, 0, 4}) == exact(0.24));
  REQUIRE(model.event_pj({EnergyKind::kMultiply, 0, 16}) == exact(1.0));
  REQUIRE(model.event_pj({EnergyKind::kMultiply, 0, 32}) == exact(4.0));
}

TEST_CASE("energy: NoC, barrier, host link, idle and free events", "[energy]") {
  nmsim::EnergyTable table = nmsim::config::default_energy_table();
  const EnergyModel gated(table);
  // 72 fJ per bit per hop x 32-bit flit = 2.304 pJ (Loihi: 3-4 pJ for 32-48 bits).
  REQUIRE(gated.event_pj({EnergyKind::kFlitHop, 0, 32}) == exact(2.304));
  REQUIRE(gated.event_pj({EnergyKind::kLocalDelivery, 0, 32}) == exact(1.7));
  REQUIRE(gated.event_pj({EnergyKind::kBarrier, 0, 0}) == exact(1.7));
  REQUIRE(gated.event_pj({EnergyKind::kHostByte, 0, 0}) == exact(40));
  REQUIRE(gated.event_pj({EnergyKind::kNone, 128, 64}) == 0);
  REQUIRE(gated.event_pj({EnergyKind::kIdleCycle, 0, 0}) == 0);  // clock gating on
  table.set_clock_gating(false);
  const EnergyModel ungated(table);
  REQUIRE(ungated.event_pj({EnergyKind::kIdleCycle, 0, 0}) == exact(1.78));  // ODIN 1.78 uW/MHz
}

TEST_CASE("energy: leakage per source", "[energy]") {
  const EnergyModel model(nmsim::config::default_energy_table());
  // 1 uW per KB: a 512 KB synapse SRAM leaks 512 uW.
  REQUIRE(model.leakage_uw({LeakageKind::kSram, 512}) == exact(512));
  REQUIRE(model.leakage_uw({LeakageKind::kSram, 0.75}) == exact(0.75));
  REQUIRE(model.leakage_uw({LeakageKind::kCoreLogic, 0}) == exact(5));
  REQUIRE(model.leakage_uw({LeakageKind::kRouter, 0}) == exact(5));
}

TEST_CASE("energy: table name and hash identify the table", "[energy]") {
  // FNV-1a 64 reference values: "" -> offset basis; "a" from the published test vectors.
  REQUIRE(nmsim::energy::fnv1a64_hex("") == "cbf29ce484222325");
  REQUIRE(nmsim::energy::fnv1a64_hex("a") == "af63dc4c8601ec8c");
  nmsim::EnergyTable table = nmsim::config::default_energy_table();
  const EnergyModel a(table);
  REQUIRE(a.table_name() == "nmsim-default-28nm");
  REQUIRE(a.table_hash().size() == 16);
  REQUIRE(a.table_hash() == EnergyModel(table).table_hash());
  table.mutable_add_8bit()->set_value(0.017);
  REQUIRE(EnergyModel(table).table_hash() != a.table_hash());
}

TEST_CASE("energy: a missing or negative entry is an error naming it", "[energy]") {
  nmsim::EnergyTable table = nmsim::config::default_energy_table();
  table.clear_noc_local_delivery();
  REQUIRE(error_of([&] { EnergyModel m(table); }) == "energy.noc_local_delivery: missing");
  table = nmsim::config::default_energy_table();
  table.mutable_sram()->mutable_coefficient_pj()->clear_value();
  REQUIRE(error_of([&] { EnergyModel m(table); }) == "energy.sram.coefficient_pj: missing value");
  table = nmsim::config::default_energy_table();
  table.mutable_add_8bit()->set_value(-1);
  REQUIRE(error_of([&] { EnergyModel m(table); }) == "energy.add_8bit.value = -1: must be a finite number >= 0");
  table.mutable_add_8bit()->set_value(std::numeric_limits<double>::infinity());
  REQUIRE(error_of([&] { EnergyModel m(table); }) == "energy.add_8bit.value = inf: must be a finite number >= 0");
  table = nmsim::config::default_energy_table();
  table.clear_clock_gating();
  REQUIRE(error_of([&] { EnergyModel m(table); }) == "energy.clock_gating: missing");
}

TEST_CASE("energy: the entries left at the built-in defaults are listed", "[energy]") {
  nmsim::EnergyTable table = nmsim::config::default_energy_table();
  REQUIRE(nmsim::config::energy_defaults_used(table).size() == 24);  // every Quantity of energy_28nm
  table.mutable_add_8bit()->set_value(0.02);
  table.mutable_sram()->mutable_coefficient_pj()->set_source("my CACTI run");
  const std::vector<std::string> used = nmsim::config::energy_defaults_used(table);
  REQUIRE(used.size() == 22);
  REQUIRE(used.front() == "add_16bit");
  REQUIRE(std::find(used.begin(), used.end(), "sram.size_exponent") != used.end());
  REQUIRE(std::find(used.begin(), used.end(), "sram.coefficient_pj") == used.end());
}

TEST_CASE("energy: the clock tree costs every working cycle, and every idle one unless gated, control on top",
          "[energy]") {
  nmsim::EnergyTable table = nmsim::config::default_energy_table();
  const nmsim::EnergyEvent active{nmsim::EnergyKind::kActiveCycle, 0, 0};
  const nmsim::EnergyEvent idle{nmsim::EnergyKind::kIdleCycle, 0, 0};
  // The default: clock tree 1.78 pJ (ODIN's 1.78 uW/MHz), nothing on top, gated.
  REQUIRE(EnergyModel(table).event_pj(active) == 1.78);
  REQUIRE(EnergyModel(table).event_pj(idle) == 0);
  // Control on top of the clock tree, gated: 1.78 + 4.143 a working cycle, idle ones free.
  table.mutable_core_active_cycle()->set_value(4.143);
  REQUIRE(EnergyModel(table).event_pj(active) == exact(5.923));
  REQUIRE(EnergyModel(table).event_pj(idle) == 0);
  // Ungated: the idle cycles pay the clock tree, the working ones the same as gated.
  table.set_clock_gating(false);
  REQUIRE(EnergyModel(table).event_pj(active) == exact(5.923));
  REQUIRE(EnergyModel(table).event_pj(idle) == exact(1.78));
  REQUIRE(nmsim::report::parse_energy_kind("ActiveCycle") == nmsim::EnergyKind::kActiveCycle);
}

TEST_CASE("energy: power gating leaves the residual fraction, a wake-up costs per KB or per core", "[energy]") {
  nmsim::EnergyTable table = nmsim::config::default_energy_table();
  const EnergyModel model(table);
  const nmsim::LeakageSource sram{nmsim::LeakageKind::kSram, 512};
  REQUIRE(model.leakage_uw(sram, false) == 512);         // 1 uW/KB
  REQUIRE(model.leakage_uw(sram, true) == Approx(25.6)); // x 0.05
  REQUIRE(model.event_pj({nmsim::EnergyKind::kSramWakeup, 512, 0}) == 512);  // 1 pJ/KB
  REQUIRE(model.event_pj({nmsim::EnergyKind::kCoreWakeup, 0, 0}) == 10);
  REQUIRE(nmsim::report::parse_energy_kind("SramWakeup") == nmsim::EnergyKind::kSramWakeup);
  table.mutable_power_gate_residual_leakage_fraction()->set_value(1.5);
  REQUIRE(error_of([&] { EnergyModel m(table); }).find("energy.power_gate_residual_leakage_fraction.value = 1.5") == 0);
}
