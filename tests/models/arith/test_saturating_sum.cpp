// arith::SaturatingSum: a run of saturating adds split into groups, each group's function
// computed without the starting potential and applied in order, equals the chain of
// saturating adds, for every starting potential (checked exhaustively on a narrow word).
#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include "models/arith/neuron_datapath.h"
#include "models/arith/saturating_sum.h"

using nmsim::arith::accumulate;
using nmsim::arith::SaturatingSum;

namespace {

// A fixed pseudo-random stream for the test's chains (xorshift64).
uint32_t next_random(uint64_t& state) {
  state ^= state << 13;
  state ^= state >> 7;
  state ^= state << 17;
  return static_cast<uint32_t>(state >> 32);
}

}  // namespace

TEST_CASE("saturating sum: one add is a saturating add, the identity changes nothing", "[arith]") {
  // 8-bit state: [-128, 127].
  const SaturatingSum identity = SaturatingSum::identity(8);
  CHECK(identity.low == -128);
  CHECK(identity.high == 127);
  for (int32_t u = -128; u <= 127; ++u) REQUIRE(identity.apply(u) == u);
  SaturatingSum f = identity;
  f.add(100, 8);  // (100, sat(-28), sat(227)) = (100, -28, 127)
  CHECK(f.sum == 100);
  CHECK(f.low == -28);
  CHECK(f.high == 127);
  CHECK(f.apply(50) == 127);
  CHECK(f.apply(-128) == -28);
  // A second add of -100: the chain from u = 50 gives sat(150) = 127, then 27; a plain sum 50.
  f.add(-100, 8);
  CHECK(f.apply(50) == 27);
  CHECK(f.sum == 0);
}

TEST_CASE("saturating sum: groups composed in order equal the chain for every start", "[arith]") {
  // 10-bit state ([-512, 511]), weights up to +-300 so that chains saturate often; 200 random
  // chains of 1..12 adds cut into 1..4 groups; every start in the range.
  const uint32_t bits = 10;
  uint64_t state = 0x9E3779B97F4A7C15ull;
  for (uint64_t trial = 0; trial < 200; ++trial) {
    const uint32_t adds = 1 + next_random(state) % 12;
    std::vector<int32_t> weights(adds);
    for (uint32_t i = 0; i < adds; ++i) weights[i] = static_cast<int32_t>(next_random(state) % 601) - 300;
    const uint32_t groups = 1 + static_cast<uint32_t>(trial % 4);
    std::vector<SaturatingSum> parts(groups, SaturatingSum::identity(bits));
    for (uint32_t i = 0; i < adds; ++i) parts[i * groups / adds].add(weights[i], bits);
    for (int32_t u0 = -512; u0 <= 511; ++u0) {
      int32_t chain = u0;
      for (int32_t w : weights) chain = accumulate(chain, w, bits);
      int32_t composed = u0;
      for (const SaturatingSum& f : parts) {
        // The sum as it travels: clamped to +-(2^bits - 1).
        const SaturatingSum sent{f.clamped_sum(bits), f.low, f.high};
        composed = sent.apply(composed);
      }
      REQUIRE(composed == chain);
    }
  }
}
