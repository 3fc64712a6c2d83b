// Ternary neuron couples (SPIDE's backward stage): the fire scan's +-1 outputs and resets,
// saturation, the send mask, signed spikes over the NoC, the option check and the energy of
// the new counts. Cycle counts are derived by hand from the top of models/core/neuron_core.h.
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <string>
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

// One core of `neurons` neurons, 2 lanes, 2-port state memory, fill 2, couples on; rows of
// 16-bit weights in 64-bit words, 2 banks, 1 port, read latency 2.
ChipConfig couple_chip(uint32_t neurons, uint32_t state_width_bits) {
  ChipConfig chip = config::default_chip_config();
  chip.set_mesh_width(1);
  chip.set_mesh_height(1);
  CoreConfig& core = *chip.mutable_core();
  core.set_neurons(neurons);
  core.set_accumulate_lanes(2);
  core.set_state_width_bits(state_width_bits);
  core.set_max_axons(16);
  core.set_spike_scan_bits_per_cycle(64);
  core.set_pipeline_fill_cycles(2);
  core.set_ternary_couples(true);
  SramConfig& sram = *core.mutable_synapse_sram();
  sram.set_size_bytes(16 * 16);
  sram.set_word_width_bits(64);
  sram.set_banks(2);
  sram.set_ports(1);
  sram.set_read_latency_cycles(2);
  return chip;
}

}  // namespace

TEST_CASE("couples: the fire scan emits +-1 at exactly +-theta_b, resets by 2 theta_b, saturates, "
          "and the mask gates only the outputs", "[core][couples]") {
  // 16-bit couple potentials (saturate at -32768..32767); theta = 2^14, theta_b = 8192.
  ChipConfig config = couple_chip(8, 16);
  config::validate(config);
  SimContext ctx(config::clock_mhz(config));
  chip::Chip chip("chip", config, ctx);
  chip.configure(mapper::map_network(config, {16, 8}), arith::NeuronParams{});
  core::NeuronCore& core = chip.core(0);

  const int32_t drives[8] = {8192, -8192, 8191, -8191, 30000, -16384, -40000, 16383};
  SpikeBitmap mask(8);
  for (uint32_t i : {0u, 1u, 4u, 6u}) mask.set(i);
  std::vector<uint64_t> marks;
  std::vector<int32_t> v1;
  std::vector<uint32_t> plus1, minus1, plus2, minus2;
  uint32_t fired1 = 0, fired2 = 0;
  LambdaProgram program([&](core::NeuronCore& c) {
    auto mark = [&] { marks.push_back(ctx.clock.now().value()); };
    auto list = [](const SpikeBitmap& b) {
      std::vector<uint32_t> out;
      b.for_each([&](uint32_t i) { out.push_back(i); });
      return out;
    };
    mark();
    c.reset_couples();
    mark();
    c.set_couple_drive(drives);
    mark();
    c.set_couple_send_mask(mask);
    mark();
    fired1 = c.fire_couples(true);
    mark();
    v1 = c.couples().potentials();
    plus1 = list(c.couples().spikes_positive());
    minus1 = list(c.couples().spikes_negative());
    fired2 = c.fire_couples(true);
    plus2 = list(c.couples().spikes_positive());
    minus2 = list(c.couples().spikes_negative());
  });
  core.set_program(&program);
  sc_core::sc_start();

  REQUIRE(marks.size() == 5);
  // reset: 8 / 2 lanes = 4 couple words + fill 2 = 6; drive: 4 words, a word a cycle = 4;
  // mask: ceil(8 / 32) = 1; fire scan: 4 words + fill 2 = 6.
  CHECK(marks[1] - marks[0] == 6);
  CHECK(marks[2] - marks[1] == 4);
  CHECK(marks[3] - marks[2] == 1);
  CHECK(marks[4] - marks[3] == 6);
  // The drive -40000 saturates to -32768 when loaded. Step 1, v = g:
  //  8192 >= theta_b: +1, v = 8192 - 16384 = -8192;  -8192 <= -theta_b: -1, v = 8192;
  //  8191, -8191: no spike;  30000: +1, 13616;  -16384: -1, 0;  -32768: -1, -16384;
  //  16383: +1, -1.
  CHECK(fired1 == 6);
  CHECK(v1 == std::vector<int32_t>{-8192, 8192, 8191, -8191, 13616, 0, -16384, -1});
  // The mask {0, 1, 4, 6} keeps 0 and 4 of the +1 spikes {0, 4, 7}, 1 and 6 of the -1 {1, 5, 6}.
  CHECK(plus1 == std::vector<uint32_t>{0, 4});
  CHECK(minus1 == std::vector<uint32_t>{1, 6});
  // Step 2, v += g: 0 and 0 (silent); 16382: +1, -2; -16382: -1, 2; 13616 + 30000 saturates
  // at 32767: +1, 16383; -16384: -1, 0; -16384 - 32768 saturates at -32768: -1, -16384;
  // 16382: +1, -2.
  CHECK(fired2 == 6);
  CHECK(core.couples().potentials() == std::vector<int32_t>{0, 0, -2, 2, 16383, 0, -16384, -2});
  CHECK(plus2 == std::vector<uint32_t>{4});
  CHECK(minus2 == std::vector<uint32_t>{6});
  // Counts include masked couples: (+1s) - (-1s) over both steps.
  CHECK(core.couples().counts() == std::vector<int16_t>{1, -1, 1, -1, 2, -2, -2, 2});
  // Per scan: 4 couple reads and writes, 4 drive reads, 8 drive adds, 16 compares.
  CHECK(stat_total(testing::unit_stats(core, "couples"), "couple_reads") == 2 * 4);
  CHECK(stat_total(testing::unit_stats(core, "couples"), "couple_writes") == 4 + 2 * 4);  // reset + 2 scans
  CHECK(stat_total(testing::unit_stats(core, "couples"), "drive_reads") == 2 * 4);
  CHECK(stat_total(testing::unit_stats(core, "couples"), "drive_writes") == 4);
  CHECK(stat_total(testing::unit_stats(core, "couples"), "drive_adds") == 2 * 8);
  CHECK(stat_total(testing::unit_stats(core, "couples"), "couple_compares") == 2 * 16);
  CHECK(stat_total(testing::unit_stats(core, "couples"), "couple_resets") == 12);
  CHECK(stat_total(testing::unit_stats(core, "couples"), "couple_spikes") == 12);
  // The forward state is untouched.
  CHECK(stat_total(core, "state_reads") == 0);
  CHECK(stat_total(core, "state_writes") == 0);
}

