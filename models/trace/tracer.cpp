#include "models/trace/tracer.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <optional>
#include <unordered_map>
#include <utility>

#include "models/base/errors.h"
#include "models/base/output_file.h"

namespace nmsim::trace {

namespace {

struct Change {
  uint64_t cycle;
  uint64_t seq;  // report order: breaks ties within a cycle (the last change wins)
  uint32_t id;
  uint64_t value;
};

struct SignalInfo {
  std::string name;
  uint32_t width_bits;
  std::string code;           // VCD identifier
  uint64_t initial = 0;       // value at the window start (last change before it)
  uint64_t initial_cycle = 0;
  uint64_t last_written = 0;  // last value written to the file
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
  std::optional<OutputFile> file;  // opened at construction; handed to the caller by finish()
  std::vector<SignalInfo> signals;
  std::unordered_map<std::string, uint32_t> by_name;
  std::vector<Change> buffer;
  uint64_t next_seq = 0;
  uint64_t safe_cycle = 0;
  uint64_t flushed_before = 0;  // every change with a cycle below this was written
  bool header_written = false;
  bool finished = false;
  uint64_t last_time_ps = 0;  // last '#' time stamp written
  std::vector<uint64_t> group_mark;  // scratch: per signal, the last group that saw it
  uint64_t group_counter = 0;
  std::vector<uint8_t> keep;  // scratch: per buffered change, is it the last of its group

  std::ostream& out() { return file->stream(); }

  bool kept(const std::string& name) const {
    if (options.patterns.empty()) return true;
    for (const auto& p : options.patterns) {
      if (glob_match(p, name)) return true;
    }
    return false;
  }

  void write_scope(const Scope& scope) {
    for (const auto& [leaf, index] : scope.vars) {
      const SignalInfo& s = signals[index];
      out() << "$var wire " << s.width_bits << ' ' << s.code << ' ' << leaf << " $end\n";
    }
    for (const auto& [name, child] : scope.children) {
      out() << "$scope module " << name << " $end\n";
      write_scope(child);
      out() << "$upscope $end\n";
    }
  }

