// The ternary couple unit (chip.core.ternary_couples; SPIDE's backward stage): the couple and
// drive memories, the send mask, the spike counters and this step's outputs, the bitmap of
// axons whose delivered spike was -1, and the transposed weight read's buffers. It computes
// and counts; the core's controller times each call and feeds it through the integrate
// pipeline (the timing is stated at the top of neuron_core.h, the why of each choice in
// models/core/README.md). Exists only on a core with couples, so other reports do not change;
// the leakage of its two memories is listed with the core's own memories.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include <systemc>

#include "models/base/cycle.h"
#include "models/base/sim_context.h"
#include "models/base/spike_bitmap.h"
#include "models/base/stats.h"
#include "models/sram/sram.h"
#include "proto/core.pb.h"

namespace nmsim::core {

class CoupleUnit : public sc_core::sc_object, public StatGroup {
 public:
  ComponentClass component_class() const override { return COMPONENT_CORE; }
  CoupleUnit(const char* name, const CoreConfig& config, SimContext& ctx);

  // Sizes the transposed read's buffers for the core's n neurons (COLUMN_READ).
  void configure(uint32_t neurons, uint32_t sram_word_bytes);

  // --- what the firmware reads (local neuron indices) ---
  // This step's masked outputs (what the core sends).
  const SpikeBitmap& spikes_positive() const { return m_out_positive; }
  const SpikeBitmap& spikes_negative() const { return m_out_negative; }
  const SpikeBitmap& send_mask() const { return m_mask; }
  // Per neuron since reset: (+1 spikes) - (-1 spikes), mask or not.
  const std::vector<int16_t>& counts() const { return m_counts; }
  const std::vector<int32_t>& potentials() const { return m_potentials; }

  // --- the operations, over the core's first n neurons; each counts what it touches ---
  // Clears v, the counters and the outputs, sets the mask to all ones.
  void reset(uint32_t n);
  void set_drive(const int32_t* drives, uint32_t n);  // saturated to the state width
  void set_send_mask(const SpikeBitmap& mask, uint32_t n);
  // m_i = above < spike_counts[i] < below.
  void set_send_mask_from_counts(const std::vector<uint8_t>& spike_counts, uint32_t n, uint8_t above,
                                 uint8_t below);
  // The fire scan (v = sat(v + g) first with add_drive); returns the couples that fired.
  uint32_t fire(bool add_drive, int32_t theta_b, uint32_t n);

  // Signed spikes: a -1 spike delivered on `axon` (the core sets the axon's spike bit too).
  void mark_negative(uint32_t axon) { m_axon_negative.set(axon); }
  bool negative_pending() const { return m_axon_negative.count() != 0; }
  bool is_negative(uint32_t axon) const { return m_axon_negative.test(axon); }
  void clear_negative() { m_axon_negative.clear(); }
  // Scratch of the core's sender scans (positive | negative senders).
  SpikeBitmap& senders() { return m_senders; }

  // Adds one weight row (w = weight_width_bits, packed as weight_row.h) or a gathered column
  // of decoded weights to the first n couples, negated for a -1 spike.
  void accumulate_row(const uint8_t* row, uint32_t n, bool negative);
  void accumulate_column(std::size_t buffer, uint32_t n, bool negative);
  // COLUMN_READ: gathers weight j of rows first_row .. first_row + n - 1 (row_bytes apart)
  // into column buffer `buffer`, one word read each through the SRAM's queue from `request`;
  // returns the cycle the last word is ready.
  Cycle fetch_column(sram::Sram& sram, uint64_t first_row, uint64_t row_bytes, uint32_t j, uint32_t n,
                     std::size_t buffer, Cycle request);
  // Counts a couple pass of `senders` senders over n couples (a read and a write of every
  // couple word per sender); `transposed`: through the transposed weights.
  void count_pass(uint64_t senders, uint32_t n, bool transposed);

 private:
  uint64_t words(uint32_t n) const { return (n + m_lanes - 1) / m_lanes; }

  SimContext& m_ctx;
  const uint32_t m_lanes;
  const uint32_t m_state_width_bits;
  const uint32_t m_weight_width_bits;
  std::vector<int32_t> m_potentials;
  std::vector<int32_t> m_drives;
  std::vector<int16_t> m_counts;
  SpikeBitmap m_mask;
  SpikeBitmap m_out_positive;
  SpikeBitmap m_out_negative;
  SpikeBitmap m_axon_negative;  // axons whose delivered spike was -1
  SpikeBitmap m_senders;
  std::array<std::vector<int32_t>, 2> m_column_buffers;  // COLUMN_READ: gathered columns
  std::vector<uint8_t> m_word_buffer;                    // COLUMN_READ: one SRAM word

  PhaseCounter m_couple_reads;
  PhaseCounter m_couple_writes;
  PhaseCounter m_drive_reads;
  PhaseCounter m_drive_writes;
  PhaseCounter m_drive_adds;
  PhaseCounter m_couple_compares;
  PhaseCounter m_mask_compares;
  PhaseCounter m_couple_resets;
  PhaseCounter m_couple_spikes;
  PhaseCounter m_transposed_senders;
};

}  // namespace nmsim::core
