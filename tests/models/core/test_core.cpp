// Neuron core timing, counts and arithmetic of a small core alone (testbench.h's NoC stub and
// barrier; graded values on a 1 x 1 chip's mesh), driven by a test program. Numbers are derived by hand from the microarchitecture in neuron_core.h.
#include <catch2/catch.hpp>

#include <functional>
#include <vector>

#include <tlm>

#include "models/core/neuron_core.h"
#include "platform/chip/chip.h"
#include "platform/config/loader.h"
#include "platform/config/validate.h"
#include "platform/mapper/mapper.h"
#include "tests/models/core/testbench.h"

using namespace nmsim;
using testing::LambdaProgram;
using testing::small_chip;
using testing::stat_total;

namespace {

// The core alone (testbench.h's NoC stub and barrier).
using Bench = testing::WeightedBench;
int16_t weight(uint32_t axon, uint32_t j) { return testing::small_weight(axon, j); }

}  // namespace

TEST_CASE("core: one time step of one core with a known input spike set", "[core]") {
  Bench bench(1 << 14);
  core::NeuronCore& core = bench.core;
  REQUIRE(core.layout().row_bytes == 16);

  testing::OneStepProgram program(bench.ctx, 100, {3, 70, 71});
  core.set_program(&program);
  sc_core::sc_start();
  const std::vector<uint64_t>& marks = program.marks();

  REQUIRE(marks.size() == 5);
  // reset: ceil(8/4) = 2 state words + fill 2 = 4 cycles.
  CHECK(marks[1] - marks[0] == 4);
  // encoder: ceil(100 axons / 16 lanes) = 7 cycles.
  CHECK(marks[2] - marks[1] == 7);
  // integrate from s (rows of 2 words: words 2a, 2a+1 in banks 0, 1; one port):
  //  axon 3:  found s+1 (3/64 + 1); words issue s+1, s+2; ready s+4; accumulate s+4..s+6
  //  axon 70: found s+2; buffer 1 free; words issue s+3, s+4 (port busy at s+2);
  //           ready s+6; accumulate s+6..s+8
  //  axon 71: found s+2; buffer 0 free at s+6 (its row accumulated); issue s+6, s+7;
  //           ready s+9; accumulate s+9..s+11
  //  end = max(s+11, s + ceil(100/64) = s+2) + fill 2 = s+13.
  CHECK(marks[3] - marks[2] == 13);
  // fire: 2 state words + fill 2.
  CHECK(marks[4] - marks[3] == 4);

  const Phase phase = bench.ctx.phase.current();
  const sram::Sram& sram = core.synapse_sram();
  CHECK(sram.reads()[phase] == 6);   // 3 rows x 2 words
  CHECK(sram.writes()[phase] == 0);  // the preload went through the backdoor
  CHECK(sram.bank_conflicts()[phase] == 0);
  const uint64_t sops = stat_total(core, "sops"), rows = stat_total(core, "rows_fetched");
  const uint64_t state_reads = stat_total(core, "state_reads"), state_writes = stat_total(core, "state_writes");
  const uint64_t encoder = stat_total(core, "encoder_ops");
  CHECK(sops == 24);               // 3 spikes x 8 neurons
  CHECK(rows == 3);
  CHECK(state_reads == 3 * 2 + 2);        // integrate 3 rows x 2 words + scan 2 words
  CHECK(state_writes == 2 + 3 * 2 + 2);   // reset 2 + integrate 6 + scan 2
  CHECK(encoder == 100);

  // Potentials: u_j = w(3,j) + w(70,j) + w(71,j) = 144 * 7 + 3 * 300 j = 1008 + 900 j; none
  // reaches 2^14, so nothing fires and the potentials stay.
  for (uint32_t j = 0; j < 8; ++j) CHECK(core.potentials()[j] == 1008 + 900 * static_cast<int32_t>(j));
  CHECK(core.fired().empty());
}

