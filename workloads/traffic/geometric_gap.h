// The Bernoulli generator's gap to its next packet: exactly the numbers
// std::geometric_distribution<uint64_t> draws from a std::mt19937_64 (the same draws of the
// generator, the same results), mostly without its std::log. The standard distribution maps
// one 64-bit draw x to floor(log(1 - x / 2^64) / log(1 - p)), a non-decreasing function of x.
// A table over the top bits of x holds that result for every cell of draws in which it is
// constant with a wide margin (checked at the cell's two ends at construction); a draw in
// any other cell (one near a step of the function, the last cell, p = 1) is handed, as drawn,
// to the standard distribution itself. tests/workloads/test_geometric_gap.cpp compares the
// two over millions of draws and at every cell's ends.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

namespace nmsim::traffic {

// A generator for a std distribution whose next draw is `first` (one the generator already
// drew), then the generator itself.
struct ReplayedDraw {
  using result_type = uint64_t;
  static constexpr result_type min() { return std::mt19937_64::min(); }
  static constexpr result_type max() { return std::mt19937_64::max(); }
  result_type operator()() {
    if (used) return rng();
    used = true;
    return first;
  }
  uint64_t first;
  std::mt19937_64& rng;
  bool used = false;
};

class GeometricGap {
 public:
  // `p` in (0, 1], as std::geometric_distribution takes it.
  explicit GeometricGap(double p);

  uint64_t operator()(std::mt19937_64& rng) { return from_draw(rng(), rng); }

  // The result for the generator's draw `x` (`rng` draws again only where the standard
  // distribution would: a result that does not fit in uint64_t).
  uint64_t from_draw(uint64_t x, std::mt19937_64& rng) {
    const uint16_t k = m_cells[x >> m_shift];
    if (k != kMixed) return k;
    return exact(x, rng);
  }

  // Cells of the table, those handed to the standard distribution, and whether draw `x`
  // falls in one of those (for tests).
  std::size_t cells() const { return m_cells.size(); }
  std::size_t mixed_cells() const;
  bool is_mixed(uint64_t x) const { return m_cells[x >> m_shift] == kMixed; }

 private:
  static constexpr uint16_t kMixed = UINT16_MAX;

  // The standard distribution fed `x` as the generator's next draw (then the generator).
  uint64_t exact(uint64_t x, std::mt19937_64& rng);

  std::geometric_distribution<uint64_t> m_standard;
  unsigned m_shift = 63;           // x >> m_shift is the cell
  std::vector<uint16_t> m_cells;   // per cell, the result or kMixed
};

}  // namespace nmsim::traffic
