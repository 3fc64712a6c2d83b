// Core options: weights of any width 1..16 that divides the SRAM word, single-port neuron
// state memory, and the ODIN-like preset's "one spike event = 1 + 512 cycles". Numbers are
// derived by hand from the microarchitecture in models/core/neuron_core.h.
#include <catch2/catch.hpp>

#include <cstdint>
#include <functional>
#include <vector>

#include <tlm>

#include "models/core/neuron_core.h"
#include "platform/chip/chip.h"
#include "platform/config/loader.h"
#include "platform/config/validate.h"
#include "platform/energy/energy_model.h"
#include "platform/mapper/mapper.h"
#include "platform/report/report_builder.h"
#include "tests/models/core/testbench.h"

using namespace nmsim;
using testing::LambdaProgram;
using testing::stat_total;
using testing::write_row;

namespace {



// Packs signed weights of `width` bits little-endian, weight j at bit j * width.
std::vector<uint8_t> pack(const std::vector<int32_t>& weights, uint32_t width, std::size_t bytes) {
  std::vector<uint8_t> row(bytes, 0);
  for (std::size_t j = 0; j < weights.size(); ++j) {
    const uint32_t raw = static_cast<uint32_t>(weights[j]) & ((1u << width) - 1);
    for (uint32_t b = 0; b < width; ++b) {
      const std::size_t bit = j * width + b;
      if ((raw >> b) & 1u) row[bit / 8] |= static_cast<uint8_t>(1u << (bit % 8));
    }
  }
  return row;
}


// A 1 x 1 chip with one small core; the caller sets the widths and the SRAM.
ChipConfig small_chip(uint32_t neurons, uint32_t lanes, uint32_t max_axons) {
  ChipConfig chip = config::default_chip_config();
  chip.set_mesh_width(1);
  chip.set_mesh_height(1);
  CoreConfig& core = *chip.mutable_core();
  core.set_neurons(neurons);
  core.set_accumulate_lanes(lanes);
  core.set_max_axons(max_axons);
  core.set_spike_scan_bits_per_cycle(64);
  core.set_encoder_lanes(16);
  core.set_pipeline_fill_cycles(2);
  return chip;
}


}  // namespace

TEST_CASE("core options: the hand packer puts weight j at bit j * width, little-endian", "[core][options]") {
  // 6-bit weights -32 (100000b), 31 (011111b), -1 (111111b), 5 (000101b):
  // bits 0-5 = 100000, 6-11 = 111110 (31 low bit first), 12-17 = 111111, 18-23 = 101000.
  // byte 0 = bits 0-7  = 0x20 | (31 & 3) << 6        = 0xE0
  // byte 1 = bits 8-15 = (31 >> 2) | (-1 & 15) << 4  = 0x07 | 0xF0 = 0xF7
  // byte 2 = bits 16-23 = (63 >> 4) | 5 << 2         = 0x03 | 0x14 = 0x17
  const std::vector<uint8_t> row = pack({-32, 31, -1, 5}, 6, 3);
  CHECK(row == std::vector<uint8_t>{0xE0, 0xF7, 0x17});
  // 4-bit: -8, 7, -1, 0 -> bytes 0x78, 0x0F.
  CHECK(pack({-8, 7, -1, 0}, 4, 2) == std::vector<uint8_t>{0x78, 0x0F});
}

