// NodeSeedWords computes, for sixteen nodes side by side, the words std::seed_seq{seed, node}
// generates, for every length the algorithm treats differently, and seeds std::mt19937_64 to
// the same state.
#include <cstdint>
#include <random>
#include <vector>

#include <catch2/catch.hpp>

#include "workloads/traffic/node_seed_words.h"

using nmsim::traffic::NodeSeedWords;

namespace {

// Seeds with values above 2^32 (both keep the low 32 bits).
const std::vector<uint64_t> kSeeds = {0, 1, 2, 42, 0xffffffffu, 0x100000000u, 0x123456789abcdefu, UINT64_MAX};

}  // namespace

TEST_CASE("NodeSeedWords gives each lane std::seed_seq's words", "[traffic][seed]") {
  // Lengths around each of the algorithm's thresholds (t = 11, 7, 5, 3, (n - 1) / 2; m = n or 3).
  const std::vector<std::size_t> lengths = {1, 2, 3, 4, 6, 7, 8, 38, 39, 40, 67, 68, 69, 622, 623, 624, 1000};
  // First nodes of a batch, the last ones wrapping past 2^32 within the batch.
  const std::vector<uint64_t> firsts = {0, 16, 96, 4080, 0xfffffffau};
  for (const uint64_t seed : kSeeds) {
    for (const std::size_t n : lengths) {
      NodeSeedWords words(seed, n);
      for (const uint64_t first : firsts) {
        words.compute(first);
        for (std::size_t lane = 0; lane < NodeSeedWords::kLanes; ++lane) {
          std::vector<uint32_t> expected(n), actual(n);
          std::seed_seq standard{seed, first + lane};
          standard.generate(expected.begin(), expected.end());
          words.lane(lane).generate(actual.begin(), actual.end());
          INFO("seed " << seed << " node " << first + lane << " length " << n);
          REQUIRE(actual == expected);
        }
      }
    }
  }
}

TEST_CASE("a generator seeded by a NodeSeedWords lane draws what std::seed_seq's draws", "[traffic][seed]") {
  for (const uint64_t seed : kSeeds) {
    NodeSeedWords words(seed, std::mt19937_64::state_size * 2);
    for (uint64_t first = 0; first < 4096; first += NodeSeedWords::kLanes * 13) {
      words.compute(first);
      for (std::size_t lane = 0; lane < NodeSeedWords::kLanes; ++lane) {
        std::seed_seq standard{seed, first + lane};
        std::mt19937_64 expected(standard);
        NodeSeedWords::Lane fast = words.lane(lane);
        std::mt19937_64 actual(fast);
        REQUIRE(actual == expected);
        for (int i = 0; i < 700; ++i) REQUIRE(actual() == expected());
      }
    }
  }
}
