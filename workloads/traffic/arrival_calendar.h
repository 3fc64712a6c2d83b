// The traffic bench's pending arrivals (one per node, each at its next packet's cycle), taken
// in (cycle, node) order as a min-heap would give them, at a fraction of a heap's cost: a
// calendar of kBuckets buckets, one per cycle of the next kBuckets cycles, and a heap for the
// rare arrival further ahead. A bucket holds only arrivals of one cycle: an arrival is filed
// at most kBuckets - 1 cycles after the cycle being taken, and every arrival of a cycle is
// taken at that cycle. A bucket is a list linked through the nodes (a node has one arrival
// filed at a time), sorted once when its cycle is first taken.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <vector>

#include "models/base/errors.h"

namespace nmsim::traffic {

class ArrivalCalendar {
 public:
  static constexpr uint64_t kBuckets = 1024;  // a power of two

  // For nodes 0 .. nodes - 1, each with at most one arrival filed at a time. Every structure
  // is sized here: filing and taking arrivals never allocates.
  explicit ArrivalCalendar(uint32_t nodes)
      : m_first(kBuckets, kNone), m_next(nodes, kNone), m_taking(nodes) {
    m_far.reserve(nodes);
  }

  bool empty() const { return m_size == 0; }

  // Files `node`'s next arrival; `cycle` >= the cycle last taken from (or 0 before any).
  void push(uint64_t cycle, uint32_t node) {
    NMSIM_ASSERT(cycle >= m_now, "arrival filed in the past");
    NMSIM_ASSERT(node < m_next.size(), "arrival of a node outside the calendar");
    ++m_size;
    if (cycle == m_taking_cycle) {  // the cycle being taken: into its sorted list
      push_taking(node);
    } else if (cycle - m_now < kBuckets) {
      uint32_t& first = m_first[cycle & (kBuckets - 1)];
      m_next[node] = first;
      first = node;
    } else {
      push_far(cycle, node);
    }
  }

  // The earliest cycle with an arrival (the calendar is not empty).
  uint64_t next_cycle() const {
    NMSIM_ASSERT(m_size > 0, "no arrival filed");
    if (m_taking_size > 0) return m_taking_cycle;
    const uint64_t far = m_far.empty() ? UINT64_MAX : m_far.front().cycle;
    const uint64_t end = std::min(far, m_now + kBuckets);
    for (uint64_t c = m_now; c < end; ++c) {
      if (m_first[c & (kBuckets - 1)] != kNone) return c;
    }
    return far;
  }

  // Takes the arrival of `cycle` with the lowest node, if any (`cycle` = next_cycle(), or the
  // cycle last taken from: arrivals filed for it meanwhile are taken in node order too).
  bool pop(uint64_t cycle, uint32_t& node) {
    NMSIM_ASSERT(cycle >= m_now, "arrivals taken out of order");
    m_now = cycle;
    if (cycle != m_taking_cycle) start_taking(cycle);
    if (m_taking_size == 0) return false;
    node = m_taking[--m_taking_size];
    --m_size;
    return true;
  }

 private:
  static constexpr uint32_t kNone = UINT32_MAX;
  struct Far {
    uint64_t cycle;
    uint32_t node;
    bool operator>(const Far& o) const { return cycle != o.cycle ? cycle > o.cycle : node > o.node; }
  };

  // Moves `cycle`'s arrivals (its bucket's list, the far ones due) into m_taking, sorted with
  // the lowest node at the back, each inserted in place. Buckets are short (the nodes due in
  // one cycle), and the bench files the arrivals of one round in increasing node order, which
  // its list holds reversed: most nodes go straight to the back.
  void start_taking(uint64_t cycle) {
    NMSIM_ASSERT(m_taking_size == 0, "arrivals of a cycle left untaken");
    m_taking_cycle = cycle;
    uint32_t& first = m_first[cycle & (kBuckets - 1)];
    for (uint32_t n = first; n != kNone; n = m_next[n]) insert_taking(n);
    first = kNone;
    while (!m_far.empty() && m_far.front().cycle == cycle) {
      insert_taking(m_far.front().node);
      std::pop_heap(m_far.begin(), m_far.end(), std::greater<>());
      m_far.pop_back();
    }
  }
  // Out of line: rare (far arrivals; same-cycle ones come from Poisson gaps only), and they
  // would make every push save registers.
  [[gnu::noinline]] void push_far(uint64_t cycle, uint32_t node) {
    m_far.push_back({cycle, node});
    std::push_heap(m_far.begin(), m_far.end(), std::greater<>());
  }
  [[gnu::noinline]] void push_taking(uint32_t node) { insert_taking(node); }
  // Into m_taking keeping it in decreasing order.
  void insert_taking(uint32_t node) {
    std::size_t i = m_taking_size++;
    while (i > 0 && m_taking[i - 1] < node) {
      m_taking[i] = m_taking[i - 1];
      --i;
    }
    m_taking[i] = node;
  }

  // Per bucket [cycle % kBuckets], the nodes due at that cycle as a list through m_next.
  std::vector<uint32_t> m_first;  // a bucket's first node, or kNone
  std::vector<uint32_t> m_next;   // [node]: the next node of its bucket, or kNone
  std::vector<Far> m_far;         // a min-heap of the arrivals kBuckets or more ahead
  std::vector<uint32_t> m_taking;  // [0, m_taking_size): what is left of m_taking_cycle's
  std::size_t m_taking_size = 0;   // arrivals, lowest node last (room for every node)
  uint64_t m_taking_cycle = UINT64_MAX;
  uint64_t m_now = 0;  // the cycle last taken from
  uint64_t m_size = 0;
};

}  // namespace nmsim::traffic