TEST_CASE("core options: 4-bit weights integrate with their signs, 2 words a row", "[core][options]") {
  // 16 neurons x 4 bits = 64 bits = 2 words of 32 bits per row; 32 rows x 8 bytes = 256 bytes;
  // 2 banks word-interleaved (words 2a, 2a+1 in banks 0, 1), 1 port, read latency 2, fill 2,
  // 4 lanes (A = 4 cycles a row).
  ChipConfig config = small_chip(16, 4, 32);
  config.mutable_core()->set_weight_width_bits(4);
  SramConfig& sram = *config.mutable_core()->mutable_synapse_sram();
  sram.set_size_bytes(256);
  sram.set_word_width_bits(32);
  sram.set_banks(2);
  sram.set_ports(1);
  sram.set_read_latency_cycles(2);
  config::validate(config);
  SimContext ctx(config::clock_mhz(config));
  chip::Chip chip("chip", config, ctx);
  const mapper::Mapping mapping = mapper::map_network(config, {32, 16});
  REQUIRE(mapping.layers[0][0].row_bytes == 8);
  chip.configure(mapping, arith::NeuronParams{});
  core::NeuronCore& core = chip.core(0);
  // w(a, j) = (3a + 5j) mod 16 - 8, in [-8, 7].
  auto w = [](uint32_t a, uint32_t j) { return static_cast<int32_t>((3 * a + 5 * j) % 16) - 8; };
  for (uint32_t a = 0; a < 32; ++a) {
    std::vector<int32_t> weights;
    for (uint32_t j = 0; j < 16; ++j) weights.push_back(w(a, j));
    std::vector<uint8_t> row = pack(weights, 4, 8);
    write_row(core, a * 8, row);
  }

  std::vector<uint64_t> marks;
  LambdaProgram program([&](core::NeuronCore& c) {
    SpikeBitmap inputs(32);
    inputs.set(1);
    inputs.set(5);
    inputs.set(9);
    c.set_input_spikes(inputs);
    marks.push_back(ctx.clock.now().value());
    c.integrate();
    marks.push_back(ctx.clock.now().value());
  });
  core.set_program(&program);
  sc_core::sc_start();

  // Integrate from s: all three found at s + 1 (a / 64 + 1).
  //  axon 1: words issue s+1, s+2; ready s+4; accumulate s+4..s+8.
  //  axon 5: buffer 1 free; words issue s+3, s+4 (in order, 1 port); ready s+6; s+8..s+12.
  //  axon 9: buffer 0 free at s+8; issue s+8, s+9; ready s+11; accumulate s+12..s+16.
  //  end = max(s+16, s + ceil(32/64)) + fill 2 = s+18.
  REQUIRE(marks.size() == 2);
  CHECK(marks[1] - marks[0] == 18);
  const Phase phase = ctx.phase.current();
  CHECK(core.synapse_sram().reads()[phase] == 6);  // 3 rows x 2 words
  CHECK(stat_total(core, "sops") == 48);           // 3 x 16
  // u_j = w(1,j) + w(5,j) + w(9,j): e.g. j = 0: (3-8) + (15-8) + (27 mod 16 = 11, -8) = -5 + 7 + 3 = 5.
  CHECK(core.potentials()[0] == 5);
  for (uint32_t j = 0; j < 16; ++j) {
    CHECK(core.potentials()[j] == w(1, j) + w(5, j) + w(9, j));
  }
}

TEST_CASE("core options: 6-bit weights straddle bytes of 24-bit words", "[core][options]") {
  // 8 neurons x 6 bits = 48 bits = 2 words of 24 bits (6 bytes) per row; 16 rows = 96 bytes,
  // one bank, one port, read latency 2, 2 lanes.
  ChipConfig config = small_chip(8, 2, 16);
  config.mutable_core()->set_weight_width_bits(6);
  SramConfig& sram = *config.mutable_core()->mutable_synapse_sram();
  sram.set_size_bytes(96);
  sram.set_word_width_bits(24);
  sram.set_banks(1);
  sram.set_ports(1);
  config::validate(config);
  SimContext ctx(config::clock_mhz(config));
  chip::Chip chip("chip", config, ctx);
  const mapper::Mapping mapping = mapper::map_network(config, {16, 8});
  REQUIRE(mapping.layers[0][0].row_bytes == 6);
  chip.configure(mapping, arith::NeuronParams{});
  core::NeuronCore& core = chip.core(0);
  // w(a, j) = (11a + 7j) mod 64 - 32, in [-32, 31].
  auto w = [](uint32_t a, uint32_t j) { return static_cast<int32_t>((11 * a + 7 * j) % 64) - 32; };
  for (uint32_t a = 0; a < 16; ++a) {
    std::vector<int32_t> weights;
    for (uint32_t j = 0; j < 8; ++j) weights.push_back(w(a, j));
    std::vector<uint8_t> row = pack(weights, 6, 6);
    write_row(core, a * 6, row);
  }
  LambdaProgram program([&](core::NeuronCore& c) {
    SpikeBitmap inputs(16);
    inputs.set(2);
    inputs.set(13);
    c.set_input_spikes(inputs);
    c.integrate();
  });
  core.set_program(&program);
  sc_core::sc_start();
  CHECK(core.synapse_sram().reads()[ctx.phase.current()] == 4);  // 2 rows x 2 words
  // j = 0: w(2,0) = 22 - 32 = -10, w(13,0) = 143 mod 64 = 15 - 32 = -17: u = -27.
  CHECK(core.potentials()[0] == -27);
  for (uint32_t j = 0; j < 8; ++j) CHECK(core.potentials()[j] == w(2, j) + w(13, j));
}

