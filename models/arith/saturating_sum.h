// A run of saturating adds as one function, so that a fan-in split gives the unsplit result.
//
// The integrate lane adds each weight with saturation at the state width: u = sat(u + w).
// Saturating adds do not commute with a plain sum (sat(sat(u + a) + b) != sat(u + a + b) when
// an intermediate value saturates), so a partial potential cannot be one number. But a run of
// saturating adds w_1..w_k, as a function of the starting potential u in [lo, hi], is always
//   f(u) = min(max(u + sum, low), high)
// and one more add w maps (sum, low, high) to (sum + w, sat(low + w), sat(high + w)). It starts
// as the identity (0, lo, hi). Functions of this form compose in order, so a core holding
// input lines a..b computes its group's f from its spikes, in ascending line order, without
// knowing u, and the core owning the neuron applies the groups' functions in line order:
// bit for bit the chain of saturating adds the unsplit core (and the reference) performs.
// `sum` may be clamped to +-(hi - lo) without changing f on [lo, hi], so with a state width of
// at most 31 bits it travels as a 32-bit value.
#pragma once

#include <cstdint>

#include "models/arith/neuron_datapath.h"

namespace nmsim::arith {

struct SaturatingSum {
  int64_t sum = 0;
  int32_t low = 0;
  int32_t high = 0;

  static SaturatingSum identity(uint32_t state_width_bits) {
    return {0, saturate(INT64_MIN / 2, state_width_bits), saturate(INT64_MAX / 2, state_width_bits)};
  }
  // One more saturating add of w.
  void add(int32_t w, uint32_t state_width_bits) {
    sum += w;
    low = saturate(int64_t{low} + w, state_width_bits);
    high = saturate(int64_t{high} + w, state_width_bits);
  }
  // f(u) for a potential u of the state width.
  int32_t apply(int32_t u) const {
    const int64_t v = int64_t{u} + sum;
    return static_cast<int32_t>(v < low ? low : (v > high ? high : v));
  }
  // The sum clamped to +-(hi - lo): the same function on [lo, hi], in 32 bits for widths <= 31.
  int32_t clamped_sum(uint32_t state_width_bits) const {
    const int64_t span = (int64_t{1} << state_width_bits) - 1;
    return static_cast<int32_t>(sum > span ? span : (sum < -span ? -span : sum));
  }
};

}  // namespace nmsim::arith
