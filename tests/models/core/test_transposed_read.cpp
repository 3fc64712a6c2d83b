// The backward stage's transposed weight read under both core options, exact in cycles and
// SRAM accesses (derived by hand from models/core/neuron_core.h, learning_engine.h and
// models/sram/sram.h), the double write of TRANSPOSED_COPY, and the energy of the counts.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include <tlm>

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
using testing::stat_total;
using testing::write_row;

namespace {

// 4 neurons, 2 lanes (2 couple words), 2-port state memory, fill 2; the 4 rows of 4 16-bit
// weights are the recurrent block (row i = neuron i's axon). 32-bit words hold 2 weights: a
// row is words 2i, 2i + 1, in banks 0 and 1 (WORD interleaving); 2 ports, read latency 2,
// write latency 1. The copy has the same geometry: copy row j = words 2j, 2j + 1.
ChipConfig block_chip(TransposedRead option, uint32_t state_ports) {
  ChipConfig chip = config::default_chip_config();
  chip.set_mesh_width(1);
  chip.set_mesh_height(1);
  CoreConfig& core = *chip.mutable_core();
  core.set_neurons(4);
  core.set_accumulate_lanes(2);
  core.set_max_axons(4);
  core.set_spike_scan_bits_per_cycle(64);
  core.set_pipeline_fill_cycles(2);
  core.set_ternary_couples(true);
  core.set_transposed_read(option);
  core.set_state_memory_ports(state_ports);
  SramConfig& sram = *core.mutable_synapse_sram();
  sram.set_size_bytes(4 * 8);
  sram.set_word_width_bits(32);
  sram.set_banks(2);
  sram.set_ports(2);
  sram.set_read_latency_cycles(2);
  sram.set_write_latency_cycles(1);
  sram.set_interleaving(INTERLEAVING_WORD);
  config::validate(chip);
  return chip;
}

// M(i, j): row i (neuron i's axon), weight j: what a forward spike of neuron i adds to j.
int32_t m(uint32_t i, uint32_t j) { return static_cast<int32_t>((i + 1) * 1000) - static_cast<int32_t>(j * 300); }

struct BlockBench {
  ChipConfig config;
  SimContext ctx;
  chip::Chip chip;
  core::NeuronCore& core;
  explicit BlockBench(TransposedRead option, uint32_t state_ports = 2)
      : config(block_chip(option, state_ports)),
        ctx(config::clock_mhz(config)),
        chip("chip", config, ctx),
        core(chip.core(0)) {
    chip.configure(mapper::map_network(config, {4, 4}), arith::NeuronParams{});
    for (uint32_t i = 0; i < 4; ++i) {
      std::vector<uint8_t> row(8, 0);
      for (uint32_t j = 0; j < 4; ++j) core::write_weight(row.data(), j, 16, m(i, j));
      write_row(core, i * 8, row);
    }
    core.set_transposed_block(0);
    if (option == TRANSPOSED_COPY) core.load_transposed_copy();
  }
};

// One couple time step: reset, drive, v_i += M(i,0) + M(i,2) - M(i,3), then the fire scan
// with the drive. Records the cycles of the transposed pass and of the scan.
struct StepResult {
  uint64_t transposed_cycles = 0;
  uint64_t fire_cycles = 0;
  std::vector<int32_t> v_before_fire;
  std::vector<uint32_t> plus, minus;
};

void run_step(BlockBench& b, StepResult& r) {
  const int32_t drives[4] = {6892, 0, -11492, 5000};
  LambdaProgram program([&b, &r, &drives](core::NeuronCore& c) {
    c.reset_couples();
    c.set_couple_drive(drives);
    SpikeBitmap plus(4), minus(4);
    plus.set(0);
    plus.set(2);
    minus.set(3);
    uint64_t s = b.ctx.clock.now().value();
    c.integrate_couples_transposed(plus, minus);
    r.transposed_cycles = b.ctx.clock.now().value() - s;
    r.v_before_fire = c.couples().potentials();
    s = b.ctx.clock.now().value();
    c.fire_couples(true);
    r.fire_cycles = b.ctx.clock.now().value() - s;
    c.couples().spikes_positive().for_each([&](uint32_t i) { r.plus.push_back(i); });
    c.couples().spikes_negative().for_each([&](uint32_t i) { r.minus.push_back(i); });
  });
  b.core.set_program(&program);
  sc_core::sc_start();
  b.chip.finish();
}

void check_step_values(const StepResult& r, uint64_t fire_cycles = 4) {
  // v_i = M(i,0) + M(i,2) - M(i,3) = (i+1) 1000 + (i+1) 1000 - 600 - (i+1) 1000 + 900.
  CHECK(r.v_before_fire == std::vector<int32_t>{1300, 2300, 3300, 4300});
  // With the drives: 8192 (+1), 2300 (0), -8192 (-1), 9300 (+1).
  CHECK(r.plus == std::vector<uint32_t>{0, 3});
  CHECK(r.minus == std::vector<uint32_t>{2});
  // The fire scan: 2 words + fill 2 (2 ports).
  CHECK(r.fire_cycles == fire_cycles);
}

double stat_energy(const Report& report, const std::string& suffix) {
  for (const auto& s : report.stats()) {
    if (s.name().size() >= suffix.size() &&
        s.name().compare(s.name().size() - suffix.size(), suffix.size(), suffix) == 0) {
      return s.energy_pj();
    }
  }
  FAIL("no stat ending in " << suffix);
  return 0;
}

}  // namespace

