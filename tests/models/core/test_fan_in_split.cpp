// Fan-in split at the core (neuron_core.h "Fan-in split", partial_sum_unit.h): a layer of 8
// neurons with 8 input lines on cores of 4 axons: two cores on one node, group 0 (the owner)
// holding lines 0..3 and group 1 lines 4..7. The potentials after the merge equal the chain
// of saturating adds; the merge's packets, flits and cycles are derived by hand.
#include <catch2/catch.hpp>

#include <cstring>
#include <vector>

#include "models/core/neuron_core.h"
#include "platform/chip/chip.h"
#include "platform/mapper/mapper.h"
#include "tests/models/core/testbench.h"

using namespace nmsim;
using testing::LambdaProgram;
using testing::stat_total;

namespace {

constexpr uint32_t kStateBits = 16;  // [-32768, 32767]

// Line a's weight to neuron j: lines 1 and 4 push neuron j up by 15000 + 1000 j (together
// past 32767 for j >= 2), line 6 pulls it down by 10000.
int16_t weight(uint32_t line, uint32_t j) {
  if (line == 1 || line == 4) return static_cast<int16_t>(15000 + 1000 * j);
  if (line == 6) return -10000;
  return static_cast<int16_t>(line * 10 + j);
}

ChipConfig split_chip() {
  ChipConfig config = testing::small_chip();  // 8 neurons, 4 lanes, fill 2, rows of 16 bytes
  config.set_cores_per_node(2);
  config.mutable_core()->set_max_axons(4);
  config.mutable_core()->set_state_width_bits(kStateBits);
  return config;
}

struct SplitBench {
  ChipConfig config = split_chip();
  SimContext ctx{config::clock_mhz(config)};
  chip::Chip chip{"chip", config, ctx};
  mapper::Mapping mapping = mapper::map_network(config, {8, 8});

  SplitBench() {
    arith::NeuronParams params;
    params.threshold = 32767;
    chip.configure(mapping, params);
    chip.barrier().set_participants(2);  // the two cores, no host program
    for (const auto& slot : mapping.layers[0]) {
      for (uint32_t r = 0; r < slot.fan_in; ++r) {
        std::vector<uint8_t> row(16);
        for (uint32_t j = 0; j < 8; ++j) {
          const int16_t w = weight(slot.first_axon + r, j);
          std::memcpy(row.data() + 2 * j, &w, 2);
        }
        testing::write_row(chip.core(slot.core_index), r * 16, row);
      }
    }
  }
};

SpikeBitmap lines(std::initializer_list<uint32_t> set) {
  SpikeBitmap bits(4);
  for (uint32_t a : set) bits.set(a);
  return bits;
}

// One step on the bench: both cores integrate their lines; the group core sends its partials,
// the owner merges them. The cycles are marked around the calls.
struct StepResult {
  std::vector<int32_t> merged;
  uint64_t owner_integrated = 0, merge_end = 0, send_start = 0, send_end = 0;
};

StepResult run_step(SplitBench& bench, const SpikeBitmap& owner_lines, const SpikeBitmap& group_lines) {
  StepResult r;
  const auto now = [&] { return bench.ctx.clock.now().value(); };
  LambdaProgram owner([&](core::NeuronCore& c) {
    c.reset_neurons();
    c.set_input_spikes(owner_lines);
    c.integrate();
    r.owner_integrated = now();
    c.merge_partials();
    r.merge_end = now();
    r.merged = c.potentials();
    c.barrier(Phase::kForward);
  });
  LambdaProgram group([&](core::NeuronCore& c) {
    c.reset_neurons();
    c.set_input_spikes(group_lines);
    c.integrate();
    r.send_start = now();
    c.send_partials();
    r.send_end = now();
    c.barrier(Phase::kForward);
  });
  bench.chip.core(0).set_program(&owner);
  bench.chip.core(1).set_program(&group);
  sc_core::sc_start();
  bench.chip.finish();
  return r;
}

}  // namespace

