// Perfetto timelines from the command line, read back by the tests' own JSON reader
// (tests/common/perfetto_trace.h) and checked against the run's report: busy spans add up to
// the busy-cycle statistics, one flow per delivered packet, counters end at their statistics,
// host transfers and phases match theirs; sampled counters show each bucket's peak of the same
// run's VCD; the options' errors come before the run and leave no file.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "proto/report.pb.h"
#include "tests/common/perfetto_trace.h"
#include "tests/common/vcd_reader.h"
#include "tests/tools/cli_harness.h"

using nmsim::testing::exists;
using nmsim::testing::from_json;
using nmsim::testing::PerfettoTrace;
using nmsim::testing::run_nmsim;
using nmsim::testing::TempDir;
using nmsim::testing::TraceEvent;
using nmsim::testing::VcdReader;

namespace {

const std::string kTinyRun = "run --quiet --no-table --no-check --set workload=WORKLOAD_INFERENCE --set samples=1 ";

std::map<std::string, uint64_t> stats_of(const nmsim::Report& report) {
  std::map<std::string, uint64_t> stats;
  for (const auto& stat : report.stats()) stats[stat.name()] = static_cast<uint64_t>(stat.value());
  return stats;
}

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Busy cycles per thread (process.thread) of every thread whose name ends in ".busy".
std::map<std::string, uint64_t> busy_by_thread(const PerfettoTrace& trace) {
  std::map<std::string, uint64_t> busy;
  for (const TraceEvent& e : trace.events) {
    if (e.ph == 'X' && ends_with(e.thread, "busy")) busy[e.process + "." + e.thread] += PerfettoTrace::busy_cycles(e);
  }
  return busy;
}

// Every comparison of the trace with the report; returns the number of statistics checked.
std::size_t check_against_report(const PerfettoTrace& trace, const nmsim::Report& report) {
  const std::map<std::string, uint64_t> stats = stats_of(report);
  std::size_t checked = 0;
  // Busy spans: a bank's (and a core's) busy cycles; a router's output ports together
  // forward one flit per busy cycle.
  std::map<std::string, uint64_t> forwarded;
  for (const auto& [thread, busy] : busy_by_thread(trace)) {
    INFO(thread);
    const std::size_t out = thread.find(".out_");
    if (out != std::string::npos) {
      forwarded[thread.substr(0, out) + ".flits_forwarded"] += busy;
    } else if (stats.count(thread + "_cycles")) {
      CHECK(busy == stats.at(thread + "_cycles"));
      ++checked;
    }
  }
  for (const auto& [stat, busy] : forwarded) {
    INFO(stat);
    CHECK(busy == stats.at(stat));
    ++checked;
  }
  // Counters end at their statistics.
  std::map<std::string, std::pair<uint64_t, uint64_t>> last;  // name -> (ts, value)
  for (const TraceEvent& e : trace.events) {
    if (e.ph != 'C') continue;
    auto& l = last[e.process + "." + e.name];
    if (e.ts >= l.first) l = {e.ts, (*e.json)["args"]["value"].as_uint()};
  }
  for (const auto& [name, sample] : last) {
    if (!stats.count(name)) continue;
    INFO(name);
    CHECK(sample.second == stats.at(name));
    ++checked;
  }
  // Flows: an inject per packet injected, a deliver per packet delivered (per core), every
  // deliver bound to an earlier inject.
  std::map<std::string, uint64_t> injects, delivers;
  std::map<uint64_t, uint64_t> injected_at;
  for (const TraceEvent& e : trace.events) {
    if (e.ph == 'X' && e.thread == "packets" && e.name == "inject") {
      ++injects[e.process];
      CHECK(injected_at.emplace((*e.json)["bind_id"].as_uint(), e.ts).second);
    }
  }
  for (const TraceEvent& e : trace.events) {
    if (e.ph != 'X' || e.thread != "packets" || e.name != "deliver") continue;
    ++delivers[e.process];
    const auto source = injected_at.find((*e.json)["bind_id"].as_uint());
    REQUIRE(source != injected_at.end());
    CHECK(source->second < e.ts);
  }
  for (const auto& [stat, value] : stats) {
    const std::size_t dot = stat.rfind('.');
    const std::string unit = stat.substr(0, dot);
    if (ends_with(stat, ".packets_injected")) {
      INFO(stat);
      CHECK(injects[unit] == value);
      ++checked;
    } else if (ends_with(stat, ".packets_delivered")) {
      INFO(stat);
      CHECK(delivers[unit] == value);
      ++checked;
    }
  }
  return checked;
}

}  // namespace

