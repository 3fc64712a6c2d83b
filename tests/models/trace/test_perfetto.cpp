// Perfetto timelines (models/trace/perfetto_writer.h) through the Tracer, read back by the
// tests' own JSON reader (tests/common/perfetto_trace.h): a hand-made set of signals checked
// event by event, counter sampling, span merging, the time window, periodic flushing, the
// kinds a VCD leaves out, and the output written whole or not at all.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "models/base/errors.h"
#include "models/trace/perfetto_writer.h"
#include "models/trace/tracer.h"
#include "tests/common/perfetto_trace.h"

using nmsim::Cycle;
using nmsim::testing::JsonParser;
using nmsim::testing::PerfettoTrace;
using nmsim::testing::TraceEvent;
using nmsim::trace::Signal;
using nmsim::trace::TraceFormat;
using nmsim::trace::TraceOptions;
using nmsim::trace::Tracer;

namespace {

using Samples = std::vector<std::pair<uint64_t, uint64_t>>;

TraceOptions perfetto_options(const std::string& path) {
  std::remove(path.c_str());
  TraceOptions o;
  o.path = path;
  o.format = TraceFormat::kPerfetto;
  o.period_ps = 2000;
  return o;
}

// Signals of one core, a router, two interfaces and the host; changes reported out of order.
// Returns after finish(9): the trace ends at cycle 10.
void play(Tracer& tracer, bool flush_early = false) {
  const Signal activity = tracer.add_states("chip.core_0_0_0.activity", {"idle", "integrate", "send"});
  const Signal bank = tracer.add_signal("chip.core_0_0_0.sram.bank[0].busy", 1);
  const Signal sent = tracer.add_counter("chip.core_0_0_0.packets_sent");
  const Signal occupancy = tracer.add_signal("chip.mesh.router_0_0.in_east.occupancy", 8);
  const Signal from = tracer.add_flows("chip.mesh.ni_0_0.packets");
  const Signal to = tracer.add_flows("chip.mesh.ni_1_0.packets");
  const Signal host = tracer.add_timeline_states("chip.host.transfer", {"idle", "to_chip", "from_chip"});
  tracer.check_patterns();
  activity.set(Cycle(5), 2);
  activity.set(Cycle(2), 1);
  bank.pulse(Cycle(3));
  bank.pulse(Cycle(4));  // back to back: one span
  occupancy.set(Cycle(1), 2);
  occupancy.set(Cycle(2), 5);
  occupancy.set(Cycle(3), 1);
  from.flow_out(Cycle(1), 7);
  host.set(Cycle(0), 1);
  host.set(Cycle(2), 0);
  if (flush_early) {
    tracer.set_safe_cycle(Cycle(4));
    tracer.flush_before(Cycle(4));
  }
  to.flow_in(Cycle(4), 7);
  from.flow_in(Cycle(5), 7);  // a multicast packet's second destination
  sent.count(Cycle(5));
  sent.count(Cycle(5));
  sent.count(Cycle(6));
  occupancy.set(Cycle(6), 0);
  activity.set(Cycle(7), 0);
  bank.pulse(Cycle(8));
  tracer.finish(Cycle(9)).commit();
}

std::vector<std::pair<uint64_t, uint64_t>> spans_of(const std::vector<TraceEvent>& slices) {
  std::vector<std::pair<uint64_t, uint64_t>> spans;
  for (const TraceEvent& e : slices) spans.emplace_back(e.ts, e.dur);
  return spans;
}

std::vector<std::string> names_of(const std::vector<TraceEvent>& slices) {
  std::vector<std::string> names;
  for (const TraceEvent& e : slices) names.push_back(e.name);
  return names;
}

}  // namespace

