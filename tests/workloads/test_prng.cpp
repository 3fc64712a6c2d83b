// The counter-based PRNG and fixed-point rounding: the specification shared by the
// functional references and the chip firmware.
#include <catch2/catch.hpp>

#include <array>
#include <vector>

#include "workloads/common/fixed_point.h"
#include "workloads/common/prng.h"

using namespace nmsim::workloads;

TEST_CASE("splitmix64 step matches the published first output for state 0", "[prng]") {
  // splitmix64 (Steele, Lea, Flood 2014) from state 0 first returns 0xE220A8397B1DCDAF.
  REQUIRE(splitmix64_at(0, 0) == 0xE220A8397B1DCDAFull);
  // mix64(0) = 0: each step is xor-shift then multiply, and 0 stays 0.
  REQUIRE(mix64(0) == 0);
}

TEST_CASE("prng pinned values", "[prng]") {
  // Values of F(F(F(seed, 0), stream), index) from an independent transcription of the
  // definition in prng.h (Python, arbitrary precision masked to 64 bits).
  REQUIRE(prng_u64(0, 0, 0) == 0x238275BC38FCBE91ull);
  REQUIRE(prng_u64(1, 2, 3) == 0x8568F7C4E53B5A35ull);
  REQUIRE(prng_u64(42, 1, 0) == 0x08A42655AFD56572ull);
  // prng_u8 = top byte: 0x23 = 35, 0x85 = 133, 0x08 = 8.
  REQUIRE(prng_u8(0, 0, 0) == 35);
  REQUIRE(prng_u8(1, 2, 3) == 133);
  REQUIRE(prng_u8(42, Stream::kWeights, 0) == 8);
  // prng_uniform(0, 0, 0, -2000, 2000): top32 = 0x238275BC = 595752380, span = 4001,
  // (595752380 * 4001) >> 32 = 554, -2000 + 554 = -1446.
  REQUIRE(prng_uniform(0, 0, 0, -2000, 2000) == -1446);
  // prng_uniform(1, 2, 3, 0, 6): top32 = 0x8568F7C4 = 2238248900, (2238248900 * 7) >> 32 = 3.
  REQUIRE(prng_uniform(1, 2, 3, 0, 6) == 3);
}

TEST_CASE("prng is a pure function of (seed, stream, index)", "[prng]") {
  constexpr int kN = 1000;
  std::vector<uint64_t> forward(kN), backward(kN);
  for (int i = 0; i < kN; ++i) forward[i] = prng_u64(7, Stream::kEncoder, i);
  for (int i = kN - 1; i >= 0; --i) backward[i] = prng_u64(7, Stream::kEncoder, i);
  REQUIRE(forward == backward);
  // Streams, seeds and neighbouring indices give different values.
  int same_stream = 0, same_seed = 0, same_next = 0;
  for (int i = 0; i < kN; ++i) {
    same_stream += prng_u64(7, Stream::kWeights, i) == forward[i];
    same_seed += prng_u64(8, Stream::kEncoder, i) == forward[i];
    same_next += i + 1 < kN && forward[i + 1] == forward[i];
  }
  REQUIRE(same_stream == 0);
  REQUIRE(same_seed == 0);
  REQUIRE(same_next == 0);
}

TEST_CASE("prng_uniform stays in range and reaches both ends", "[prng]") {
  std::array<int, 7> hist{};
  for (uint64_t i = 0; i < 7000; ++i) {
    const int32_t v = prng_uniform(3, Stream::kWeights, i, -3, 3);
    REQUIRE(v >= -3);
    REQUIRE(v <= 3);
    ++hist[v + 3];
  }
  // 7000 draws, p = 1/7 each: mean 1000, sd sqrt(7000 * 1/7 * 6/7) = 29.3; 6 sd = 176.
  for (int c : hist) {
    REQUIRE(c > 1000 - 176);
    REQUIRE(c < 1000 + 176);
  }
  REQUIRE(prng_uniform(3, Stream::kWeights, 0, 5, 5) == 5);
  // The full int32 range (span 2^32) does not overflow: result = INT32_MIN + top32.
  const uint64_t top = prng_u64(3, Stream::kWeights, 0) >> 32;
  REQUIRE(prng_uniform(3, Stream::kWeights, 0, INT32_MIN, INT32_MAX) ==
          static_cast<int32_t>(int64_t{INT32_MIN} + static_cast<int64_t>(top)));
}

TEST_CASE("round_shift rounds to nearest, ties away from zero", "[fixed_point]") {
  REQUIRE(round_shift(0, 4) == 0);
  REQUIRE(round_shift(3, 1) == 2);     // 1.5 -> 2
  REQUIRE(round_shift(-3, 1) == -2);   // -1.5 -> -2 (a plain >> gives -2 too)
  REQUIRE(round_shift(5, 2) == 1);     // 1.25 -> 1
  REQUIRE(round_shift(-5, 2) == -1);   // -1.25 -> -1 (a plain >> gives -2)
  REQUIRE(round_shift(6, 2) == 2);     // 1.5 -> 2
  REQUIRE(round_shift(-6, 2) == -2);   // -1.5 -> -2
  REQUIRE(round_shift(7, 2) == 2);     // 1.75 -> 2
  REQUIRE(round_shift(-7, 2) == -2);   // -1.75 -> -2
  REQUIRE(round_shift(-1, 4) == 0);    // -0.0625 -> 0 (a plain >> gives -1: the drift)
  REQUIRE(round_shift(1, 4) == 0);
  REQUIRE(round_shift(-8, 4) == -1);   // -0.5 -> -1
  REQUIRE(round_shift(8, 4) == 1);     // 0.5 -> 1
  REQUIRE(round_shift(3, -2) == 12);   // a learning rate of 4
  REQUIRE(round_shift(-3, -2) == -12);
  REQUIRE(round_shift(-3, 0) == -3);
  // Symmetry: round_shift(-v) == -round_shift(v), so updates do not drift.
  for (int64_t v = -300; v <= 300; ++v)
    for (int s = 1; s < 6; ++s) REQUIRE(round_shift(-v, s) == -round_shift(v, s));
}