TEST_CASE("core: fire scan thresholds, resets by subtraction and counts spikes", "[core]") {
  // Threshold 4000: u_j = 1008 + 900 j fires for j >= 4 (1008 + 3600 = 4608).
  Bench bench(4000);
  core::NeuronCore& core = bench.core;
  LambdaProgram program([&](core::NeuronCore& c) {
    c.reset_neurons();
    SpikeBitmap inputs(100);
    inputs.set(3);
    inputs.set(70);
    inputs.set(71);
    c.set_input_spikes(inputs);
    c.integrate();
    c.fire();
  });
  core.set_program(&program);
  sc_core::sc_start();
  REQUIRE(core.fired() == std::vector<uint32_t>{4, 5, 6, 7});
  for (uint32_t j = 0; j < 8; ++j) {
    const int32_t u = 1008 + 900 * static_cast<int32_t>(j);
    CHECK(core.potentials()[j] == (u >= 4000 ? u - 4000 : u));
    CHECK(core.spike_counts()[j] == (u >= 4000 ? 1 : 0));
  }
}

TEST_CASE("core: an empty spike bitmap still costs the scan and the fill", "[core]") {
  Bench bench(1 << 14);
  std::vector<uint64_t> marks;
  LambdaProgram program([&](core::NeuronCore& c) {
    marks.push_back(bench.ctx.clock.now().value());
    c.integrate();
    marks.push_back(bench.ctx.clock.now().value());
  });
  bench.core.set_program(&program);
  sc_core::sc_start();
  // ceil(100 / 64) = 2 scan cycles + fill 2.
  REQUIRE(marks[1] - marks[0] == 4);
}

TEST_CASE("core: the learning engine updates a row that the next integrate uses", "[core][learning]") {
  Bench bench(1 << 14);
  core::NeuronCore& core = bench.core;
  std::vector<uint64_t> marks;
  std::vector<int32_t> read_back(8);
  LambdaProgram program([&](core::NeuronCore& c) {
    const int32_t deltas[8] = {10, -10, 0, 0, 0, 0, 0, 40000};
    marks.push_back(bench.ctx.clock.now().value());
    c.update_weights(3, deltas);
    marks.push_back(bench.ctx.clock.now().value());
    c.read_weights(3, read_back.data());
    c.reset_neurons();
    SpikeBitmap inputs(100);
    inputs.set(3);
    c.set_input_spikes(inputs);
    c.integrate();
  });
  core.set_program(&program);
  sc_core::sc_start();
  // Row 3 = words 6, 7 (banks 0, 1), one port: reads issue s, s+1 -> ready s+3; modify
  // ceil(8 / 4) = 2 -> s+5; writes issue s+5, s+6, write latency 1 -> done s+7.
  CHECK(marks[1] - marks[0] == 7);
  // w(3, j) = 21 + 300 j; j = 7: 2121 + 40000 saturates at 32767.
  for (uint32_t j = 0; j < 8; ++j) {
    const int32_t old = 21 + 300 * static_cast<int32_t>(j);
    const int32_t expected = j == 0 ? old + 10 : j == 1 ? old - 10 : j == 7 ? 32767 : old;
    CHECK(read_back[j] == expected);
    CHECK(core.potentials()[j] == expected);
  }
  CHECK(core.synapse_sram().writes().total() == 2);
}

TEST_CASE("core: graded values travel as 2-flit packets, unicast and along a tree", "[core][noc]") {
  ChipConfig config = small_chip();
  config.set_mesh_width(2);
  SimContext ctx(config::clock_mhz(config));
  chip::Chip chip("chip", config, ctx);
  const mapper::Mapping mapping = mapper::map_network(config, {100, 8, 8});
  chip.configure(mapping, arith::NeuronParams{});
  chip.barrier().set_participants(2);  // the two cores, no host program
  const uint32_t back_tree = chip.mesh().add_multicast_tree(1, {{0, 0}});
  std::vector<core::NeuronCore::ReceivedValue> at0, at1;
  LambdaProgram first([&](core::NeuronCore& c) {
    c.send_value_to(1, 0, 7, -123);
    c.barrier(Phase::kBackward);
    at0 = c.received_values();
  });
  LambdaProgram second([&](core::NeuronCore& c) {
    c.send_value(back_tree, 3, 99);
    c.barrier(Phase::kBackward);
    at1 = c.received_values();
  });
  chip.core(0).set_program(&first);
  chip.core(1).set_program(&second);
  sc_core::sc_start();
  chip.finish();
  // 32-bit flits: a header flit and one value flit. One hop, P = L = 1: the head is delivered
  // (1 + 1) P + 1 L = 3 cycles after injection at cycle 0, the tail one cycle later: 4.
  REQUIRE(at1.size() == 1);
  CHECK(at1[0].src_node == 0);
  CHECK(at1[0].index == 7);
  CHECK(at1[0].value == -123);
  CHECK(at1[0].arrived == Cycle(4));
  REQUIRE(at0.size() == 1);
  CHECK(at0[0].src_node == 1);
  CHECK(at0[0].index == 3);
  CHECK(at0[0].value == 99);
  CHECK(at0[0].arrived == Cycle(4));
  // Barrier: release = max(arrivals at 1, last delivery at 4) + latency 4 = 8.
  // The run ends there: both cores stop right after the barrier.
  CHECK(chip.now() == Cycle(8));
  CHECK(ctx.phase.current() == Phase::kBackward);
}

