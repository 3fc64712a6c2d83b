#include "models/base/phase.h"

namespace nmsim {

const char* phase_name(Phase p) {
  switch (p) {
    case Phase::kHostIo: return "host_io";
    case Phase::kForward: return "forward";
    case Phase::kBackward: return "backward";
    case Phase::kUpdate: return "update";
  }
  return "unknown";
}

uint64_t PhaseCounter::total() const {
  uint64_t sum = 0;
  for (uint64_t v : by_phase) sum += v;
  return sum;
}

void PhaseRegister::set(Phase next, Cycle now) {
  m_cycles[static_cast<std::size_t>(m_current)] += now - m_since;
  m_since = now;
  m_current = next;
}

std::array<uint64_t, kPhaseCount> PhaseRegister::cycles(Cycle now) const {
  auto result = m_cycles;
  result[static_cast<std::size_t>(m_current)] += now - m_since;
  return result;
}

}  // namespace nmsim