TEST_CASE("perfetto: spans, counters and flows of hand-made signals, event by event", "[trace][perfetto]") {
  {
    Tracer tracer(perfetto_options("perfetto_hand.json"));
    play(tracer);
  }
  const PerfettoTrace trace("perfetto_hand.json");
  CHECK(trace.root()["otherData"]["clock_period_ps"].as_uint() == 2000);
  CHECK(trace.root()["otherData"]["time_axis"].as_string() == "1 us = 1 chip cycle");
  // Activity: a span per state but idle, named after it.
  const auto activity = trace.slices("chip.core_0_0_0", "activity");
  CHECK(names_of(activity) == std::vector<std::string>{"integrate", "send"});
  CHECK(spans_of(activity) == std::vector<std::pair<uint64_t, uint64_t>>{{2, 3}, {5, 2}});
  // The bank: pulses at 3 and 4 are one span, 8 another; named after the leaf.
  const auto bank = trace.slices("chip.core_0_0_0", "sram.bank[0].busy");
  CHECK(names_of(bank) == std::vector<std::string>{"busy", "busy"});
  CHECK(spans_of(bank) == std::vector<std::pair<uint64_t, uint64_t>>{{3, 2}, {8, 1}});
  // Counters: every change, from the value at the start.
  CHECK(trace.counter("chip.mesh.router_0_0", "in_east.occupancy") == Samples{{0, 0}, {1, 2}, {2, 5}, {3, 1}, {6, 0}});
  CHECK(trace.counter("chip.core_0_0_0", "packets_sent") == Samples{{0, 0}, {5, 2}, {6, 3}});
  // The host's transfer.
  const auto host = trace.slices("chip.host", "transfer");
  CHECK(names_of(host) == std::vector<std::string>{"to_chip"});
  CHECK(spans_of(host) == std::vector<std::pair<uint64_t, uint64_t>>{{0, 2}});
  // One packet: out at its source, in at each destination, one bind_id.
  const auto source = trace.slices("chip.mesh.ni_0_0", "packets");
  const auto destination = trace.slices("chip.mesh.ni_1_0", "packets");
  REQUIRE(source.size() == 2);
  REQUIRE(destination.size() == 1);
  CHECK(names_of(source) == std::vector<std::string>{"inject", "deliver"});
  CHECK(spans_of(source) == std::vector<std::pair<uint64_t, uint64_t>>{{1, 1}, {5, 1}});
  CHECK((*source[0].json)["flow_out"].boolean);
  CHECK((*source[1].json)["flow_in"].boolean);
  CHECK((*destination[0].json)["flow_in"].boolean);
  CHECK(destination[0].ts == 4);
  for (const TraceEvent* e : {&source[0], &source[1], &destination[0]}) CHECK((*e->json)["bind_id"].as_uint() == 7);
  std::remove("perfetto_hand.json");
}

TEST_CASE("perfetto: flushing part way writes the same events", "[trace][perfetto]") {
  {
    Tracer tracer(perfetto_options("perfetto_whole.json"));
    play(tracer);
  }
  {
    Tracer tracer(perfetto_options("perfetto_flushed.json"));
    play(tracer, true);
  }
  const PerfettoTrace whole("perfetto_whole.json");
  const PerfettoTrace flushed("perfetto_flushed.json");
  REQUIRE(whole.events.size() == flushed.events.size());
  // Same events; the order in the file may differ (spans are written when they end).
  auto key = [](const PerfettoTrace& t) {
    std::vector<std::string> keys;
    for (const TraceEvent& e : t.events) keys.push_back(e.process + "|" + e.thread + "|" + e.name + "|" + std::to_string(e.ts) + "|" + std::to_string(e.dur));
    std::sort(keys.begin(), keys.end());
    return keys;
  };
  CHECK(key(whole) == key(flushed));
  std::remove("perfetto_whole.json");
  std::remove("perfetto_flushed.json");
}

TEST_CASE("perfetto: counters sampled every N cycles show each bucket's largest value", "[trace][perfetto]") {
  TraceOptions options = perfetto_options("perfetto_sampled.json");
  options.counter_every = 4;
  {
    Tracer tracer(options);
    play(tracer);
  }
  const PerfettoTrace trace("perfetto_sampled.json");
  // Occupancy at the end of cycles 0..3: 0 2 5 1 (peak 5), 4..7: 1 1 0 0 (peak 1), 8..9: 0.
  CHECK(trace.counter("chip.mesh.router_0_0", "in_east.occupancy") == Samples{{0, 5}, {4, 1}, {8, 0}});
  // A counter's sample is its last value in the bucket.
  CHECK(trace.counter("chip.core_0_0_0", "packets_sent") == Samples{{0, 0}, {4, 3}});
  // Spans are not sampled.
  CHECK(spans_of(trace.slices("chip.core_0_0_0", "sram.bank[0].busy")) == std::vector<std::pair<uint64_t, uint64_t>>{{3, 2}, {8, 1}});
  std::remove("perfetto_sampled.json");
}

