// Cycle-exact waveform traces for GTKWave: VCD text, or FST (models/trace/vcd2fst_process.h).
// Models register named signals once (the name filter decides which are kept) and report value
// changes with the cycle they happen at, which may lie in the future of the kernel's time (a
// macro-operation knows when it ends). Changes are buffered, sorted and written only inside the
// time window, so a trace of a long run stays small. sc_trace was not used: it samples only
// when the kernel's time advances, which would lose pulses and every change inside a
// macro-operation.
//
// What a viewer shows: the time axis counts cycles (one cycle is 1 ns on it: 10 units of
// 100 ps, the real period is stated in the header's $comment), so a cursor reads the cycle
// --trace-start/--trace-end take; every trace has the clock `nmsim.clk` (high in the first half
// of each cycle) and the counter `nmsim.cycle`. Three kinds of signal:
// - a level (busy, occupancy): set() and pulse(); back-to-back pulses merge into one level;
// - a counter (an event count named after its statistic, bank[0].busy_cycles): count() adds,
//   so events stay countable however close they come, and its last value is the statistic;
// - a state (a core's activity): a string-valued signal showing the state's name. Chosen over a
//   GTKWave translate-filter file: the names live in the trace itself, so they survive copying
//   the file and the FST conversion, and need no setup in GTKWave, Surfer or a script.
// Perfetto (Chrome trace-event JSON, models/trace/perfetto_writer.h) draws the same signals as
// spans, counters and flows, through the same filter and window. Two kinds exist for it only
// (a VCD or FST leaves them out, so waveforms stay as they were): a timeline state (the chip's
// phase, the host link's transfers) and flows (packets from source to destinations).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/base/cycle.h"
#include "models/base/output_file.h"
#include "models/base/sim_context.h"
#include "models/trace/glob.h"

namespace nmsim::trace {

enum class TraceFormat { kVcd, kFst, kPerfetto };

struct TraceOptions {
  std::string path;                   // the trace file (models/base/output_file.h): whole or not at all
  TraceFormat format = TraceFormat::kVcd;
  std::vector<std::string> patterns;  // glob patterns over signal names ('*', '?'); empty: all
  Cycle start{};                      // first cycle written
  Cycle end{UINT64_MAX};              // last cycle written
  uint64_t period_ps = 1000;          // the chip's clock period, stated in the header (Clock::period_ps)
  std::size_t flush_threshold = std::size_t{1} << 20;  // buffered changes that trigger a flush
  // Perfetto only (models/trace/perfetto_writer.h): cycles per counter sample, and the idle
  // gap under which a unit's busy spans merge (0: never).
  uint64_t counter_every = 1;
  uint64_t span_gap = 0;
};

// What a buffered change does.
enum class ChangeKind : uint8_t { kSet, kAdd, kFlowOut, kFlowIn };

class Tracer;

// A handle to one traced signal; a no-op when tracing is off or the name was filtered out.
class Signal {
 public:
  Signal() = default;
  // The checks are inline: models call these per access and per flit, traced or not, and an
  // untraced run must pay a compare, not a call.
  // A level's value, a state's index.
  void set(Cycle at, uint64_t value) const {
    if (m_tracer != nullptr) record_set(at, value);
  }
  // A level's one-cycle pulse: 1 at `at`, 0 at at+1.
  void pulse(Cycle at) const {
    if (m_tracer != nullptr) record_pulse(at);
  }
  // A counter's events at `at`.
  void count(Cycle at, uint64_t events = 1) const {
    if (m_tracer != nullptr) record_count(at, events);
  }
  // A flows signal's packet `flow` leaving its source (out) or reaching a destination (in).
  void flow_out(Cycle at, uint64_t flow) const {
    if (m_tracer != nullptr) record_flow(at, flow, ChangeKind::kFlowOut);
  }
  void flow_in(Cycle at, uint64_t flow) const {
    if (m_tracer != nullptr) record_flow(at, flow, ChangeKind::kFlowIn);
  }
  bool enabled() const { return m_tracer != nullptr; }

 private:
  friend class Tracer;
  void record_set(Cycle at, uint64_t value) const;
  void record_pulse(Cycle at) const;
  void record_count(Cycle at, uint64_t events) const;
  void record_flow(Cycle at, uint64_t flow, ChangeKind kind) const;
  Signal(Tracer* tracer, uint32_t id) : m_tracer(tracer), m_id(id) {}
  Tracer* m_tracer = nullptr;
  uint32_t m_id = 0;
};

class Tracer {
 public:
  // Opens the output (and starts vcd2fst for FST): ConfigError or DataError before the run.
  explicit Tracer(TraceOptions options);
  ~Tracer();
  Tracer(const Tracer&) = delete;
  Tracer& operator=(const Tracer&) = delete;

  // name: hierarchical, dot separated (chip.node_0_0.router.in_east.occupancy).
  Signal add_signal(const std::string& name, uint32_t width_bits);
  // A 64-bit event counter starting at 0.
  Signal add_counter(const std::string& name);
  // A state signal: set(at, i) shows state_names[i] (names without spaces).
  Signal add_states(const std::string& name, const std::vector<std::string>& state_names);
  // A state signal for timelines only (Perfetto); a no-op Signal in a VCD or FST.
  Signal add_timeline_states(const std::string& name, const std::vector<std::string>& state_names);
  // Packets as flows: flow_out where one leaves, flow_in where it arrives (Perfetto only).
  Signal add_flows(const std::string& name);
  // Call once the design registered its signals, before the run: ConfigError for a pattern
  // that matched no signal, naming the nearest signal names.
  void check_patterns() const;

  void change(uint32_t id, Cycle at, uint64_t value, ChangeKind kind);
  // Bounding memory on long runs. Contract: once the kernel is at cycle c, no model reports a
  // change for a cycle < c. The run loop passes the kernel's cycle here (at each time step or
  // barrier, say); when the buffer holds flush_threshold changes, change() writes every
  // buffered change before the safe cycle and drops it from memory. A change reported for a
  // cycle already written is a simulator bug (NMSIM_ASSERT). Without set_safe_cycle nothing is
  // flushed before finish().
  void set_safe_cycle(Cycle c);
  // Writes (to the output's temporary) every buffered change with cycle < c, and the clock up
  // to c; later changes must be >= c.
  void flush_before(Cycle c);
  // Writes the rest of the trace: call once when the run ended normally (end: the run's last
  // cycle; the clock runs through it, later changes are dropped). Returns the whole file, not yet in place: the caller
  // commits it with the run's other outputs. Without finish() the destructor removes the
  // temporary, so a failed run leaves no half-written trace.
  [[nodiscard]] OutputFile finish(Cycle end);
  // Number of signals kept by the filter (the clock and the cycle counter included).
  std::size_t signal_count() const;

 private:
  Signal add(const std::string& name, uint32_t width_bits, bool counter, const std::vector<std::string>& state_names,
             bool flows = false);
  struct Impl;
  Impl* m_impl;
};

// The run's tracer if `options` asks for one, attached to ctx (ctx.tracer; null otherwise), with
// ctx's clock period.
std::unique_ptr<Tracer> attach_tracer(const std::optional<TraceOptions>& options, SimContext& ctx);

}  // namespace nmsim::trace