TEST_CASE("transposed read: TRANSPOSED_COPY fetches one copy row per sender", "[core][transposed]") {
  BlockBench b(TRANSPOSED_COPY);
  StepResult r;
  run_step(b, r);
  check_step_values(r);
  // From s (after reset 2 + 2 and drive 2: s = 6): senders 0, 2, 3 found at s + 1.
  //  j = 0: copy words 0, 1 (banks 0, 1, 2 ports) issue s+1, ready s+3; accumulate s+3..s+5.
  //  j = 2: buffer 1; ports full at s+1, words 4, 5 issue s+2, ready s+4; accumulate s+5..s+7.
  //  j = 3: buffer 0 free at s+5; words 6, 7 issue s+5, ready s+7; accumulate s+7..s+9.
  //  end = max(s+9, s + ceil(4 / 64)) + fill 2 = s+11.
  CHECK(r.transposed_cycles == 11);
  sram::Sram& copy = *b.core.transposed_sram();
  CHECK(copy.reads().total() == 6);
  CHECK(copy.bank_conflicts().total() == 0);
  CHECK(b.core.synapse_sram().reads().total() == 0);
  CHECK(copy.writes().total() == 0);  // a backward step writes no weights
  CHECK(b.core.synapse_sram().writes().total() == 0);
  CHECK(stat_total(b.core, "sops") == 3 * 4);
  CHECK(stat_total(testing::unit_stats(b.core, "couples"), "transposed_senders") == 3);
  CHECK(stat_total(testing::unit_stats(b.core, "couples"), "couple_reads") == 3 * 2 + 2);       // 3 senders + the scan
  CHECK(stat_total(testing::unit_stats(b.core, "couples"), "couple_writes") == 2 + 3 * 2 + 2);  // reset + 3 senders + scan
  // The copy array: 4 rows x 8 bytes, sized from chip.core.neurons.
  CHECK(copy.size_bytes() == 32);

  // Energy from the counts equals the report, for the new counts and in total.
  const energy::EnergyModel model(config::default_energy_table());
  const Report report = report::build_report({&b.chip}, model, b.chip.phase_cycles(), b.ctx.clock);
  const EnergyTable& t = model.table();
  const double add24 = t.add_32bit().value() * t.control_overhead_factor().value();
  CHECK(stat_energy(report, ".couple_compares") == Approx(8 * add24).epsilon(1e-12));
  CHECK(stat_energy(report, ".couple_resets") == Approx(3 * add24).epsilon(1e-12));
  CHECK(stat_energy(report, ".drive_adds") == Approx(4 * add24).epsilon(1e-12));
  // Couple memory: 4 x 24 bits = 0.01171875 KB, words of 2 x 24 bits, a register-file read.
  const double couple_read = t.sram().coefficient_pj().value() *
                             std::pow(4 * 24 / 8 / 1024.0, t.sram().size_exponent().value()) *
                             std::pow(48.0, t.sram().width_exponent().value()) *
                             t.register_file_access_factor().value();
  CHECK(stat_energy(report, ".couple_reads") == Approx(8 * couple_read).epsilon(1e-12));
  CHECK(stat_energy(report, ".couple_writes") ==
        Approx(10 * couple_read * t.sram().write_to_read_ratio().value()).epsilon(1e-12));
  // The copy's reads: banks of 16 bytes, 32-bit words.
  const double copy_read = t.sram().coefficient_pj().value() *
                           std::pow(16 / 1024.0, t.sram().size_exponent().value()) *
                           std::pow(32.0, t.sram().width_exponent().value());
  CHECK(stat_energy(report, ".transposed_sram.reads") == Approx(6 * copy_read).epsilon(1e-12));
  double sum = 0;
  for (const auto& s : report.stats()) sum += s.energy_pj();
  CHECK(report.summary().dynamic_energy_pj() == Approx(sum).epsilon(1e-12));
  CHECK(report::recompute_energy_pj(report, model) == Approx(report.summary().energy_pj()).epsilon(1e-12));
}

