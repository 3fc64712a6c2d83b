// Validation before elaboration: exact messages naming field path, value and rule.
#include <catch2/catch.hpp>

#include <functional>
#include <string>

#include "models/base/errors.h"
#include "platform/config/loader.h"
#include "platform/config/validate.h"

namespace {

namespace config = nmsim::config;

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const nmsim::ConfigError& e) {
    return e.what();
  }
  return "(no ConfigError)";
}

nmsim::TrafficConfig valid_traffic() {
  nmsim::TrafficConfig t;
  t.set_pattern(nmsim::TRAFFIC_UNIFORM_RANDOM);
  t.set_injection(nmsim::INJECTION_BERNOULLI);
  t.set_injection_rate(0.1);
  t.set_packet_length_flits(4);
  t.set_warmup_cycles(1000);
  t.set_measure_cycles(10000);
  t.set_drain_limit_cycles(100000);
  t.set_hotspot_x(0);
  t.set_hotspot_y(0);
  t.set_hotspot_fraction(0);
  t.set_seed(1);
  return t;
}

}  // namespace

TEST_CASE("config: chip ranges from the (range) option", "[config][validate]") {
  nmsim::ChipConfig chip = config::default_chip_config();
  chip.mutable_noc()->set_buffer_depth_flits(0);
  REQUIRE(error_of([&] { config::validate(chip); }) == "chip.noc.buffer_depth_flits = 0: must be >= 1");
  chip = config::default_chip_config();
  chip.set_mesh_width(65);
  REQUIRE(error_of([&] { config::validate(chip); }) == "chip.mesh_width = 65: must be in 1..64");
  chip = config::default_chip_config();
  chip.mutable_core()->set_state_width_bits(33);
  REQUIRE(error_of([&] { config::validate(chip); }) == "chip.core.state_width_bits = 33: must be in 8..32");
  chip = config::default_chip_config();
  chip.set_clock_mhz(0);
  REQUIRE(error_of([&] { config::validate(chip); }) == "chip.clock_mhz = 0: must be > 0");
}

TEST_CASE("config: enums must be named and every field set", "[config][validate]") {
  nmsim::ChipConfig chip = config::default_chip_config();
  chip.mutable_noc()->set_routing(nmsim::ROUTING_UNSPECIFIED);
  REQUIRE(error_of([&] { config::validate(chip); }) ==
          "chip.noc.routing = ROUTING_UNSPECIFIED: must be one of ROUTING_XY, ROUTING_YX, ROUTING_XY_YX_CHECKERBOARD");
  chip = config::default_chip_config();
  chip.mutable_noc()->clear_watchdog_cycles();
  REQUIRE(error_of([&] { config::validate(chip); }) == "chip.noc.watchdog_cycles: not set (and no default)");
  chip = config::default_chip_config();
  chip.clear_barrier();
  REQUIRE(error_of([&] { config::validate(chip); }) == "chip.barrier: not set (and no default)");
}

TEST_CASE("config: the clock period must be a whole number of picoseconds", "[config][validate]") {
  nmsim::ChipConfig chip = config::default_chip_config();
  chip.set_clock_mhz(300);  // 1e6 / 300 = 3333.33 ps
  REQUIRE(error_of([&] { config::validate(chip); }) ==
          "chip.clock_mhz = 300: the clock period 1e6 / 300 = 3333.33 ps must be a whole number of picoseconds");
  chip.set_clock_mhz(250);  // 4000 ps
  REQUIRE_NOTHROW(config::validate(chip));
  REQUIRE(config::clock_period_ps(chip) == 4000);
  chip.set_clock_mhz(1.6);  // 625000 ps
  REQUIRE(config::clock_period_ps(chip) == 625000);
}

