// The seed sequence of a node's generator: the same words std::seed_seq{seed, node} generates
// (the algorithm of [rand.util.seedseq], the values taken mod 2^32 as seed_seq stores them),
// so each node draws exactly what it drew when seeded by std::seed_seq. Why not seed_seq
// itself: its indices are taken modulo the output length at run time, about 5,000 integer
// divisions to seed one std::mt19937_64 (28 us here; 115 ms of start-up on a 64 x 64 mesh),
// where this walks them with wrapping counters. tests/workloads/test_seed_sequence.cpp checks
// both give the same words for many seeds and lengths.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>

namespace nmsim::traffic {

class TwoValueSeedSequence {
 public:
  using result_type = uint32_t;
  TwoValueSeedSequence(uint64_t first, uint64_t second)
      : m_values{static_cast<uint32_t>(first), static_cast<uint32_t>(second)} {}

  static std::size_t size() { return 2; }

  // Fills [begin, end) with 32-bit words, as std::seed_seq::generate does.
  template <typename It>
  void generate(It begin, It end) const {
    const std::size_t n = static_cast<std::size_t>(end - begin);
    if (n == 0) return;
    std::fill(begin, end, 0x8b8b8b8bu);
    const std::size_t s = m_values.size();
    const std::size_t t = n >= 623 ? 11 : n >= 68 ? 7 : n >= 39 ? 5 : n >= 7 ? 3 : (n - 1) / 2;
    const std::size_t p = (n - t) / 2;
    const std::size_t q = p + t;
    const std::size_t m = std::max(s + 1, n);
    const auto mix = [](uint32_t x) { return x ^ (x >> 27); };
    const auto next = [n](std::size_t i) { return i + 1 == n ? 0 : i + 1; };
    // The indices k, k + p, k + q and k - 1, each modulo n.
    std::size_t i = 0, ip = p % n, iq = q % n, im = n - 1;
    for (std::size_t k = 0; k < m; ++k) {
      const uint32_t r1 = 1664525u * mix(static_cast<uint32_t>(begin[i] ^ begin[ip] ^ begin[im]));
      uint32_t r2 = r1 + static_cast<uint32_t>(i);
      if (k == 0) {
        r2 = r1 + static_cast<uint32_t>(s);
      } else if (k <= s) {
        r2 += m_values[k - 1];
      }
      begin[ip] += r1;
      begin[iq] += r2;
      begin[i] = r2;
      i = next(i), ip = next(ip), iq = next(iq), im = next(im);
    }
    for (std::size_t k = m; k < m + n; ++k) {
      const uint32_t r3 =
          1566083941u * mix(static_cast<uint32_t>(begin[i] + begin[ip] + begin[im]));
      const uint32_t r4 = r3 - static_cast<uint32_t>(i);
      begin[ip] ^= r3;
      begin[iq] ^= r4;
      begin[i] = r4;
      i = next(i), ip = next(ip), iq = next(iq), im = next(im);
    }
  }

 private:
  std::array<uint32_t, 2> m_values;
};

}  // namespace nmsim::traffic
