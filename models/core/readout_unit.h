// The readout unit: a dense linear readout learned on chip, stored in the core's synapse SRAM
// beside the synapse rows (convex reconstruction's group-Lasso readout, ALGORITHMS.md 3).
//
// Storage (from `base`, a word-aligned byte address after the synapse rows; word = the SRAM
// word, B bytes):
// - readout rows: rows = units x group_rows rows of `values` int32 weights v (little-endian,
//   weight k at byte 4k), each row padded to whole words: vrow = ceil(4 values / B) words;
// - gradient rows: one per readout row, `values` int64 accumulators g (weight k at byte 8k):
//   grow = ceil(8 values / B) words, after all readout rows;
// - flip-flops: a dirty bit per row (its g may be non-zero) and a non-zero bit per unit group
//   (some weight of the group may be non-zero); both start cleared with the memory at 0.
// A unit's group is rows [unit x group_rows, (unit + 1) x group_rows), G = group_rows x values
// weights.
//
// Timing (start s; lanes = the core's accumulate lanes; the SRAM's in-order banked queue
// prices every word, sram.h):
// - forward(rows, sums): the priority encoder scans the row bitmap, scan_bits a cycle, and
//   finds row r at s + floor(r / scan_bits) + 1; its vrow words are requested then, or when one
//   of two row buffers is free; the row is added into `values` int64 sum registers when its
//   data is ready and the adder is free: ceil(values / lanes) cycles. Ends at max(last add
//   end, s + ceil(rows_total / scan_bits)). One 64-bit add per value and row.
// - accumulate(rows, residuals): for each set row, ascending, one after another (no overlap):
//   found as in forward; its grow words are read from max(found, previous row written), the
//   adder adds the residuals (ceil(values / lanes) cycles after the data), the words are
//   written back from there; the row is done when its last write completes. Sets the dirty bit.
// - step(shift, tau, norm): for each group that is dirty (any row) or, when tau > 0, non-zero,
//   ascending, one after another from s: reads issue at max(s, previous group done) — the
//   group's readout rows (all of them when tau > 0, else the dirty ones), then its dirty
//   gradient rows — and the data is ready when the last word is; the adders then take
//   ceil(values / lanes) cycles per dirty row (v = sat32(v - round_shift(g, shift)) where
//   g != 0), and for the prox (tau > 0): l1 ceil(G / lanes) cycles (v = sign(v) max(|v| - tau,
//   0)), l_inf (2 + i) x ceil(G / lanes) + i cycles for i bisection iterations (the sum and max
//   pass, one pass per iteration plus its compare, the clip pass); then the readout words
//   holding a changed weight and the dirty gradient rows (cleared to 0) are written, the group
//   is done when the last write completes. The scan of the group bits takes
//   ceil(units / scan_bits) cycles; the pass ends at max(that, last group done).
// - group_norms(norm): for each non-zero group, one after another: its readout rows are read,
//   the norm (l1: sum of |v|; l_inf: max |v|) takes ceil(G / lanes) cycles; returns the sum.
// - dual_norm(norm): over the gradient rows holding counts (C = H^T Y, accumulated with
//   one-hot residuals): for each dirty group, one after another: its dirty gradient rows are
//   read, the dual norm (l1: max of the counts; l_inf: their sum) takes ceil(G / lanes) cycles,
//   the rows are written back as 0; returns the largest (beta_max's part of this core).
// Every pass's end is returned; the core adds its pipeline fill and waits for it, charging the
// cycles to this unit (readout_cycles).
#pragma once

#include <cstdint>
#include <vector>

#include <systemc>

#include "models/arith/proximal.h"
#include "models/sram/sram.h"
#include "models/base/cycle.h"
#include "models/base/sim_context.h"
#include "models/base/spike_bitmap.h"
#include "models/base/stats.h"

namespace nmsim::core {


struct ReadoutLayout {
  uint64_t base = 0;        // byte address of the first readout row
  uint32_t units = 0;       // groups
  uint32_t group_rows = 1;  // rows per group (T for spike-train features)
  uint32_t values = 10;     // weights per row (classes)
};

// A child of the neuron core, created only when a readout is configured
// (NeuronCore::configure_readout), so cores without one report as before.
class ReadoutUnit : public sc_core::sc_object, public StatGroup {
 public:
  ComponentClass component_class() const override { return COMPONENT_CORE; }
  ReadoutUnit(const char* name, sram::Sram& sram, SimContext& ctx, uint32_t lanes, uint32_t scan_bits);

  // Once, before the run; the rows fit the SRAM above `base` (config::validate checked it).
  void configure(const ReadoutLayout& layout);
  bool configured() const { return m_rows > 0; }
  uint32_t rows() const { return m_rows; }
  uint64_t end_address() const;  // one past the gradient rows
  const ReadoutLayout& layout() const { return m_layout; }
  uint64_t row_address(uint32_t row) const { return vrow_address(row); }
  uint64_t row_bytes() const { return m_vrow_bytes; }

  Cycle forward(const SpikeBitmap& rows, int64_t* sums, Cycle start);
  Cycle accumulate(const SpikeBitmap& rows, const int32_t* residuals, Cycle start);
  Cycle step(int shift, int64_t tau, arith::GroupNorm norm, Cycle start);
  Cycle group_norms(arith::GroupNorm norm, int64_t* total, Cycle start);
  Cycle dual_norm(arith::GroupNorm norm, uint64_t* largest, Cycle start);
  // The cycles the core's controller waits for this unit (charged by the core).
  PhaseCounter& active_cycles() { return m_cycles; }
  const PhaseCounter& value_adds() const { return m_value_adds; }
  const PhaseCounter& weight_updates() const { return m_weight_updates; }

 private:
  uint64_t vrow_address(uint32_t row) const { return m_layout.base + uint64_t{row} * m_vrow_bytes; }
  uint64_t grow_address(uint32_t row) const { return m_gradient_base + uint64_t{row} * m_grow_bytes; }
  bool group_dirty(uint32_t unit) const;
  // Reads the group's readout rows into m_group (all rows, or only dirty ones); returns ready.
  Cycle read_group(uint32_t unit, bool all_rows, Cycle start, Cycle ready);
  uint32_t add_cycles(uint64_t values) const { return static_cast<uint32_t>((values + m_lanes - 1) / m_lanes); }

  sram::Sram& m_sram;
  SimContext& m_ctx;
  const uint32_t m_lanes;
  const uint32_t m_scan_bits;
  ReadoutLayout m_layout;
  uint32_t m_rows = 0;
  uint32_t m_group_size = 0;
  uint64_t m_vrow_bytes = 0;
  uint64_t m_grow_bytes = 0;
  uint64_t m_gradient_base = 0;
  std::vector<uint8_t> m_dirty;    // per row
  std::vector<uint8_t> m_nonzero;  // per group
  // Buffers of one group (sized once).
  std::vector<uint8_t> m_row_bytes;       // the group's readout rows as stored
  std::vector<uint8_t> m_gradient_bytes;  // one gradient row
  std::vector<int32_t> m_group;
  std::vector<int32_t> m_before;
  std::vector<int64_t> m_gradient;
  std::vector<uint8_t> m_word_changed;

  PhaseCounter m_value_adds;     // 64-bit adds into sums and gradients
  PhaseCounter m_update_ops;     // 32-bit adds/compares of the gradient step and the prox
  PhaseCounter m_weight_updates;
  PhaseCounter m_rows_read;
  PhaseCounter m_gradient_rows;
  PhaseCounter m_groups_stepped;
  PhaseCounter m_bisection_steps;
  PhaseCounter m_cycles;
};

}  // namespace nmsim::core
