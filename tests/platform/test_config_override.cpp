// --set path=value overrides.
#include <catch2/catch.hpp>

#include <functional>
#include <string>

#include "models/base/errors.h"
#include "platform/config/loader.h"
#include "platform/config/override.h"

namespace {

namespace config = nmsim::config;

struct Configs {
  nmsim::ChipConfig chip = config::default_chip_config();
  nmsim::RunConfig run = config::default_run_config();
  nmsim::EnergyTable energy = config::default_energy_table();
  nmsim::TrafficConfig traffic;  // traffic_default belongs to the traffic generator
  void set(const std::string& assignment) { config::apply_override(chip, run, energy, traffic, assignment); }
  std::string error(const std::string& assignment) {
    try {
      set(assignment);
    } catch (const nmsim::ConfigError& e) {
      return e.what();
    }
    return "(no ConfigError)";
  }
};

}  // namespace

TEST_CASE("config: --set of a scalar picks the message by its first field", "[config][override]") {
  Configs c;
  c.set("noc.buffer_depth_flits=8");
  c.set("time_steps = 16");
  c.set("chip.core.synapse_sram.size_bytes=262144");
  c.set("energy.add_8bit.value=0.02");
  c.set("traffic.injection_rate=0.25");
  c.set("core.pipeline_fill_cycles=0");
  c.set("noc.always_clock=true");
  c.set("clock_mhz=250");
  REQUIRE(c.chip.noc().buffer_depth_flits() == 8);
  REQUIRE(c.run.time_steps() == 16);
  REQUIRE(c.chip.core().synapse_sram().size_bytes() == 262144);
  REQUIRE(c.energy.add_8bit().value() == 0.02);
  REQUIRE(c.traffic.injection_rate() == 0.25);
  REQUIRE(c.chip.core().has_pipeline_fill_cycles());
  REQUIRE(c.chip.core().pipeline_fill_cycles() == 0);
  REQUIRE(c.chip.noc().always_clock());
  REQUIRE(c.chip.clock_mhz() == 250);
}

TEST_CASE("config: --set of an enum takes the value name", "[config][override]") {
  Configs c;
  c.set("noc.routing=ROUTING_YX");
  REQUIRE(c.chip.noc().routing() == nmsim::ROUTING_YX);
  REQUIRE(c.error("noc.routing=YX") ==
          "--set 'noc.routing=YX': chip.noc.routing expects one of ROUTING_UNSPECIFIED, ROUTING_XY, ROUTING_YX, "
          "ROUTING_XY_YX_CHECKERBOARD, got 'YX'");
}

TEST_CASE("config: --set of a repeated field replaces the list", "[config][override]") {
  Configs c;
  c.set("network.hidden_sizes=256,128");
  REQUIRE(c.run.network().hidden_sizes_size() == 2);
  REQUIRE(c.run.network().hidden_sizes(0) == 256);
  REQUIRE(c.run.network().hidden_sizes(1) == 128);
  c.set("run.network.hidden_sizes=");
  REQUIRE(c.run.network().hidden_sizes_size() == 0);
  REQUIRE(c.error("network.hidden_sizes=256,x") ==
          "--set 'network.hidden_sizes=256,x': run.network.hidden_sizes expects a comma-separated list of an "
          "unsigned 32-bit integer, got 'x'");
}

TEST_CASE("config: --set of an unknown path lists the valid names at that level", "[config][override]") {
  Configs c;
  REQUIRE(c.error("noc.buffer_depth=8") ==
          "--set 'noc.buffer_depth=8': unknown field 'buffer_depth' in chip.noc; valid: flit_width_bits, "
          "buffer_depth_flits, router_pipeline_stages, link_latency_cycles, routing, replication, watchdog_cycles, "
          "always_clock, virtual_channels, vc_alloc_delay_cycles, routing_delay_cycles, credit_delay_cycles, "
          "input_speedup, wait_for_tail_credit, injection_latency_cycles, ejection_latency_cycles");
  const std::string top = c.error("bogus=1");
  REQUIRE(top.rfind("--set 'bogus=1': unknown field 'bogus'; valid: chip., run., energy., traffic. or a field of "
                    "one of them: chip: name, mesh_width, ",
                    0) == 0);
  REQUIRE(top.find("run: workload, dataset,") != std::string::npos);
  REQUIRE(c.error("noc=1") ==
          "--set 'noc=1': chip.noc is a message; set one of its fields: flit_width_bits, buffer_depth_flits, "
          "router_pipeline_stages, link_latency_cycles, routing, replication, watchdog_cycles, always_clock, "
          "virtual_channels, vc_alloc_delay_cycles, routing_delay_cycles, credit_delay_cycles, input_speedup, "
          "wait_for_tail_credit, injection_latency_cycles, ejection_latency_cycles");
  REQUIRE(c.error("mesh_width") == "--set 'mesh_width': expected path=value");
}

TEST_CASE("config: --set of a name in two messages needs the prefix", "[config][override]") {
  Configs c;
  REQUIRE(c.error("seed=3") == "--set 'seed=3': 'seed' is ambiguous: run.seed and traffic.seed; write the prefix");
  c.set("run.seed=3");
  REQUIRE(c.run.seed() == 3);
  REQUIRE_FALSE(c.traffic.has_seed());
}

TEST_CASE("config: --set of a real field takes a fraction", "[config][override]") {
  Configs c;
  c.set("chip.clock_mhz=1000/3");
  REQUIRE(c.chip.clock_mhz() == 1000.0 / 3);
  c.set("clock_mhz=2.5e2");
  REQUIRE(c.chip.clock_mhz() == 250);
  c.set("energy.add_8bit.value=3/100");
  REQUIRE(c.energy.add_8bit().value() == 3.0 / 100);
}

TEST_CASE("config: --set of a bad value names the field and the expected type", "[config][override]") {
  Configs c;
  REQUIRE(c.error("noc.buffer_depth_flits=abc") ==
          "--set 'noc.buffer_depth_flits=abc': chip.noc.buffer_depth_flits expects an unsigned 32-bit integer, got "
          "'abc'");
  REQUIRE(c.error("noc.buffer_depth_flits=-1") ==
          "--set 'noc.buffer_depth_flits=-1': chip.noc.buffer_depth_flits expects an unsigned 32-bit integer, got "
          "'-1'");
  REQUIRE(c.error("noc.buffer_depth_flits=4294967296") ==
          "--set 'noc.buffer_depth_flits=4294967296': chip.noc.buffer_depth_flits expects an unsigned 32-bit "
          "integer, got '4294967296'");
  REQUIRE(c.error("clock_mhz=fast") ==
          "--set 'clock_mhz=fast': chip.clock_mhz expects a number or a fraction A/B, got 'fast'");
  REQUIRE(c.error("clock_mhz=1000/0") ==
          "--set 'clock_mhz=1000/0': chip.clock_mhz expects a number or a fraction A/B, got '1000/0'");
  REQUIRE(c.error("clock_mhz=1000/") ==
          "--set 'clock_mhz=1000/': chip.clock_mhz expects a number or a fraction A/B, got '1000/'");
  REQUIRE(c.error("clock_mhz=1/2/3") ==
          "--set 'clock_mhz=1/2/3': chip.clock_mhz expects a number or a fraction A/B, got '1/2/3'");
  REQUIRE(c.error("noc.always_clock=yes") ==
          "--set 'noc.always_clock=yes': chip.noc.always_clock expects true or false, got 'yes'");
  REQUIRE(c.chip.noc().buffer_depth_flits() == 4);  // unchanged by the failures
}
