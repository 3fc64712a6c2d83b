// std::seed_seq's output, computed without its three divisions per step.
//
// Every traffic node seeds its own std::mt19937_64 from {traffic.seed, node}; std::seed_seq
// fills the generator's 624 words with a `% n` on each of three indices per step, and that
// was 5 % of a short run's instructions (64 nodes at 8 x 8). This class runs the same
// algorithm ([rand.util.seedseq]) with indices that wrap by comparison, so the words, and
// every draw after them, are the ones std::seed_seq gives (tests/workloads/test_seed_sequence.cpp
// compares them for many lengths and seeds).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <vector>

namespace nmsim::traffic {

class SeedSequence {
 public:
  using result_type = uint32_t;

  // Each value keeps its low 32 bits, as std::seed_seq's does.
  SeedSequence(std::initializer_list<uint64_t> values) : SeedSequence(values.begin(), values.end()) {}
  template <typename Iterator>
  SeedSequence(Iterator first, Iterator last) {
    for (; first != last; ++first) m_words.push_back(static_cast<uint32_t>(*first));
  }

  std::size_t size() const { return m_words.size(); }

  template <typename Iterator>
  void generate(Iterator begin, Iterator end) const {
    const std::size_t n = static_cast<std::size_t>(std::distance(begin, end));
    if (n == 0) return;
    std::fill(begin, end, 0x8b8b8b8bu);
    const std::size_t s = m_words.size();
    const std::size_t t = n >= 623 ? 11 : n >= 68 ? 7 : n >= 39 ? 5 : n >= 7 ? 3 : (n - 1) / 2;
    const std::size_t p = (n - t) / 2;
    const std::size_t q = p + t;
    const std::size_t m = std::max(s + 1, n);
    // i = k mod n, ip = (k + p) mod n, iq = (k + q) mod n, before = (k - 1) mod n.
    std::size_t i = 0, ip = p, iq = q, before = n - 1;
    auto at = [&](std::size_t index) -> decltype(*begin) { return begin[static_cast<std::ptrdiff_t>(index)]; };
    auto advance = [&] {
      before = i;
      if (++i == n) i = 0;
      if (++ip == n) ip = 0;
      if (++iq == n) iq = 0;
    };
    for (std::size_t k = 0; k < m; ++k) {
      const uint32_t r1 = 1664525u * mix(static_cast<uint32_t>(at(i) ^ at(ip) ^ at(before)));
      uint32_t r2 = r1;
      if (k == 0) {
        r2 += static_cast<uint32_t>(s);
      } else if (k <= s) {
        r2 += static_cast<uint32_t>(i) + m_words[k - 1];
      } else {
        r2 += static_cast<uint32_t>(i);
      }
      at(ip) = static_cast<uint32_t>(at(ip) + r1);
      at(iq) = static_cast<uint32_t>(at(iq) + r2);
      at(i) = r2;
      advance();
    }
    for (std::size_t k = m; k < m + n; ++k) {
      const uint32_t r3 = 1566083941u * mix(static_cast<uint32_t>(at(i) + at(ip) + at(before)));
      const uint32_t r4 = r3 - static_cast<uint32_t>(i);
      at(ip) = static_cast<uint32_t>(at(ip) ^ r3);
      at(iq) = static_cast<uint32_t>(at(iq) ^ r4);
      at(i) = r4;
      advance();
    }
  }

 private:
  static uint32_t mix(uint32_t x) { return x ^ (x >> 27); }

  std::vector<uint32_t> m_words;
};

}  // namespace nmsim::traffic
