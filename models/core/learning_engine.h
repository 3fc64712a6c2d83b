// The learning engine: read-modify-write of synapse SRAM weight rows for on-chip learning.
//
// Timing of update_row(row, deltas) starting at cycle s (n = weights in the row, lanes =
// the core's accumulate lanes, R/W = SRAM read/write latency):
//   the row's words are read through the SRAM's in-order, banked queue from s (data ready at
//   r = last read issue + R); the update unit adds the deltas, `lanes` weights per cycle, in
//   ceil(n / lanes) cycles from r (weights saturate at the weight width); the row is written
//   back from r + ceil(n / lanes), complete at the last write issue + W.
// With a transposed copy attached (TRANSPOSED_COPY, neuron_core.h), an update of a row of the
// copied block (row first_row + i) also writes column i of the copy: for every weight j with
// a non-zero delta, one bit-masked word write (Sram::write_masked) of copy row j, issued
// through the copy's own in-order queue from the end of the modify (the same cycle the main
// row's write-back starts); the update completes when both are written. Copy rows are a
// row's length apart, so these writes usually fall in one bank: the copy's price is paid here.
// Rows are updated one after another (no overlap between rows): a simple engine whose cost
// is easy to state; a pipelined engine is a design option for the training workloads to
// compare.
#pragma once

#include <cstdint>
#include <vector>

#include <systemc>

#include "models/sram/sram.h"
#include "models/base/cycle.h"
#include "models/base/sim_context.h"
#include "models/base/stats.h"

namespace nmsim::core {

class LearningEngine : public sc_core::sc_object, public StatGroup {
 public:
  ComponentClass component_class() const override { return COMPONENT_CORE; }
  LearningEngine(const char* name, sram::Sram& sram, SimContext& ctx, uint32_t lanes,
                 uint32_t weight_width_bits);

  // Row geometry (from the mapping).
  void configure(uint32_t weights_per_row, uint64_t row_bytes);
  // Keeps `copy` equal to the transpose of rows [first_row, first_row + rows): copy row j
  // (copy_row_bytes long), weight i = row first_row + i, weight j. The square block of the
  // core's own neurons: rows = weights_per_row, copy_row_bytes = the row's (0 = the row's).
  void attach_transposed_copy(sram::Sram* copy, uint32_t first_row, uint32_t rows = 0, uint64_t copy_row_bytes = 0);

  // w[j] = saturate(w[j] + deltas[j]) for the row at index `row`; returns the cycle the
  // write-back completes. Does not wait: the caller (the core's controller) does.
  Cycle update_row(uint32_t row, const int32_t* deltas, Cycle start);
  // The outer-product form of a learning rule: d[j] = round_shift(factors[j] * scale, shift)
  // (one multiplier lane per accumulate lane: ceil(n / lanes) cycles from `start`); if any
  // d[j] is non-zero the row is then read, modified and written back as update_row does
  // (from the end of the multiply), else the SRAM is not touched. Returns the completion
  // cycle; *written tells whether the row was written.
  Cycle update_row_scaled(uint32_t row, const int32_t* factors, int32_t scale, int shift,
                          Cycle start, bool* written);
  // Stochastic rounding (stochastic_rounding.h) for update_row_scaled from now on: one xorshift
  // state per lane (weights_per_row of them, each non-zero), set once before the run. The
  // draws ride in the multiply pass (no extra cycles); each costs kStochasticRoundingOps adds.
  void enable_stochastic_rounding(const std::vector<uint32_t>& states);
  // Steps the generator of every lane with a non-zero factor `steps` times (the draws another
  // fan-in group's rows make: stochastic_rounding.h): the lanes step in parallel, `lanes` a
  // cycle, steps x ceil(n / lanes) cycles from `start`; kXorshiftStepOps ops a lane's step.
  // Returns the cycle it ends.
  Cycle advance_rounding(const int32_t* factors, uint64_t steps, Cycle start);
  // Reads a row's weights (timed like a fetch); returns the cycle the data is ready.
  Cycle read_row(uint32_t row, int32_t* weights, Cycle start);

  const PhaseCounter& weight_updates() const { return m_weight_updates; }
  const PhaseCounter& rows_updated() const { return m_rows_updated; }
  const PhaseCounter& multiplies() const { return m_multiplies; }

 private:
  // Writes column i of the transposed copy from the modified row in m_buffer, one masked word
  // per non-zero delta, from `start`; returns the completion cycle (start if none).
  Cycle write_copy_column(uint32_t i, const int32_t* deltas, Cycle start);

  sram::Sram& m_sram;
  SimContext& m_ctx;
  const uint32_t m_lanes;
  const uint32_t m_weight_width_bits;
  uint32_t m_weights_per_row = 0;
  uint64_t m_row_bytes = 0;
  std::vector<uint8_t> m_buffer;
  std::vector<int32_t> m_scaled;  // d of update_row_scaled
  std::vector<uint32_t> m_rounding_states;  // per lane; empty: round to nearest
  PhaseCounter m_rounding_ops;
  sram::Sram* m_copy = nullptr;   // the transposed copy, if attached
  uint32_t m_copy_first_row = 0;
  uint32_t m_copy_rows = 0;
  uint64_t m_copy_row_bytes = 0;
  std::vector<uint8_t> m_copy_word;  // one word of the copy and its bit mask
  std::vector<uint8_t> m_copy_mask;
  PhaseCounter m_copy_writes;
  PhaseCounter m_modify_ops;
  PhaseCounter m_multiplies;
  PhaseCounter m_weight_updates;
  PhaseCounter m_rows_updated;
};

}  // namespace nmsim::core
