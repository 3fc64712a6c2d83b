#include "models/core/learning_engine.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "models/arith/neuron_datapath.h"
#include "models/arith/rounding.h"
#include "models/arith/stochastic_rounding.h"
#include "models/core/weight_row.h"
#include "models/base/avx2_clones.h"
#include "models/base/errors.h"

namespace nmsim::core {

namespace {

// w[j] = saturate(w[j] + deltas[j]) over a little-endian row of n int16 (`wide`) or int8
// weights; returns how many weights changed. Branch-free, so it vectorises: a zero delta
// leaves its weight as it is (saturate(w) = w), and a delta clamped to +-2^17 first keeps the
// sum inside an int32 without changing the result (|w| <= 2^15, so any larger delta
// saturates either way).
NMSIM_AVX2_CLONES uint64_t add_saturating(uint8_t* row, const int32_t* deltas, std::size_t n, bool wide) {
  constexpr int32_t kDeltaBound = 1 << 17;
  const int32_t hi = wide ? 32767 : 127;
  const int32_t lo = -hi - 1;
  const auto updated = [&](int32_t w, std::size_t j) {
    const int32_t d = std::min(std::max(deltas[j], -kDeltaBound), kDeltaBound);
    return std::min(std::max(w + d, lo), hi);
  };
  uint64_t changed = 0;
  if (wide) {
    for (std::size_t j = 0; j < n; ++j) {
      int16_t w;
      std::memcpy(&w, row + 2 * j, sizeof w);
      const auto u = static_cast<int16_t>(updated(w, j));
      changed += u != w;
      std::memcpy(row + 2 * j, &u, sizeof u);
    }
  } else {
    for (std::size_t j = 0; j < n; ++j) {
      const auto w = static_cast<int8_t>(row[j]);
      const auto u = static_cast<int8_t>(updated(w, j));
      changed += u != w;
      row[j] = static_cast<uint8_t>(u);
    }
  }
  return changed;
}

// d[j] = round_shift(f[j] * scale, shift) (arith/rounding.h) in int32, for 1 <= shift <= 30
// and |f[j] * scale| + 2^(shift-1) < 2^31 (the caller checks): the same bits as the int64
// form, branch-free so it vectorises; returns whether any d[j] is non-zero.
NMSIM_AVX2_CLONES bool scale_round_int32(int32_t* d, const int32_t* f, std::size_t n, int32_t scale, int shift) {
  const int32_t half = int32_t{1} << (shift - 1);
  int32_t any = 0;
  for (std::size_t j = 0; j < n; ++j) {
    const int32_t v = f[j] * scale;
    const int32_t magnitude = ((v < 0 ? -v : v) + half) >> shift;
    d[j] = v < 0 ? -magnitude : magnitude;
    any |= d[j];
  }
  return any != 0;
}

// A product's rounded delta held in an int32 register: saturated, not wrapped (the weights are
// at most 16 bits wide, so any |d| >= 2^17 saturates the weight alike: the references' int64 sum).
int32_t clamp_to_int32(int64_t d) {
  return static_cast<int32_t>(std::min<int64_t>(std::max<int64_t>(d, INT32_MIN), INT32_MAX));
}

// The largest |f[j]|, as an int64 (|INT32_MIN| fits).
NMSIM_AVX2_CLONES int64_t largest_magnitude(const int32_t* f, std::size_t n) {
  uint32_t largest = 0;
  for (std::size_t j = 0; j < n; ++j) {
    const uint32_t m = f[j] < 0 ? 0u - static_cast<uint32_t>(f[j]) : static_cast<uint32_t>(f[j]);
    largest = m > largest ? m : largest;
  }
  return largest;
}

}  // namespace

LearningEngine::LearningEngine(const char* name, sram::Sram& sram, SimContext& ctx,
                               uint32_t lanes, uint32_t weight_width_bits)
    : sc_object(name),
      m_sram(sram),
      m_ctx(ctx),
      m_lanes(lanes),
      m_weight_width_bits(weight_width_bits) {
  add_stat("modify_ops", "weights", "weights passed through the update adders",
           m_modify_ops, {EnergyKind::kAdd, 0, m_weight_width_bits});
  add_stat("multiplies", "products", "factor x scale products of outer-product updates",
           m_multiplies, {EnergyKind::kMultiply, 0, 16});
  add_stat("weight_updates", "weights", "weights whose value changed (non-zero delta)",
           m_weight_updates);
  add_stat("rows_updated", "rows", "weight rows read, modified and written back", m_rows_updated);
}

void LearningEngine::configure(uint32_t weights_per_row, uint64_t row_bytes) {
  m_weights_per_row = weights_per_row;
  m_row_bytes = row_bytes;
  m_buffer.assign(row_bytes, 0);
  m_scaled.assign(weights_per_row, 0);
}

void LearningEngine::attach_transposed_copy(sram::Sram* copy, uint32_t first_row, uint32_t rows,
                                            uint64_t copy_row_bytes) {
  NMSIM_ASSERT(m_row_bytes > 0, "transposed copy attached before configure()");
  NMSIM_ASSERT(m_copy == nullptr, "transposed copy attached twice");
  m_copy = copy;
  m_copy_first_row = first_row;
  m_copy_rows = rows == 0 ? m_weights_per_row : rows;
  m_copy_row_bytes = copy_row_bytes == 0 ? m_row_bytes : copy_row_bytes;
  m_copy_word.assign(copy->word_bytes(), 0);
  m_copy_mask.assign(copy->word_bytes(), 0);
  add_stat("transposed_copy_writes", "words",
           "bit-masked word writes keeping the transposed copy equal to the updated rows",
           m_copy_writes);
}

Cycle LearningEngine::write_copy_column(uint32_t i, const int32_t* deltas, Cycle start) {
  // Column i of the copy: weight i of every copy row j whose weight changed.
  const uint32_t word_bits = m_copy->word_bytes() * 8;
  const uint32_t per_word = word_bits / m_weight_width_bits;
  const uint64_t word_offset = uint64_t{i / per_word} * m_copy->word_bytes();
  const uint32_t slot = i % per_word;
  std::fill(m_copy_mask.begin(), m_copy_mask.end(), 0);
  write_weight(m_copy_mask.data(), slot, m_weight_width_bits, -1);  // all ones in the slot
  Cycle done = start;
  uint64_t words = 0;
  for (uint32_t j = 0; j < m_weights_per_row; ++j) {
    if (deltas[j] == 0) continue;
    write_weight(m_copy_word.data(), slot, m_weight_width_bits,
                 read_weight(m_buffer.data(), j, m_weight_width_bits));
    done = m_copy->write_masked(uint64_t{j} * m_copy_row_bytes + word_offset, m_copy_word.data(),
                                m_copy_mask.data(), start);
    ++words;
  }
  m_copy_writes.add(m_ctx.phase.current(), words);
  return done;
}

void LearningEngine::enable_stochastic_rounding(const std::vector<uint32_t>& states) {
  NMSIM_ASSERT(m_row_bytes > 0, "stochastic rounding enabled before configure()");
  NMSIM_ASSERT(m_rounding_states.empty(), "stochastic rounding enabled twice");
  NMSIM_ASSERT(states.size() == m_weights_per_row, "one rounding state per lane");
  for (uint32_t s : states) NMSIM_ASSERT(s != 0, "a xorshift state must not be 0");
  m_rounding_states = states;
  add_stat("rounding_ops", "ops", "32-bit add-sized operations of the stochastic rounding draws (4 a draw)",
                 m_rounding_ops, {EnergyKind::kAdd, 0, 32});
}

Cycle LearningEngine::advance_rounding(const int32_t* factors, uint64_t steps, Cycle start) {
  NMSIM_ASSERT(!m_rounding_states.empty(), "generators advanced without stochastic rounding");
  if (steps == 0) return start;
  uint64_t lanes_stepped = 0;
  for (uint32_t j = 0; j < m_weights_per_row; ++j) {
    if (factors[j] == 0) continue;  // a gated lane draws nowhere: it does not step
    m_rounding_states[j] = arith::xorshift32_steps(m_rounding_states[j], steps);
    ++lanes_stepped;
  }
  if (lanes_stepped == 0) return start;
  m_rounding_ops.add(m_ctx.phase.current(), lanes_stepped * steps * arith::kXorshiftStepOps);
  return start + steps * ((m_weights_per_row + m_lanes - 1) / m_lanes);
}

Cycle LearningEngine::read_row(uint32_t row, int32_t* weights, Cycle start) {
  NMSIM_ASSERT(m_row_bytes > 0, "learning engine used before configure()");
  const Cycle ready = m_sram.access(false, uint64_t{row} * m_row_bytes,
                                    static_cast<uint32_t>(m_row_bytes), m_buffer.data(), start);
  for (uint32_t j = 0; j < m_weights_per_row; ++j) {
    weights[j] = read_weight(m_buffer.data(), j, m_weight_width_bits);
  }
  return ready;
}

Cycle LearningEngine::update_row(uint32_t row, const int32_t* deltas, Cycle start) {
  NMSIM_ASSERT(m_row_bytes > 0, "learning engine used before configure()");
  const Phase phase = m_ctx.phase.current();
  const uint64_t address = uint64_t{row} * m_row_bytes;
  const auto length = static_cast<uint32_t>(m_row_bytes);
  const Cycle ready = m_sram.access(false, address, length, m_buffer.data(), start);
  uint64_t changed = 0;
  if (m_weight_width_bits == 16 || m_weight_width_bits == 8) {
    changed = add_saturating(m_buffer.data(), deltas, m_weights_per_row, m_weight_width_bits == 16);
  } else {
    for (uint32_t j = 0; j < m_weights_per_row; ++j) {
      if (deltas[j] == 0) continue;
      const int32_t w = read_weight(m_buffer.data(), j, m_weight_width_bits);
      const int32_t updated = arith::saturate(int64_t{w} + deltas[j], m_weight_width_bits);
      if (updated != w) ++changed;
      write_weight(m_buffer.data(), j, m_weight_width_bits, updated);
    }
  }
  const Cycle modified = ready + (m_weights_per_row + m_lanes - 1) / m_lanes;
  Cycle done = m_sram.access(true, address, length, m_buffer.data(), modified);
  if (m_copy != nullptr && row >= m_copy_first_row && row - m_copy_first_row < m_copy_rows) {
    done = max(done, write_copy_column(row - m_copy_first_row, deltas, modified));
  }
  m_modify_ops.add(phase, m_weights_per_row);
  m_weight_updates.add(phase, changed);
  m_rows_updated.add(phase);
  return done;
}

}  // namespace nmsim::core