TEST_CASE("core: learning-rule support: axon counts, scaled updates, value accumulation, "
          "controller compute", "[core][learning]") {
  Bench bench(1 << 14);
  core::NeuronCore& core = bench.core;
  std::vector<uint64_t> marks;
  std::vector<uint8_t> counts;
  std::vector<int32_t> row3(8), row70(8);
  bool written_zero = true, written = false;
  LambdaProgram program([&](core::NeuronCore& c) {
    auto mark = [&] { marks.push_back(bench.ctx.clock.now().value()); };
    c.reset_neurons();
    SpikeBitmap inputs(100);
    inputs.set(3);
    inputs.set(70);
    for (int step = 0; step < 3; ++step) {
      c.set_input_spikes(inputs);
      c.integrate();
      inputs.set(71);  // from the second step on
    }
    counts.assign(c.axon_counts().begin(), c.axon_counts().begin() + 100);
    const int32_t factors[8] = {1, -1, 2, -2, 3, -3, 0, 100};
    mark();
    // d = round_shift(factor * 3, 2): {1, -1, 2, -2, 2, -2, 0, 75}.
    written = c.update_weights_scaled(3, factors, 3, 2);
    mark();
    // d = round_shift(factor * 1, 8): |factor| <= 100 < 128 rounds to 0: row untouched.
    written_zero = c.update_weights_scaled(70, factors, 1, 8);
    mark();
    c.accumulate_values(10);
    mark();
    c.controller_compute(62, 20, 11);
    mark();
    c.read_weights(3, row3.data());
    c.read_weights(70, row70.data());
  });
  core.set_program(&program);
  sc_core::sc_start();
  CHECK(counts[3] == 3);
  CHECK(counts[70] == 3);
  CHECK(counts[71] == 2);
  CHECK(counts[4] == 0);
  CHECK(written);
  CHECK_FALSE(written_zero);
  // Scaled update: multiply ceil(8 / 4) = 2 cycles, then the row's read-modify-write:
  // reads s+2, s+3 -> ready s+5; modify 2 -> s+7; writes s+7, s+8 -> done s+9.
  CHECK(marks[1] - marks[0] == 9);
  // All products round to 0: only the 2 multiply cycles, no SRAM access.
  CHECK(marks[2] - marks[1] == 2);
  // 10 values over 4 lanes: 3 cycles + fill 2.
  CHECK(marks[3] - marks[2] == 5);
  CHECK(marks[4] - marks[3] == 62);
  const int32_t d[8] = {1, -1, 2, -2, 2, -2, 0, 75};
  for (uint32_t j = 0; j < 8; ++j) {
    CHECK(row3[j] == weight(3, j) + d[j]);
    CHECK(row70[j] == weight(70, j));
  }
  // The 10 accumulated values are SOPs: 3 x 2 + 2 x ... rows integrated x 8 neurons + 10.
  const uint64_t sops = stat_total(core, "sops");
  const uint64_t adds = stat_total(core, "controller_adds");
  const uint64_t multiplies = stat_total(core, "controller_multiplies");
  CHECK(sops == (2 + 3 + 3) * 8 + 10);  // rows integrated: 2, then 3, then 3
  CHECK(adds == 20);
  CHECK(multiplies == 11);
}

