#include "workloads/traffic/geometric_gap.h"

#include <algorithm>
#include <cmath>

namespace nmsim::traffic {

namespace {

// The standard library's uniform double from one 64-bit draw (generate_canonical<double, 53>
// over a 2^64 range: one draw, divided by 2^64; a result of 1 never occurs in a cell used
// here, as it needs x >= 2^64 - 2^10, in the last cell, which is never used).
double canonical(uint64_t x) { return static_cast<double>(x) / 18446744073709551616.0; }

}  // namespace

GeometricGap::GeometricGap(double p) : m_standard(p) {
  // Enough cells that about 1 in 30 draws or fewer falls in a cell holding a step (a step
  // every 1 / p in units of the result, the cells finer than that by 128x at small x).
  std::size_t cells = 2;
  while (cells < (std::size_t{1} << 14) && cells * p < 128) cells *= 2;
  m_shift = 64 - static_cast<unsigned>(__builtin_ctzll(cells));
  m_cells.assign(cells, kMixed);
  const double log_1_p = std::log(1.0 - p);
  if (!std::isfinite(log_1_p) || log_1_p >= 0) return;  // p = 1 (or no p): every draw exact
  // The result for draw x is floor(c(x)), c(x) the library's double computation of
  // w(x) = ln(1 - x / 2^64) / log_1_p, which is non-decreasing in x. c's error against w is
  // below 1e-14 / |log_1_p| + 2e-16 (1 + |w|) for a log within 1 ulp (rounding 1 - u,
  // the log's 1 ulp on a result of at most 45 in size, the division). A cell whose two ends'
  // computed w lie in [k + m, k + 1 - m], m = 1e-9 (1 + |w|) max(1, 1 / |log_1_p|) (about
  // 10^4 times twice that error), has w in [k + m - err, k + 1 - m + err] throughout, so
  // every c(x) in it floors to k. Below, no margin is needed at 0: c(x) is never below
  // zero (the log of a number at most 1 divided by a negative number).
  const double scale = std::max(1.0, 1.0 / -log_1_p);
  const auto margin = [&](double w_high) { return 1e-9 * (1 + std::fabs(w_high)) * scale; };
  const auto w = [&](uint64_t x) { return std::log(1.0 - canonical(x)) / log_1_p; };
  const auto w_end = [&](std::size_t cell) { return w(static_cast<uint64_t>(cell + 1) << m_shift); };
  // The cells in order (the last one stays exact), w_low the current cell's lower end. After
  // a cell found to hold k, the cells up to the next step (near u = 1 - (1 - p)^(k + 1)) are
  // checked at once: every draw between the cell's upper end and the upper end of the last
  // cell before the step has w within [k + m, k + 1 - m], m the margin of the larger end.
  // Near a step, and where the steps are closer than a cell, cells are taken one by one.
  double w_low = w(0);
  std::size_t cell = 0;
  while (cell + 1 < cells) {
    const double w_high = w_end(cell);
    const double m = margin(w_high);
    const double k = std::floor(std::max(0.0, w_low - m));
    w_low = w_high;
    if (k != std::floor(w_high + m) || k >= kMixed) {
      ++cell;
      continue;
    }
    m_cells[cell] = static_cast<uint16_t>(k);
    const double step = std::floor((1.0 - std::exp((k + 1) * log_1_p)) * static_cast<double>(cells));
    for (double before = step - 1; before > static_cast<double>(cell) && before >= step - 3; --before) {
      const std::size_t last = std::min(static_cast<std::size_t>(before), cells - 2);
      if (last <= cell) break;
      const double w_last = w_end(last);
      const double m_last = margin(w_last);
      if (std::floor(w_high - m_last) == k && std::floor(w_last + m_last) == k) {
        std::fill(m_cells.begin() + static_cast<std::ptrdiff_t>(cell) + 1,
                  m_cells.begin() + static_cast<std::ptrdiff_t>(last) + 1, static_cast<uint16_t>(k));
        cell = last;
        w_low = w_last;
        break;
      }
    }
    ++cell;
  }
}

std::size_t GeometricGap::mixed_cells() const {
  return static_cast<std::size_t>(std::count(m_cells.begin(), m_cells.end(), kMixed));
}

uint64_t GeometricGap::exact(uint64_t x, std::mt19937_64& rng) {
  ReplayedDraw replay{x, rng};
  return m_standard(replay);
}

}  // namespace nmsim::traffic
