// The router step's port masks (port_masks.h) against the same sets built bit by bit.
#include <catch2/catch.hpp>

#include "models/noc/port_masks.h"

using namespace nmsim::noc;

TEST_CASE("request_column and request_union match the matrix read bit by bit", "[noc][port_masks]") {
  // Every matrix of 5 rows of 5 bits would be 2^25; walk rows through all 32 values each,
  // in a pattern that pairs every row value with every value of its neighbours.
  uint32_t checked = 0;
  for (uint32_t seed = 0; seed < (1u << 15); ++seed) {
    uint8_t rows[kPortCount];
    uint64_t matrix = 0;
    for (unsigned i = 0; i < kPortCount; ++i) {
      rows[i] = static_cast<uint8_t>(((seed >> (3 * i)) ^ (seed * 7 + i * 13) ^ (seed >> 10)) & 31u);
      matrix |= request_row(i, rows[i]);
    }
    uint8_t all = 0;
    for (unsigned i = 0; i < kPortCount; ++i) all |= rows[i];
    REQUIRE(request_union(matrix) == all);
    for (unsigned o = 0; o < kPortCount; ++o) {
      uint8_t column = 0;
      for (unsigned i = 0; i < kPortCount; ++i) {
        if (rows[i] & (1u << o)) column |= static_cast<uint8_t>(1u << i);
      }
      REQUIRE(request_column(matrix, o) == column);
      ++checked;
    }
  }
  CHECK(checked == 5u * (1u << 15));
  // The corners: the full and the empty matrix, one bit at a time.
  uint64_t full = 0;
  for (unsigned i = 0; i < kPortCount; ++i) full |= request_row(i, 31);
  for (unsigned o = 0; o < kPortCount; ++o) {
    CHECK(request_column(full, o) == 31);
    CHECK(request_column(0, o) == 0);
    for (unsigned i = 0; i < kPortCount; ++i) {
      const uint64_t one = request_row(i, static_cast<uint8_t>(1u << o));
      for (unsigned c = 0; c < kPortCount; ++c) {
        CHECK(request_column(one, c) == (c == o ? (1u << i) : 0u));
      }
    }
  }
}

TEST_CASE("lock_allows: heads while free, only the holder while locked", "[noc][port_masks]") {
  for (unsigned heads = 0; heads < 32; ++heads) {
    CHECK(lock_allows(-1, static_cast<uint8_t>(heads)) == heads);
    for (int holder = 0; holder < static_cast<int>(kPortCount); ++holder) {
      // The holder's flit is a body (or the head that took the lock, now gone): the heads
      // at other inputs never count.
      CHECK(lock_allows(holder, static_cast<uint8_t>(heads)) == (1u << holder));
    }
  }
}
