// The Bernoulli generator's gap (GeometricGap) returns exactly what
// std::geometric_distribution<uint64_t> returns from the same std::mt19937_64 draws: over
// millions of draws of seeded generators, and for chosen draws at both ends of every cell of
// its table, where a wrong cell would show first.
#include <cstdint>
#include <random>
#include <vector>

#include <catch2/catch.hpp>

#include "workloads/traffic/geometric_gap.h"

using nmsim::traffic::GeometricGap;

namespace {

// The packet rates of the traffic runs (injection rate / packet length) and the extremes.
const std::vector<double> kRates = {1.0,   0.9,  0.6,    0.5,     0.3,  0.2,   0.1,  0.05,
                                    0.025, 0.02, 0.0125, 0.005, 0.001, 1e-4, 1e-6, 1e-9};

}  // namespace

TEST_CASE("GeometricGap draws what std::geometric_distribution draws from the same generator") {
  for (const double p : kRates) {
    INFO("p = " << p);
    GeometricGap gap(p);
    std::geometric_distribution<uint64_t> standard(p);
    std::mt19937_64 ours(static_cast<uint64_t>(p * 1e9) + 7);
    std::mt19937_64 theirs = ours;
    const int draws = p >= 0.01 ? 2'000'000 : 200'000;
    int mismatches = 0;
    for (int i = 0; i < draws; ++i) {
      if (gap(ours) != standard(theirs)) ++mismatches;
    }
    CHECK(mismatches == 0);
    CHECK(ours == theirs);  // the same number of draws taken
  }
}

TEST_CASE("GeometricGap agrees with std::geometric_distribution at every cell's ends") {
  for (const double p : kRates) {
    INFO("p = " << p);
    GeometricGap gap(p);
    std::geometric_distribution<uint64_t> standard(p);
    const std::size_t cells = gap.cells();
    const unsigned shift = 64 - static_cast<unsigned>(__builtin_ctzll(cells));
    std::vector<uint64_t> draws = {0, 1, UINT64_MAX, UINT64_MAX - 1, UINT64_MAX - 1024,
                                   UINT64_MAX - 2048};
    for (std::size_t cell = 0; cell < cells; ++cell) {
      const uint64_t start = static_cast<uint64_t>(cell) << shift;
      const uint64_t last = start + ((uint64_t{1} << shift) - 1);
      for (uint64_t offset : {uint64_t{0}, uint64_t{1}, uint64_t{4096}}) {
        draws.push_back(start + offset);
        draws.push_back(last - offset);
      }
      draws.push_back(start + (uint64_t{1} << (shift - 1)));
    }
    int mismatches = 0;
    std::mt19937_64 ours(5);
    std::mt19937_64 theirs(5);
    for (const uint64_t x : draws) {
      nmsim::traffic::ReplayedDraw chosen{x, theirs};
      const uint64_t expected = standard(chosen);
      if (gap.from_draw(x, ours) != expected || ours != theirs) {
        ++mismatches;
        UNSCOPED_INFO("draw " << x << ": " << gap.from_draw(x, ours) << " instead of " << expected);
      }
    }
    CHECK(mismatches == 0);
  }
}

TEST_CASE("GeometricGap's table serves most draws at the traffic runs' rates") {
  // A draw falls in a cell near a step with probability about ln(N p) / (N p) for N cells
  // (N p >= 128): under 4 %. Which cells hold a step: by the margin rule in geometric_gap.cpp.
  for (const double p : {0.1, 0.02, 0.025}) {
    INFO("p = " << p);
    GeometricGap gap(p);
    std::mt19937_64 rng(11);
    int exact = 0;
    const int draws = 1'000'000;
    for (int i = 0; i < draws; ++i) {
      if (gap.is_mixed(rng())) ++exact;
    }
    CHECK(exact < draws / 25);
    CHECK(gap.mixed_cells() < gap.cells() / 4);
  }
  GeometricGap certain(1.0);  // log(1 - p) is -inf: every draw goes to the standard one
  CHECK(certain.mixed_cells() == certain.cells());
}
