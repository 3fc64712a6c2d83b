// arith::accumulate_row: the references' row add takes an int32 clamp for state widths up to
// 30 bits and the lane's int64 saturation above; both must give `accumulate`'s bits lane by
// lane, at every width and for potentials and weights at and beyond the saturation bounds.
#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include "models/arith/accumulate_row.h"
#include "models/arith/neuron_datapath.h"

using nmsim::arith::accumulate;
using nmsim::arith::accumulate_row;
using nmsim::arith::saturate;

namespace {

uint64_t next_random(uint64_t& state) {  // xorshift64: a fixed stream for the test's rows
  state ^= state << 13;
  state ^= state >> 7;
  state ^= state << 17;
  return state;
}

}  // namespace

TEST_CASE("accumulate_row equals the lane's saturating add at every state width", "[arith]") {
  uint64_t state = 0x9E3779B97F4A7C15ull;
  for (uint32_t width = 2; width <= 32; ++width) {
    const int64_t hi = (int64_t{1} << (width - 1)) - 1;
    const int64_t lo = -hi - 1;
    constexpr uint32_t kLanes = 301;  // not a multiple of any vector width: the loop's tail runs
    std::vector<int32_t> u(kLanes), expected(kLanes), row(kLanes);
    for (uint32_t j = 0; j < kLanes; ++j) {
      // Potentials anywhere in the state's range, the bounds included; 16-bit weights.
      const uint64_t r = next_random(state);
      u[j] = j % 7 == 0 ? static_cast<int32_t>(hi) : j % 7 == 1 ? static_cast<int32_t>(lo)
                                                               : saturate(static_cast<int32_t>(r), width);
      row[j] = static_cast<int16_t>(r >> 32);
      expected[j] = accumulate(u[j], row[j], width);
    }
    accumulate_row(u.data(), row.data(), kLanes, width);
    INFO("state width " << width);
    REQUIRE(u == expected);
  }
}

TEST_CASE("accumulate_row saturates at both bounds of a 30-bit state", "[arith]") {
  const int32_t hi = (int32_t{1} << 29) - 1;
  std::vector<int32_t> u{hi - 5, -hi + 5, 0, hi};
  const std::vector<int32_t> row{32767, -32768, -1, -32768};
  accumulate_row(u.data(), row.data(), 4, 30);
  REQUIRE(u == std::vector<int32_t>{hi, -hi - 1, -1, hi - 32768});
}
