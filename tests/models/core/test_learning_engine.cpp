// Learning engine read-modify-write: timing derived from learning_engine.h, saturation at
// the weight width, counts; and the weight row layout it shares with the integrate unit.
#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include "models/arith/rounding.h"
#include "models/arith/stochastic_rounding.h"
#include "models/core/learning_engine.h"
#include "models/core/weight_row.h"
#include "models/sram/sram.h"

#include <functional>

#include <tlm_utils/simple_initiator_socket.h>

using namespace nmsim;

namespace {

SramConfig sram_config() {
  SramConfig c;
  c.set_size_bytes(1024);
  c.set_word_width_bits(64);
  c.set_banks(2);
  c.set_ports(1);
  c.set_read_latency_cycles(2);
  c.set_write_latency_cycles(1);
  c.set_interleaving(INTERLEAVING_WORD);
  return c;
}

struct Bench : sc_core::sc_module {
  SimContext ctx{1000};
  sram::Sram memory{"sram", sram_config(), ctx};
  core::LearningEngine engine;
  std::function<void(Bench&)> script;
  SC_HAS_PROCESS(Bench);
  tlm_utils::simple_initiator_socket<Bench> socket{"socket"};  // the SRAM's port must be bound
  Bench(sc_core::sc_module_name name, uint32_t width_bits, uint32_t weights)
      : sc_module(name), engine("learning", memory, ctx, 4, width_bits) {
    socket.bind(memory.socket);
    engine.configure(weights, core::row_bytes(weights, width_bits, 64));
    SC_THREAD(run);
  }
  void run() { script(*this); }
};

}  // namespace

TEST_CASE("learning engine: read-modify-write timing and values of one 16-bit row", "[core][learning]") {
  Bench bench("bench", 16, 8);  // 8 x 16 bits = 2 words per row
  std::vector<int32_t> before(8), after(8);
  Cycle done{};
  bench.script = [&](Bench& b) {
    const int32_t deltas[8] = {1, -1, 0, 100, -100, 0, 32767, -32768};
    b.engine.read_row(3, before.data(), Cycle(0));
    // Start at 10: reads issue 10, 11 (one port) -> ready 13; modify ceil(8/4) = 2 -> 15;
    // writes issue 15, 16 -> complete 16 + 1 = 17.
    done = b.engine.update_row(3, deltas, Cycle(10));
    b.engine.read_row(3, after.data(), Cycle(20));
  };
  sc_core::sc_start();
  CHECK(done == Cycle(17));
  // The SRAM starts zeroed: w = 0 + delta, saturated to 16 bits.
  CHECK(after == std::vector<int32_t>{1, -1, 0, 100, -100, 0, 32767, -32768});
  CHECK(before == std::vector<int32_t>(8, 0));
  CHECK(bench.engine.weight_updates().total() == 6);
  CHECK(bench.engine.rows_updated().total() == 1);
  CHECK(bench.memory.reads().total() == 6);   // two reads of 2 words + the update's 2
  CHECK(bench.memory.writes().total() == 2);
}

TEST_CASE("learning engine: 4-bit weights saturate at -8..7 and keep their neighbours", "[core][learning]") {
  Bench bench("bench", 4, 5);  // 5 x 4 bits = 20 bits: one 64-bit word
  std::vector<int32_t> after(5);
  bench.script = [&](Bench& b) {
    const int32_t up[5] = {7, 3, -8, 0, 5};
    const int32_t again[5] = {1, 3, -1, 0, -9};
    b.engine.update_row(0, up, Cycle(0));
    b.engine.update_row(0, again, Cycle(10));
    b.engine.read_row(0, after.data(), Cycle(20));
  };
  sc_core::sc_start();
  // 7+1 -> 7 (saturated), 3+3 = 6, -8-1 -> -8, 0, 5-9 = -4.
  CHECK(after == std::vector<int32_t>{7, 6, -8, 0, -4});
  // Changed: first update 4 (7, 3, -8, 5), second 2 (3 -> 6, 5 -> -4).
  CHECK(bench.engine.weight_updates().total() == 6);
}

