// The event-timing options of chip.core in the time-stepped passes (integrate(), then fire();
// neuron_core.h, "The same options in the time-stepped passes"): cycles and counts derived by
// hand on testbench.h's small core (8 neurons, 4 lanes, 2 state ports so c = 1, scan 64 bits a
// cycle, fill 2; 64-bit words in 2 word-interleaved banks, 1 port, read latency 2).
#include <catch2/catch.hpp>

#include <cstring>
#include <vector>

#include "models/core/neuron_core.h"
#include "tests/models/core/testbench.h"

using namespace nmsim;
using testing::CoreBench;
using testing::small_weight;
using testing::stat_total;

namespace {

struct Options {
  bool fire_in_sweep = false;
  bool sweep_all = false;
  uint32_t stall = 0;
  uint32_t scan_bits = 64;
};

ChipConfig chip_with(const Options& o) {
  ChipConfig chip = testing::small_chip();
  CoreConfig& core = *chip.mutable_core();
  core.set_event_fire_in_sweep(o.fire_in_sweep);
  core.set_event_sweep_all_neurons(o.sweep_all);
  core.set_aer_out_stall_cycles(o.stall);
  core.set_spike_scan_bits_per_cycle(o.scan_bits);
  return chip;
}

// The small core with `mapped` of its 8 neurons mapped, 100 axons, w(a, j) = 7a + 300j.
struct Bench : CoreBench {
  Bench(const Options& o, uint32_t mapped, int32_t threshold)
      : CoreBench(chip_with(o), 100, mapped, testing::with_threshold(threshold)) {
    const auto bytes = static_cast<std::size_t>(core.layout().row_bytes);
    for (uint32_t a = 0; a < 100; ++a) {
      std::vector<uint8_t> row(bytes, 0);
      for (uint32_t j = 0; j < mapped; ++j) {
        const int16_t w = small_weight(a, j);
        std::memcpy(row.data() + 2 * j, &w, 2);
      }
      testing::write_row(core, a * bytes, row);
    }
  }
};

// Runs reset, encode of input spikes 3, 70, 71, integrate, fire; returns the 5 marks.
std::vector<uint64_t> one_step(Bench& bench) {
  testing::OneStepProgram program(bench.ctx, 100, {3, 70, 71});
  bench.core.set_program(&program);
  sc_core::sc_start();
  REQUIRE(program.marks().size() == 5);
  return program.marks();
}

}  // namespace

TEST_CASE("time-stepped event options: unset, the step is test_core's (13 + 4 cycles)", "[core][event_options]") {
  Bench bench(Options{}, 8, 4000);
  const auto marks = one_step(bench);
  CHECK(marks[3] - marks[2] == 13);  // test_core.cpp "one time step" derives it
  CHECK(marks[4] - marks[3] == 4);   // fire: 2 words + fill 2
  CHECK(stat_total(bench.core, "state_reads") == 3 * 2 + 2);
  CHECK(bench.core.fired() == std::vector<uint32_t>{4, 5, 6, 7});
}

TEST_CASE("time-stepped event options: fire in the last integrate sweep takes no scan", "[core][event_options]") {
  // The integrate pass is test_core's: axon 71's row is accumulated s+9..s+11 (it started at
  // s+9, after the scan's end s + ceil(100 / 64) = s+2, so the controller knew it was the
  // last row), the pass ends s+13. fire() right after: the neurons fired in that row's write
  // cycles, so 0 cycles and no state accesses of its own; the same spikes and potentials.
  Bench bench(Options{true, false, 0}, 8, 4000);
  const auto marks = one_step(bench);
  CHECK(marks[3] - marks[2] == 13);
  CHECK(marks[4] - marks[3] == 0);
  CHECK(stat_total(bench.core, "state_reads") == 3 * 2);       // the 3 rows only
  CHECK(stat_total(bench.core, "state_writes") == 2 + 3 * 2);  // reset + the 3 rows
  CHECK(stat_total(bench.core, "neuron_updates") == 8);        // leaked and thresholded anyway
  CHECK(stat_total(bench.core, "scan_cycles") == 4);           // the reset's 2 words + fill 2
  // u_j = 1008 + 900 j fires for j >= 4 and is reset by subtraction, as the scan does.
  REQUIRE(bench.core.fired() == std::vector<uint32_t>{4, 5, 6, 7});
  for (uint32_t j = 0; j < 8; ++j) {
    const int32_t u = 1008 + 900 * static_cast<int32_t>(j);
    CHECK(bench.core.potentials()[j] == (u >= 4000 ? u - 4000 : u));
  }
}

TEST_CASE("time-stepped event options: a last row that starts before the scan ends cannot fire", "[core][event_options]") {
  // Scan 1 bit a cycle: axon a is found at s + a + 1. Axon 3: found s+4, words issue s+4,
  // s+5, ready s+7, accumulated s+7..s+9. Axon 70: found s+71, issue s+71, s+72, ready s+74,
  // accumulated s+74..s+76. Axon 71: found s+72, buffer 0 free (s+9), issue s+73, s+74 (one
  // port), ready s+76, accumulated s+76..s+78. The scan ends at s+100 > s+76, so the row
  // could not know it was the last: integrate ends max(s+78, s+100) + 2 = s+102 and fire()
  // scans, 2 words + fill 2 = 4 cycles.
  Bench bench(Options{true, false, 0, 1}, 8, 4000);
  const auto marks = one_step(bench);
  CHECK(marks[3] - marks[2] == 102);
  CHECK(marks[4] - marks[3] == 4);
  CHECK(stat_total(bench.core, "state_reads") == 3 * 2 + 2);
  CHECK(bench.core.fired() == std::vector<uint32_t>{4, 5, 6, 7});
}

