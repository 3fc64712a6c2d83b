// Rounding shifts of the learning datapath. Learning rates are powers of two applied as
// shifts; they must round to nearest: a plain arithmetic >> rounds toward minus infinity,
// so every small update loses up to one LSB downward and weights drift negative over many
// samples (-1 >> 4 == -1, while +1 >> 4 == 0). Shared by the learning engine and the
// functional reference models, so both round identically.
#pragma once

#include <cstdint>

#include "models/base/errors.h"

namespace nmsim::arith {

// v / 2^shift rounded to nearest, ties away from zero (symmetric, so +x and -x move by the
// same amount); a negative shift is a left shift (a learning rate above 1).
// Examples: round_shift(3, 1) = 2, round_shift(-3, 1) = -2, round_shift(5, 2) = 1,
// round_shift(-6, 2) = -2, round_shift(3, -2) = 12.
inline int64_t round_shift(int64_t v, int shift) {
  NMSIM_ASSERT(shift > -63 && shift < 63, "round_shift: shift out of range");
  if (shift <= 0) return v * (int64_t{1} << -shift);
  const int64_t half = int64_t{1} << (shift - 1);
  // Shift the magnitude, so both signs round the same way.
  if (v >= 0) return (v + half) >> shift;
  return -((-v + half) >> shift);
}

}  // namespace nmsim::arith
