#include "models/trace/tracer.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <unordered_map>
#include <utility>

#include "models/base/errors.h"
#include "models/base/output_file.h"
#include "models/trace/perfetto_writer.h"
#include "models/trace/vcd2fst_process.h"

namespace nmsim::trace {

namespace {

// Time units of the trace a cycle: the clock falls half way, and with a 100 ps unit the
// viewer's nanoseconds are cycles.
constexpr uint64_t kUnitsPerCycle = 10;
constexpr const char* kClockName = "nmsim.clk";
constexpr const char* kCycleName = "nmsim.cycle";
constexpr std::size_t kNearestShown = 5;

struct Change {
  uint64_t cycle;
  uint64_t seq;  // report order: breaks ties within a cycle (the last change wins)
  uint32_t id;
  ChangeKind kind;
  uint64_t value;
};

struct SignalInfo {
  std::string name;
  uint32_t width_bits;
  bool counter = false;
  std::vector<std::string> state_names;  // a state signal's names; empty otherwise
  bool flows = false;
  std::string code;           // VCD identifier
  uint64_t initial = 0;       // value at the window start (last change before it)
  uint64_t initial_cycle = 0;
  uint64_t last_written = 0;  // last value written to the file
  uint64_t pending = 0;       // scratch: the value at the end of the cycle being written
};

// VCD identifiers: base 94 over the printable characters '!'..'~'.
std::string vcd_code(uint32_t index) {
  std::string code;
  do {
    code.push_back(static_cast<char>('!' + index % 94));
    index /= 94;
  } while (index != 0);
  return code;
}

uint64_t mask(uint64_t value, uint32_t width_bits) {
  return width_bits >= 64 ? value : value & ((uint64_t{1} << width_bits) - 1);
}

// One scope of the dotted name hierarchy.
struct Scope {
  std::map<std::string, Scope> children;
  std::vector<std::pair<std::string, uint32_t>> vars;  // leaf name, signal index
};

}  // namespace

struct Tracer::Impl {
  TraceOptions options;
  std::optional<OutputFile> file;        // opened at construction; handed to the caller by finish()
  std::unique_ptr<Vcd2FstProcess> fst;   // FST: the process the VCD text streams into
  std::unique_ptr<PerfettoWriter> perfetto;  // Perfetto: renders instead of the VCD text
  std::vector<SignalInfo> signals;
  std::unordered_map<std::string, uint32_t> by_name;
  std::vector<std::string> offered;  // every name offered, kept or not: for check_patterns
  std::vector<Change> buffer;
  uint64_t next_seq = 0;
  uint64_t safe_cycle = 0;
  uint64_t flushed_before = 0;  // every change with a cycle below this was written
  bool header_written = false;
  bool finished = false;
  uint64_t last_time = 0;       // last '#' time stamp written
  uint64_t clock_cycle = 0;     // the cycle whose clock edges are written next
  bool clock_high = false;      // clock_cycle's rising edge is written, its falling one not
  std::vector<uint64_t> group_mark;  // scratch: per signal, the last cycle group that saw it
  uint64_t group_counter = 0;
  std::vector<uint32_t> touched;     // scratch: the signals of the cycle being written

  std::ostream& out() { return fst ? fst->stream() : file->stream(); }

  bool kept(const std::string& name) const {
    if (options.patterns.empty() || name == kClockName || name == kCycleName) return true;
    for (const auto& p : options.patterns) {
      if (glob_match(p, name)) return true;
    }
    return false;
  }

  void write_scope(const Scope& scope) {
    for (const auto& [leaf, index] : scope.vars) {
      const SignalInfo& s = signals[index];
      const char* type = !s.state_names.empty() ? "string" : s.counter ? "integer" : "wire";
      out() << "$var " << type << ' ' << (s.state_names.empty() ? s.width_bits : 1) << ' ' << s.code << ' ' << leaf
            << " $end\n";
    }
    for (const auto& [name, child] : scope.children) {
      out() << "$scope module " << name << " $end\n";
      write_scope(child);
      out() << "$upscope $end\n";
    }
  }

  void write_value(const SignalInfo& s, uint64_t value) {
    if (!s.state_names.empty()) {
      out() << 's' << s.state_names[value] << ' ' << s.code << '\n';
      return;
    }
    if (s.width_bits == 1) {
      out() << (value ? '1' : '0') << s.code << '\n';
      return;
    }
    out() << 'b';
    if (value == 0) {
      out() << '0';
    } else {
      int bit = 63 - __builtin_clzll(value);
      for (; bit >= 0; --bit) out() << (((value >> bit) & 1) ? '1' : '0');
    }
    out() << ' ' << s.code << '\n';
  }