TEST_CASE("config: SRAM geometry must be consistent", "[config][validate]") {
  nmsim::ChipConfig chip = config::default_chip_config();
  chip.mutable_core()->mutable_synapse_sram()->set_word_width_bits(60);
  REQUIRE(error_of([&] { config::validate(chip); }) ==
          "chip.core.synapse_sram.word_width_bits = 60: must be a multiple of 8");
  chip = config::default_chip_config();
  chip.mutable_core()->set_weight_width_bits(12);  // 64 % 12 = 4
  REQUIRE(error_of([&] { config::validate(chip); }) ==
          "chip.core.weight_width_bits = 12: must divide chip.core.synapse_sram.word_width_bits (64)");
  chip = config::default_chip_config();
  chip.mutable_core()->mutable_synapse_sram()->set_size_bytes(524288 + 16);  // not a multiple of 4 x 8
  REQUIRE(error_of([&] { config::validate(chip); }) ==
          "chip.core.synapse_sram.size_bytes = 524304: must be a non-zero multiple of banks x word size = 4 x 8 = "
          "32 bytes");
  chip = config::default_chip_config();
  // 1024 axons x (256 neurons x 16 bits = 64 words of 8 bytes = 512 bytes) = 524288 > 262144.
  chip.mutable_core()->mutable_synapse_sram()->set_size_bytes(262144);
  REQUIRE(error_of([&] { config::validate(chip); }) ==
          "chip.core.synapse_sram.size_bytes = 262144: must hold max_axons x neurons weights = 1024 rows x 512 "
          "bytes = 524288 bytes");
}

TEST_CASE("config: run values must fit the chip", "[config][validate]") {
  const nmsim::ChipConfig chip = config::default_chip_config();
  nmsim::RunConfig run = config::default_run_config();
  run.set_time_steps(0);
  REQUIRE(error_of([&] { config::validate(run); }) == "run.time_steps = 0: must be in 1..255");
  run = config::default_run_config();
  run.mutable_network()->mutable_neuron()->set_threshold(8388608);  // 2^23 > 2^23 - 1 (24-bit signed)
  REQUIRE(error_of([&] { config::validate(run, chip); }) ==
          "run.network.neuron.threshold = 8388608: must fit chip.core.state_width_bits = 24 (<= 8388607)");
  run.mutable_network()->mutable_neuron()->set_threshold(8388607);
  REQUIRE_NOTHROW(config::validate(run, chip));
  run.mutable_network()->set_init_weight_range(32768);  // 16-bit signed weights: <= 32767
  REQUIRE(error_of([&] { config::validate(run, chip); }) ==
          "run.network.init_weight_range = 32768: must fit chip.core.weight_width_bits = 16 (<= 32767)");
  run = config::default_run_config();
  run.mutable_network()->mutable_neuron()->set_refractory_steps(16);
  REQUIRE(error_of([&] { config::validate(run); }) == "run.network.neuron.refractory_steps = 16: must be in 0..15");
}

TEST_CASE("config: traffic ranges and mesh consistency", "[config][validate]") {
  const nmsim::ChipConfig chip = config::default_chip_config();
  nmsim::TrafficConfig traffic = valid_traffic();
  REQUIRE_NOTHROW(config::validate(traffic, chip));
  traffic.set_injection_rate(0);
  REQUIRE(error_of([&] { config::validate(traffic, chip); }) == "traffic.injection_rate = 0: must be in (0, 1]");
  traffic.set_injection_rate(1);  // the interval is closed at 1
  REQUIRE_NOTHROW(config::validate(traffic, chip));
  traffic.set_hotspot_fraction(1.5);
  REQUIRE(error_of([&] { config::validate(traffic, chip); }) == "traffic.hotspot_fraction = 1.5: must be in [0, 1]");
  traffic = valid_traffic();
  traffic.set_hotspot_x(4);
  REQUIRE(error_of([&] { config::validate(traffic, chip); }) == "traffic.hotspot_x = 4: must be < chip.mesh_width = 4");
  nmsim::ChipConfig wide = chip;
  wide.set_mesh_width(8);
  traffic = valid_traffic();
  traffic.set_pattern(nmsim::TRAFFIC_TRANSPOSE);
  REQUIRE(error_of([&] { config::validate(traffic, wide); }) ==
          "traffic.pattern = TRAFFIC_TRANSPOSE: needs a square mesh, chip is 8 x 4");
}
