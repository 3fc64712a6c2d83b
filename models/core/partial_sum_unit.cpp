#include "models/core/partial_sum_unit.h"

#include <algorithm>
#include <cstring>

#include "models/base/avx2_clones.h"
#include "models/base/errors.h"

namespace nmsim::core {

namespace {

uint64_t ceil_div(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

// SaturatingSum::add for n neurons of a packed row of int16 (`wide`) or int8 weights:
// sum += w, low and high saturated at [lo, hi]. With a state width of at most 30 bits,
// |bound| < 2^29 and |w| <= 2^15, so the int32 clamp equals arith::saturate of the int64 sum
// bit for bit (as the integrate unit's clamp_accumulate). Vectorises; an AVX2 clone.
NMSIM_AVX2_CLONES void add_packed_row(int64_t* sum, int32_t* low, int32_t* high, const uint8_t* row, std::size_t n,
                                      bool wide, int32_t lo, int32_t hi) {
  const auto add = [&](std::size_t j, int32_t w) {
    sum[j] += w;
    const int32_t l = low[j] + w;
    const int32_t h = high[j] + w;
    low[j] = l > hi ? hi : (l < lo ? lo : l);
    high[j] = h > hi ? hi : (h < lo ? lo : h);
  };
  if (wide) {
    for (std::size_t j = 0; j < n; ++j) {
      int16_t w;
      std::memcpy(&w, row + 2 * j, sizeof w);
      add(j, w);
    }
  } else {
    for (std::size_t j = 0; j < n; ++j) add(j, static_cast<int8_t>(row[j]));
  }
}

}  // namespace

PartialSumUnit::PartialSumUnit(const char* name, SimContext& ctx, uint32_t group, uint32_t groups, uint32_t n,
                               uint32_t lanes, uint32_t state_width_bits)
    : sc_object(name),
      m_ctx(ctx),
      m_group(group),
      m_groups(groups),
      m_n(n),
      m_lanes(lanes),
      m_state_width_bits(state_width_bits) {
  NMSIM_ASSERT(groups > 1 && group < groups && n < kNone, "a partial-sum unit outside a fan-in split");
  const uint32_t entry_bits = 3 * state_width_bits;  // sum, low, high
  if (group > 0) {
    const arith::SaturatingSum identity = arith::SaturatingSum::identity(state_width_bits);
    m_sum.assign(n, identity.sum);
    m_low.assign(n, identity.low);
    m_high.assign(n, identity.high);
    const double kb = static_cast<double>(n) * entry_bits / 8.0 / 1024.0;
    add_stat("partial_reads", "words", "partial memory reads (lanes partial sums a word)", m_partial_reads,
             {EnergyKind::kStateRead, kb, lanes * entry_bits});
    add_stat("partial_writes", "words", "partial memory writes (lanes partial sums a word)", m_partial_writes,
             {EnergyKind::kStateWrite, kb, lanes * entry_bits});
    add_stat("bound_adds", "adds", "adds of the partial sums' bounds (two per SOP)", m_bound_adds,
             {EnergyKind::kAdd, 0, state_width_bits});
    add_leakage({LeakageKind::kSram, kb});
    return;
  }
  m_buffer.assign(groups - 1, std::vector<arith::SaturatingSum>(n));
  m_received.assign(groups - 1, 0);
  m_none.assign(groups - 1, false);
  const double kb = static_cast<double>(groups - 1) * n * entry_bits / 8.0 / 1024.0;
  add_stat("partials_received", "packets", "partial-sum packets delivered (one per neuron, or a group's none)",
           m_partials_received);
  add_stat("buffer_writes", "entries", "merge buffer writes (one partial sum each)", m_buffer_writes,
           {EnergyKind::kStateWrite, kb, entry_bits});
  add_stat("buffer_reads", "entries", "merge buffer reads (one partial sum each)", m_buffer_reads,
           {EnergyKind::kStateRead, kb, entry_bits});
  add_stat("merge_ops", "ops", "adds and compares merging partial sums (three per neuron and group)",
           m_merge_ops, {EnergyKind::kAdd, 0, state_width_bits});
  add_stat("merge_cycles", "cycles", "cycles spent merging partial sums into the potentials", m_merge_cycles,
           {EnergyKind::kActiveCycle});
  add_leakage({LeakageKind::kSram, kb});
}

void PartialSumUnit::begin_step() {
  const arith::SaturatingSum identity = arith::SaturatingSum::identity(m_state_width_bits);
  std::fill(m_sum.begin(), m_sum.end(), identity.sum);
  std::fill(m_low.begin(), m_low.end(), identity.low);
  std::fill(m_high.begin(), m_high.end(), identity.high);
  m_rows = 0;
}

void PartialSumUnit::accumulate_row(const int32_t* weights) {
  for (uint32_t j = 0; j < m_n; ++j) {
    arith::SaturatingSum partial = this->partial(j);
    partial.add(weights[j], m_state_width_bits);
    m_sum[j] = partial.sum;
    m_low[j] = partial.low;
    m_high[j] = partial.high;
  }
  ++m_rows;
}

void PartialSumUnit::accumulate_packed_row(const uint8_t* row, bool wide) {
  if (m_state_width_bits > 30) {  // the int64 form (the int32 clamp could overflow)
    for (uint32_t j = 0; j < m_n; ++j) {
      int32_t w;
      if (wide) {
        int16_t w16;
        std::memcpy(&w16, row + 2 * j, sizeof w16);
        w = w16;
      } else {
        w = static_cast<int8_t>(row[j]);
      }
      arith::SaturatingSum partial = this->partial(j);
      partial.add(w, m_state_width_bits);
      m_sum[j] = partial.sum;
      m_low[j] = partial.low;
      m_high[j] = partial.high;
    }
    ++m_rows;
    return;
  }
  const int32_t hi = static_cast<int32_t>((int64_t{1} << (m_state_width_bits - 1)) - 1);
  add_packed_row(m_sum.data(), m_low.data(), m_high.data(), row, m_n, wide, -hi - 1, hi);
  ++m_rows;
}

void PartialSumUnit::count_row_pass(uint64_t rows) {
  const Phase phase = m_ctx.phase.current();
  const uint64_t words = ceil_div(m_n, m_lanes);
  m_partial_reads.add(phase, rows * words);
  m_partial_writes.add(phase, rows * words);
  m_bound_adds.add(phase, 2 * rows * m_n);
}

void PartialSumUnit::count_send() { m_partial_reads.add(m_ctx.phase.current(), ceil_div(m_n, m_lanes)); }

void PartialSumUnit::receive(const noc::Packet& packet, Cycle at) {
  const uint32_t group = packet.payload >> 16;
  const uint32_t neuron = packet.payload & 0xFFFF;
  NMSIM_ASSERT(m_group == 0 && group >= 1 && group < m_groups, "a partial sum for a group this core does not merge");
  const Phase phase = packet.phase;
  m_partials_received.add(phase);
  m_last_arrival = max(m_last_arrival, at);
  const uint32_t g = group - 1;
  if (neuron == kNone) {
    m_none[g] = true;
    ++m_groups_reported;
    return;
  }
  NMSIM_ASSERT(neuron < m_n && !m_none[g], "a partial sum for a neuron this core does not hold");
  m_buffer[g][neuron] = {packet.value, packet.low, packet.high};
  m_buffer_writes.add(phase);
  if (++m_received[g] == m_n) ++m_groups_reported;
}

uint32_t PartialSumUnit::groups_with_partials() const {
  return static_cast<uint32_t>(std::count(m_received.begin(), m_received.end(), m_n));
}

void PartialSumUnit::merge(int32_t* u, const uint8_t* refractory, bool masked) {
  NMSIM_ASSERT(complete(), "a merge before every fan-in group reported");
  const Phase phase = m_ctx.phase.current();
  for (uint32_t g = 0; g + 1 < m_groups; ++g) {
    if (m_received[g] == m_n) {
      const std::vector<arith::SaturatingSum>& partials = m_buffer[g];
      for (uint32_t j = 0; j < m_n; ++j) {
        if (!masked || refractory[j] == 0) u[j] = partials[j].apply(u[j]);
      }
      m_buffer_reads.add(phase, m_n);
      m_merge_ops.add(phase, uint64_t{3} * m_n);
    }
    m_received[g] = 0;
    m_none[g] = false;
  }
  m_groups_reported = 0;
  m_last_arrival = Cycle{};
}

}  // namespace nmsim::core