TEST_CASE("perfetto cli: a run's spans, flows and counters agree with its report", "[cli][trace][perfetto]") {
  TempDir dir;
  const auto r = run_nmsim(dir, kTinyRun + "--json r.json --perfetto t.json");
  INFO(r.err);
  REQUIRE(r.status == 0);
  const PerfettoTrace trace(dir.file("t.json"));
  const auto report = from_json<nmsim::Report>(dir.file("r.json"));
  CHECK(check_against_report(trace, report) > 100);
  const std::map<std::string, uint64_t> stats = stats_of(report);
  // Host transfers: spans as long as the link was busy (back-to-back transfers in one
  // direction are one span, as a state that does not change).
  const auto transfers = trace.slices("chip.host", "transfer");
  uint64_t transfer_cycles = 0;
  for (const TraceEvent& e : transfers) transfer_cycles += e.dur;
  CHECK_FALSE(transfers.empty());
  CHECK(transfers.size() <= stats.at("chip.host.transfers"));
  CHECK(transfer_cycles == stats.at("chip.host.busy_cycles"));
  // Phases: each phase's spans add up to its cycles. The trace, like the VCD, shows cycles
  // 0..cycles (the run's end included), so the last phase has one cycle more.
  std::map<std::string, uint64_t> phase_cycles;
  const auto phases = trace.slices("chip.barrier", "phase");
  REQUIRE_FALSE(phases.empty());
  CHECK(phases.back().ts + phases.back().dur == report.summary().cycles() + 1);
  for (const TraceEvent& e : phases) phase_cycles[e.name] += e.dur;
  --phase_cycles[phases.back().name];
  for (const auto& phase : report.phases()) {
    INFO(phase.phase());
    CHECK(phase_cycles[phase.phase()] == phase.cycles());
  }
  // Activity spans carry the VCD's state names.
  std::set<std::string> activities;
  for (const TraceEvent& e : trace.slices("chip.core_0_0_0", "activity")) activities.insert(e.name);
  CHECK(activities == std::set<std::string>{"reset", "encode", "integrate", "fire", "send", "barrier_wait"});
  CHECK(trace.root()["otherData"]["clock_period_ps"].as_uint() == static_cast<uint64_t>(1e6 / report.summary().clock_mhz() + 0.5));
}

TEST_CASE("perfetto cli: sampled counters show each bucket's peak of the run's VCD, merged spans keep the busy counts", "[cli][trace][perfetto]") {
  TempDir dir;
  const std::string filter = "--trace 'chip.mesh.router_1_0.*' ";
  const auto vcd_run = run_nmsim(dir, kTinyRun + filter + "--vcd t.vcd");
  INFO(vcd_run.err);
  REQUIRE(vcd_run.status == 0);
  const uint64_t every = 50;
  const auto r = run_nmsim(dir, kTinyRun + filter + "--json r.json --perfetto t.json --perfetto-counter-every 50 --perfetto-span-gap 4000");
  INFO(r.err);
  REQUIRE(r.status == 0);
  const VcdReader vcd(dir.file("t.vcd"));
  const PerfettoTrace trace(dir.file("t.json"));
  const uint64_t cycles = vcd.end_time() / 10;  // the VCD's closing stamp: the run's cycles
  std::size_t counters = 0;
  for (const std::string& name : vcd.names()) {
    if (!ends_with(name, ".occupancy") && !ends_with(name, ".flits_forwarded")) continue;
    ++counters;
    const std::string prefix = "chip.mesh.router_1_0.";
    const auto samples = trace.counter("chip.mesh.router_1_0", name.substr(prefix.size()));
    REQUIRE_FALSE(samples.empty());
    for (uint64_t bucket = 0; bucket * every < cycles; ++bucket) {
      uint64_t peak = 0;
      for (uint64_t c = bucket * every; c < std::min(cycles, (bucket + 1) * every); ++c) {
        peak = std::max(peak, vcd.value_at(name, 10 * c));
      }
      // The sample in force at the bucket's start (equal samples are left out).
      uint64_t shown = 0;
      for (const auto& [ts, value] : samples) {
        if (ts <= bucket * every) shown = value;
      }
      INFO(name << " bucket " << bucket);
      CHECK(shown == peak);
    }
  }
  CHECK(counters == 8);  // 4 inputs' occupancy, 4 outputs' flits forwarded (no north on the top row)
  // Merged spans: fewer, the busy counts still the statistic's.
  const auto report = from_json<nmsim::Report>(dir.file("r.json"));
  const auto busy = busy_by_thread(trace);
  uint64_t total = 0;
  for (const auto& [thread, cycles_busy] : busy) total += cycles_busy;
  CHECK(total == stats_of(report).at("chip.mesh.router_1_0.flits_forwarded"));
  std::size_t merged = 0;
  for (const TraceEvent& e : trace.events) merged += e.ph == 'X' && PerfettoTrace::busy_cycles(e) < e.dur;
  CHECK(merged > 0);
}