  void stamp(uint64_t time) {
    if (time == last_time) return;
    out() << '#' << time << '\n';
    last_time = time;
  }

  void write_header() {
    if (header_written) return;
    header_written = true;
    if (perfetto) {
      std::vector<TimelineSignal> timeline(signals.size());
      for (std::size_t i = 0; i < signals.size(); ++i) {
        const SignalInfo& s = signals[i];
        timeline[i] = {s.name, s.width_bits,
                       i < 2          ? SignalKind::kClock
                       : s.flows      ? SignalKind::kFlows
                       : s.counter    ? SignalKind::kCounter
                       : !s.state_names.empty() ? SignalKind::kState
                                                : SignalKind::kLevel,
                       s.state_names, s.initial};
      }
      for (auto& s : signals) s.last_written = s.initial;
      perfetto->begin(timeline, options.start.value());
      return;
    }
    // No $date: the same run gives the same file.
    const uint64_t period = options.period_ps;
    out() << "$version nmsim $end\n$comment time axis: one chip cycle is 1 ns (" << kUnitsPerCycle
          << " units of 100 ps), so times read as cycles; the chip's clock period is " << period << " ps ("
          << 1e6 / static_cast<double>(period) << " MHz) $end\n$timescale 100 ps $end\n";
    Scope root;
    for (uint32_t i = 0; i < signals.size(); ++i) {
      const std::string& name = signals[i].name;
      Scope* scope = &root;
      std::size_t begin = 0;
      for (std::size_t dot = name.find('.'); dot != std::string::npos;
           begin = dot + 1, dot = name.find('.', begin)) {
        scope = &scope->children[name.substr(begin, dot - begin)];
      }
      scope->vars.emplace_back(name.substr(begin), i);
    }
    write_scope(root);
    out() << "$enddefinitions $end\n";
    const uint64_t start = options.start.value();
    signals[0].initial = 1;  // the clock: high in the window's first cycle
    signals[1].initial = start;
    last_time = start * kUnitsPerCycle;
    clock_cycle = start;
    clock_high = true;
    out() << '#' << last_time << "\n$dumpvars\n";
    for (auto& s : signals) {
      write_value(s, s.initial);
      s.last_written = s.initial;
    }
    out() << "$end\n";
  }

  // The clock's edges and the cycle counter of every cycle before `cycle` (never past the window).
  void clock_before(uint64_t cycle) {
    if (perfetto) return;
    cycle = std::min(cycle, options.end.value() == UINT64_MAX ? cycle : options.end.value() + 1);
    for (; clock_cycle < cycle; ++clock_cycle) {
      if (!clock_high) rise(clock_cycle);
      stamp(clock_cycle * kUnitsPerCycle + kUnitsPerCycle / 2);
      write_value(signals[0], 0);
      clock_high = false;
    }
  }

  void rise(uint64_t cycle) {
    stamp(cycle * kUnitsPerCycle);
    write_value(signals[0], 1);
    write_value(signals[1], cycle);
  }

  // Writes buffer[0, count) (sorted), cycle by cycle: each signal's value at the end of the
  // cycle (the last value set, plus the events counted), if it differs from the value written.
  void write_sorted(std::size_t count) {
    std::size_t begin = 0;
    while (begin < count) {
      const uint64_t cycle = buffer[begin].cycle;
      std::size_t end = begin;
      ++group_counter;
      touched.clear();
      for (; end < count && buffer[end].cycle == cycle; ++end) {
        const Change& c = buffer[end];
        if (c.kind == ChangeKind::kFlowOut || c.kind == ChangeKind::kFlowIn) {
          perfetto->flow(c.id, cycle, c.value, c.kind == ChangeKind::kFlowOut);
          continue;
        }
        SignalInfo& s = signals[c.id];
        if (group_mark[c.id] != group_counter) {
          group_mark[c.id] = group_counter;
          s.pending = s.last_written;
          touched.push_back(c.id);
        }
        s.pending = c.kind == ChangeKind::kAdd ? mask(s.pending + c.value, s.width_bits) : c.value;
      }
      clock_before(cycle);
      if (!clock_high && !perfetto) {
        rise(cycle);
        clock_high = true;
      }
      for (const uint32_t id : touched) {
        SignalInfo& s = signals[id];
        if (s.pending == s.last_written) continue;
        if (perfetto) {
          perfetto->value(id, cycle, s.pending);
        } else {
          write_value(s, s.pending);
        }
        s.last_written = s.pending;
      }
      begin = end;
    }
    buffer.erase(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(count));
  }

  void sort_buffer() {
    std::sort(buffer.begin(), buffer.end(), [](const Change& a, const Change& b) {
      return a.cycle != b.cycle ? a.cycle < b.cycle : a.seq < b.seq;
    });
  }