TEST_CASE("core options: a single-port state memory takes 2 cycles a word in integrate and fire",
          "[core][options]") {
  // The core of tests/models/core/test_core.cpp (8 neurons, 4 lanes: 2 state words; rows of
  // 8 x 16 bits = 2 words of 64 bits in banks 0, 1; 1 port; read latency 2; fill 2) with
  // state_memory_ports = 1: a row takes A = 2 x 2 = 4 cycles and may start at ready - 1.
  ChipConfig config = small_chip(8, 4, 128);
  config.mutable_core()->set_state_memory_ports(1);
  SramConfig& sram = *config.mutable_core()->mutable_synapse_sram();
  sram.set_size_bytes(128 * 16);
  sram.set_word_width_bits(64);
  sram.set_banks(2);
  sram.set_ports(1);
  sram.set_read_latency_cycles(2);
  config::validate(config);
  SimContext ctx(config::clock_mhz(config));
  chip::Chip chip("chip", config, ctx);
  const mapper::Mapping mapping = mapper::map_network(config, {100, 8});
  chip.configure(mapping, arith::NeuronParams{});
  core::NeuronCore& core = chip.core(0);
  for (uint32_t a = 0; a < 100; ++a) {
    std::vector<int32_t> weights;
    for (uint32_t j = 0; j < 8; ++j) weights.push_back(static_cast<int32_t>(a * 7 + j * 300));
    std::vector<uint8_t> row = pack(weights, 16, 16);
    write_row(core, a * 16, row);
  }
  testing::OneStepProgram program(ctx, 100, {3, 70, 71});
  core.set_program(&program);
  sc_core::sc_start();
  const std::vector<uint64_t>& marks = program.marks();

  REQUIRE(marks.size() == 5);
  // reset writes only: 2 words x 1 cycle + fill 2 = 4 (as with 2 ports).
  CHECK(marks[1] - marks[0] == 4);
  // encoder: ceil(100 / 16) = 7.
  CHECK(marks[2] - marks[1] == 7);
  // integrate from s:
  //  axon 3:  found s+1; words issue s+1, s+2; ready s+4; start max(s+3, s) = s+3; s+3..s+7.
  //  axon 70: found s+2; buffer 1 free; words issue s+3, s+4; ready s+6; start
  //           max(s+5, s+7) = s+7..s+11.
  //  axon 71: found s+2; buffer 0 free at s+7; issue s+7, s+8; ready s+10; start
  //           max(s+9, s+11) = s+11..s+15.
  //  end = max(s+15, s+2) + fill 2 = s+17 (2 ports: s+13).
  CHECK(marks[3] - marks[2] == 17);
  // fire: 2 words x 2 cycles + fill 2 = 6 (2 ports: 4).
  CHECK(marks[4] - marks[3] == 6);
  // Accesses do not change with the ports: integrate 3 rows x 2 words, scan 2, reset 2.
  CHECK(stat_total(core, "state_reads") == 3 * 2 + 2);
  CHECK(stat_total(core, "state_writes") == 2 + 3 * 2 + 2);
  // u_j = (3 + 70 + 71) * 7 + 3 * 300 j = 1008 + 900 j.
  for (uint32_t j = 0; j < 8; ++j) CHECK(core.potentials()[j] == 1008 + 900 * static_cast<int32_t>(j));
}