  void write_value(const SignalInfo& s, uint64_t value) {
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

  void write_header() {
    if (header_written) return;
    header_written = true;
    // No $date: the same run gives the same file.
    out() << "$version nmsim $end\n$timescale 1 ps $end\n";
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
    last_time_ps = options.start.value() * options.period_ps;
    out() << '#' << last_time_ps << "\n$dumpvars\n";
    for (auto& s : signals) {
      write_value(s, s.initial);
      s.last_written = s.initial;
    }
    out() << "$end\n";
  }

  // Writes buffer[0, count) (sorted), one time stamp per cycle with a change; within a cycle
  // only each signal's last change counts, and only if it differs from the value written.
  void write_sorted(std::size_t count) {
    keep.assign(count, 0);
    std::size_t begin = 0;
    while (begin < count) {
      std::size_t end = begin;
      while (end < count && buffer[end].cycle == buffer[begin].cycle) ++end;
      ++group_counter;
      for (std::size_t k = end; k-- > begin;) {
        const uint32_t id = buffer[k].id;
        if (group_mark[id] != group_counter) {
          group_mark[id] = group_counter;
          keep[k] = 1;
        }
      }
      const uint64_t time_ps = buffer[begin].cycle * options.period_ps;
      for (std::size_t k = begin; k < end; ++k) {
        if (!keep[k]) continue;
        SignalInfo& s = signals[buffer[k].id];
        if (buffer[k].value == s.last_written) continue;
        if (time_ps != last_time_ps) {
          out() << '#' << time_ps << '\n';
          last_time_ps = time_ps;
        }
        write_value(s, buffer[k].value);
        s.last_written = buffer[k].value;
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

void Signal::set(Cycle at, uint64_t value) const {
  if (m_tracer != nullptr) m_tracer->change(m_id, at, value);
}

void Signal::pulse(Cycle at) const {
  if (m_tracer == nullptr) return;
  m_tracer->change(m_id, at, 1);
  m_tracer->change(m_id, at + 1, 0);
}

Tracer::Tracer(TraceOptions options) : m_impl(new Impl) {
  m_impl->options = std::move(options);
  const TraceOptions& o = m_impl->options;
  if (o.path.empty()) {
    delete m_impl;
    throw ConfigError("trace: no output path given");
  }
  if (o.period_ps == 0 || o.end < o.start) {
    delete m_impl;
    throw ConfigError("trace: period must be > 0 and the window start <= end");
  }
  // Opened now so a bad path fails before the run, not after it.
  try {
    m_impl->file.emplace(o.path);
  } catch (...) {
    delete m_impl;
    throw;
  }
}

// An unfinished trace's temporary goes with its OutputFile.
Tracer::~Tracer() { delete m_impl; }

Signal Tracer::add_signal(const std::string& name, uint32_t width_bits) {
  NMSIM_ASSERT(width_bits >= 1 && width_bits <= 64, "trace signal " + name + ": width 1..64");
  Impl& s = *m_impl;
  if (!s.kept(name)) return Signal();
  const auto found = s.by_name.find(name);
  if (found != s.by_name.end()) {
    NMSIM_ASSERT(s.signals[found->second].width_bits == width_bits,
                 "trace signal " + name + " registered twice with different widths");
    return Signal(this, found->second);
  }
  NMSIM_ASSERT(!s.header_written, "trace signal " + name + " registered after the trace started");
  const auto id = static_cast<uint32_t>(s.signals.size());
  SignalInfo info;
  info.name = name;
  info.width_bits = width_bits;
  info.code = vcd_code(id);
  s.signals.push_back(std::move(info));
  s.by_name.emplace(name, id);
  s.group_mark.push_back(0);
  return Signal(this, id);
}

void Tracer::change(uint32_t id, Cycle at, uint64_t value) {
  Impl& s = *m_impl;
  NMSIM_ASSERT(id < s.signals.size(), "unknown trace signal id");
  NMSIM_ASSERT(at.value() >= s.flushed_before,
               "trace change for cycle " + std::to_string(at.value()) + " of " +
                   s.signals[id].name + " after cycles up to " +
                   std::to_string(s.flushed_before) + " were written");
  SignalInfo& signal = s.signals[id];
  value = mask(value, signal.width_bits);
  if (at < s.options.start) {
    // Before the window: only the value at the window start matters.
    if (at.value() >= signal.initial_cycle) {
      signal.initial = value;
      signal.initial_cycle = at.value();
    }
    return;
  }
  if (at > s.options.end) return;
  s.buffer.push_back({at.value(), s.next_seq++, id, value});
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
  s.out().flush();
  s.check_stream();
}

OutputFile Tracer::finish(Cycle end) {
  Impl& s = *m_impl;
  NMSIM_ASSERT(!s.finished, "trace finished twice");
  s.write_header();
  s.sort_buffer();
  s.write_sorted(s.buffer.size());
  const Cycle last = min(end, s.options.end);
  if (last >= s.options.start) {
    const uint64_t time_ps = last.value() * s.options.period_ps;
    if (time_ps > s.last_time_ps) {
      s.out() << '#' << time_ps << '\n';
      s.last_time_ps = time_ps;
    }
  }
  s.file->close();
  s.finished = true;
  OutputFile file = std::move(*s.file);
  s.file.reset();
  return file;
}

std::size_t Tracer::signal_count() const { return m_impl->signals.size(); }

bool glob_match(const std::string& pattern, const std::string& text) {
  // Greedy with backtracking to the last '*': linear for one star, no recursion.
  std::size_t p = 0, t = 0;
  std::size_t star = std::string::npos, star_text = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      star_text = t;
    } else if (star != std::string::npos) {
      p = star + 1;
      t = ++star_text;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace nmsim::trace
