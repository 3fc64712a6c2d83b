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

#include "models/arith/saturating_sum.h"
#include "models/base/cycle.h"
#include "models/base/sim_context.h"
#include "models/base/spike_bitmap.h"
#include "models/base/stats.h"
#include "models/noc/packet.h"
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

  // --- a recurrent layer split over cores (models/core/README.md "Couples across cores") ---
  // Once, before the run: `rows` = the core's recurrent rows (receivers of its block of W^T),
  // `ranges` = the layer's neuron ranges; `owner_n` = the couples it owns (0 on a core that
  // owns none). Creates the block's partial memory, the owner's merge buffer and their stats.
  void configure_partials(uint32_t rows, uint32_t ranges, uint32_t owner_n);
  bool has_partials() const { return m_partial_rows > 0 || m_merge_n > 0; }
  // Sender side: a pass of the core's local senders over its block, one arith::SaturatingSum
  // per recurrent row, in ascending sender order (a copy row, or a gathered column).
  void begin_partial_pass();
  void accumulate_partial_row(const uint8_t* row, uint32_t rows, bool negative);
  void accumulate_partial_column(std::size_t buffer, uint32_t rows, bool negative);
  void count_partial_pass(uint64_t senders);
  bool block_has_senders() const { return m_partial_senders > 0; }
  const arith::SaturatingSum& block_partial(uint32_t r) const { return m_block[r]; }
  void count_partial_send(uint32_t rows);  // reads the partial words of `rows` rows
  // Owner side: one partial of couple `couple` from neuron range `range`, or a range's "none"
  // covering `count` couples (written locally or from a packet).
  void store_partial(uint32_t range, uint32_t couple, const arith::SaturatingSum& partial, Cycle at);
  void store_none(uint32_t range, uint32_t count, Cycle at);
  void receive_partial(const noc::Packet& packet, Cycle at);
  bool partials_complete() const { return m_ranges_complete == m_ranges; }
  Cycle last_partial_arrival() const { return m_last_arrival; }
  uint32_t ranges_with_partials() const;
  // Applies the stored partials to the couple potentials in range order (ascending sender,
  // as one core's transposed pass) and clears the buffer.
  void merge_partials();
  PhaseCounter& merge_cycles() { return m_merge_cycles; }
  // Packet payload of a couple partial: range << 16 | couple; kNone as the couple says "none"
  // (the packet's value = the couples it covers).
  static constexpr uint32_t kNone = 0xFFFF;
  static uint32_t partial_payload(uint32_t range, uint32_t couple) { return range << 16 | couple; }

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

  // Couples across cores (configure_partials).
  uint32_t m_partial_rows = 0;
  uint32_t m_ranges = 0;
  uint32_t m_merge_n = 0;
  std::vector<arith::SaturatingSum> m_block;               // sender side: one per recurrent row
  uint64_t m_partial_senders = 0;
  std::vector<std::vector<arith::SaturatingSum>> m_merge;  // owner: [range][couple]
  std::vector<uint32_t> m_covered;                         // owner: couples reported per range
  std::vector<bool> m_range_has_partials;
  uint32_t m_ranges_complete = 0;
  Cycle m_last_arrival{};
  PhaseCounter m_partial_reads;
  PhaseCounter m_partial_writes;
  PhaseCounter m_bound_adds;
  PhaseCounter m_partials_received;
  PhaseCounter m_buffer_writes;
  PhaseCounter m_buffer_reads;
  PhaseCounter m_merge_ops;
  PhaseCounter m_merge_cycles;
};

}  // namespace nmsim::core
