// Execution phases. Every counted event and every cycle belongs to the phase the chip is in;
// the firmware changes phase only at a barrier, so all cores agree on it.
#pragma once

#include <array>
#include <cstdint>

#include "models/base/cycle.h"

namespace nmsim {

enum class Phase : uint8_t { kHostIo = 0, kForward, kBackward, kUpdate };
constexpr std::size_t kPhaseCount = 4;
const char* phase_name(Phase p);

// A counter split by phase: the hot path adds to one slot, the report sums.
struct PhaseCounter {
  std::array<uint64_t, kPhaseCount> by_phase{};
  void add(Phase p, uint64_t n = 1) { by_phase[static_cast<std::size_t>(p)] += n; }
  uint64_t total() const;
  uint64_t operator[](Phase p) const { return by_phase[static_cast<std::size_t>(p)]; }
};

// Where a stat's counts are: a PhaseCounter, or one object's column of phase-major arrays (a
// count per phase, `stride` apart), which a hot path over many objects keeps dense.
struct PhaseCounterRef {
  const uint64_t* first = nullptr;
  std::size_t stride = 1;
  PhaseCounterRef(const PhaseCounter& counter) : first(counter.by_phase.data()) {}  // NOLINT: implicit on purpose
  PhaseCounterRef(const uint64_t* first_phase, std::size_t phase_stride)
      : first(first_phase), stride(phase_stride) {}
  PhaseCounter value() const {
    PhaseCounter counts;
    for (std::size_t p = 0; p < kPhaseCount; ++p) counts.by_phase[p] = first[p * stride];
    return counts;
  }
};

// The chip's current phase and the cycles spent in each.
class PhaseRegister {
 public:
  Phase current() const { return m_current; }
  // Switches phase at cycle `now`, charging the cycles since the last switch to the old one.
  void set(Phase next, Cycle now);
  // Cycles per phase up to `now`.
  std::array<uint64_t, kPhaseCount> cycles(Cycle now) const;

 private:
  Phase m_current = Phase::kHostIo;
  Cycle m_since{};
  std::array<uint64_t, kPhaseCount> m_cycles{};
};

}  // namespace nmsim
