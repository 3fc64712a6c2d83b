#include "workloads/ff/class_window.h"

#include <algorithm>

#include "models/base/errors.h"

namespace nmsim::ff {

namespace {
constexpr uint64_t kOne = 256;  // 1.0 in Q8
constexpr uint8_t kWrongBit = 0x80;
}  // namespace

ClassWindow::ClassWindow(uint32_t window, uint32_t interval) : m_interval(interval), m_entries(window, 0) {
  NMSIM_ASSERT(window >= 1 && interval >= 1, "class window: window and interval must be >= 1");
  m_alpha.fill(static_cast<uint32_t>(kOne));
}

bool ClassWindow::record(uint32_t label, bool wrong) {
  NMSIM_ASSERT(label < kClasses, "class window: label out of range");
  if (m_fill == m_entries.size()) {  // the oldest entry leaves the window
    const uint8_t old = m_entries[m_next];
    const uint32_t c = old & ~kWrongBit;
    --m_count[c];
    if (old & kWrongBit) --m_wrong[c];
  } else {
    ++m_fill;
  }
  m_entries[m_next] = static_cast<uint8_t>(label | (wrong ? kWrongBit : 0));
  if (++m_next == m_entries.size()) m_next = 0;
  ++m_count[label];
  if (wrong) ++m_wrong[label];
  if (++m_recorded % m_interval != 0) return false;
  recompute_alpha();
  return true;
}

void ClassWindow::recompute_alpha() {
  std::array<uint64_t, kClasses> rate{};
  uint64_t rate_sum = 0;
  for (uint32_t c = 0; c < kClasses; ++c) {
    rate[c] = m_count[c] > 0 ? (uint64_t{m_wrong[c]} << 16) / m_count[c] : 0;  // Q16 error rate
    rate_sum += rate[c];
  }
  if (rate_sum == 0) {
    m_alpha.fill(static_cast<uint32_t>(kOne));
    return;
  }
  // d_c / mean d, clamped to [0.5, 2], then renormalised to mean 1.
  std::array<uint64_t, kClasses> clamped{};
  uint64_t clamped_sum = 0;
  for (uint32_t c = 0; c < kClasses; ++c) {
    clamped[c] = std::clamp<uint64_t>((rate[c] * kClasses * kOne + rate_sum / 2) / rate_sum, kOne / 2, kOne * 2);
    clamped_sum += clamped[c];
  }
  for (uint32_t c = 0; c < kClasses; ++c) {
    m_alpha[c] = static_cast<uint32_t>((clamped[c] * kClasses * kOne + clamped_sum / 2) / clamped_sum);
  }
}

}  // namespace nmsim::ff