TEST_CASE("core: update_rows_scaled is update_weights_scaled row by row, with one wait", "[core][learning]") {
  Bench bench(1 << 14);
  core::NeuronCore& core = bench.core;
  std::vector<uint8_t> counts;
  std::vector<int32_t> row3(8), row70(8), row71(8), row4(8);
  Cycle start, done;
  LambdaProgram program([&](core::NeuronCore& c) {
    c.reset_neurons();
    SpikeBitmap inputs(100);
    inputs.set(3);
    inputs.set(70);
    for (int step = 0; step < 3; ++step) {
      c.set_input_spikes(inputs);
      c.integrate();
      inputs.set(71);  // from the second step on
    }
    counts.assign(c.axon_counts().begin(), c.axon_counts().begin() + 100);
    const int32_t factors[8] = {1, -1, 2, -2, 3, -3, 0, 100};
    start = bench.ctx.clock.now();
    c.update_rows_scaled(c.axon_counts().data(), factors, 2);
    done = bench.ctx.clock.now();
    c.read_weights(3, row3.data());
    c.read_weights(70, row70.data());
    c.read_weights(71, row71.data());
    c.read_weights(4, row4.data());
  });
  core.set_program(&program);
  sc_core::sc_start();
  REQUIRE(counts[3] == 3);
  REQUIRE(counts[70] == 3);
  REQUIRE(counts[71] == 2);
  // Rows 3, 70, 71 in that order, each as update_weights_scaled alone (the test above: multiply
  // 2 cycles, reads, modify, writes: 9 cycles), each starting when the one before is written.
  CHECK(done - start == 3 * 9);
  // Then the four row reads: 2 words issue s, s+1 (one port), ready s+1+2: 3 cycles each.
  CHECK(stat_total(core, "learn_cycles") == 3 * 9 + 4 * 3);
  // d = round_shift(factor * count, 2): count 3 {1, -1, 2, -2, 2, -2, 0, 75}, count 2
  // {1, -1, 1, -1, 2, -2, 0, 50}; rows without spikes (4) are not touched.
  const int32_t d3[8] = {1, -1, 2, -2, 2, -2, 0, 75};
  const int32_t d2[8] = {1, -1, 1, -1, 2, -2, 0, 50};
  for (uint32_t j = 0; j < 8; ++j) {
    CHECK(row3[j] == weight(3, j) + d3[j]);
    CHECK(row70[j] == weight(70, j) + d3[j]);
    CHECK(row71[j] == weight(71, j) + d2[j]);
    CHECK(row4[j] == weight(4, j));
  }
  const sram::Sram& sram = core.synapse_sram();
  CHECK(sram.writes().total() == 3 * 2);  // 3 rows of 2 words
}

TEST_CASE("core alone: spikes leave one a cycle into the NoC stub, the barrier releases after its latency",
          "[core][noc]") {
  Bench bench(4000);  // neurons 4..7 fire (the fire-scan test above)
  Cycle send_start, sent, released;
  LambdaProgram program([&](core::NeuronCore& c) {
    testing::integrate_and_fire_known_spikes(c);
    send_start = bench.ctx.clock.now();
    c.send_spikes();
    sent = bench.ctx.clock.now();
    c.barrier(Phase::kBackward);
    released = bench.ctx.clock.now();
  });
  bench.core.set_program(&program);
  sc_core::sc_start();
  const auto& packets = bench.noc.sent();
  REQUIRE(packets.size() == 4);
  for (uint32_t k = 0; k < 4; ++k) {
    CHECK(packets[k].packet.payload == 4 + k);  // AER: the neuron's index in its layer
    CHECK(packets[k].packet.kind == noc::PacketKind::kMulticast);
    CHECK(packets[k].injected == send_start + k);
  }
  CHECK(sent == send_start + 4);
  CHECK(stat_total(bench.core, "packets_sent") == 4);
  // One participant, an idle network: release = arrival + latency.
  CHECK(released == sent + bench.config.barrier().latency_cycles());
  CHECK(bench.ctx.phase.current() == Phase::kBackward);
}
