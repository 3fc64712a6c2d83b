// TwoValueSeedSequence generates the words std::seed_seq{first, second} generates, for every
// length the algorithm treats differently, and seeds std::mt19937_64 to the same state.
#include <cstdint>
#include <random>
#include <vector>

#include <catch2/catch.hpp>

#include "workloads/traffic/seed_sequence.h"

using nmsim::traffic::TwoValueSeedSequence;

namespace {

// Seeds and node numbers, with values above 2^32 (both sequences keep the low 32 bits).
const std::vector<uint64_t> kFirst = {0, 1, 2, 42, 0xffffffffu, 0x100000000u, 0x123456789abcdefu, UINT64_MAX};

}  // namespace

TEST_CASE("TwoValueSeedSequence generates std::seed_seq's words", "[traffic][seed]") {
  // Lengths around each of the algorithm's thresholds (t = 11, 7, 5, 3, (n - 1) / 2; m = n or 3).
  const std::vector<std::size_t> lengths = {1, 2, 3, 4, 6, 7, 8, 38, 39, 40, 67, 68, 69, 622, 623, 624, 1000};
  for (const uint64_t first : kFirst) {
    for (uint64_t second = 0; second < 300; second += 7) {
      for (const std::size_t n : lengths) {
        std::vector<uint32_t> expected(n), actual(n);
        std::seed_seq standard{first, second};
        standard.generate(expected.begin(), expected.end());
        TwoValueSeedSequence(first, second).generate(actual.begin(), actual.end());
        INFO("first " << first << " second " << second << " length " << n);
        REQUIRE(actual == expected);
      }
    }
  }
}

TEST_CASE("a generator seeded by TwoValueSeedSequence draws what std::seed_seq's draws", "[traffic][seed]") {
  for (const uint64_t first : kFirst) {
    for (uint64_t node = 0; node < 4096; node += 97) {
      std::seed_seq standard{first, node};
      std::mt19937_64 expected(standard);
      TwoValueSeedSequence fast(first, node);
      std::mt19937_64 actual;
      actual.seed(fast);
      REQUIRE(actual == expected);
      for (int i = 0; i < 700; ++i) REQUIRE(actual() == expected());
    }
  }
}
