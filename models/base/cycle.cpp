#include "models/base/cycle.h"

#include <cmath>

#include "models/base/errors.h"

namespace nmsim {

Clock::Clock(double frequency_mhz)
    : m_frequency_mhz(frequency_mhz),
      m_period_ps(static_cast<uint64_t>(std::llround(1e6 / frequency_mhz))),
      m_period(static_cast<double>(m_period_ps), sc_core::SC_PS),
      m_period_ticks(m_period.value()) {
  NMSIM_ASSERT(frequency_mhz > 0 && m_period_ticks > 0, "clock period below the kernel's time resolution");
}

Cycle Clock::now() const { return Cycle(sc_core::sc_time_stamp().value() / m_period_ticks); }

sc_core::sc_time Clock::to_time(Cycle c) const {
  return sc_core::sc_time::from_value(c.value() * m_period_ticks);
}

void Clock::wait_until(Cycle c) const {
  const uint64_t target = c.value() * m_period_ticks;
  const uint64_t current = sc_core::sc_time_stamp().value();
  if (target > current) sc_core::wait(sc_core::sc_time::from_value(target - current));
}

}  // namespace nmsim
