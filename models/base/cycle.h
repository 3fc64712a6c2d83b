// Cycles are integers, never derived from floating-point time. Cycle is a strong type so a
// cycle count cannot be mixed with an sc_time or a plain count by accident (gem5's Cycles).
#pragma once

#include <cstdint>
#include <systemc>

namespace nmsim {

class Cycle {
 public:
  constexpr Cycle() = default;
  constexpr explicit Cycle(uint64_t value) : m_value(value) {}
  constexpr uint64_t value() const { return m_value; }

  constexpr Cycle operator+(uint64_t n) const { return Cycle(m_value + n); }
  constexpr Cycle& operator+=(uint64_t n) { m_value += n; return *this; }
  constexpr uint64_t operator-(Cycle other) const { return m_value - other.m_value; }
  constexpr bool operator==(Cycle o) const { return m_value == o.m_value; }
  constexpr bool operator!=(Cycle o) const { return m_value != o.m_value; }
  constexpr bool operator<(Cycle o) const { return m_value < o.m_value; }
  constexpr bool operator<=(Cycle o) const { return m_value <= o.m_value; }
  constexpr bool operator>(Cycle o) const { return m_value > o.m_value; }
  constexpr bool operator>=(Cycle o) const { return m_value >= o.m_value; }

 private:
  uint64_t m_value = 0;
};

// A cycle that never comes (the wake of what has nothing to do).
inline constexpr Cycle kNever{UINT64_MAX};

inline Cycle max(Cycle a, Cycle b) { return a < b ? b : a; }
inline Cycle min(Cycle a, Cycle b) { return a < b ? a : b; }

// The chip clock: the one place where sc_time and cycles meet. Any positive frequency
// works: the kernel's period is the true period rounded to whole picoseconds (the kernel's
// resolution), used only to order events, so cycle counts are integers that never drift;
// simulated time is computed from cycles and the frequency, never from the kernel's time.
class Clock {
 public:
  // frequency_mhz must give a kernel period of at least 1 ps (checked by config validation).
  explicit Clock(double frequency_mhz);

  double frequency_mhz() const { return m_frequency_mhz; }
  // The kernel period: 1e6 / frequency_mhz ps rounded to a whole ps (exact for 200 MHz,
  // 3003 ps for 333 MHz). Orders events and spaces the VCD's cycles; not simulated time.
  sc_core::sc_time period() const { return m_period; }
  uint64_t period_ps() const { return m_period_ps; }
  // Simulated time of `cycles` cycles at the true frequency: cycles x 1e6 / frequency_mhz ps
  // (exact for whole-ps periods while cycles x 1e6 < 2^53, otherwise within a rounding).
  double picoseconds(uint64_t cycles) const { return static_cast<double>(cycles) * 1e6 / m_frequency_mhz; }
  // The current cycle: integer division of the kernel's integer time stamp.
  Cycle now() const;
  sc_core::sc_time to_time(Cycle c) const;
  // The cycle a kernel time falls in (integer division; times between edges round down).
  Cycle cycle_of(const sc_core::sc_time& t) const { return Cycle(t.value() / m_period_ticks); }
  // Suspends the calling SC_THREAD until cycle c (no-op if c is now or past).
  void wait_until(Cycle c) const;

 private:
  double m_frequency_mhz;
  uint64_t m_period_ps;
  sc_core::sc_time m_period;
  uint64_t m_period_ticks;  // period in kernel resolution units
};

}  // namespace nmsim
