// integrate() with a weight generator instead of stored rows: the same potentials, the timing
// of the header of neuron_core.h derived by hand (next to the stored path's), no SRAM access,
// the generator's counters and their energy, and learning refused on generated weights.
#include <catch2/catch.hpp>

#include <csignal>
#include <cstdint>
#include <cstring>
#include <vector>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "models/core/neuron_core.h"
#include "models/core/weight_generator.h"
#include "platform/chip/chip.h"
#include "platform/config/loader.h"
#include "platform/config/validate.h"
#include "platform/energy/energy_model.h"
#include "platform/mapper/mapper.h"
#include "tests/models/core/testbench.h"

using namespace nmsim;
using testing::LambdaProgram;
using testing::small_chip;
using testing::stat_total;

namespace {

// testbench.h's small core (test_core.cpp's), with 1 or 2 state-memory ports.
int32_t weight(uint32_t axon, uint32_t j) { return static_cast<int32_t>(axon * 7 + j * 300); }

// The same weights as the stored rows, computed; 2 multiplies and 3 adds a weight, 3 stages.
class TestGenerator final : public core::WeightGenerator {
 public:
  void generate_row(uint32_t axon, uint32_t n, int32_t* weights) const override {
    ++calls;
    for (uint32_t j = 0; j < n; ++j) weights[j] = weight(axon, j);
  }
  core::GeneratorCost cost() const override { return {2, 3, 3}; }
  mutable uint32_t calls = 0;
};

struct Bench {
  ChipConfig config;
  SimContext ctx;
  chip::Chip chip;
  TestGenerator generator;

  Bench(uint32_t state_ports, bool generated)
      : config(small_chip(state_ports)), ctx(config::clock_mhz(config)), chip("chip", config, ctx) {
    chip.configure(mapper::map_network(config, {100, 8}), arith::NeuronParams{});
    core::NeuronCore& c = chip.core(0);
    if (generated) {
      c.set_weight_generator(&generator);
      return;  // the SRAM stays empty: a stray read would show in the potentials
    }
    for (uint32_t a = 0; a < 100; ++a) {
      std::vector<uint8_t> row(16);
      for (uint32_t j = 0; j < 8; ++j) {
        const auto w = static_cast<int16_t>(weight(a, j));
        std::memcpy(row.data() + 2 * j, &w, 2);
      }
      testing::write_row(c, uint64_t{a} * 16, row);
    }
  }
};

// Integrates axons 3, 70 and 71 once; returns the integrate() cycles.
uint64_t integrate_three_spikes(Bench& bench) {
  uint64_t cycles = 0;
  LambdaProgram program([&](core::NeuronCore& c) {
    c.reset_neurons();
    SpikeBitmap inputs(100);
    for (uint32_t a : {3u, 70u, 71u}) inputs.set(a);
    c.set_input_spikes(inputs);
    const uint64_t s = bench.ctx.clock.now().value();
    c.integrate();
    cycles = bench.ctx.clock.now().value() - s;
  });
  bench.chip.core(0).set_program(&program);
  sc_core::sc_start();
  bench.chip.finish();
  return cycles;
}

const StatEntry& stat(const StatGroup& group, const std::string& name) {
  for (const auto& s : group.stats()) {
    if (s.name == name) return s;
  }
  FAIL("no stat " << name);
  return group.stats().front();
}

// What both paths must agree on: u_j = w(3,j) + w(70,j) + w(71,j) = 1008 + 900 j, 3 rows,
// 24 SOPs, 3 x 2 state reads and writes (+ 2 writes of the reset), the input-rate counters.
void check_common(core::NeuronCore& core) {
  for (uint32_t j = 0; j < 8; ++j) CHECK(core.potentials()[j] == 1008 + 900 * static_cast<int32_t>(j));
  CHECK(stat_total(core, "rows_fetched") == 3);
  CHECK(stat_total(core, "sops") == 24);
  CHECK(stat_total(core, "state_reads") == 6);
  CHECK(stat_total(core, "state_writes") == 2 + 6);
  for (uint32_t a = 0; a < 100; ++a) CHECK(core.axon_counts()[a] == ((a == 3 || a == 70 || a == 71) ? 1 : 0));
}

}  // namespace

TEST_CASE("weight generator: stored rows, the reference numbers", "[core][generator]") {
  Bench bench(2, false);
  // Stored (test_core.cpp): axon 3 found s+1, words issue s+1, s+2, ready s+4, accumulate
  // s+4..s+6; axon 70 found s+2, issue s+3, s+4, ready s+6, accumulate s+6..s+8; axon 71
  // waits for buffer 0 (free s+6), issue s+6, s+7, ready s+9, accumulate s+9..s+11;
  // end s+11 + fill 2.
  CHECK(integrate_three_spikes(bench) == 13);
  core::NeuronCore& core = bench.chip.core(0);
  check_common(core);
  CHECK(core.synapse_sram().reads()[bench.ctx.phase.current()] == 6);
  CHECK(testing::find_unit(core, "weight_generator") == nullptr);  // reports of stored cores do not change
}

