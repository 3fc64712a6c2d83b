// Validation before elaboration: exact messages naming field path, value and rule.
#include <catch2/catch.hpp>

#include <cmath>
#include <functional>
#include <limits>
#include <string>

#include "models/base/errors.h"
#include "platform/config/loader.h"
#include "platform/config/validate.h"
#include "platform/mapper/mapper.h"

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

TEST_CASE("config: chip ranges from the limit options", "[config][validate]") {
  nmsim::ChipConfig chip = config::default_chip_config();
  chip.mutable_noc()->set_buffer_depth_flits(0);
  REQUIRE(error_of([&] { config::validate(chip); }) == "chip.noc.buffer_depth_flits = 0: must be in 1..65536");
  chip = config::default_chip_config();
  chip.mutable_host_link()->set_bytes_per_cycle(0);
  REQUIRE(error_of([&] { config::validate(chip); }) == "chip.host_link.bytes_per_cycle = 0: must be in 1..65536");
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

TEST_CASE("config: any clock the kernel's whole-ps periods can order is accepted", "[config][validate]") {
  nmsim::ChipConfig chip = config::default_chip_config();
  for (const double mhz : {300.0, 333.0, 75.0, 1000.0 / 3, 1.6, 1e6}) {
    chip.set_clock_mhz(mhz);
    REQUIRE_NOTHROW(config::validate(chip));
    REQUIRE(config::clock_mhz(chip) == mhz);
  }
  // Above 1e6 MHz the period is below the kernel's 1 ps resolution; below 1e6 / 2^24 MHz a
  // period of more than 2^24 ps leaves fewer than 2^40 cycles in the kernel's 64-bit time.
  const std::string range = ": must be within [0.0596046, 1e+06] MHz (a clock period of 1 ps to 2^24 ps; the "
                            "simulation kernel counts whole picoseconds in 64 bits)";
  chip.set_clock_mhz(2e6);
  REQUIRE(error_of([&] { config::validate(chip); }) == "chip.clock_mhz = 2e+06" + range);
  chip.set_clock_mhz(0.05);
  REQUIRE(error_of([&] { config::validate(chip); }) == "chip.clock_mhz = 0.05" + range);
  chip.set_clock_mhz(std::numeric_limits<double>::infinity());
  REQUIRE(error_of([&] { config::clock_mhz(chip); }) == "chip.clock_mhz = inf" + range);
  chip.set_clock_mhz(std::nan(""));
  REQUIRE(error_of([&] { config::clock_mhz(chip); }) == "chip.clock_mhz = nan" + range);
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

// Each limit a model's constructor used to check during elaboration (models/noc/mesh.cpp,
// models/sram/sram.cpp, models/core/neuron_core.cpp, models/core/readout_unit.cpp,
// workloads/traffic/traffic.cpp) is a ConfigError of the config layer, naming the field.
TEST_CASE("config: the mesh limits are checked before elaboration", "[config][validate]") {
  const auto with = [](const std::function<void(nmsim::ChipConfig&)>& change) {
    nmsim::ChipConfig chip = config::default_chip_config();
    change(chip);
    return error_of([&] { config::validate(chip); });
  };
  CHECK(with([](auto& c) { c.mutable_noc()->set_buffer_depth_flits(100000); }) ==
        "chip.noc.buffer_depth_flits = 100000: must be in 1..65536");
  CHECK(with([](auto& c) { c.mutable_noc()->set_router_pipeline_stages(65537); }) ==
        "chip.noc.router_pipeline_stages = 65537: must be in 1..65536");
  CHECK(with([](auto& c) { c.mutable_noc()->set_link_latency_cycles(0); }) ==
        "chip.noc.link_latency_cycles = 0: must be in 1..65536");
  CHECK(with([](auto& c) { c.mutable_noc()->set_watchdog_cycles(UINT64_MAX); }) ==
        "chip.noc.watchdog_cycles = 18446744073709551615: must be in 1..9223372036854775807");
  CHECK(with([](auto& c) { c.mutable_noc()->set_flit_width_bits(4); }) ==
        "chip.noc.flit_width_bits = 4: must be in 8..1024");
  CHECK(with([](auto& c) { c.set_mesh_height(0); }) == "chip.mesh_height = 0: must be in 1..64");
  CHECK(with([](auto& c) { c.set_cores_per_node(9); }) == "chip.cores_per_node = 9: must be in 1..8");
  CHECK(with([](auto& c) { c.mutable_noc()->set_replication(nmsim::REPLICATION_UNSPECIFIED); }) ==
        "chip.noc.replication = REPLICATION_UNSPECIFIED: must be one of REPLICATION_MULTICAST, REPLICATION_UNICAST");
  CHECK(with([](auto& c) { c.mutable_noc()->set_routing(static_cast<nmsim::Routing>(7)); }) ==
        "chip.noc.routing = 7: must be one of ROUTING_XY, ROUTING_YX, ROUTING_XY_YX_CHECKERBOARD");
  CHECK(with([](auto& c) { c.clear_noc(); }) == "chip.noc: not set (and no default)");
  REQUIRE(with([](auto& c) { c.mutable_noc()->set_buffer_depth_flits(65536); }) == "(no ConfigError)");
}

TEST_CASE("config: the SRAM limits are checked before elaboration", "[config][validate]") {
  const auto with = [](const std::function<void(nmsim::SramConfig&)>& change) {
    nmsim::ChipConfig chip = config::default_chip_config();
    change(*chip.mutable_core()->mutable_synapse_sram());
    return error_of([&] { config::validate(chip); });
  };
  CHECK(with([](auto& s) { s.set_word_width_bits(520); }) ==
        "chip.core.synapse_sram.word_width_bits = 520: must be in 8..512");
  CHECK(with([](auto& s) { s.set_banks(0); }) == "chip.core.synapse_sram.banks = 0: must be in 1..4096");
  CHECK(with([](auto& s) { s.set_ports(0); }) == "chip.core.synapse_sram.ports = 0: must be in 1..4096");
  CHECK(with([](auto& s) { s.set_read_latency_cycles(0); }) ==
        "chip.core.synapse_sram.read_latency_cycles = 0: must be in 1..65536");
  CHECK(with([](auto& s) { s.set_write_latency_cycles(0); }) ==
        "chip.core.synapse_sram.write_latency_cycles = 0: must be in 1..65536");
  CHECK(with([](auto& s) { s.set_interleaving(nmsim::INTERLEAVING_UNSPECIFIED); }) ==
        "chip.core.synapse_sram.interleaving = INTERLEAVING_UNSPECIFIED: must be one of INTERLEAVING_WORD, "
        "INTERLEAVING_BLOCK");
  CHECK(with([](auto& s) { s.clear_ports(); }) == "chip.core.synapse_sram.ports: not set (and no default)");
}

TEST_CASE("config: the core's transposed read needs the couples, checked before elaboration", "[config][validate]") {
  nmsim::ChipConfig chip = config::default_chip_config();
  chip.mutable_core()->set_transposed_read(nmsim::TRANSPOSED_COPY);
  REQUIRE(error_of([&] { config::validate(chip); }) ==
          "chip.core.transposed_read = TRANSPOSED_COPY: the transposed read feeds the couples; needs "
          "chip.core.ternary_couples = true");
  chip.mutable_core()->set_ternary_couples(true);
  REQUIRE_NOTHROW(config::validate(chip));
  chip.mutable_core()->set_transposed_read(static_cast<nmsim::TransposedRead>(9));
  REQUIRE(error_of([&] { config::validate(chip); }) ==
          "chip.core.transposed_read = 9: must be one of TRANSPOSED_READ_NONE, TRANSPOSED_COPY, COLUMN_READ");
}

TEST_CASE("config: the convex readout must fit each core's SRAM, checked on the mapping before elaboration",
          "[config][validate]") {
  nmsim::ChipConfig chip = config::default_chip_config();
  nmsim::RunConfig run = config::default_run_config();
  run.set_workload(nmsim::WORKLOAD_CONVEX);
  // 256 units a core: 784 rows of 512 bytes = 401408, + 2048 rows x (40 + 80 bytes) = 647168 > 524288.
  const nmsim::mapper::Mapping mapping = nmsim::mapper::map_network(chip, {784, 256});
  REQUIRE(error_of([&] { config::validate(run, chip, mapping); }) ==
          "chip.core.synapse_sram.size_bytes = 524288: the convex readout of 256 units on one core (units 0..255: "
          "81920 bytes of weights and 163840 of gradient accumulators) does not fit above the 401408 bytes of "
          "synapse rows (needs 647168): fewer units per core (chip.core.neurons), a larger SRAM, or "
          "run.convex.witness_weights = CONVEX_WITNESS_REGENERATED");
  run.mutable_convex()->set_witness_weights(nmsim::CONVEX_WITNESS_REGENERATED);  // 245760 bytes from 0
  REQUIRE_NOTHROW(config::validate(run, chip, mapping));
  run = config::default_run_config();  // DFA: no readout unit
  REQUIRE_NOTHROW(config::validate(run, chip, mapping));
}

TEST_CASE("config: traffic to other nodes needs two, checked before elaboration", "[config][validate]") {
  nmsim::ChipConfig one = config::default_chip_config();
  one.set_mesh_width(1);
  one.set_mesh_height(1);
  nmsim::TrafficConfig traffic = valid_traffic();
  REQUIRE(error_of([&] { config::validate(traffic, one); }) ==
          "traffic.pattern = TRAFFIC_UNIFORM_RANDOM: sends to other nodes, needs at least 2, chip is 1 x 1");
  traffic.set_pattern(nmsim::TRAFFIC_HOTSPOT);
  REQUIRE(error_of([&] { config::validate(traffic, one); }) ==
          "traffic.pattern = TRAFFIC_HOTSPOT: sends to other nodes, needs at least 2, chip is 1 x 1");
  traffic.set_pattern(nmsim::TRAFFIC_BIT_COMPLEMENT);
  REQUIRE_NOTHROW(config::validate(traffic, one));
  traffic = valid_traffic();
  traffic.set_packet_length_flits(0);
  REQUIRE(error_of([&] { config::validate(traffic, one); }) == "traffic.packet_length_flits = 0: must be in 1..65536");
  traffic = valid_traffic();
  traffic.set_measure_cycles(0);
  REQUIRE(error_of([&] { config::validate(traffic, one); }) == "traffic.measure_cycles = 0: must be in 1..1099511627776");
  traffic = valid_traffic();
  traffic.clear_seed();
  REQUIRE(error_of([&] { config::validate(traffic, one); }) == "traffic.seed: not set (and no default)");
}

TEST_CASE("config: a rule between run fields", "[config][validate]") {
  nmsim::RunConfig run = config::default_run_config();
  run.mutable_dfa()->set_gate_potential_max(-20000);
  REQUIRE(error_of([&] { config::validate(run); }) ==
          "run.dfa.gate_potential_max = -20000: must be >= run.dfa.gate_potential_min = -16384");
}

TEST_CASE("config: the VC router's options need the VC router, which carries multicast too", "[config][validate]") {
  nmsim::ChipConfig chip = config::default_chip_config();
  chip.mutable_noc()->set_virtual_channels(2);
  REQUIRE(error_of([&] { config::validate(chip); }) ==
          "chip.noc.virtual_channels = 2: only the virtual-channel router models it; needs "
          "chip.noc.vc_alloc_delay_cycles >= 1");
  chip = config::default_chip_config();
  chip.mutable_noc()->set_wait_for_tail_credit(true);
  REQUIRE(error_of([&] { config::validate(chip); }) ==
          "chip.noc.wait_for_tail_credit = true: only the virtual-channel router models it; needs "
          "chip.noc.vc_alloc_delay_cycles >= 1");
  chip.mutable_noc()->set_vc_alloc_delay_cycles(1);
  REQUIRE_NOTHROW(config::validate(chip));
  // The virtual-channel router replicates multicast trees too: a workload takes either.
  REQUIRE(chip.noc().replication() == nmsim::REPLICATION_MULTICAST);
  REQUIRE_NOTHROW(config::validate(config::default_run_config(), chip));
  chip.mutable_noc()->set_replication(nmsim::REPLICATION_UNICAST);
  REQUIRE_NOTHROW(config::validate(config::default_run_config(), chip));
}
