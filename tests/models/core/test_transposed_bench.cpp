// The two transposed-read options side by side on the workload they exist for: one backward
// step of a 512-neuron recurrent layer held by one core with about 10 % of the senders
// active (51 of 512, signs alternating), then the weight update of 51 rows (every weight
// of each row changed). Each option runs in its own process; the figures (cycles, SRAM reads
// and writes, energy per phase from the default 28 nm table) print as one line each:
//   ctest --test-dir build -R "transposed bench" -V
// (models/core/README.md quotes them). The checks pin the structural counts, and the
// couple potentials against a plain-integer sum, so the figures cannot drift unnoticed.
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "models/core/neuron_core.h"
#include "models/core/weight_row.h"
#include "platform/chip/chip.h"
#include "platform/config/loader.h"
#include "platform/config/validate.h"
#include "platform/energy/energy_model.h"
#include "platform/mapper/mapper.h"
#include "platform/report/report_builder.h"
#include "tests/models/core/testbench.h"

using namespace nmsim;
using testing::LambdaProgram;
using testing::write_row;

namespace {

constexpr uint32_t kNeurons = 512;
constexpr uint32_t kSenders = 51;  // j = 10 k: about 10 % of the layer
constexpr uint32_t kRowBytes = kNeurons * 2;

// The default 28 nm core (16 lanes, 64-bit words in 4 word-interleaved banks, 4 ports,
// 16-bit weights) grown to 512 neurons and 512 rows (512 KB): the recurrent block is the
// whole array.
ChipConfig layer_chip(TransposedRead option) {
  ChipConfig chip = config::default_chip_config();
  chip.set_mesh_width(1);
  chip.set_mesh_height(1);
  CoreConfig& core = *chip.mutable_core();
  core.set_neurons(kNeurons);
  core.set_max_axons(kNeurons);
  core.set_ternary_couples(true);
  core.set_transposed_read(option);
  core.mutable_synapse_sram()->set_size_bytes(uint64_t{kNeurons} * kRowBytes);
  config::validate(chip);
  return chip;
}

int32_t weight(uint32_t i, uint32_t j) { return static_cast<int32_t>((i * 131 + j * 71) % 2001) - 1000; }

void run_layer_step(TransposedRead option) {
  const ChipConfig config = layer_chip(option);
  SimContext ctx(config::clock_mhz(config));
  chip::Chip chip("chip", config, ctx);
  chip.configure(mapper::map_network(config, {kNeurons, kNeurons}), arith::NeuronParams{});
  chip.barrier().set_participants(1);
  core::NeuronCore& core = chip.core(0);
  for (uint32_t i = 0; i < kNeurons; ++i) {
    std::vector<uint8_t> row(kRowBytes, 0);
    for (uint32_t j = 0; j < kNeurons; ++j) core::write_weight(row.data(), j, 16, weight(i, j));
    write_row(core, uint64_t{i} * kRowBytes, row);
  }
  core.set_transposed_block(0);
  if (option == TRANSPOSED_COPY) core.load_transposed_copy();

  SpikeBitmap plus(kNeurons), minus(kNeurons);
  for (uint32_t k = 0; k < kSenders; ++k) (k % 2 == 0 ? plus : minus).set(10 * k);
  std::vector<int32_t> ones(kNeurons, 1);
  uint64_t transposed_cycles = 0, update_cycles = 0;
  LambdaProgram program([&](core::NeuronCore& c) {
    c.barrier(Phase::kBackward);
    c.reset_couples();
    const uint64_t s = ctx.clock.now().value();
    c.integrate_couples_transposed(plus, minus);
    transposed_cycles = ctx.clock.now().value() - s;
    c.fire_couples(false);
    c.barrier(Phase::kUpdate);
    const uint64_t u = ctx.clock.now().value();
    for (uint32_t k = 0; k < kSenders; ++k) c.update_weights(10 * k, ones.data());
    update_cycles = ctx.clock.now().value() - u;
  });
  core.set_program(&program);
  sc_core::sc_start();
  chip.finish();

  // The couples hold sum_j +-W_ji: W_ji is row i, weight j.
  for (uint32_t i = 0; i < kNeurons; ++i) {
    int32_t v = 0;
    for (uint32_t k = 0; k < kSenders; ++k) v += (k % 2 == 0 ? 1 : -1) * weight(i, 10 * k);
    REQUIRE(core.couples().potentials()[i] == v);
  }
  const sram::Sram& main = core.synapse_sram();
  const sram::Sram* copy = core.transposed_sram();
  const uint64_t words_per_row = kRowBytes / 8;  // 128
  if (option == TRANSPOSED_COPY) {
    CHECK(copy->reads()[Phase::kBackward] == kSenders * words_per_row);
    CHECK(main.reads()[Phase::kBackward] == 0);
    CHECK(copy->writes()[Phase::kUpdate] == uint64_t{kSenders} * kNeurons);  // a column per row
  } else {
    CHECK(main.reads()[Phase::kBackward] == uint64_t{kSenders} * kNeurons);  // a word per pair
    CHECK(copy == nullptr);
  }
  CHECK(main.reads()[Phase::kUpdate] == kSenders * words_per_row);
  CHECK(main.writes()[Phase::kUpdate] == kSenders * words_per_row);

  const energy::EnergyModel model(config::default_energy_table());
  const Report report = report::build_report({&chip}, model, chip.phase_cycles(), ctx.clock);
  const PhaseSummary* backward = nullptr;
  const PhaseSummary* update = nullptr;
  for (const auto& p : report.phases()) {
    if (p.phase() == phase_name(Phase::kBackward)) backward = &p;
    if (p.phase() == phase_name(Phase::kUpdate)) update = &p;
  }
  REQUIRE(backward != nullptr);
  REQUIRE(update != nullptr);
  const uint64_t copy_bytes = copy != nullptr ? copy->size_bytes() : 0;
  std::printf("%-15s backward: transposed pass %llu cycles, phase %llu cycles, SRAM reads %llu, "
              "bank conflicts %llu, energy %.1f pJ | update of %u rows: %llu cycles, SRAM writes "
              "%llu, energy %.1f pJ | synapse memory %llu KB\n",
              option == TRANSPOSED_COPY ? "TRANSPOSED_COPY" : "COLUMN_READ",
              static_cast<unsigned long long>(transposed_cycles),
              static_cast<unsigned long long>(backward->cycles()),
              static_cast<unsigned long long>(backward->sram_reads()),
              static_cast<unsigned long long>(main.bank_conflicts()[Phase::kBackward] +
                                              (copy ? copy->bank_conflicts()[Phase::kBackward] : 0)),
              backward->energy_pj(), kSenders, static_cast<unsigned long long>(update_cycles),
              static_cast<unsigned long long>(update->sram_writes()), update->energy_pj(),
              static_cast<unsigned long long>((main.size_bytes() + copy_bytes) / 1024));
}

}  // namespace

TEST_CASE("transposed bench: one backward step and update of a 512-neuron layer, TRANSPOSED_COPY",
          "[core][transposed][bench]") {
  run_layer_step(TRANSPOSED_COPY);
}

TEST_CASE("transposed bench: one backward step and update of a 512-neuron layer, COLUMN_READ",
          "[core][transposed][bench]") {
  run_layer_step(COLUMN_READ);
}