TEST_CASE("fan-in split: the merged potentials are the chain of saturating adds, packets and cycles by hand",
          "[core][fan-in split]") {
  SplitBench bench;
  REQUIRE(bench.mapping.layers[0].size() == 2);
  REQUIRE(bench.mapping.layers[0][1].first_axon == 4);
  const StepResult r = run_step(bench, lines({1}), lines({0, 2}));  // lines 1; 4 and 6
  const std::vector<int32_t>& merged = r.merged;

  // Neuron j: u = sat(sat(sat(0 + w1) + w4) + w6) over lines 1, 4, 6 in order.
  REQUIRE(merged.size() == 8);
  for (uint32_t j = 0; j < 8; ++j) {
    const int32_t up = 15000 + 1000 * static_cast<int32_t>(j);
    const int32_t expected = std::min(2 * up, 32767) - 10000;
    INFO("neuron " << j);
    CHECK(merged[j] == expected);
  }
  CHECK(merged[7] == 22767);  // the plain sum would be 34000 - 10000 = 24000

  // The group core hands 8 packets, one a cycle. 32-bit flits: value packets have 2 flits, so
  // a partial has 1 + 3 x 1 = 4; the NI injects one flit a cycle: packet k's head enters at
  // s + 4k, its tail at s + 4k + 3. Same node, 0 hops: a flit leaves the local output P = 1
  // cycle after entering (mesh.h). The last tail arrives at s + 28 + 3 + 1 = s + 32. The
  // owner (one row; done long before) merges 1 group x A = ceil(8 / 4) = 2 words + fill 2 =
  // 4 cycles: it ends at s + 36.
  CHECK(r.send_end == r.send_start + 8);
  CHECK(r.merge_end == r.send_start + 36);
  const core::NeuronCore& group_core = bench.chip.core(1);
  const core::NeuronCore& owner_core = bench.chip.core(0);
  CHECK(stat_total(group_core, "packets_sent") == 8);
  CHECK(stat_total(bench.chip.mesh().ni(0), "flits_injected") == 32);
  const StatGroup& owner_unit = testing::unit_stats(owner_core, "partials");
  CHECK(stat_total(owner_unit, "partials_received") == 8);
  CHECK(stat_total(owner_unit, "buffer_writes") == 8);
  CHECK(stat_total(owner_unit, "buffer_reads") == 8);
  CHECK(stat_total(owner_unit, "merge_ops") == 24);
  CHECK(stat_total(owner_unit, "merge_cycles") == 4);
  // Group core: 2 rows of 8 SOPs; partial words: 2 per row read and written, 2 read to send.
  const StatGroup& group_unit = testing::unit_stats(group_core, "partials");
  CHECK(stat_total(group_core, "sops") == 16);
  CHECK(stat_total(group_unit, "bound_adds") == 32);
  CHECK(stat_total(group_unit, "partial_writes") == 4);
  CHECK(stat_total(group_unit, "partial_reads") == 6);
  // The owner's state memory: its one row (2 words) and the merge (2 words); reset only writes.
  CHECK(stat_total(owner_core, "state_reads") == 4);
}

TEST_CASE("fan-in split: a group without spikes sends one flit and the merge costs nothing",
          "[core][fan-in split]") {
  SplitBench bench;
  const StepResult r = run_step(bench, lines({1}), lines({}));
  for (uint32_t j = 0; j < 8; ++j) CHECK(r.merged[j] == 15000 + 1000 * static_cast<int32_t>(j));
  CHECK(stat_total(bench.chip.core(1), "packets_sent") == 1);
  CHECK(stat_total(bench.chip.mesh().ni(0), "flits_injected") == 1);
  // The "none" flit enters at s and leaves the local output at s + 1; the owner waits for it
  // if it is still integrating, and merges nothing.
  CHECK(r.merge_end == std::max(r.owner_integrated, r.send_start + 1));
  const StatGroup& owner_unit = testing::unit_stats(bench.chip.core(0), "partials");
  CHECK(stat_total(owner_unit, "partials_received") == 1);
  CHECK(stat_total(owner_unit, "merge_ops") == 0);
  CHECK(stat_total(owner_unit, "merge_cycles") == 0);
}