TEST_CASE("core options: on the ODIN-like preset one spike event takes 1 + 512 cycles", "[core][options][odin]") {
  const ChipConfig config = config::chip_preset("odin_like");
  config::validate(config);
  SimContext ctx(config::clock_mhz(config));
  chip::Chip chip("chip", config, ctx);
  const mapper::Mapping mapping = mapper::map_network(config, {256, 256});
  REQUIRE(mapping.layers[0][0].row_bytes == 128);  // 256 x 4 bits = 32 words of 32 bits
  chip.configure(mapping, arith::NeuronParams{});
  core::NeuronCore& core = chip.core(0);
  for (uint32_t a = 0; a < 256; ++a) {
    std::vector<int32_t> weights(256, a % 2 == 0 ? 1 : -1);
    std::vector<uint8_t> row = pack(weights, 4, 128);
    write_row(core, a * 128, row);
  }
  std::vector<uint64_t> marks;
  LambdaProgram program([&](core::NeuronCore& c) {
    auto mark = [&] { marks.push_back(ctx.clock.now().value()); };
    SpikeBitmap one(256);
    one.set(200);
    c.set_input_spikes(one);
    mark();
    c.integrate();
    mark();
    SpikeBitmap two(256);
    two.set(10);
    two.set(255);
    c.set_input_spikes(two);
    mark();
    c.integrate();
    mark();
    c.fire();
    mark();
  });
  core.set_program(&program);
  sc_core::sc_start();

  REQUIRE(marks.size() == 5);
  // One spike on axon 200 from s: found s+1 (200 / 256 + 1); its 32 words issue together
  // (32 banks, 32 ports) at s+1, ready s+2 (latency 1); single port: the pass starts at
  // ready - 1 = s+1 and takes 2 x 256 = 512 cycles: s+513; scan end s+1, fill 0. 1 + 512.
  CHECK(marks[1] - marks[0] == 1 + 512);
  // Two spikes: axon 10 as above (s+1..s+513); axon 255's words issue at s+2 (the ports
  // were full at s+1), ready s+3, pass max(s+2, s+513) = s+513..s+1025: 1 + 2 x 512.
  CHECK(marks[3] - marks[2] == 1 + 2 * 512);
  // fire right after: the preset fires in the sweep (event_fire_in_sweep), and axon 255's
  // sweep started at s+513, after the encoder's scan ended at s+1, so the neurons fired in its
  // write cycles: no scan of its own (a scan would take 256 words x 2 cycles = 512), and
  // nothing fires, so no AER-out stall.
  CHECK(marks[4] - marks[3] == 0);
  const Phase phase = ctx.phase.current();
  CHECK(core.synapse_sram().reads()[phase] == 3 * 32);
  CHECK(stat_total(core, "sops") == 3 * 256);
  CHECK(stat_total(core, "state_reads") == 3 * 256);
  CHECK(stat_total(core, "neuron_updates") == 256);
  // Weights +1 (even axon 200, 10) and -1 (odd axon 255): u = 1 + 1 - 1 = 1 for every neuron.
  for (uint32_t j = 0; j < 256; ++j) CHECK(core.potentials()[j] == 1);

  // The preset's leakage with energy_odin_28nm is ODIN's 27.3 uW for the whole chip.
  chip.finish();
  const energy::EnergyModel model(config::energy_preset("odin_28nm"));
  const Report report = report::build_report({&chip}, model, chip.phase_cycles(), ctx.clock);
  double leakage_uw = 0;
  for (const auto& component : report.components()) {
    for (const auto& source : component.leakage()) leakage_uw += source.power_uw();
  }
  CHECK(leakage_uw == Approx(27.3).epsilon(1e-9));
}
