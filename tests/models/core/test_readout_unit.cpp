// The readout unit (models/core/readout_unit.h): timing, values and counts of each pass on a
// small core, derived by hand from the header.
#include <catch2/catch.hpp>

#include <cstring>
#include <vector>

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

// testbench.h's small core; 64 synapse rows of 16 bytes (bytes 0..1023), the readout from byte
// 1024: 2 units x 2 rows of 10 values: readout rows of 40 bytes = 5 words (word 128 + 5r),
// gradient rows of 80 bytes = 10 words (word 148 + 10r).
struct Bench {
  ChipConfig config = small_chip();
  SimContext ctx{config::clock_mhz(config)};
  chip::Chip chip{"chip", config, ctx};
  mapper::Mapping mapping = mapper::map_network(config, {64, 8});
  std::vector<uint64_t> marks;

  Bench() {
    chip.configure(mapping, arith::NeuronParams{});
    core::ReadoutLayout layout;
    layout.base = 1024;
    layout.units = 2;
    layout.group_rows = 2;
    layout.values = 10;
    chip.core(0).configure_readout(layout);
  }
  void mark() { marks.push_back(ctx.clock.now().value()); }
};

SpikeBitmap rows_of(std::initializer_list<uint32_t> rows) {
  SpikeBitmap b(4);
  for (uint32_t r : rows) b.set(r);
  return b;
}

}  // namespace

TEST_CASE("readout unit: forward fetches the set rows, double-buffered, and adds them", "[core][readout]") {
  Bench bench;
  core::NeuronCore& core = bench.chip.core(0);
  // Readout rows 0 and 3 through the backdoor: v[r][k] = 100 r + k - 5.
  for (uint32_t r : {0u, 3u}) {
    std::vector<uint8_t> row(40);
    for (uint32_t k = 0; k < 10; ++k) {
      const int32_t v = static_cast<int32_t>(100 * r + k) - 5;
      std::memcpy(row.data() + 4 * k, &v, 4);
    }
    testing::write_row(core, 1024 + 40 * r, row);
  }
  int64_t sums[10] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
  LambdaProgram program([&](core::NeuronCore& c) {
    bench.mark();
    c.readout_forward(rows_of({0, 3}), sums);
    bench.mark();
  });
  core.set_program(&program);
  sc_core::sc_start();
  // Row 0: found s+1, words 128..132 issue s+1..s+5 (one port), ready s+7, added s+7..s+10.
  // Row 3: found s+1, the other buffer; words issue s+6..s+10, ready s+12, added s+12..s+15.
  // End max(s+15, s + ceil(4/64)) + fill 2 = s+17.
  CHECK(bench.marks[1] - bench.marks[0] == 17);
  for (int k = 0; k < 10; ++k) CHECK(sums[k] == 1 + (k - 5) + (300 + k - 5));
  const Phase phase = bench.ctx.phase.current();
  CHECK(core.synapse_sram().reads()[phase] == 10);
  CHECK(stat_total(testing::unit_stats(core, "readout"), "rows_read") == 2);
  CHECK(stat_total(testing::unit_stats(core, "readout"), "value_adds") == 20);
  CHECK(stat_total(testing::unit_stats(core, "readout"), "cycles") == 17);
}

