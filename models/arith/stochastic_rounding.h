// Stochastic rounding of the learning datapath (ALGORITHMS.md: learning-rate shifts round to
// nearest "or stochastically from the PRNG"). Each neuron lane of the learning engine keeps a
// 32-bit xorshift generator (a register a lane: three xor-shifts, no multiplier) and adds its
// low `shift` bits below the LSB before a floor shift, so the expected update is exactly
// v / 2^shift and small updates are not lost to rounding.
//
// Contract between the learning engine and the functional references:
//   a lane draws only for a non-zero factor (a gated lane does not advance): r = xorshift32(r);
//   d = floor((v + f) / 2^shift), f = r mod 2^shift for shift in 1..32 (r x 2^(shift-32) above:
//   32 random bits at the top of the fraction); d = v * 2^-shift for shift <= 0.
// So neuron j's draws follow its own updates (rows in ascending order), whatever core holds it.
#pragma once

#include <cstdint>

#include "models/base/errors.h"

namespace nmsim::arith {

// Marsaglia's xorshift32 (13, 17, 5): never 0 from a non-zero state.
constexpr uint32_t xorshift32(uint32_t x) {
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return x;
}

// Work of one draw and its add, in 32-bit add-sized operations (three xor-shifts, the add).
inline constexpr uint32_t kStochasticRoundingOps = 4;

inline int64_t stochastic_shift(int64_t v, int shift, uint32_t r) {
  NMSIM_ASSERT(shift > -63 && shift < 63, "stochastic_shift: shift out of range");
  if (shift <= 0) return v * (int64_t{1} << -shift);
  const uint64_t mask = (uint64_t{1} << shift) - 1;
  const uint64_t fraction = shift <= 32 ? (r & mask) : uint64_t{r} << (shift - 32);
  const int64_t t = v + static_cast<int64_t>(fraction);
  // Floor division by 2^shift for either sign.
  return t >= 0 ? t >> shift : -((-t + static_cast<int64_t>(mask)) >> shift);
}

}  // namespace nmsim::arith
