// The traffic bench's arrival calendar gives the arrivals in the order of the min-heap it
// replaced: by cycle, then by node, arrivals filed for the cycle being taken included.
#include <cstdint>
#include <functional>
#include <queue>
#include <random>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "workloads/traffic/arrival_calendar.h"

using nmsim::traffic::ArrivalCalendar;

namespace {

using Arrival = std::pair<uint64_t, uint32_t>;  // cycle, node
using Heap = std::priority_queue<Arrival, std::vector<Arrival>, std::greater<Arrival>>;

// Takes every arrival of the next cycle from both, refiling each node `gap()` cycles later
// (0: the same cycle again, as a Poisson generator may), `rounds` times; the sequences of
// (cycle, node) must be equal.
template <typename Gap>
void compare_with_heap(uint32_t nodes, int rounds, Gap gap) {
  ArrivalCalendar calendar(nodes);
  Heap heap;
  for (uint32_t node = 0; node < nodes; ++node) {
    const uint64_t first = gap();
    calendar.push(first, node);
    heap.push({first, node});
  }
  for (int round = 0; round < rounds; ++round) {
    const uint64_t now = calendar.next_cycle();
    REQUIRE(now == heap.top().first);
    uint32_t node = 0;
    while (calendar.pop(now, node)) {
      REQUIRE(heap.top() == Arrival(now, node));
      heap.pop();
      const uint64_t next = now + gap();
      calendar.push(next, node);
      heap.push({next, node});
    }
    REQUIRE(heap.top().first > now);
  }
}

}  // namespace

TEST_CASE("arrival calendar: geometric gaps give the heap's order") {
  std::mt19937_64 rng(7);
  std::geometric_distribution<uint64_t> gap(0.05);
  compare_with_heap(64, 20000, [&] { return 1 + gap(rng); });
}

TEST_CASE("arrival calendar: same-cycle refiling and arrivals beyond the calendar") {
  std::mt19937_64 rng(11);
  // A third of the arrivals refile for the cycle being taken, some land 1,000-5,000 cycles
  // ahead (past the 1,024 buckets: the far heap, then a bucket at their cycle).
  std::uniform_int_distribution<int> kind(0, 9);
  std::uniform_int_distribution<uint64_t> near(1, 30);
  std::uniform_int_distribution<uint64_t> far(1000, 5000);
  compare_with_heap(37, 20000, [&]() -> uint64_t {
    const int k = kind(rng);
    return k < 3 ? 0 : k == 9 ? far(rng) : near(rng);
  });
}

TEST_CASE("arrival calendar: nodes over several 64-bit words, same-cycle refiles") {
  std::mt19937_64 rng(13);
  // 16 x 16 and 13 x 17 nodes: a bucket's set spans 4 words; a quarter of the arrivals refile
  // for the cycle being taken.
  std::uniform_int_distribution<int> kind(0, 19);
  std::uniform_int_distribution<uint64_t> near(1, 20);
  std::uniform_int_distribution<uint64_t> far(1000, 3000);
  for (const uint32_t nodes : {256u, 221u}) {
    compare_with_heap(nodes, 4000, [&]() -> uint64_t {
      const int k = kind(rng);
      return k < 5 ? 0 : k == 19 ? far(rng) : near(rng);
    });
  }
}

TEST_CASE("arrival calendar: a cycle without arrivals, a lone far arrival") {
  ArrivalCalendar calendar(10);
  calendar.push(5000, 3);  // beyond the buckets
  calendar.push(7, 9);
  CHECK(calendar.next_cycle() == 7);
  uint32_t node = 0;
  CHECK_FALSE(calendar.pop(6, node));  // the window's end, say: nothing due
  REQUIRE(calendar.pop(7, node));
  CHECK(node == 9);
  CHECK_FALSE(calendar.pop(7, node));
  CHECK(calendar.next_cycle() == 5000);
  REQUIRE(calendar.pop(5000, node));
  CHECK(node == 3);
  CHECK(calendar.empty());
}

TEST_CASE("arrival calendar: an arrival filed for the cycle being taken below the word reached") {
  ArrivalCalendar calendar(200);
  calendar.push(5, 150);
  calendar.push(5, 10);
  uint32_t node = 0;
  REQUIRE(calendar.pop(5, node));
  CHECK(node == 10);
  REQUIRE(calendar.pop(5, node));
  CHECK(node == 150);  // the taking is at word 2 now
  calendar.push(5, 3);  // word 0
  calendar.push(5, 199);
  REQUIRE(calendar.pop(5, node));
  CHECK(node == 3);
  REQUIRE(calendar.pop(5, node));
  CHECK(node == 199);
  CHECK_FALSE(calendar.pop(5, node));
  CHECK(calendar.empty());
}