TEST_CASE("readout unit: gradient accumulation, gradient step, l1 prox and the group norms", "[core][readout]") {
  Bench bench;
  core::NeuronCore& core = bench.chip.core(0);
  int32_t residuals[10];
  for (int k = 0; k < 10; ++k) residuals[k] = (k + 1) * 1024;
  int64_t norm = -1;
  LambdaProgram program([&](core::NeuronCore& c) {
    bench.mark();
    c.readout_accumulate(rows_of({1}), residuals);
    bench.mark();
    c.readout_step(4, 0, arith::GroupNorm::kL1);
    bench.mark();
    c.readout_step(4, 100, arith::GroupNorm::kL1);
    bench.mark();
    norm = c.readout_group_norms(arith::GroupNorm::kL1);
    bench.mark();
  });
  core.set_program(&program);
  sc_core::sc_start();
  const auto& m = bench.marks;
  // accumulate: row 1 found s+1; its 10 gradient words issue s+1..s+10, ready s+12; adds 3
  // cycles; written back s+15..s+24, complete s+25; + fill 2.
  CHECK(m[1] - m[0] == 27);
  // step, tau 0: group 0 only (dirty); readout row 1 (5 words) issue s..s+4, gradient row 1
  // (10 words) s+5..s+14, ready s+16; 3 cycles -> s+19; the 5 changed words s+19..s+23 and
  // the 10 cleared gradient words s+24..s+33, complete s+34; group 1 is clean and zero:
  // skipped; + fill 2.
  CHECK(m[2] - m[1] == 36);
  // step, tau 100: group 0 is non-zero: both its rows (10 words) s..s+9, ready s+11; the l1
  // prox ceil(20/4) = 5 cycles -> s+16; row 1's 5 words s+16..s+20, complete s+21; + fill 2.
  CHECK(m[3] - m[2] == 23);
  // norms: group 0 read s..s+9, ready s+11, + 5 cycles -> s+16; + fill 2.
  CHECK(m[4] - m[3] == 18);

  // v[1][k] = -round_shift((k + 1) 1024, 4) = -64 (k + 1), then soft-thresholded by 100.
  std::vector<int32_t> v;
  core.peek_readout(v);
  REQUIRE(v.size() == 40);
  for (int k = 0; k < 10; ++k) {
    const int32_t expected = 64 * (k + 1) > 100 ? -(64 * (k + 1) - 100) : 0;
    CHECK(v[10 + k] == expected);
    CHECK(v[k] == 0);
    CHECK(v[20 + k] == 0);
    CHECK(v[30 + k] == 0);
  }
  CHECK(norm == 64 * 54 - 9 * 100);  // sum over k = 1..9 of (64 (k + 1) - 100)
  CHECK(stat_total(testing::unit_stats(core, "readout"), "weight_updates") == 20);
  CHECK(stat_total(testing::unit_stats(core, "readout"), "groups_stepped") == 2);
  CHECK(stat_total(testing::unit_stats(core, "readout"), "gradient_rows") == 2);  // accumulated once, stepped once
  const Phase phase = bench.ctx.phase.current();
  CHECK(core.synapse_sram().reads()[phase] == 10 + 15 + 10 + 10);
  CHECK(core.synapse_sram().writes()[phase] == 10 + 15 + 5);
}

TEST_CASE("readout unit: the dual norm of counted labels (beta_max's part) and its clearing", "[core][readout]") {
  Bench bench;
  core::NeuronCore& core = bench.chip.core(0);
  int32_t three[10] = {0, 0, 0, 1, 0, 0, 0, 0, 0, 0};
  int32_t five[10] = {0, 0, 0, 0, 0, 1, 0, 0, 0, 0};
  uint64_t l1 = 0, linf = 0;
  LambdaProgram program([&](core::NeuronCore& c) {
    c.readout_accumulate(rows_of({0, 2}), three);
    c.readout_accumulate(rows_of({2}), five);
    c.readout_accumulate(rows_of({3}), five);
    bench.mark();
    linf = c.readout_dual_norm(arith::GroupNorm::kLinf);  // clears
    bench.mark();
    c.readout_accumulate(rows_of({0, 2}), three);
    c.readout_accumulate(rows_of({2}), three);
    l1 = c.readout_dual_norm(arith::GroupNorm::kL1);
  });
  core.set_program(&program);
  sc_core::sc_start();
  // l_inf's dual is the group's sum: group 0 = 1, group 1 = rows 2 and 3: 1 + 1 + 1 = 3.
  CHECK(linf == 3);
  // l1's dual is the largest count: row 2, class 3, counted twice (the first pass cleared).
  CHECK(l1 == 2);
  // Timing of the first: group 0 (row 0 dirty): 10 words s..s+9, ready s+11, ceil(20/4) = 5
  // -> s+16, 10 zero words s+16..s+25, complete s+26. Group 1 (rows 2, 3) from s+26: 20 words
  // s+26..s+45, ready s+47, -> s+52, 20 words s+52..s+71, complete s+72; + fill 2.
  CHECK(bench.marks[1] - bench.marks[0] == 74);
}
