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
// Across a fan-in split (each group core holds a copy of the lanes and updates only its own
// rows) a lane steps its generator past the draws the other groups' rows make, before and
// after its own rows (kXorshiftStepOps a step, no add): the same draws for the same products.
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

// Work of one generator step, in 32-bit add-sized operations (three xor-shifts).
inline constexpr uint32_t kXorshiftStepOps = 3;
// Work of one draw and its add, in 32-bit add-sized operations (three xor-shifts, the add).
inline constexpr uint32_t kStochasticRoundingOps = kXorshiftStepOps + 1;

// x stepped n times.
constexpr uint32_t xorshift32_steps(uint32_t x, uint64_t n) {
  for (uint64_t i = 0; i < n; ++i) x = xorshift32(x);
  return x;
}

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