  void check_stream() {
    if (!out()) throw DataError("cannot write trace file " + options.path + ": " + std::strerror(errno));
  }
};

void Signal::record_set(Cycle at, uint64_t value) const { m_tracer->change(m_id, at, value, ChangeKind::kSet); }

void Signal::record_pulse(Cycle at) const {
  m_tracer->change(m_id, at, 1, ChangeKind::kSet);
  m_tracer->change(m_id, at + 1, 0, ChangeKind::kSet);
}

void Signal::record_count(Cycle at, uint64_t events) const { m_tracer->change(m_id, at, events, ChangeKind::kAdd); }

void Signal::record_flow(Cycle at, uint64_t flow, ChangeKind kind) const { m_tracer->change(m_id, at, flow, kind); }

Tracer::Tracer(TraceOptions options) : m_impl(new Impl) {
  m_impl->options = std::move(options);
  const TraceOptions& o = m_impl->options;
  try {
    if (o.path.empty()) throw ConfigError("trace: no output path given");
    if (o.period_ps == 0 || o.end < o.start) throw ConfigError("trace: period must be > 0 and the window start <= end");
    // Opened now so a bad path fails before the run, not after it.
    m_impl->file.emplace(o.path);
    if (o.format == TraceFormat::kFst) {
      const std::string& temporary = m_impl->file->temporary();
      m_impl->fst = std::make_unique<Vcd2FstProcess>(temporary.empty() ? o.path : temporary);
    }
    if (o.format == TraceFormat::kPerfetto) {
      if (o.counter_every == 0) throw ConfigError("trace: Perfetto counters need a sample every >= 1 cycles");
      m_impl->perfetto =
          std::make_unique<PerfettoWriter>(m_impl->file->stream(), TimelineOptions{o.counter_every, o.span_gap, o.period_ps});
    }
  } catch (...) {
    delete m_impl;
    throw;
  }
  add_signal(kClockName, 1);
  add_signal(kCycleName, 64);
}

// An unfinished trace's temporary goes with its OutputFile (after vcd2fst stopped writing it).
Tracer::~Tracer() {
  m_impl->fst.reset();
  delete m_impl;
}

Signal Tracer::add_signal(const std::string& name, uint32_t width_bits) { return add(name, width_bits, false, {}); }

Signal Tracer::add_counter(const std::string& name) { return add(name, 64, true, {}); }

Signal Tracer::add_states(const std::string& name, const std::vector<std::string>& state_names) {
  NMSIM_ASSERT(!state_names.empty(), "trace state signal " + name + " without states");
  return add(name, 64, false, state_names);
}

Signal Tracer::add_timeline_states(const std::string& name, const std::vector<std::string>& state_names) {
  if (m_impl->options.format != TraceFormat::kPerfetto) return Signal();
  return add_states(name, state_names);
}

Signal Tracer::add_flows(const std::string& name) {
  if (m_impl->options.format != TraceFormat::kPerfetto) return Signal();
  return add(name, 64, false, {}, true);
}

Signal Tracer::add(const std::string& name, uint32_t width_bits, bool counter,
                   const std::vector<std::string>& state_names, bool flows) {
  NMSIM_ASSERT(width_bits >= 1 && width_bits <= 64, "trace signal " + name + ": width 1..64");
  Impl& s = *m_impl;
  s.offered.push_back(name);
  if (!s.kept(name)) return Signal();
  const auto found = s.by_name.find(name);
  if (found != s.by_name.end()) {
    const SignalInfo& known = s.signals[found->second];
    NMSIM_ASSERT(known.width_bits == width_bits && known.counter == counter && known.state_names == state_names &&
                     known.flows == flows,
                 "trace signal " + name + " registered twice as different kinds");
    return Signal(this, found->second);
  }
  NMSIM_ASSERT(!s.header_written, "trace signal " + name + " registered after the trace started");
  const auto id = static_cast<uint32_t>(s.signals.size());
  SignalInfo info;
  info.name = name;
  info.width_bits = width_bits;
  info.counter = counter;
  info.state_names = state_names;
  info.flows = flows;
  info.code = vcd_code(id);
  s.signals.push_back(std::move(info));
  s.by_name.emplace(name, id);
  s.group_mark.push_back(0);
  return Signal(this, id);
}

void Tracer::check_patterns() const {
  const Impl& s = *m_impl;
  for (const std::string& pattern : s.options.patterns) {
    const bool matched = std::any_of(s.offered.begin(), s.offered.end(),
                                     [&](const std::string& name) { return glob_match(pattern, name); });
    if (matched) continue;
    std::string nearest;
    for (const std::string& name : nearest_names(pattern, s.offered, kNearestShown)) {
      nearest += (nearest.empty() ? "" : ", ") + name;
    }
    throw ConfigError("trace pattern '" + pattern + "' matches none of the run's " +
                      std::to_string(s.offered.size()) + " signals; the nearest: " + nearest);
  }
}

void Tracer::change(uint32_t id, Cycle at, uint64_t value, ChangeKind kind) {
  Impl& s = *m_impl;
  NMSIM_ASSERT(id < s.signals.size(), "unknown trace signal id");
  NMSIM_ASSERT(at.value() >= s.flushed_before,
               "trace change for cycle " + std::to_string(at.value()) + " of " +
                   s.signals[id].name + " after cycles up to " +
                   std::to_string(s.flushed_before) + " were written");
  SignalInfo& signal = s.signals[id];
  const bool flow = kind == ChangeKind::kFlowOut || kind == ChangeKind::kFlowIn;
  const bool add = kind == ChangeKind::kAdd;
  NMSIM_ASSERT(flow == signal.flows && (flow || add == signal.counter),
               "trace signal " + signal.name + ": count() is for counters, flow_*() for flows, set() for the rest");
  NMSIM_ASSERT(signal.state_names.empty() || value < signal.state_names.size(),
               "trace signal " + signal.name + ": no state " + std::to_string(value));
  if (kind == ChangeKind::kSet) value = mask(value, signal.width_bits);
  if (at < s.options.start) {
    if (flow) return;  // a packet before the window: no arrow
    // Before the window: only the value at the window start matters.
    if (add) {
      signal.initial = mask(signal.initial + value, signal.width_bits);
    } else if (at.value() >= signal.initial_cycle) {
      signal.initial = value;
      signal.initial_cycle = at.value();
    }
    return;
  }
  if (at > s.options.end) return;
  s.buffer.push_back({at.value(), s.next_seq++, id, kind, value});
  if (s.buffer.size() >= s.options.flush_threshold && s.safe_cycle > s.flushed_before) {
    flush_before(Cycle(s.safe_cycle));
  }
}

void Tracer::set_safe_cycle(Cycle c) { m_impl->safe_cycle = std::max(m_impl->safe_cycle, c.value()); }

void Tracer::flush_before(Cycle c) {
  Impl& s = *m_impl;
  NMSIM_ASSERT(!s.finished, "trace flushed after finish()");
  if (c.value() <= s.flushed_before) return;
  s.flushed_before = c.value();
  // Until the window starts, late changes before it may still move the initial values.
  if (c <= s.options.start) return;
  s.write_header();
  s.sort_buffer();
  const auto first_kept =
      std::lower_bound(s.buffer.begin(), s.buffer.end(), c.value(),
                       [](const Change& ch, uint64_t cycle) { return ch.cycle < cycle; });
  s.write_sorted(static_cast<std::size_t>(first_kept - s.buffer.begin()));
  s.clock_before(c.value());
  if (s.perfetto) s.perfetto->flush();
  s.out().flush();
  s.check_stream();
}

OutputFile Tracer::finish(Cycle end) {
  Impl& s = *m_impl;
  NMSIM_ASSERT(!s.finished, "trace finished twice");
  s.write_header();
  s.sort_buffer();
  // Changes after the run's end (the fall of a pulse in its last cycle) are dropped.
  const Cycle last = min(end, s.options.end);
  const auto past_last =
      std::upper_bound(s.buffer.begin(), s.buffer.end(), last.value(),
                       [](uint64_t cycle, const Change& ch) { return cycle < ch.cycle; });
  s.write_sorted(static_cast<std::size_t>(past_last - s.buffer.begin()));
  s.buffer.clear();
  if (s.perfetto) {
    s.perfetto->end(std::max(last.value() + 1, s.options.start.value()));
  } else if (last >= s.options.start) {
    // The clock through the last cycle, then the closing time stamp, so it shows whole.
    s.clock_before(last.value() + 1);
    s.stamp(s.clock_cycle * kUnitsPerCycle);
  }
  s.out().flush();
  s.check_stream();
  if (s.fst) s.fst->finish();
  s.file->close();
  s.finished = true;
  OutputFile file = std::move(*s.file);
  s.file.reset();
  return file;
}

std::size_t Tracer::signal_count() const { return m_impl->signals.size(); }

std::unique_ptr<Tracer> attach_tracer(const std::optional<TraceOptions>& options, SimContext& ctx) {
  if (!options) return nullptr;
  TraceOptions with_period = *options;
  with_period.period_ps = ctx.clock.period_ps();
  auto tracer = std::make_unique<Tracer>(with_period);
  ctx.tracer = tracer.get();
  return tracer;
}

}  // namespace nmsim::trace
