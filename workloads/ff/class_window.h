// The host's side of FF's class-aware complexity adaptation (reference.h step 8): a ring
// buffer of (label, wrong) for the last W training samples, per-class counters that follow
// it, and alpha (Q8, per class) recomputed every `interval` samples with 20 divisions. The
// host keeps it because the window is state across samples and the divisions are rare; the
// leader cores only receive alpha of each sample's label.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

namespace nmsim::ff {

class ClassWindow {
 public:
  static constexpr uint32_t kClasses = 10;

  // window >= 1 and interval >= 1 (checked by the reference's option check).
  ClassWindow(uint32_t window, uint32_t interval);

  // One trained sample (wrong: its prediction before the update missed the label); after
  // every interval-th sample alpha is recomputed. Returns whether it was.
  bool record(uint32_t label, bool wrong);
  // alpha_c in Q8 (256 = 1.0); 256 for every class until the first recomputation.
  uint32_t alpha(uint32_t c) const { return m_alpha[c]; }

 private:
  void recompute_alpha();

  const uint32_t m_interval;
  std::vector<uint8_t> m_entries;  // label | wrong << 7
  uint32_t m_fill = 0, m_next = 0;
  uint64_t m_recorded = 0;
  std::array<uint32_t, kClasses> m_count{}, m_wrong{};
  std::array<uint32_t, kClasses> m_alpha{};
};

}  // namespace nmsim::ff
