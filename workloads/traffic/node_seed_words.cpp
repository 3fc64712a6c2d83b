#include "workloads/traffic/node_seed_words.h"

#include "models/base/avx2_clones.h"

namespace nmsim::traffic {

// Built twice (models/base/avx2_clones.h): with AVX2 a row's sixteen lanes are two registers
// and its multiplication two instructions (without, emulated 32-bit multiplies). 16 x 16 mesh:
// 10.4 M instructions one node at a time, 2.2 M eight at a time, 1.8 M sixteen.
NMSIM_AVX2_CLONES void NodeSeedWords::compute(uint64_t first) {
  const std::size_t n = m_words.size();
  for (Row& row : m_words) row.fill(0x8b8b8b8bu);
  constexpr std::size_t s = 2;  // the sequence's input words: seed, node
  const std::size_t t = n >= 623 ? 11 : n >= 68 ? 7 : n >= 39 ? 5 : n >= 7 ? 3 : (n - 1) / 2;
  const std::size_t p = (n - t) / 2;
  const std::size_t q = p + t;
  const std::size_t m = std::max(s + 1, n);
  const auto next = [n](std::size_t i) { return i + 1 == n ? 0 : i + 1; };
  // Row by row in the algorithm's order, each statement over all lanes: rows that coincide
  // (short lengths) are read and written in the same order as one node's words would be.
  std::size_t i = 0, ip = p % n, iq = q % n, im = n - 1;
  Row r1, r2;
  for (std::size_t k = 0; k < m; ++k) {
    const Row& a = m_words[i];
    const Row& b = m_words[ip];
    const Row& c = m_words[im];
    for (std::size_t l = 0; l < kLanes; ++l) {
      const uint32_t x = a[l] ^ b[l] ^ c[l];
      r1[l] = 1664525u * (x ^ (x >> 27));
    }
    // What r2 adds to r1: the input count at k = 0, then the index, plus the k-th input word.
    Row add;
    if (k == 0) {
      add.fill(static_cast<uint32_t>(s));
    } else {
      add.fill(static_cast<uint32_t>(i) + (k == 1 ? m_seed : 0u));
      if (k == 2) {
        for (std::size_t l = 0; l < kLanes; ++l) add[l] += static_cast<uint32_t>(first + l);
      }
    }
    for (std::size_t l = 0; l < kLanes; ++l) r2[l] = r1[l] + add[l];
    for (std::size_t l = 0; l < kLanes; ++l) m_words[ip][l] += r1[l];
    for (std::size_t l = 0; l < kLanes; ++l) m_words[iq][l] += r2[l];
    m_words[i] = r2;
    i = next(i), ip = next(ip), iq = next(iq), im = next(im);
  }
  for (std::size_t k = m; k < m + n; ++k) {
    const Row& a = m_words[i];
    const Row& b = m_words[ip];
    const Row& c = m_words[im];
    Row r3, r4;
    for (std::size_t l = 0; l < kLanes; ++l) {
      const uint32_t x = a[l] + b[l] + c[l];
      r3[l] = 1566083941u * (x ^ (x >> 27));
      r4[l] = r3[l] - static_cast<uint32_t>(i);
    }
    for (std::size_t l = 0; l < kLanes; ++l) m_words[ip][l] ^= r3[l];
    for (std::size_t l = 0; l < kLanes; ++l) m_words[iq][l] ^= r4[l];
    m_words[i] = r4;
    i = next(i), ip = next(ip), iq = next(iq), im = next(im);
  }
}

}  // namespace nmsim::traffic
