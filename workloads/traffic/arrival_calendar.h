// The traffic bench's pending arrivals (one per node, each at its next packet's cycle), taken
// in (cycle, node) order as a min-heap would give them, at a fraction of a heap's cost: a
// calendar of kBuckets buckets, one per cycle of the next kBuckets cycles, and a heap for the
// rare arrival further ahead. A bucket holds only arrivals of one cycle: an arrival is filed
// at most kBuckets - 1 cycles after the cycle being taken, and every arrival of a cycle is
// taken at that cycle.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <queue>
#include <vector>

#include "models/base/errors.h"

namespace nmsim::traffic {

class ArrivalCalendar {
 public:
  static constexpr uint64_t kBuckets = 1024;  // a power of two

  ArrivalCalendar() : m_buckets(kBuckets) {}

  bool empty() const { return m_size == 0; }

  // Files `node`'s next arrival; `cycle` >= the cycle last taken from (or 0 before any).
  void push(uint64_t cycle, uint32_t node) {
    NMSIM_ASSERT(cycle >= m_now, "arrival filed in the past");
    ++m_size;
    if (cycle - m_now < kBuckets) {
      m_buckets[cycle & (kBuckets - 1)].push_back(node);
    } else {
      m_far.push({cycle, node});
    }
  }

  // The earliest cycle with an arrival (the calendar is not empty).
  uint64_t next_cycle() const {
    NMSIM_ASSERT(m_size > 0, "no arrival filed");
    const uint64_t far = m_far.empty() ? UINT64_MAX : m_far.top().cycle;
    const uint64_t end = std::min(far, m_now + kBuckets);
    for (uint64_t c = m_now; c < end; ++c) {
      if (!m_buckets[c & (kBuckets - 1)].empty()) return c;
    }
    return far;
  }

  // Takes the arrival of `cycle` with the lowest node, if any (`cycle` = next_cycle(), or the
  // cycle last taken from: arrivals filed for it meanwhile are taken in node order too).
  bool pop(uint64_t cycle, uint32_t& node) {
    NMSIM_ASSERT(cycle >= m_now, "arrivals taken out of order");
    m_now = cycle;
    std::vector<uint32_t>& bucket = m_buckets[cycle & (kBuckets - 1)];
    while (!m_far.empty() && m_far.top().cycle == cycle) {
      bucket.push_back(m_far.top().node);
      m_far.pop();
    }
    if (bucket.empty()) return false;
    // Buckets are short (the nodes whose packet is due this cycle): a linear search.
    const auto lowest = std::min_element(bucket.begin(), bucket.end());
    node = *lowest;
    *lowest = bucket.back();
    bucket.pop_back();
    --m_size;
    return true;
  }

 private:
  struct Far {
    uint64_t cycle;
    uint32_t node;
    bool operator>(const Far& o) const { return cycle != o.cycle ? cycle > o.cycle : node > o.node; }
  };

  std::vector<std::vector<uint32_t>> m_buckets;  // [cycle % kBuckets]: nodes due at that cycle
  std::priority_queue<Far, std::vector<Far>, std::greater<Far>> m_far;  // kBuckets or more ahead
  uint64_t m_now = 0;  // the cycle last taken from
  uint64_t m_size = 0;
};

}  // namespace nmsim::traffic