TEST_CASE("couples: the send mask from spike counts is SPIDE's 0 < a < T_f", "[core][couples]") {
  ChipConfig config = couple_chip(8, 24);
  config::validate(config);
  SimContext ctx(config::clock_mhz(config));
  chip::Chip chip("chip", config, ctx);
  arith::NeuronParams params;
  params.threshold = 100;
  chip.configure(mapper::map_network(config, {16, 8}), params);
  core::NeuronCore& core = chip.core(0);
  // Row 0: neuron j gets 25 j per input spike: over 4 steps neuron j reaches 100 j, so it
  // fires j times (capped by one spike a step: 4 for j >= 4). Counts 0, 1, 2, 3, 4, 4, 4, 4.
  std::vector<uint8_t> row(16, 0);
  for (uint32_t j = 0; j < 8; ++j) {
    const int16_t w = static_cast<int16_t>(25 * j);
    std::memcpy(row.data() + 2 * j, &w, 2);
  }
  write_row(core, 0, row);
  std::vector<uint64_t> marks;
  LambdaProgram program([&](core::NeuronCore& c) {
    c.reset_neurons();
    for (int t = 0; t < 4; ++t) {
      SpikeBitmap in(16);
      in.set(0);
      c.set_input_spikes(in);
      c.integrate();
      c.fire();
    }
    c.reset_couples();
    marks.push_back(ctx.clock.now().value());
    c.set_couple_send_mask_from_counts(0, 4);
    marks.push_back(ctx.clock.now().value());
  });
  core.set_program(&program);
  sc_core::sc_start();
  CHECK(std::vector<uint8_t>(core.spike_counts().begin(), core.spike_counts().end()) ==
        std::vector<uint8_t>{0, 1, 2, 3, 4, 4, 4, 4});
  std::vector<uint32_t> masked;
  core.couples().send_mask().for_each([&](uint32_t i) { masked.push_back(i); });
  CHECK(masked == std::vector<uint32_t>{1, 2, 3});
  // 4 words of 2 counters a cycle + fill 2; two 8-bit compares per neuron.
  CHECK(marks[1] - marks[0] == 6);
  CHECK(stat_total(testing::unit_stats(core, "couples"), "mask_compares") == 16);
}

