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