TEST_CASE("learning engine: scaled updates round as arith::round_shift at every factor size", "[core][learning]") {
  // Small products take an int32 path, large ones (or shifts above 30) the int64 one: both
  // must give round_shift's bits, and a delta beyond an int32 saturates the weight as the
  // references' int64 sum does. One row per (shift, scale), from a zeroed SRAM.
  Bench bench("bench", 16, 8);
  const int32_t factors[8] = {1, -1, 3, -5, 1 << 22, -(1 << 22), 123456789, INT32_MIN};
  const int shifts[] = {1, 2, 5, 8, 16, 24, 30, 31, 40};
  const int32_t scales[] = {1, 3, 255, -7};
  std::vector<std::vector<int32_t>> rows;
  bench.script = [&](Bench& b) {
    uint32_t row = 0;
    Cycle at(0);
    for (int shift : shifts) {
      for (int32_t scale : scales) {
        bool written = false;
        at = b.engine.update_row_scaled(row, factors, scale, shift, at, &written);
        std::vector<int32_t> w(8);
        at = b.engine.read_row(row++, w.data(), at);
        rows.push_back(w);
      }
    }
  };
  sc_core::sc_start();
  std::size_t r = 0;
  for (int shift : shifts) {
    for (int32_t scale : scales) {
      for (uint32_t j = 0; j < 8; ++j) {
        const int64_t d = arith::round_shift(int64_t{factors[j]} * scale, shift);
        const int64_t expected = d > 32767 ? 32767 : (d < -32768 ? -32768 : d);
        INFO("shift " << shift << ", scale " << scale << ", lane " << j);
        CHECK(rows[r][j] == expected);
      }
      ++r;
    }
  }
}

TEST_CASE("learning engine: a fan-in group core's generators step past the other groups' draws",
          "[core][learning][fan-in split]") {
  // 8 weights, 4 lanes. Lanes 2 and 5 have a zero factor: they neither step nor draw. After
  // advance_rounding(5) and one scaled row, a drawing lane's draw is its 6th: xorshift32 of its
  // seed 6 times; a second row with every factor non-zero draws the 7th there, the 1st on the
  // gated lanes.
  Bench bench("bench", 16, 8);
  const std::vector<uint32_t> seeds = {1, 2, 3, 0x9E3779B9u, 5, 6, 0xDEADBEEFu, 8};
  const int32_t gated[8] = {3, -5, 0, 7, 9, 0, -11, 13};
  const int32_t all[8] = {3, 3, 3, 3, 3, 3, 3, 3};
  constexpr int32_t kScale = 5;
  constexpr int kShift = 4;
  std::vector<int32_t> first(8), second(8);
  Cycle stepped{}, idle{};
  uint64_t rounding_ops = 0;
  bench.script = [&](Bench& b) {
    b.engine.enable_stochastic_rounding(seeds);
    // 5 steps x ceil(8 / 4) = 10 cycles from 10.
    stepped = b.engine.advance_rounding(gated, 5, Cycle(10));
    idle = b.engine.advance_rounding(gated, 0, Cycle(30));
    Cycle at = b.engine.update_row_scaled(0, gated, kScale, kShift, Cycle(40), nullptr);
    at = b.engine.read_row(0, first.data(), at);
    at = b.engine.update_row_scaled(1, all, kScale, kShift, at, nullptr);
    b.engine.read_row(1, second.data(), at);
    for (const auto& stat : b.engine.stats())
      if (stat.name == "rounding_ops") rounding_ops = stat.counter.value().total();
  };
  sc_core::sc_start();
  CHECK(stepped == Cycle(20));
  CHECK(idle == Cycle(30));
  for (uint32_t j = 0; j < 8; ++j) {
    INFO("lane " << j);
    const bool draws = gated[j] != 0;
    const uint32_t r1 = arith::xorshift32_steps(seeds[j], 6);
    CHECK(first[j] == (draws ? arith::stochastic_shift(int64_t{gated[j]} * kScale, kShift, r1) : 0));
    const uint32_t r2 = arith::xorshift32_steps(seeds[j], draws ? 7 : 1);
    CHECK(second[j] == arith::stochastic_shift(int64_t{all[j]} * kScale, kShift, r2));
  }
  // 6 drawing lanes x 5 steps x 3 ops, then 6 + 8 draws x 4 ops.
  CHECK(rounding_ops == 6 * 5 * arith::kXorshiftStepOps + 14 * arith::kStochasticRoundingOps);
}

TEST_CASE("weight row: pack and unpack every width from 1 to 16 bits", "[core][learning]") {
  for (uint32_t width = 1; width <= 16; ++width) {
    const uint32_t n = 37;
    std::vector<uint8_t> row(core::row_bytes(n, width, 64), 0xA5);  // dirty background
    const int32_t lo = -(1 << (width - 1)), hi = (1 << (width - 1)) - 1;
    for (uint32_t j = 0; j < n; ++j) core::write_weight(row.data(), j, width, j % 2 ? lo : hi);
    for (uint32_t j = 0; j < n; ++j) {
      INFO("width " << width << " weight " << j);
      REQUIRE(core::read_weight(row.data(), j, width) == (j % 2 ? lo : hi));
    }
  }
}
