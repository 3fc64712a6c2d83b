// The learning datapath's stochastic rounding (models/arith/stochastic_rounding.h), by hand.
#include <catch2/catch.hpp>

#include <cstdint>

#include "models/arith/stochastic_rounding.h"

namespace arith = nmsim::arith;

TEST_CASE("stochastic rounding: the xorshift draw, the floor after the random fraction, unbiased on average",
          "[arith]") {
  // xorshift32(1): 1 ^ 1 << 13 = 8193; 8193 ^ 8193 >> 17 = 8193; 8193 ^ 8193 << 5 = 270369.
  CHECK(arith::xorshift32(1) == 270369u);
  // 270369 mod 16 = 1: 7 + 1 = 8 -> 8 >> 4 = 0; 15 + 1 = 16 -> 1; -1 + 1 = 0 -> 0; -2 + 1 = -1 -> -1.
  CHECK(arith::stochastic_shift(7, 4, 270369u) == 0);
  CHECK(arith::stochastic_shift(15, 4, 270369u) == 1);
  CHECK(arith::stochastic_shift(-1, 4, 270369u) == 0);
  CHECK(arith::stochastic_shift(-2, 4, 270369u) == -1);
  CHECK(arith::stochastic_shift(3, -2, 270369u) == 12);  // a left shift is exact
  // Over many draws the mean of v / 2^4 is v / 16 (nearest rounding would give 0 for v = 5).
  for (int64_t v : {5, -5, 37}) {
    uint32_t r = 12345;
    int64_t sum = 0;
    const int n = 1 << 16;
    for (int k = 0; k < n; ++k) {
      r = arith::xorshift32(r);
      sum += arith::stochastic_shift(v, 4, r);
    }
    CHECK(static_cast<double>(sum) / n == Approx(static_cast<double>(v) / 16).margin(0.01));
  }
}