TEST_CASE("transposed read: COLUMN_READ reads one word per (receiver, sender), all in one bank",
          "[core][transposed]") {
  BlockBench b(COLUMN_READ);
  StepResult r;
  run_step(b, r);
  check_step_values(r);
  // W_ji sits in row i, word j / 2: words 2i (j = 0) or 2i + 1 (j = 2, 3), so a column is 4
  // reads of one bank, one a cycle. From s = 6, senders found at s + 1:
  //  j = 0: bank 0 reads issue s+1, s+2, s+3, s+4 (3 conflicts), ready s+6; acc s+6..s+8.
  //  j = 1 would follow; j = 2: buffer 1; bank 1 from s+4 (the queue is in order): s+4, s+5
  //         (the 2 ports were full at s+4: a port stall, not a conflict), s+6, s+7 (2
  //         conflicts), ready s+9; accumulate s+9..s+11.
  //  j = 3: buffer 0 free at s+8; bank 1: s+8, s+9, s+10, s+11 (3 conflicts), ready s+13;
  //         accumulate s+13..s+15.  end = s+15 + fill 2 = s+17.
  CHECK(r.transposed_cycles == 17);
  CHECK(b.core.synapse_sram().reads().total() == 3 * 4);
  CHECK(b.core.synapse_sram().bank_conflicts().total() == 8);
  CHECK(b.core.synapse_sram().writes().total() == 0);
  CHECK(b.core.transposed_sram() == nullptr);
  CHECK(stat_total(b.core, "sops") == 3 * 4);
  CHECK(stat_total(testing::unit_stats(b.core, "couples"), "couple_reads") == 3 * 2 + 2);
}

TEST_CASE("transposed read: a weight update under TRANSPOSED_COPY writes both arrays",
          "[core][transposed][learning]") {
  BlockBench b(TRANSPOSED_COPY);
  const int32_t deltas[4] = {5, 0, -7, 3};
  uint64_t update_cycles = 0, transposed_cycles = 0;
  LambdaProgram program([&](core::NeuronCore& c) {
    uint64_t s = b.ctx.clock.now().value();
    c.update_weights(1, deltas);  // row 1 = neuron 1's axon: column 1 of the copy
    update_cycles = b.ctx.clock.now().value() - s;
    c.reset_couples();
    SpikeBitmap plus(4), minus(4);
    plus.set(2);
    s = b.ctx.clock.now().value();
    c.integrate_couples_transposed(plus, minus);
    transposed_cycles = b.ctx.clock.now().value() - s;
  });
  b.core.set_program(&program);
  sc_core::sc_start();
  // Main row 1 (words 2, 3, banks 0, 1): read at 0, ready 2; modify ceil(4 / 2) = 2 -> 4;
  // written at 4, done 5. The copy: weight 1 of copy rows 0, 2, 3 (non-zero deltas) is in
  // word 2j, bank 0 each: masked writes at 4, 5, 6 (2 conflicts), done 7.
  CHECK(update_cycles == 7);
  sram::Sram& copy = *b.core.transposed_sram();
  CHECK(copy.writes().total() == 3);
  // Bit-masked writes read nothing: the copy's only reads are the 2 words of copy row 2
  // fetched by the backward pass after the update.
  CHECK(copy.reads().total() == 2);
  CHECK(copy.bank_conflicts().total() == 2);
  CHECK(b.core.synapse_sram().writes().total() == 2);
  CHECK(b.core.synapse_sram().reads().total() == 2);
  // The copy stays the transpose of the block: read both through the backdoor.
  std::vector<uint8_t> main_bytes(32), copy_bytes(32);
  tlm::tlm_generic_payload p;
  p.set_command(tlm::TLM_READ_COMMAND);
  p.set_address(0);
  p.set_data_length(32);
  p.set_streaming_width(32);
  p.set_data_ptr(main_bytes.data());
  REQUIRE(b.core.sram_socket->transport_dbg(p) == 32);
  tlm::tlm_generic_payload q;
  q.set_command(tlm::TLM_READ_COMMAND);
  q.set_address(0);
  q.set_data_length(32);
  q.set_streaming_width(32);
  q.set_data_ptr(copy_bytes.data());
  REQUIRE((*b.core.transposed_sram_socket())->transport_dbg(q) == 32);
  for (uint32_t i = 0; i < 4; ++i) {
    for (uint32_t j = 0; j < 4; ++j) {
      const int32_t expected = m(i, j) + (i == 1 ? deltas[j] : 0);
      CHECK(core::read_weight(main_bytes.data() + 8 * i, j, 16) == expected);
      CHECK(core::read_weight(copy_bytes.data() + 8 * j, i, 16) == expected);
    }
  }
  // The next backward spike of sender 2 sees the update: v_i = M(i, 2), v_1 = M(1, 2) - 7.
  CHECK(b.core.couples().potentials() == std::vector<int32_t>{400, 1400 - 7, 2400, 3400});
  CHECK(stat_total(b.core.synapse_sram(), "writes") == 2);
  // Copy row 2 from s = 7 + reset 4 = 11: found s+1, words 4, 5 issue s+1, ready s+3;
  // accumulate s+3..s+5; + fill 2 = 7.
  CHECK(transposed_cycles == 7);
}

