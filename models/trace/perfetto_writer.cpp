#include "models/trace/perfetto_writer.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <utility>

#include "models/base/errors.h"

namespace nmsim::trace {

namespace {

constexpr std::size_t kFlushBytes = std::size_t{1} << 20;
constexpr const char* kIdleState = "idle";

bool ends_in_index(const std::string& component) {
  const std::size_t underscore = component.rfind('_');
  return underscore != std::string::npos && underscore + 1 < component.size() &&
         std::all_of(component.begin() + static_cast<std::ptrdiff_t>(underscore) + 1, component.end(),
                     [](char c) { return c >= '0' && c <= '9'; });
}

// The process (owning unit) and thread (the rest) of a signal name: perfetto_writer.h.
std::pair<std::string, std::string> split_name(const std::string& name) {
  std::vector<std::size_t> dots;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (name[i] == '.') dots.push_back(i);
  }
  if (dots.empty()) return {name, name};
  std::size_t begin = 0;
  for (const std::size_t dot : dots) {
    if (ends_in_index(name.substr(begin, dot - begin))) return {name.substr(0, dot), name.substr(dot + 1)};
    begin = dot + 1;
  }
  return {name.substr(0, dots.back()), name.substr(dots.back() + 1)};
}

std::string leaf_of(const std::string& name) {
  const std::size_t dot = name.rfind('.');
  return dot == std::string::npos ? name : name.substr(dot + 1);
}

}  // namespace

std::string json_string(const std::string& text) {
  static const char* const kHex = "0123456789abcdef";
  std::string out = "\"";
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      out += "\\u00";
      out += kHex[u >> 4];
      out += kHex[u & 15];
    } else {
      out += c;
    }
  }
  return out + "\"";
}

PerfettoWriter::PerfettoWriter(std::ostream& out, TimelineOptions options) : m_out(out), m_options(options) {
  NMSIM_ASSERT(m_options.counter_every >= 1, "perfetto: counter_every >= 1");
  m_buffer.reserve(kFlushBytes + 4096);
}

void PerfettoWriter::number(uint64_t n) {
  char digits[24];
  const auto result = std::to_chars(digits, digits + sizeof digits, n);
  m_buffer.append(digits, result.ptr);
}

void PerfettoWriter::event_head(const char* ph, const Track& track, uint64_t ts) {
  m_buffer += m_first_event ? "\n" : ",\n";
  m_first_event = false;
  m_buffer += "{\"ph\":\"";
  m_buffer += ph;
  m_buffer += "\",\"pid\":";
  number(track.pid);
  m_buffer += ",\"tid\":";
  number(track.tid);
  m_buffer += ",\"ts\":";
  number(ts);
}

void PerfettoWriter::begin(const std::vector<TimelineSignal>& signals, uint64_t start) {
  m_buffer += "{\"displayTimeUnit\":\"ns\",\"otherData\":{\"time_axis\":\"1 us = 1 chip cycle\",\"clock_period_ps\":";
  number(m_options.period_ps);
  m_buffer += ",\"counter_every_cycles\":";
  number(m_options.counter_every);
  m_buffer += ",\"span_gap_cycles\":";
  number(m_options.span_gap);
  m_buffer += "},\"traceEvents\":[";
  std::map<std::string, uint32_t> pids;
  m_tracks.resize(signals.size());
  uint32_t next_tid = 1;
  for (std::size_t id = 0; id < signals.size(); ++id) {
    const TimelineSignal& s = signals[id];
    Track& t = m_tracks[id];
    t.kind = s.kind;
    if (s.kind == SignalKind::kLevel && s.width_bits > 1) t.kind = SignalKind::kCounter;
    if (t.kind == SignalKind::kClock) continue;
    const auto [process, thread] = split_name(s.name);
    const auto [found, added] = pids.emplace(process, static_cast<uint32_t>(pids.size() + 1));
    t.pid = found->second;
    t.tid = t.pid;
    if (added) {
      event_head("M", t, 0);
      m_buffer += ",\"name\":\"process_name\",\"args\":{\"name\":" + json_string(process) + "}}";
    }
    if (t.kind == SignalKind::kCounter) {
      t.counter_name = json_string(thread);
    } else {
      t.tid = 1000000 + next_tid++;  // apart from the pids, which name each process's counter track
      event_head("M", t, 0);
      m_buffer += ",\"name\":\"thread_name\",\"args\":{\"name\":" + json_string(thread) + "}}";
    }
    t.span_name = json_string(leaf_of(s.name));
    for (const std::string& state : s.state_names) t.states.push_back(state == kIdleState ? "" : json_string(state));
    t.value = s.initial;
    switch (t.kind) {
      case SignalKind::kLevel:
        if (s.initial != 0) {
          t.span_pending = true;
          t.span_start = t.on_since = start;
        }
        break;
      case SignalKind::kState:
        t.span_start = start;
        break;
      case SignalKind::kCounter:
        t.bucket = start / m_options.counter_every;
        t.bucket_max = s.initial;
        t.bucket_since = start;
        break;
      default:
        break;
    }
  }
}