TEST_CASE("couples: +-1 spikes cross the NoC as one flit with a sign bit and subtract on arrival",
          "[core][couples][noc]") {
  // Layer 1 (8 neurons) in core 0, layer 2 in core 1 (fan-in 8), one hop apart.
  ChipConfig config = couple_chip(8, 24);
  config.set_mesh_width(2);
  config::validate(config);
  SimContext ctx(config::clock_mhz(config));
  chip::Chip chip("chip", config, ctx);
  const mapper::Mapping mapping = mapper::map_network(config, {16, 8, 8});
  chip.configure(mapping, arith::NeuronParams{});
  chip.barrier().set_participants(2);
  core::NeuronCore& second = chip.core(1);
  // Core 1's row a holds 100 a + j for its neuron j.
  for (uint32_t a = 0; a < 8; ++a) {
    std::vector<uint8_t> row(16, 0);
    for (uint32_t j = 0; j < 8; ++j) {
      const int16_t w = static_cast<int16_t>(100 * a + j);
      std::memcpy(row.data() + 2 * j, &w, 2);
    }
    write_row(second, a * 16, row);
  }
  // Core 0's couples 1 and 6 fire +1, 3 and 4 fire -1 (drives +-theta_b); 6 is masked off.
  const int32_t drives[8] = {0, 8192, 0, -8192, -9000, 0, 9000, 0};
  SpikeBitmap mask(8);
  for (uint32_t i : {0u, 1u, 2u, 3u, 4u, 5u, 7u}) mask.set(i);
  uint64_t sent_at = 0, send_cycles = 0;
  uint64_t integrate_cycles = 0;
  LambdaProgram first([&](core::NeuronCore& c) {
    c.reset_couples();
    c.set_couple_drive(drives);
    c.set_couple_send_mask(mask);
    c.fire_couples(true);
    sent_at = ctx.clock.now().value();
    c.send_couple_spikes(c.layout().tree_id);
    send_cycles = ctx.clock.now().value() - sent_at;
    c.barrier(Phase::kBackward);
  });
  LambdaProgram receiver([&](core::NeuronCore& c) {
    c.reset_couples();
    c.barrier(Phase::kBackward);
    const uint64_t s = ctx.clock.now().value();
    c.integrate_couples();
    integrate_cycles = ctx.clock.now().value() - s;
  });
  chip.core(0).set_program(&first);
  second.set_program(&receiver);
  sc_core::sc_start();
  chip.finish();

  // Three packets (1: +1, 3: -1, 4: -1), one a cycle, one flit each.
  CHECK(send_cycles == 3);
  CHECK(stat_total(chip.core(0), "packets_sent") == 3);
  CHECK(stat_total(second, "spikes_received") == 3);
  // v_j = w(1, j) - w(3, j) - w(4, j) = (100 + j) - (300 + j) - (400 + j) = -600 - j.
  for (uint32_t j = 0; j < 8; ++j) CHECK(second.couples().potentials()[j] == -600 - static_cast<int32_t>(j));
  // integrate_couples from s: axons 1, 3, 4 found at s + 1; rows of 2 words, 1 port:
  //  axon 1: issue s+1, s+2, ready s+4, accumulate 4 words s+4..s+8;
  //  axon 3: buffer 1, issue s+3, s+4, ready s+6, accumulate s+8..s+12;
  //  axon 4: buffer 0 free s+8, issue s+8, s+9, ready s+11, accumulate s+12..s+16; + fill 2.
  CHECK(integrate_cycles == 18);
  CHECK(stat_total(second, "sops") == 3 * 8);
  CHECK(stat_total(testing::unit_stats(second, "couples"), "couple_reads") == 3 * 4);
  CHECK(second.synapse_sram().reads()[Phase::kBackward] == 6);
}

// Checked by the config layer, before elaboration (tests/platform/test_config_validate.cpp).
TEST_CASE("couples: a transposed read without couples is a config error naming the field",
          "[core][couples][config]") {
  ChipConfig config = couple_chip(8, 24);
  config.mutable_core()->set_ternary_couples(false);
  config.mutable_core()->set_transposed_read(COLUMN_READ);
  CHECK_THROWS_WITH(config::validate(config), Catch::Contains("chip.core.transposed_read = COLUMN_READ") &&
                                                  Catch::Contains("ternary_couples"));
}
