// The traffic bench's pending arrivals (one per node, each at its next packet's cycle), taken
// in (cycle, node) order as a min-heap would give them, at a fraction of a heap's cost: a
// calendar of kBuckets buckets, one per cycle of the next kBuckets cycles, and a heap for the
// rare arrival further ahead. A bucket holds only arrivals of one cycle: an arrival is filed
// at most kBuckets - 1 cycles after the cycle being taken, and every arrival of a cycle is
// taken at that cycle. A bucket is a set of nodes, a bit per node (kBuckets * nodes / 8 bytes:
// 32 KB for 16 x 16 nodes), taken lowest first by counting trailing zeros.
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
      : m_nodes(nodes), m_words((nodes + 63) / 64), m_bits(kBuckets * m_words), m_count(kBuckets) {
    m_far.reserve(nodes);
  }

  bool empty() const { return m_size == 0; }

  // Files `node`'s next arrival; `cycle` >= the cycle last taken from (or 0 before any).
  void push(uint64_t cycle, uint32_t node) {
    NMSIM_ASSERT(cycle >= m_now, "arrival filed in the past");
    NMSIM_ASSERT(node < m_nodes, "arrival of a node outside the calendar");
    ++m_size;
    if (cycle - m_now < kBuckets) {
      const uint64_t bucket = cycle & (kBuckets - 1);
      m_bits[bucket * m_words + node / 64] |= uint64_t{1} << (node % 64);
      ++m_count[bucket];
      // Filed for the cycle being taken (a Poisson gap under one cycle) below the word the
      // taking had reached: take from there again.
      if (cycle == m_taking_cycle && node / 64 < m_word) m_word = node / 64;
    } else {
      push_far(cycle, node);
    }
  }

  // The earliest cycle with an arrival (the calendar is not empty).
  uint64_t next_cycle() const {
    NMSIM_ASSERT(m_size > 0, "no arrival filed");
    const uint64_t far = m_far.empty() ? UINT64_MAX : m_far.front().cycle;
    const uint64_t end = std::min(far, m_now + kBuckets);
    for (uint64_t c = m_now; c < end; ++c) {
      if (m_count[c & (kBuckets - 1)] != 0) return c;
    }
    return far;
  }

  // Takes the arrival of `cycle` with the lowest node, if any (`cycle` = next_cycle(), or the
  // cycle last taken from: arrivals filed for it meanwhile are taken in node order too).
  bool pop(uint64_t cycle, uint32_t& node) {
    NMSIM_ASSERT(cycle >= m_now, "arrivals taken out of order");
    m_now = cycle;
    if (cycle != m_taking_cycle) start_taking(cycle);
    const uint64_t bucket = cycle & (kBuckets - 1);
    if (m_count[bucket] == 0) return false;
    uint64_t* bits = &m_bits[bucket * m_words];
    while (bits[m_word] == 0) ++m_word;  // a set bit lies ahead: the count is not zero
    const unsigned bit = static_cast<unsigned>(__builtin_ctzll(bits[m_word]));
    bits[m_word] &= bits[m_word] - 1;
    node = static_cast<uint32_t>(m_word * 64 + bit);
    --m_count[bucket];
    --m_size;
    return true;
  }

 private:
  struct Far {
    uint64_t cycle;
    uint32_t node;
    bool operator>(const Far& o) const { return cycle != o.cycle ? cycle > o.cycle : node > o.node; }
  };

  // Starts taking `cycle`'s arrivals from the lowest word of its bucket, the far ones due
  // filed into it first.
  void start_taking(uint64_t cycle) {
    NMSIM_ASSERT(m_taking_cycle == UINT64_MAX || m_count[m_taking_cycle & (kBuckets - 1)] == 0,
                 "arrivals of a cycle left untaken");
    m_taking_cycle = cycle;
    m_word = 0;
    const uint64_t bucket = cycle & (kBuckets - 1);
    while (!m_far.empty() && m_far.front().cycle == cycle) {
      const uint32_t node = m_far.front().node;
      m_bits[bucket * m_words + node / 64] |= uint64_t{1} << (node % 64);
      ++m_count[bucket];
      std::pop_heap(m_far.begin(), m_far.end(), std::greater<>());
      m_far.pop_back();
    }
  }
  // Out of line: rare, and it would make every push save registers.
  [[gnu::noinline]] void push_far(uint64_t cycle, uint32_t node) {
    m_far.push_back({cycle, node});
    std::push_heap(m_far.begin(), m_far.end(), std::greater<>());
  }

  const uint32_t m_nodes;
  const std::size_t m_words;      // 64-bit words of one bucket's node set
  std::vector<uint64_t> m_bits;   // [bucket * m_words + node / 64]: the nodes due at a cycle
  std::vector<uint32_t> m_count;  // [bucket]: how many
  std::vector<Far> m_far;         // a min-heap of the arrivals kBuckets or more ahead
  uint64_t m_taking_cycle = UINT64_MAX;  // the cycle being taken
  std::size_t m_word = 0;  // its bucket's words below this one are empty
  uint64_t m_now = 0;      // the cycle last taken from
  uint64_t m_size = 0;
};

}  // namespace nmsim::traffic