namespace nmsim::core {

Cycle LearningEngine::update_row_scaled(uint32_t row, const int32_t* factors, int32_t scale,
                                        int shift, Cycle start, bool* written) {
  bool any = false;
  const auto fits_int32 = [&] {
    if (shift < 1 || shift > 30) return false;
    const int64_t scale_magnitude = scale < 0 ? -int64_t{scale} : int64_t{scale};
    return largest_magnitude(factors, m_weights_per_row) * scale_magnitude + (int64_t{1} << (shift - 1)) <
           (int64_t{1} << 31);
  };
  if (m_rounding_states.empty() && fits_int32()) {
    any = scale_round_int32(m_scaled.data(), factors, m_weights_per_row, scale, shift);
  } else if (m_rounding_states.empty()) {
    // A zero factor (a gated lane) rounds to 0 at any shift: no multiply, no rounding call.
    for (uint32_t j = 0; j < m_weights_per_row; ++j) {
      const int32_t f = factors[j];
      m_scaled[j] = f == 0 ? 0 : clamp_to_int32(arith::round_shift(int64_t{f} * scale, shift));
      any |= m_scaled[j] != 0;
    }
  } else {
    uint64_t draws = 0;
    for (uint32_t j = 0; j < m_weights_per_row; ++j) {
      m_scaled[j] = 0;
      if (factors[j] == 0) continue;  // a gated lane does not draw
      m_rounding_states[j] = arith::xorshift32(m_rounding_states[j]);
      ++draws;
      m_scaled[j] = clamp_to_int32(arith::stochastic_shift(int64_t{factors[j]} * scale, shift, m_rounding_states[j]));
      any = any || m_scaled[j] != 0;
    }
    m_rounding_ops.add(m_ctx.phase.current(), draws * arith::kStochasticRoundingOps);
  }
  m_multiplies.add(m_ctx.phase.current(), m_weights_per_row);
  const Cycle multiplied = start + (m_weights_per_row + m_lanes - 1) / m_lanes;
  if (written != nullptr) *written = any;
  if (!any) return multiplied;
  return update_row(row, m_scaled.data(), multiplied);
}

}  // namespace nmsim::core
