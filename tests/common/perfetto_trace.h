// A Perfetto / Chrome trace-event JSON file read back for the tests (tests/common/json_reader.h
// parses it): the object form {"traceEvents": [...]}, each event checked for the fields the
// Trace Event Format requires of its phase, process and thread names resolved from the "M"
// events, and every thread's slices checked to nest (what Perfetto's importer requires).
#pragma once

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "tests/common/json_reader.h"

namespace nmsim::testing {

struct TraceEvent {
  char ph = 0;
  std::string name;
  std::string process;  // the process_name of its pid
  std::string thread;   // the thread_name of its tid (empty for a counter)
  uint64_t ts = 0;
  uint64_t dur = 0;     // X only
  const JsonValue* json = nullptr;
};

class PerfettoTrace {
 public:
  explicit PerfettoTrace(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::stringstream text;
    text << in.rdbuf();
    m_root = JsonParser::parse(text.str());
    const JsonValue& list = m_root["traceEvents"];
    if (list.type != JsonValue::Type::kArray) throw std::runtime_error("traceEvents is not an array");
    std::map<uint64_t, std::string> processes, threads;
    for (const JsonValue& e : list.items) {
      require(e.has("ph") && e["ph"].as_string().size() == 1, "an event without a one-letter ph");
      require(e.has("pid") && e.has("tid") && e.has("ts") && e.has("name"), "an event without pid, tid, ts or name");
      if (e["ph"].as_string() != "M") continue;
      const std::string& name = e["name"].as_string();
      require(name == "process_name" || name == "thread_name", "unknown metadata " + name);
      auto& names = name == "process_name" ? processes : threads;
      require(names.emplace((name == "process_name" ? e["pid"] : e["tid"]).as_uint(), e["args"]["name"].as_string()).second,
              "a process or thread named twice");
    }
    for (const JsonValue& e : list.items) {
      TraceEvent ev;
      ev.ph = e["ph"].as_string()[0];
      if (ev.ph == 'M') continue;
      ev.name = e["name"].as_string();
      ev.ts = e["ts"].as_uint();
      ev.json = &e;
      require(processes.count(e["pid"].as_uint()) > 0, "an event of an unnamed process");
      ev.process = processes[e["pid"].as_uint()];
      if (ev.ph == 'X') {
        ev.dur = e["dur"].as_uint();
        require(threads.count(e["tid"].as_uint()) > 0, "a slice on an unnamed thread");
        ev.thread = threads[e["tid"].as_uint()];
        if (e.has("bind_id")) {
          e["bind_id"].as_uint();
          require(e.has("flow_in") != e.has("flow_out"), "a flow slice must be flow_in or flow_out");
        }
      } else if (ev.ph == 'C') {
        require(e["args"].type == JsonValue::Type::kObject && !e["args"].members.empty(), "a counter without values");
        for (const auto& member : e["args"].members) member.second.as_uint();
      } else {
        require(false, std::string("unexpected phase ") + ev.ph);
      }
      events.push_back(ev);
    }
    check_nesting();
  }

  PerfettoTrace(const PerfettoTrace&) = delete;  // the events point into m_root
  PerfettoTrace& operator=(const PerfettoTrace&) = delete;

  const JsonValue& root() const { return m_root; }

  // The slices (X) of one thread of one process, in time order.
  std::vector<TraceEvent> slices(const std::string& process, const std::string& thread) const {
    std::vector<TraceEvent> found;
    for (const TraceEvent& e : events) {
      if (e.ph == 'X' && e.process == process && e.thread == thread) found.push_back(e);
    }
    std::stable_sort(found.begin(), found.end(), [](const TraceEvent& a, const TraceEvent& b) { return a.ts < b.ts; });
    return found;
  }
  // A counter's samples (ts, value), in time order.
  std::vector<std::pair<uint64_t, uint64_t>> counter(const std::string& process, const std::string& name) const {
    std::vector<std::pair<uint64_t, uint64_t>> found;
    for (const TraceEvent& e : events) {
      if (e.ph == 'C' && e.process == process && e.name == name) found.emplace_back(e.ts, (*e.json)["args"]["value"].as_uint());
    }
    std::stable_sort(found.begin(), found.end());
    return found;
  }
  // Busy cycles of a slice: args.busy_cycles when merged, else its duration.
  static uint64_t busy_cycles(const TraceEvent& e) {
    return e.json->has("args") && (*e.json)["args"].has("busy_cycles") ? (*e.json)["args"]["busy_cycles"].as_uint() : e.dur;
  }

  std::vector<TraceEvent> events;  // every event but the metadata, in file order

 private:
  static void require(bool ok, const std::string& what) {
    if (!ok) throw std::runtime_error("perfetto trace: " + what);
  }
  // On each thread, a slice starting inside another ends inside it too.
  void check_nesting() const {
    std::map<std::pair<std::string, std::string>, std::vector<std::pair<uint64_t, uint64_t>>> by_thread;
    for (const TraceEvent& e : events) {
      if (e.ph == 'X') by_thread[{e.process, e.thread}].emplace_back(e.ts, e.ts + e.dur);
    }
    for (auto& [thread, spans] : by_thread) {
      std::sort(spans.begin(), spans.end(), [](const auto& a, const auto& b) {
        return a.first != b.first ? a.first < b.first : a.second > b.second;
      });
      std::vector<uint64_t> open_ends;
      for (const auto& [begin, end] : spans) {
        while (!open_ends.empty() && open_ends.back() <= begin) open_ends.pop_back();
        require(open_ends.empty() || end <= open_ends.back(), "overlapping slices on " + thread.first + " " + thread.second);
        open_ends.push_back(end);
      }
    }
  }

  JsonValue m_root;
};

}  // namespace nmsim::testing