TEST_CASE("transposed read: with a single-port state memory a couple word takes 2 cycles",
          "[core][transposed]") {
  BlockBench b(TRANSPOSED_COPY, 1);
  StepResult r;
  run_step(b, r);
  // Fire scan: 2 words x 2 cycles + fill 2.
  check_step_values(r, 6);
  // From s = 6 (reset writes only: 2 + 2; drive 2); A = 2 words x 2 = 4 cycles a sender,
  // starting up to a cycle before the row is ready (the weights are used in a word's 2nd cycle):
  //  j = 0: issue s+1, ready s+3; start s+2, free s+6.
  //  j = 2: issue s+2, ready s+4; start max(s+3, s+6) = s+6, free s+10.
  //  j = 3: buffer 0 free s+6: issue s+6, ready s+8; start max(s+7, s+10), free s+14.
  //  end = s+14 + fill 2 = s+16.
  CHECK(r.transposed_cycles == 16);
  CHECK(b.core.transposed_sram()->reads().total() == 6);
}

TEST_CASE("transposed read: an outer-product update (SPIDE's rule) keeps the copy too",
          "[core][transposed][learning]") {
  BlockBench b(TRANSPOSED_COPY);
  // d_j = round_shift(factor_j x 3, 1): 7 x 3 / 2 = 10.5 -> 11, -2 x 3 / 2 = -3, 0, 1 x 3 / 2 -> 2.
  const int32_t factors[4] = {7, -2, 0, 1};
  bool written = false;
  LambdaProgram program([&](core::NeuronCore& c) { written = c.update_weights_scaled(3, factors, 3, 1); });
  b.core.set_program(&program);
  sc_core::sc_start();
  CHECK(written);
  // Weight 3 of copy rows 0, 1 and 3 (non-zero deltas): 3 masked writes.
  CHECK(b.core.transposed_sram()->writes().total() == 3);
  CHECK(stat_total(b.core, "sops") == 0);
  std::vector<uint8_t> copy_bytes(32);
  tlm::tlm_generic_payload q;
  q.set_command(tlm::TLM_READ_COMMAND);
  q.set_address(0);
  q.set_data_length(32);
  q.set_streaming_width(32);
  q.set_data_ptr(copy_bytes.data());
  REQUIRE((*b.core.transposed_sram_socket())->transport_dbg(q) == 32);
  const int32_t deltas[4] = {11, -3, 0, 2};
  for (uint32_t j = 0; j < 4; ++j) {
    for (uint32_t i = 0; i < 4; ++i) {
      CHECK(core::read_weight(copy_bytes.data() + 8 * j, i, 16) == m(i, j) + (i == 3 ? deltas[j] : 0));
    }
  }
}
