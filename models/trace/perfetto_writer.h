// Chrome trace-event JSON ({"traceEvents": [...]}), the format ui.perfetto.dev and
// chrome://tracing open: the tracer's signals as timelines. The Tracer (models/trace/tracer.h)
// keeps filtering by name and window and hands this writer each signal's value at the end of
// every cycle it changed, in cycle order; this writer only renders.
//
// Time axis: one chip cycle is 1 us (ts counts cycles); the real clock period is stated in
// "otherData". Layout, from a signal's dotted name:
// - process: the unit owning the signal, the name up to its first component ending in an index
//   (chip.core_0_0_0, chip.mesh.router_0_1, chip.mesh.ni_1_0), else all but its last component
//   (chip.host, chip.barrier);
// - thread: the rest of the name (activity, busy, sram.bank[0].busy, out_east.busy), one per
//   signal, so its spans always nest;
// - a state signal (activity, transfer, phase): a span per state, named after it; a state
//   named "idle" has none;
// - a one-bit level (busy, spike_out, delivered): a span per run of 1s, named after the leaf;
//   with span_gap > 0, runs less than span_gap idle cycles apart are one span whose
//   args.busy_cycles says how many of its cycles were busy (absent when all were);
// - a wider level (occupancy) or an event counter (busy_cycles, packets_sent): a counter
//   ("C" events) named like the statistic. With counter_every = N > 1, one sample per N-cycle
//   bucket, stamped at its first cycle: the largest value the signal had at the end of a cycle
//   of the bucket (a counter's last value, an occupancy's peak); a sample equal to the one
//   before is left out;
// - flows (an interface's packets): a one-cycle "inject" slice where a packet leaves its
//   source, a "deliver" slice where it reaches each destination core, joined by flow arrows
//   (Perfetto's v2 flows: "bind_id", "flow_out" on the source slice, "flow_in" on each
//   destination's: a multicast packet is one source slice and one arrow per destination).
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace nmsim::trace {

enum class SignalKind : uint8_t {
  kClock,    // the VCD's clock and cycle counter: not drawn
  kLevel,
  kCounter,
  kState,
  kFlows,
};

struct TimelineSignal {
  std::string name;
  uint32_t width_bits = 1;
  SignalKind kind = SignalKind::kLevel;
  std::vector<std::string> state_names;
  uint64_t initial = 0;  // the value at the window's start
};

struct TimelineOptions {
  uint64_t counter_every = 1;  // cycles per counter sample
  uint64_t span_gap = 0;       // one-bit levels: merge spans fewer idle cycles apart
  uint64_t period_ps = 1000;   // the chip's clock period, stated in the metadata
};

class PerfettoWriter {
 public:
  PerfettoWriter(std::ostream& out, TimelineOptions options);
  // The metadata (process and thread names) and every signal's initial value at `start`.
  void begin(const std::vector<TimelineSignal>& signals, uint64_t start);
  // Signal `id`'s value at the end of `cycle` (a new value; cycles never go back).
  void value(uint32_t id, uint64_t cycle, uint64_t value);
  // A flows signal's packet `flow_id` leaving (out) or arriving (in) at `cycle`.
  void flow(uint32_t id, uint64_t cycle, uint64_t flow_id, bool out);
  // Writes the buffered events to the stream.
  void flush();
  // Closes every span and counter at `end` (the first cycle past the trace) and the JSON.
  void end(uint64_t end);

 private:
  struct Track {
    SignalKind kind = SignalKind::kClock;
    uint32_t pid = 0;
    uint32_t tid = 0;
    std::string counter_name;           // a counter's name in its process, quoted and escaped
    std::string span_name;              // a level's span name, quoted and escaped
    std::vector<std::string> states;    // a state's span names, quoted and escaped; empty: idle
    uint64_t value = 0;                 // the value at the end of the last cycle written
    // Spans: the open (or, for merging, the last closed) span.
    bool span_pending = false;
    uint64_t span_start = 0;
    uint64_t span_end = 0;      // a level's: the end of its last run of 1s
    uint64_t on_since = 0;      // a level's: the start of its current run of 1s
    uint64_t busy_cycles = 0;   // a level's: 1s in the span so far
    // Counters: the bucket being sampled.
    uint64_t bucket = 0;
    uint64_t bucket_max = 0;
    uint64_t bucket_since = 0;  // the cycle bucket_max started from
    bool emitted_any = false;
    uint64_t emitted = 0;
  };

  void event_head(const char* ph, const Track& track, uint64_t ts);
  void emit_span(Track& track, uint64_t end);
  void emit_state_span(const Track& track, uint64_t state, uint64_t start, uint64_t end);
  void emit_sample(Track& track, uint64_t ts, uint64_t value);
  void close_bucket(Track& track);
  void number(uint64_t n);

  std::ostream& m_out;
  const TimelineOptions m_options;
  std::vector<Track> m_tracks;
  std::string m_buffer;
  bool m_first_event = true;
};

// `text` as a JSON string literal, quotes included.
std::string json_string(const std::string& text);

}  // namespace nmsim::trace