TEST_CASE("weight generator: generated rows, same potentials, hand-derived cycles, no SRAM reads",
          "[core][generator]") {
  Bench bench(2, true);
  // Generated, A = 2, L = 3: a row begins at g = max(request, previous g + 2), is ready at
  // g + 2 + 3.
  //  axon 3:  found s+1, buffer 0 free: g = s+1, ready s+6; accumulate s+6..s+8
  //  axon 70: found s+2, buffer 1 free, generator busy until s+3: g = s+3, ready s+8;
  //           accumulate s+8..s+10
  //  axon 71: found s+2, buffer 0 free at s+8: g = s+8, ready s+13; accumulate s+13..s+15
  //  end = max(s+15, s + ceil(100/64)) + fill 2 = s+17 (stored: s+13; the generator's
  //  latency 3 against the SRAM's 2, and its one row at a time against the SRAM's banks).
  CHECK(integrate_three_spikes(bench) == 17);
  core::NeuronCore& core = bench.chip.core(0);
  check_common(core);
  CHECK(bench.generator.calls == 3);
  const sram::Sram& sram = core.synapse_sram();
  for (std::size_t p = 0; p < kPhaseCount; ++p) {
    CHECK(sram.reads().by_phase[p] == 0);
    CHECK(sram.writes().by_phase[p] == 0);
  }
  // n weights a row, cost() per weight, counted by the core's weight_generator unit.
  const StatGroup& unit = testing::unit_stats(core, "weight_generator");
  CHECK(stat_total(unit, "weights") == 24);
  CHECK(stat_total(unit, "multiplies") == 48);
  CHECK(stat_total(unit, "adds") == 72);
  CHECK(stat(unit, "multiplies").counter.value().by_phase[static_cast<std::size_t>(bench.ctx.phase.current())] == 48);

  // Priced as 32-bit multiplies and adds with the table's control overhead.
  const EnergyTable table = config::default_energy_table();
  const energy::EnergyModel model(table);
  const double control = table.control_overhead_factor().value();
  const StatEntry& multiplies = stat(unit, "multiplies");
  const StatEntry& adds = stat(unit, "adds");
  CHECK(multiplies.energy.kind == EnergyKind::kMultiply);
  CHECK(multiplies.energy.width_bits == 32);
  CHECK(adds.energy.kind == EnergyKind::kAdd);
  CHECK(adds.energy.width_bits == 32);
  CHECK(stat(unit, "weights").energy.kind == EnergyKind::kNone);  // priced by its ops
  CHECK(48 * model.event_pj(multiplies.energy) == Approx(48 * table.multiply_32bit().value() * control));
  CHECK(72 * model.event_pj(adds.energy) == Approx(72 * table.add_32bit().value() * control));
}

TEST_CASE("weight generator: with one state port a row's pass starts a cycle before its data",
          "[core][generator]") {
  Bench bench(1, true);
  // One state port: accumulate 2 x A = 4 cycles, weights needed at ready - 1; the generator
  // still makes a row in A = 2 cycles + L = 3.
  //  axon 3:  g = s+1, ready s+6, accumulate s+5..s+9
  //  axon 70: g = s+3, ready s+8, accumulate max(s+7, s+9) = s+9..s+13
  //  axon 71: buffer 0 free at s+9: g = s+9, ready s+14, accumulate s+13..s+17
  //  end s+17 + fill 2.
  CHECK(integrate_three_spikes(bench) == 19);
  check_common(bench.chip.core(0));
}

TEST_CASE("weight generator: learning on generated weights is refused", "[core][generator]") {
  // A broken invariant aborts (NMSIM_ASSERT): run the program in a child process.
  for (int call = 0; call < 3; ++call) {
    const pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      const rlimit no_core{0, 0};
      setrlimit(RLIMIT_CORE, &no_core);
      Bench bench(2, true);
      std::vector<int32_t> values(8, 1);
      LambdaProgram program([&](core::NeuronCore& c) {
        if (call == 0) c.update_weights(3, values.data());
        if (call == 1) c.update_weights_scaled(3, values.data(), 1, 0);
        if (call == 2) c.read_weights(3, values.data());
      });
      bench.chip.core(0).set_program(&program);
      sc_core::sc_start();
      _exit(0);  // not refused
    }
    int status = 0;
    REQUIRE(waitpid(child, &status, 0) == child);
    INFO("call " << call);
    CHECK(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == SIGABRT);
  }
}