TEST_CASE("time-stepped event options: fire in sweep scans when no row came or work came between",
          "[core][event_options]") {
  Bench bench(Options{true, false, 0}, 8, 4000);
  std::vector<uint64_t> marks;
  testing::LambdaProgram program([&](core::NeuronCore& c) {
    const auto mark = [&] { marks.push_back(bench.ctx.clock.now().value()); };
    c.reset_neurons();
    mark();
    c.integrate();  // an empty bitmap: the scan's 2 cycles + fill 2, no row
    mark();
    c.fire();  // no sweep to fire in: a scan, 2 words + fill 2
    mark();
    SpikeBitmap inputs(100);
    for (uint32_t a : {3, 70, 71}) inputs.set(a);
    c.set_input_spikes(inputs);
    mark();
    c.integrate();
    mark();
    c.controller_compute(5, 0, 0);  // other work after the pass
    mark();
    c.fire();  // the last sweep is past: a scan
    mark();
  });
  bench.core.set_program(&program);
  sc_core::sc_start();
  REQUIRE(marks.size() == 7);
  CHECK(marks[1] - marks[0] == 4);
  CHECK(marks[2] - marks[1] == 4);
  CHECK(marks[4] - marks[3] == 13);
  CHECK(marks[5] - marks[4] == 5);
  CHECK(marks[6] - marks[5] == 4);
  CHECK(bench.core.fired() == std::vector<uint32_t>{4, 5, 6, 7});
}

TEST_CASE("time-stepped event options: unset, 3 of 8 neurons mapped, the passes sweep the 3", "[core][event_options]") {
  // 3 neurons x 16 bits: a row of one 64-bit word at 8a, in bank a mod 2.
  // Mapped (A = ceil(3 / 4) = 1 cycle a row): axon 3 found s+1, issue s+1, ready s+3,
  //   accumulated s+3..s+4; axon 70 found s+2, issue s+2, ready s+4, s+4..s+5; axon 71 found
  //   s+2, buffer 0 free s+4, issue s+4, ready s+6, s+6..s+7; end s+7 + fill 2 = s+9.
  //   fire: 1 word + fill 2 = 3.
  // All 8 (A = 2): axon 3 accumulated s+3..s+5; axon 70 ready s+4, s+5..s+7; axon 71: buffer
  //   0 free s+5, issue s+5, ready s+7, s+7..s+9; end s+11. fire: 2 words + fill 2 = 4.
  Bench mapped(Options{}, 3, 1 << 14);
  const auto m = one_step(mapped);
  CHECK(m[3] - m[2] == 9);
  CHECK(m[4] - m[3] == 3);
  CHECK(stat_total(mapped.core, "state_reads") == 3 * 1 + 1);
  CHECK(stat_total(mapped.core, "neuron_updates") == 3);
}

TEST_CASE("time-stepped event options: sweeping all neurons, all 8 swept", "[core][event_options]") {
  Bench all(Options{false, true, 0}, 3, 1 << 14);
  const auto m = one_step(all);
  CHECK(m[3] - m[2] == 11);
  CHECK(m[4] - m[3] == 4);
  CHECK(stat_total(all.core, "state_reads") == 3 * 2 + 2);  // every row and the scan: 2 words
  CHECK(stat_total(all.core, "neuron_updates") == 8);
  CHECK(stat_total(all.core, "sops") == 3 * 3);  // SOPs stay the mapped neurons'
  // u_j = 1008 + 900 j for the mapped j = 0..2.
  for (uint32_t j = 0; j < 3; ++j) CHECK(all.core.potentials()[j] == 1008 + 900 * static_cast<int32_t>(j));
}

TEST_CASE("time-stepped event options: each output spike stalls fire() by the AER-out stall", "[core][event_options]") {
  // 4 neurons fire (j = 4..7): the scan's 4 cycles + 4 x 6.
  Bench scanned(Options{false, false, 6}, 8, 4000);
  const auto m = one_step(scanned);
  CHECK(m[3] - m[2] == 13);
  CHECK(m[4] - m[3] == 4 + 4 * 6);
  CHECK(scanned.core.fired() == std::vector<uint32_t>{4, 5, 6, 7});
}

TEST_CASE("time-stepped event options: stalls in the last integrate sweep", "[core][event_options]") {
  // Fired in axon 71's sweep (s+9..s+11): the 4 stalls extend it, fire() takes 4 x 6 = 24.
  Bench fused(Options{true, false, 6}, 8, 4000);
  const auto m = one_step(fused);
  CHECK(m[3] - m[2] == 13);
  CHECK(m[4] - m[3] == 4 * 6);
  CHECK(stat_total(fused.core, "scan_cycles") == 4 + 24);  // reset 4, the stalls 24
  CHECK(fused.core.fired() == std::vector<uint32_t>{4, 5, 6, 7});
}