void PerfettoWriter::emit_span(Track& track, uint64_t end) {
  event_head("X", track, track.span_start);
  m_buffer += ",\"dur\":";
  number(end - track.span_start);
  m_buffer += ",\"name\":";
  m_buffer += track.span_name;
  if (track.busy_cycles != end - track.span_start) {
    m_buffer += ",\"args\":{\"busy_cycles\":";
    number(track.busy_cycles);
    m_buffer += '}';
  }
  m_buffer += '}';
  track.span_pending = false;
  track.busy_cycles = 0;
}

void PerfettoWriter::emit_state_span(const Track& track, uint64_t state, uint64_t start, uint64_t end) {
  if (track.states[state].empty() || end == start) return;
  event_head("X", track, start);
  m_buffer += ",\"dur\":";
  number(end - start);
  m_buffer += ",\"name\":";
  m_buffer += track.states[state];
  m_buffer += '}';
}

void PerfettoWriter::emit_sample(Track& track, uint64_t ts, uint64_t value) {
  if (track.emitted_any && track.emitted == value) return;
  track.emitted_any = true;
  track.emitted = value;
  event_head("C", track, ts);
  m_buffer += ",\"name\":";
  m_buffer += track.counter_name;
  m_buffer += ",\"args\":{\"value\":";
  number(value);
  m_buffer += "}}";
}

void PerfettoWriter::close_bucket(Track& track) {
  emit_sample(track, track.bucket * m_options.counter_every, track.bucket_max);
}

void PerfettoWriter::value(uint32_t id, uint64_t cycle, uint64_t value) {
  NMSIM_ASSERT(id < m_tracks.size(), "perfetto: unknown signal");
  Track& t = m_tracks[id];
  switch (t.kind) {
    case SignalKind::kLevel:
      if (value != 0 && t.value == 0) {
        if (t.span_pending && cycle - t.span_end < m_options.span_gap) {
          t.on_since = cycle;  // the gap is short: the span goes on
        } else {
          if (t.span_pending) emit_span(t, t.span_end);
          t.span_pending = true;
          t.span_start = t.on_since = cycle;
        }
      } else if (value == 0 && t.value != 0) {
        t.busy_cycles += cycle - t.on_since;
        t.span_end = cycle;
        if (m_options.span_gap == 0) emit_span(t, cycle);
      }
      break;
    case SignalKind::kState:
      emit_state_span(t, t.value, t.span_start, cycle);
      t.span_start = cycle;
      break;
    case SignalKind::kCounter: {
      const uint64_t bucket = cycle / m_options.counter_every;
      if (bucket != t.bucket) {
        close_bucket(t);
        // The buckets in between held the value the closed one ended with.
        if (bucket > t.bucket + 1) emit_sample(t, (t.bucket + 1) * m_options.counter_every, t.value);
        t.bucket = bucket;
        t.bucket_max = t.value;
        t.bucket_since = bucket * m_options.counter_every;
      }
      // The value before `cycle` counts only if it held for a cycle of this bucket.
      t.bucket_max = cycle == t.bucket_since ? value : std::max(t.bucket_max, value);
      break;
    }
    default:
      NMSIM_ASSERT(false, "perfetto: a value for a signal without values");
  }
  t.value = value;
  if (m_buffer.size() >= kFlushBytes) flush();
}

void PerfettoWriter::flow(uint32_t id, uint64_t cycle, uint64_t flow_id, bool out) {
  NMSIM_ASSERT(id < m_tracks.size() && m_tracks[id].kind == SignalKind::kFlows, "perfetto: flow on a signal without flows");
  event_head("X", m_tracks[id], cycle);
  m_buffer += out ? ",\"dur\":1,\"name\":\"inject\",\"cat\":\"packet\",\"flow_out\":true,\"bind_id\":"
                  : ",\"dur\":1,\"name\":\"deliver\",\"cat\":\"packet\",\"flow_in\":true,\"bind_id\":";
  number(flow_id);
  m_buffer += '}';
  if (m_buffer.size() >= kFlushBytes) flush();
}

void PerfettoWriter::flush() {
  m_out.write(m_buffer.data(), static_cast<std::streamsize>(m_buffer.size()));
  m_buffer.clear();
}

void PerfettoWriter::end(uint64_t end) {
  for (Track& t : m_tracks) {
    switch (t.kind) {
      case SignalKind::kLevel:
        if (t.value != 0) {
          t.busy_cycles += end - t.on_since;
          t.span_end = end;
        }
        if (t.span_pending) emit_span(t, t.span_end);
        break;
      case SignalKind::kState:
        emit_state_span(t, t.value, t.span_start, end);
        break;
      case SignalKind::kCounter:
        close_bucket(t);
        if (end / m_options.counter_every > t.bucket) emit_sample(t, (t.bucket + 1) * m_options.counter_every, t.value);
        break;
      default:
        break;
    }
  }
  m_buffer += "\n]}\n";
  flush();
}

}  // namespace nmsim::trace
