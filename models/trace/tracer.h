// Cycle-exact VCD traces for GTKWave. Models register named signals once (the name filter
// decides which are kept) and report value changes with the cycle they happen at, which may
// lie in the future of the kernel's time (a macro-operation knows when it ends). Changes are
// buffered, sorted and written only inside the time window, so a trace of a long run stays
// small. sc_trace was not used: it samples only when the kernel's time advances, which would
// lose pulses and every change inside a macro-operation.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/base/cycle.h"
#include "models/base/output_file.h"

namespace nmsim::trace {

struct TraceOptions {
  std::string path;                   // VCD file (models/base/output_file.h): whole or not at all
  std::vector<std::string> patterns;  // glob patterns over signal names ('*', '?'); empty: all
  Cycle start{};                      // first cycle written
  Cycle end{UINT64_MAX};              // last cycle written
  uint64_t period_ps = 1000;          // cycle length, for the VCD time axis (the kernel period, Clock::period_ps)
  std::size_t flush_threshold = std::size_t{1} << 20;  // buffered changes that trigger a flush
};

class Tracer;

// A handle to one traced signal; a no-op when tracing is off or the name was filtered out.
class Signal {
 public:
  Signal() = default;
  void set(Cycle at, uint64_t value) const;
  // A one-cycle pulse: 1 at `at`, 0 at at+1.
  void pulse(Cycle at) const;
  bool enabled() const { return m_tracer != nullptr; }

 private:
  friend class Tracer;
  Signal(Tracer* tracer, uint32_t id) : m_tracer(tracer), m_id(id) {}
  Tracer* m_tracer = nullptr;
  uint32_t m_id = 0;
};

class Tracer {
 public:
  explicit Tracer(TraceOptions options);
  ~Tracer();
  Tracer(const Tracer&) = delete;
  Tracer& operator=(const Tracer&) = delete;

  // name: hierarchical, dot separated (chip.node_0_0.router.in_east.occupancy).
  Signal add_signal(const std::string& name, uint32_t width_bits);
  void change(uint32_t id, Cycle at, uint64_t value);
  // Bounding memory on long runs. Contract: once the kernel is at cycle c, no model reports a
  // change for a cycle < c. The run loop passes the kernel's cycle here (at each time step or
  // barrier, say); when the buffer holds flush_threshold changes, change() writes every
  // buffered change before the safe cycle and drops it from memory. A change reported for a
  // cycle already written is a simulator bug (NMSIM_ASSERT). Without set_safe_cycle nothing is
  // flushed before finish().
  void set_safe_cycle(Cycle c);
  // Writes (to the output's temporary) every buffered change with cycle < c; later changes
  // must be >= c.
  void flush_before(Cycle c);
  // Writes the rest of the VCD: call once when the run ended normally (end: the run's last
  // cycle, written as the closing time stamp). Returns the whole file, not yet in place: the
  // caller commits it with the run's other outputs. Without finish() the destructor removes
  // the temporary, so a failed run leaves no half-written trace.
  [[nodiscard]] OutputFile finish(Cycle end);
  // Number of signals kept by the filter.
  std::size_t signal_count() const;

 private:
  struct Impl;
  Impl* m_impl;
};

// Glob match used by the filter: '*' any run, '?' one character.
bool glob_match(const std::string& pattern, const std::string& text);

}  // namespace nmsim::trace

