// One bit per input line (axon): the integrate unit's view of which inputs spiked in a
// time step. Scanned in ascending line order, which fixes the accumulation order and so
// makes saturating arithmetic independent of packet arrival order.
#pragma once

#include <cstdint>
#include <vector>

namespace nmsim {

class SpikeBitmap {
 public:
  SpikeBitmap() = default;
  explicit SpikeBitmap(uint32_t lines) { resize(lines); }

  void resize(uint32_t lines) {
    m_lines = lines;
    m_words.assign((lines + 63) / 64, 0);
  }
  uint32_t size() const { return m_lines; }
  void set(uint32_t line) { m_words[line >> 6] |= uint64_t{1} << (line & 63); }
  bool test(uint32_t line) const { return (m_words[line >> 6] >> (line & 63)) & 1; }
  void clear() {
    for (auto& w : m_words) w = 0;
  }
  uint32_t count() const {
    uint32_t n = 0;
    for (uint64_t w : m_words) n += static_cast<uint32_t>(__builtin_popcountll(w));
    return n;
  }
  // Calls f(line) for every set line, ascending.
  template <typename F>
  void for_each(F&& f) const {
    for (std::size_t i = 0; i < m_words.size(); ++i) {
      uint64_t w = m_words[i];
      while (w) {
        const int bit = __builtin_ctzll(w);
        f(static_cast<uint32_t>(i * 64 + bit));
        w &= w - 1;
      }
    }
  }
  bool operator==(const SpikeBitmap& o) const { return m_lines == o.m_lines && m_words == o.m_words; }
  bool operator!=(const SpikeBitmap& o) const { return !(*this == o); }
  const std::vector<uint64_t>& words() const { return m_words; }

 private:
  uint32_t m_lines = 0;
  std::vector<uint64_t> m_words;
};

}  // namespace nmsim