TEST_CASE("perfetto cli: traffic's packets are flows, one per delivery", "[cli][trace][perfetto]") {
  TempDir dir;
  const auto r = run_nmsim(dir, "traffic --quiet --no-table --json r.json --perfetto t.json --set traffic.injection_rate=0.05 "
                                "--set traffic.warmup_cycles=100 --set traffic.measure_cycles=300");
  INFO(r.err);
  REQUIRE(r.status == 0);
  const PerfettoTrace trace(dir.file("t.json"));
  CHECK(check_against_report(trace, from_json<nmsim::Report>(dir.file("r.json"))) >= 32);
}

TEST_CASE("perfetto cli: option errors come before the run and leave no file", "[cli][trace][perfetto]") {
  TempDir dir;
  const auto both = run_nmsim(dir, kTinyRun + "--json r.json --vcd t.vcd --perfetto t.json");
  CHECK(both.status == 2);
  CHECK(both.err.find("--vcd, --fst and --perfetto: one trace at a time") != std::string::npos);
  const auto alone = run_nmsim(dir, kTinyRun + "--json r.json --perfetto-counter-every 10");
  CHECK(alone.status == 2);
  CHECK(alone.err.find("need --perfetto FILE") != std::string::npos);
  const auto zero = run_nmsim(dir, kTinyRun + "--json r.json --perfetto t.json --perfetto-counter-every 0");
  CHECK(zero.status == 2);
  const auto pattern = run_nmsim(dir, kTinyRun + "--json r.json --perfetto t.json --trace 'chip.host.transfr'");
  CHECK(pattern.status == 2);
  CHECK(pattern.err.find("the nearest: chip.host.transfer") != std::string::npos);
  const auto folder = run_nmsim(dir, kTinyRun + "--json r.json --perfetto missing/t.json");
  CHECK(folder.status == 2);
  CHECK(folder.err.find("--perfetto") != std::string::npos);
  CHECK_FALSE(exists(dir.file("t.json")));
  CHECK_FALSE(exists(dir.file("r.json")));
  CHECK(std::system(("ls -a " + dir.file("") + " | grep -q '\\.tmp$'").c_str()) != 0);  // no temporary left
}

TEST_CASE("perfetto cli: compare writes one timeline per algorithm", "[cli][trace][perfetto]") {
  TempDir dir;
  const auto compare = run_nmsim(dir, "compare --quiet --algorithms dfa,ff --json c.json --set training.train_samples=2 "
                                      "--set samples=2 --set dfa:network.hidden_sizes=16 --set ff:network.hidden_sizes=20 "
                                      "--no-check --perfetto t.json --trace '*.activity' --trace-end 200 --perfetto-counter-every 10");
  INFO(compare.err);
  REQUIRE(compare.status == 0);
  for (const char* job : {"dfa", "ff"}) {
    const PerfettoTrace trace(dir.file(std::string("t.") + job + ".json"));
    std::size_t spans = 0;
    for (const TraceEvent& e : trace.events) {
      CHECK(e.thread == "activity");
      CHECK(e.ts + e.dur <= 201);
      ++spans;
    }
    CHECK(spans > 0);
  }
}
