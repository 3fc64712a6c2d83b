#include "models/core/couple_unit.h"

#include <algorithm>
#include <cstring>

#include "models/arith/neuron_datapath.h"
#include "models/base/errors.h"
#include "models/core/weight_row.h"

namespace nmsim::core {

CoupleUnit::CoupleUnit(const char* name, const CoreConfig& config, SimContext& ctx)
    : sc_object(name),
      m_ctx(ctx),
      m_lanes(config.accumulate_lanes()),
      m_state_width_bits(config.state_width_bits()),
      m_weight_width_bits(config.weight_width_bits()) {
  const uint32_t neurons = config.neurons();
  m_potentials.assign(neurons, 0);
  m_drives.assign(neurons, 0);
  m_counts.assign(neurons, 0);
  m_mask.resize(neurons);
  m_out_positive.resize(neurons);
  m_out_negative.resize(neurons);
  m_axon_negative.resize(config.max_axons());
  m_senders.resize(std::max(config.max_axons(), neurons));
  // Couple memory and drive memory: each as large as the state memory, costed like it.
  const double state_kb = static_cast<double>(neurons) * m_state_width_bits / 8.0 / 1024.0;
  const uint32_t state_word_bits = m_lanes * m_state_width_bits;
  add_stat("couple_reads", "words", "couple memory reads (lanes couple potentials a word)",
           m_couple_reads, {EnergyKind::kStateRead, state_kb, state_word_bits});
  add_stat("couple_writes", "words", "couple memory writes (lanes couple potentials a word)",
           m_couple_writes, {EnergyKind::kStateWrite, state_kb, state_word_bits});
  add_stat("drive_reads", "words", "couple drive memory reads (lanes drives a word)", m_drive_reads,
           {EnergyKind::kStateRead, state_kb, state_word_bits});
  add_stat("drive_writes", "words", "couple drive memory writes (lanes drives a word)",
           m_drive_writes, {EnergyKind::kStateWrite, state_kb, state_word_bits});
  add_stat("drive_adds", "adds", "drives added to couple potentials by the fire scan", m_drive_adds,
           {EnergyKind::kAdd, 0, m_state_width_bits});
  add_stat("couple_compares", "compares", "couple threshold compares, two a couple per fire scan",
           m_couple_compares, {EnergyKind::kAdd, 0, m_state_width_bits});
  add_stat("mask_compares", "compares", "spike-count compares deriving the couples' send mask",
           m_mask_compares, {EnergyKind::kAdd, 0, 8});
  add_stat("couple_resets", "adds", "couple potentials reset by -+2 theta_b on firing", m_couple_resets,
           {EnergyKind::kAdd, 0, m_state_width_bits});
  add_stat("couple_spikes", "spikes", "couples that fired +1 or -1 (mask or not)", m_couple_spikes);
  add_stat("transposed_senders", "spikes", "senders integrated through the transposed weights",
           m_transposed_senders);
}

void CoupleUnit::configure(uint32_t neurons, uint32_t sram_word_bytes) {
  for (auto& column : m_column_buffers) column.assign(neurons, 0);
  m_word_buffer.assign(sram_word_bytes, 0);
}

void CoupleUnit::reset(uint32_t n) {
  std::fill(m_potentials.begin(), m_potentials.end(), 0);
  std::fill(m_counts.begin(), m_counts.end(), 0);
  m_out_positive.clear();
  m_out_negative.clear();
  m_mask.clear();
  for (uint32_t i = 0; i < n; ++i) m_mask.set(i);  // mask flip-flops preset to 1
  m_couple_writes.add(m_ctx.phase.current(), words(n));
}

void CoupleUnit::set_drive(const int32_t* drives, uint32_t n) {
  for (uint32_t i = 0; i < n; ++i) m_drives[i] = arith::saturate(drives[i], m_state_width_bits);
  m_drive_writes.add(m_ctx.phase.current(), words(n));
}

void CoupleUnit::set_send_mask(const SpikeBitmap& mask, uint32_t n) {
  NMSIM_ASSERT(mask.size() >= n, "send mask shorter than the core's neurons");
  m_mask.clear();
  for (uint32_t i = 0; i < n; ++i) {
    if (mask.test(i)) m_mask.set(i);
  }
}

void CoupleUnit::set_send_mask_from_counts(const std::vector<uint8_t>& spike_counts, uint32_t n,
                                           uint8_t above, uint8_t below) {
  m_mask.clear();
  for (uint32_t i = 0; i < n; ++i) {
    if (spike_counts[i] > above && spike_counts[i] < below) m_mask.set(i);
  }
  m_mask_compares.add(m_ctx.phase.current(), 2 * uint64_t{n});
}

uint32_t CoupleUnit::fire(bool add_drive, int32_t theta_b, uint32_t n) {
  NMSIM_ASSERT(theta_b > 0, "couple threshold theta / 2 must be positive");
  const Phase phase = m_ctx.phase.current();
  m_out_positive.clear();
  m_out_negative.clear();
  uint32_t fired = 0;
  for (uint32_t i = 0; i < n; ++i) {
    int32_t& v = m_potentials[i];
    if (add_drive) v = arith::accumulate(v, m_drives[i], m_state_width_bits);
    const int spike = arith::couple_fire_step(v, theta_b);
    if (spike == 0) continue;
    ++fired;
    int16_t& count = m_counts[i];
    if (spike > 0 && count < INT16_MAX) ++count;
    if (spike < 0 && count > INT16_MIN) --count;
    if (m_mask.test(i)) (spike > 0 ? m_out_positive : m_out_negative).set(i);
  }
  const uint64_t w = words(n);
  m_couple_reads.add(phase, w);
  m_couple_writes.add(phase, w);
  if (add_drive) {
    m_drive_reads.add(phase, w);
    m_drive_adds.add(phase, n);
  }
  m_couple_compares.add(phase, 2 * uint64_t{n});
  m_couple_resets.add(phase, fired);
  m_couple_spikes.add(phase, fired);
  return fired;
}

void CoupleUnit::accumulate_row(const uint8_t* row, uint32_t n, bool negative) {
  int32_t* const v = m_potentials.data();
  const uint32_t bits = m_state_width_bits;
  if (m_weight_width_bits == 16) {
    for (uint32_t i = 0; i < n; ++i) {
      int16_t w;
      std::memcpy(&w, row + 2 * i, sizeof w);  // little-endian rows (weight_row.h)
      v[i] = arith::accumulate_signed(v[i], w, negative, bits);
    }
    return;
  }
  for (uint32_t i = 0; i < n; ++i) {
    v[i] = arith::accumulate_signed(v[i], read_weight(row, i, m_weight_width_bits), negative, bits);
  }
}

void CoupleUnit::accumulate_column(std::size_t buffer, uint32_t n, bool negative) {
  int32_t* const v = m_potentials.data();
  const int32_t* const column = m_column_buffers[buffer].data();
  for (uint32_t i = 0; i < n; ++i) v[i] = arith::accumulate_signed(v[i], column[i], negative, m_state_width_bits);
}

Cycle CoupleUnit::fetch_column(sram::Sram& sram, uint64_t first_row, uint64_t row_bytes, uint32_t j,
                               uint32_t n, std::size_t buffer, Cycle request) {
  // W_ji sits in row first_row + i: one word read per receiver i, one weight used of it.
  const uint32_t word_bytes = sram.word_bytes();
  const uint32_t per_word = word_bytes * 8 / m_weight_width_bits;
  const uint64_t word_offset = uint64_t{j / per_word} * word_bytes;
  Cycle ready = request;
  for (uint32_t i = 0; i < n; ++i) {
    const uint64_t address = (first_row + i) * row_bytes + word_offset;
    ready = max(ready, sram.access(false, address, word_bytes, m_word_buffer.data(), request));
    m_column_buffers[buffer][i] = read_weight(m_word_buffer.data(), j % per_word, m_weight_width_bits);
  }
  return ready;
}

void CoupleUnit::count_pass(uint64_t senders, uint32_t n, bool transposed) {
  const Phase phase = m_ctx.phase.current();
  m_couple_reads.add(phase, senders * words(n));
  m_couple_writes.add(phase, senders * words(n));
  if (transposed) m_transposed_senders.add(phase, senders);
}

// --- couples across cores ---

void CoupleUnit::configure_partials(uint32_t rows, uint32_t ranges, uint32_t owner_n) {
  NMSIM_ASSERT(!has_partials() && ranges >= 1 && owner_n < kNone && (rows > 0 || owner_n > 0),
               "couple partials configured once, with rows or couples");
  m_partial_rows = rows;
  m_ranges = ranges;
  m_merge_n = owner_n;
  const uint32_t entry_bits = 3 * m_state_width_bits;  // sum, low, high (saturating_sum.h)
  for (auto& column : m_column_buffers) column.resize(std::max<std::size_t>(column.size(), rows), 0);
  if (rows > 0) {
    m_block.assign(rows, arith::SaturatingSum::identity(m_state_width_bits));
    const double kb = static_cast<double>(rows) * entry_bits / 8.0 / 1024.0;
    add_stat("partial_reads", "words", "block partial memory reads (lanes partial sums a word)", m_partial_reads,
             {EnergyKind::kStateRead, kb, m_lanes * entry_bits});
    add_stat("partial_writes", "words", "block partial memory writes (lanes partial sums a word)", m_partial_writes,
             {EnergyKind::kStateWrite, kb, m_lanes * entry_bits});
    add_stat("bound_adds", "adds", "adds of the block partial sums' bounds (two per SOP)", m_bound_adds,
             {EnergyKind::kAdd, 0, m_state_width_bits});
    add_leakage({LeakageKind::kSram, kb});
  }
  if (owner_n > 0) {
    m_merge.assign(ranges, std::vector<arith::SaturatingSum>(owner_n));
    m_covered.assign(ranges, 0);
    m_range_has_partials.assign(ranges, false);
    const double kb = static_cast<double>(ranges) * owner_n * entry_bits / 8.0 / 1024.0;
    add_stat("partials_received", "packets", "couple partial packets delivered (one per couple, or a range's none)",
             m_partials_received);
    add_stat("buffer_writes", "entries", "couple merge buffer writes (one partial sum each)", m_buffer_writes,
             {EnergyKind::kStateWrite, kb, entry_bits});
    add_stat("buffer_reads", "entries", "couple merge buffer reads (one partial sum each)", m_buffer_reads,
             {EnergyKind::kStateRead, kb, entry_bits});
    add_stat("merge_ops", "ops", "adds and compares merging partial sums into couples (three per couple and range)",
             m_merge_ops, {EnergyKind::kAdd, 0, m_state_width_bits});
    add_stat("merge_cycles", "cycles", "cycles spent merging partial sums into the couple potentials",
             m_merge_cycles, {EnergyKind::kActiveCycle});
    add_leakage({LeakageKind::kSram, kb});
  }
}

void CoupleUnit::begin_partial_pass() {
  std::fill(m_block.begin(), m_block.end(), arith::SaturatingSum::identity(m_state_width_bits));
  m_partial_senders = 0;
}

void CoupleUnit::accumulate_partial_row(const uint8_t* row, uint32_t rows, bool negative) {
  for (uint32_t r = 0; r < rows; ++r) {
    const int32_t w = read_weight(row, r, m_weight_width_bits);
    m_block[r].add(negative ? -w : w, m_state_width_bits);
  }
  ++m_partial_senders;
}

void CoupleUnit::accumulate_partial_column(std::size_t buffer, uint32_t rows, bool negative) {
  const int32_t* const column = m_column_buffers[buffer].data();
  for (uint32_t r = 0; r < rows; ++r) m_block[r].add(negative ? -column[r] : column[r], m_state_width_bits);
  ++m_partial_senders;
}

void CoupleUnit::count_partial_pass(uint64_t senders) {
  const Phase phase = m_ctx.phase.current();
  m_partial_reads.add(phase, senders * words(m_partial_rows));
  m_partial_writes.add(phase, senders * words(m_partial_rows));
  m_bound_adds.add(phase, 2 * senders * m_partial_rows);
  m_transposed_senders.add(phase, senders);
}

void CoupleUnit::count_partial_send(uint32_t rows) { m_partial_reads.add(m_ctx.phase.current(), words(rows)); }

void CoupleUnit::store_partial(uint32_t range, uint32_t couple, const arith::SaturatingSum& partial, Cycle at) {
  NMSIM_ASSERT(range < m_ranges && couple < m_merge_n && m_covered[range] < m_merge_n,
               "a couple partial this core does not merge");
  m_merge[range][couple] = partial;
  m_range_has_partials[range] = true;
  m_buffer_writes.add(m_ctx.phase.current());
  m_last_arrival = max(m_last_arrival, at);
  if (++m_covered[range] == m_merge_n) ++m_ranges_complete;
}

void CoupleUnit::store_none(uint32_t range, uint32_t count, Cycle at) {
  NMSIM_ASSERT(range < m_ranges && m_covered[range] + count <= m_merge_n, "a couple partial this core does not merge");
  m_last_arrival = max(m_last_arrival, at);
  m_covered[range] += count;
  if (m_covered[range] == m_merge_n) ++m_ranges_complete;
}

void CoupleUnit::receive_partial(const noc::Packet& packet, Cycle at) {
  const uint32_t range = packet.payload >> 16;
  const uint32_t couple = packet.payload & 0xFFFF;
  m_partials_received.add(packet.phase);
  if (couple == kNone) {
    store_none(range, static_cast<uint32_t>(packet.value), at);
    return;
  }
  store_partial(range, couple, {packet.value, packet.low, packet.high}, at);
}

uint32_t CoupleUnit::ranges_with_partials() const {
  return static_cast<uint32_t>(std::count(m_range_has_partials.begin(), m_range_has_partials.end(), true));
}

void CoupleUnit::merge_partials() {
  NMSIM_ASSERT(partials_complete(), "a couple merge before every neuron range reported");
  const Phase phase = m_ctx.phase.current();
  for (uint32_t c = 0; c < m_ranges; ++c) {
    if (m_range_has_partials[c]) {
      for (uint32_t i = 0; i < m_merge_n; ++i) m_potentials[i] = m_merge[c][i].apply(m_potentials[i]);
      m_buffer_reads.add(phase, m_merge_n);
      m_merge_ops.add(phase, uint64_t{3} * m_merge_n);
      m_couple_reads.add(phase, words(m_merge_n));
      m_couple_writes.add(phase, words(m_merge_n));
    }
    m_covered[c] = 0;
    m_range_has_partials[c] = false;
  }
  m_ranges_complete = 0;
  m_last_arrival = Cycle{};
}

}  // namespace nmsim::core