TEST_CASE("perfetto: a span gap merges busy spans and keeps the busy count", "[trace][perfetto]") {
  TraceOptions options = perfetto_options("perfetto_merged.json");
  options.span_gap = 4;  // 5..7 idle: 3 cycles < 4
  {
    Tracer tracer(options);
    play(tracer);
  }
  const PerfettoTrace trace("perfetto_merged.json");
  const auto bank = trace.slices("chip.core_0_0_0", "sram.bank[0].busy");
  REQUIRE(bank.size() == 1);
  CHECK(bank[0].ts == 3);
  CHECK(bank[0].dur == 6);
  CHECK(PerfettoTrace::busy_cycles(bank[0]) == 3);
  std::remove("perfetto_merged.json");
}

TEST_CASE("perfetto: the time window cuts spans and counters at its edges", "[trace][perfetto]") {
  TraceOptions options = perfetto_options("perfetto_window.json");
  options.start = Cycle(4);
  options.end = Cycle(6);
  {
    Tracer tracer(options);
    play(tracer);
  }
  const PerfettoTrace trace("perfetto_window.json");
  // integrate from 2 shows from 4; send from 5 runs to the window's end (7).
  const auto activity = trace.slices("chip.core_0_0_0", "activity");
  CHECK(names_of(activity) == std::vector<std::string>{"integrate", "send"});
  CHECK(spans_of(activity) == std::vector<std::pair<uint64_t, uint64_t>>{{4, 1}, {5, 2}});
  CHECK(spans_of(trace.slices("chip.core_0_0_0", "sram.bank[0].busy")) == std::vector<std::pair<uint64_t, uint64_t>>{{4, 1}});
  CHECK(trace.counter("chip.mesh.router_0_0", "in_east.occupancy") == Samples{{4, 1}, {6, 0}});
  CHECK(trace.slices("chip.host", "transfer").empty());
  // The packet left before the window: no source slice, its arrivals still show.
  CHECK(trace.slices("chip.mesh.ni_0_0", "packets").size() == 1);
  CHECK(trace.slices("chip.mesh.ni_1_0", "packets").size() == 1);
  std::remove("perfetto_window.json");
}

TEST_CASE("perfetto: flows and timeline states are left out of a VCD", "[trace][perfetto]") {
  TraceOptions options = perfetto_options("perfetto_not.vcd");
  options.format = TraceFormat::kVcd;
  options.patterns = {"*.packets"};
  Tracer tracer(options);
  CHECK_FALSE(tracer.add_flows("chip.mesh.ni_0_0.packets").enabled());
  CHECK_FALSE(tracer.add_timeline_states("chip.host.transfer", {"idle", "to_chip"}).enabled());
  CHECK(tracer.signal_count() == 2);  // the clock and the cycle counter
  CHECK_THROWS_WITH(tracer.check_patterns(), Catch::Contains("trace pattern '*.packets' matches none"));
}

TEST_CASE("perfetto: a pattern that matches nothing is an error, the file is whole or absent", "[trace][perfetto]") {
  TraceOptions options = perfetto_options("perfetto_atomic.json");
  options.patterns = {"chip.core_0_0_0.activty"};
  {
    Tracer tracer(options);
    tracer.add_states("chip.core_0_0_0.activity", {"idle", "send"});
    CHECK_THROWS_WITH(tracer.check_patterns(), Catch::Contains("the nearest: chip.core_0_0_0.activity"));
  }
  CHECK_FALSE(std::ifstream("perfetto_atomic.json").good());
  options.patterns = {};
  {
    Tracer tracer(options);
    tracer.add_signal("chip.core_0_0_0.busy", 1).set(Cycle(1), 1);
    const nmsim::OutputFile unfinished = tracer.finish(Cycle(3));  // never committed: dropped
  }
  CHECK_FALSE(std::ifstream("perfetto_atomic.json").good());
  options.path = "/nonexistent-dir/t.json";
  CHECK_THROWS_AS(Tracer(options), nmsim::DataError);
}

TEST_CASE("perfetto: names are written as JSON strings", "[trace][perfetto]") {
  const std::string awkward = "a\"b\\c\nd\x01";
  const std::string literal = nmsim::trace::json_string(awkward);
  CHECK(literal == "\"a\\\"b\\\\c\\u000ad\\u0001\"");
  CHECK(JsonParser::parse(literal).as_string() == awkward);
}
