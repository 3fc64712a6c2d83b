// The traffic generators' seed sequence gives std::seed_seq's words exactly, so every draw
// of every node is unchanged.
#include <cstdint>
#include <random>
#include <vector>

#include <catch2/catch.hpp>

#include "workloads/traffic/seed_sequence.h"

using nmsim::traffic::SeedSequence;

TEST_CASE("seed sequence: std::seed_seq's words for every length up to 700 and 0-4 seeds") {
  // Lengths cover each branch of the standard's t (n < 7, 7-38, 39-67, 68-622, >= 623) and
  // m = max(s + 1, n) with s + 1 > n (n = 1, 2 with several seeds).
  const std::vector<std::vector<uint64_t>> seed_lists = {
      {}, {1}, {20240611, 3}, {0xffffffffffULL, 0, 7}, {5, 6, 7, 8}};
  for (const std::vector<uint64_t>& seeds : seed_lists) {
    for (std::size_t n = 0; n <= 700; ++n) {
      std::vector<uint32_t> expected(n), got(n);
      std::seed_seq standard(seeds.begin(), seeds.end());
      SeedSequence fast(seeds.begin(), seeds.end());
      standard.generate(expected.begin(), expected.end());
      fast.generate(got.begin(), got.end());
      INFO("n = " << n << ", seeds = " << seeds.size());
      REQUIRE(got == expected);
    }
  }
}

TEST_CASE("seed sequence: a traffic node's mt19937_64 draws as with std::seed_seq") {
  for (const uint64_t seed : {uint64_t{1}, uint64_t{42}, uint64_t{0x123456789abcdefULL}}) {
    for (uint64_t node = 0; node < 300; node += 37) {
      std::seed_seq standard{seed, node};
      SeedSequence fast{seed, node};
      std::mt19937_64 expected(standard), got(fast);
      for (int draw = 0; draw < 1000; ++draw) REQUIRE(got() == expected());
    }
  }
}
