// VCD tracer: exact file text, name filter, time window, glob patterns, atomic write and
// periodic flushing. No SystemC design is built: the tracer takes cycles, not kernel time.
#include <catch2/catch.hpp>

#include <glob.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "models/base/errors.h"
#include "models/trace/tracer.h"

using nmsim::Cycle;
using nmsim::trace::glob_match;
using nmsim::trace::Signal;
using nmsim::trace::TraceOptions;
using nmsim::trace::Tracer;

namespace {

bool exists(const std::string& path) { return std::ifstream(path).good(); }

// The temporaries of output `name` in the current folder (".NAME.XXXXXX.tmp").
std::vector<std::string> temporaries_of(const std::string& name) {
  std::vector<std::string> found;
  glob_t matches;
  if (glob(("." + name + ".??????.tmp").c_str(), GLOB_PERIOD, nullptr, &matches) == 0) {
    found.assign(matches.gl_pathv, matches.gl_pathv + matches.gl_pathc);
  }
  globfree(&matches);
  return found;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TraceOptions options_for(const std::string& path) {
  std::remove(path.c_str());
  for (const auto& temporary : temporaries_of(path)) std::remove(temporary.c_str());
  TraceOptions o;
  o.path = path;
  o.period_ps = 1000;
  return o;
}

// Two signals; changes reported out of order, a repeated value, two changes in one cycle
// and a pulse. Returns after finish(10).
void play_two_signals(Tracer& tracer) {
  const Signal busy = tracer.add_signal("chip.core_0.busy", 1);
  const Signal occupancy = tracer.add_signal("chip.router.occupancy", 8);
  occupancy.set(Cycle(6), 0);
  occupancy.set(Cycle(6), 5);  // same cycle: the last change wins
  busy.pulse(Cycle(4));        // 1 at 4, 0 at 5
  occupancy.set(Cycle(2), 3);
  occupancy.set(Cycle(4), 3);  // unchanged: not written
  busy.set(Cycle(7), 0);       // unchanged: not written
}

const char* const kHeaderStart =
    "$version nmsim $end\n"
    "$comment time axis: one chip cycle is 1 ns (10 units of 100 ps), so times read as cycles; "
    "the chip's clock period is 1000 ps (1000 MHz) $end\n"
    "$timescale 100 ps $end\n";

const char* const kClockScope =
    "$scope module nmsim $end\n"
    "$var wire 1 ! clk $end\n"
    "$var wire 64 \" cycle $end\n"
    "$upscope $end\n"
    "$enddefinitions $end\n";

// Cycle c (10 units each): the clock rises at 10c with the counter (in $dumpvars for the
// first), `during` the changes written at 10c, and falls at 10c + 5.
std::string clock_cycles(uint64_t first, uint64_t last, const std::map<uint64_t, std::string>& during = {}) {
  std::string text;
  for (uint64_t c = first; c <= last; ++c) {
    std::string binary;
    for (uint64_t v = c; v != 0; v /= 2) binary.insert(binary.begin(), static_cast<char>('0' + v % 2));
    if (c != first) text += "#" + std::to_string(10 * c) + "\n1!\nb" + (binary.empty() ? "0" : binary) + " \"\n";
    const auto found = during.find(c);
    if (found != during.end()) text += found->second;
    text += "#" + std::to_string(10 * c + 5) + "\n0!\n";
  }
  return text + "#" + std::to_string(10 * (last + 1)) + "\n";
}

const std::string kTwoSignalsVcd = std::string(kHeaderStart) +
    "$scope module chip $end\n"
    "$scope module core_0 $end\n"
    "$var wire 1 # busy $end\n"
    "$upscope $end\n"
    "$scope module router $end\n"
    "$var wire 8 $ occupancy $end\n"
    "$upscope $end\n"
    "$upscope $end\n" +
    kClockScope +
    "#0\n"
    "$dumpvars\n"
    "1!\n"
    "b0 \"\n"
    "0#\n"
    "b0 $\n"
    "$end\n" +
    clock_cycles(0, 7, {{2, "b11 $\n"}, {4, "1#\n"}, {5, "0#\n"}, {6, "b101 $\n"}});

}  // namespace

TEST_CASE("trace: two signals and a pulse give the exact VCD text", "[trace]") {
  const TraceOptions options = options_for("trace_exact.vcd");
  {
    Tracer tracer(options);
    play_two_signals(tracer);
    REQUIRE(tracer.signal_count() == 4);  // with the clock and the cycle counter
    tracer.finish(Cycle(7)).commit();
  }
  REQUIRE(slurp("trace_exact.vcd") == kTwoSignalsVcd);
  std::remove("trace_exact.vcd");
}

TEST_CASE("trace: periodic flushing writes the same file", "[trace]") {
  // A threshold of 2 buffered changes with the safe cycle at 5: the flush writes cycles < 5
  // early (visible in the temporary), the rest at finish; the result is byte-identical.
  TraceOptions options = options_for("trace_flush.vcd");
  options.flush_threshold = 2;
  {
    Tracer tracer(options);
    const Signal busy = tracer.add_signal("chip.core_0.busy", 1);
    const Signal occupancy = tracer.add_signal("chip.router.occupancy", 8);
    tracer.set_safe_cycle(Cycle(2));
    occupancy.set(Cycle(2), 3);
    busy.pulse(Cycle(4));  // buffer reaches 2: flush before 2 (nothing yet)
    tracer.set_safe_cycle(Cycle(5));
    occupancy.set(Cycle(4), 3);  // buffer 4 >= 2: flush before 5 writes cycles 2 and 4
    REQUIRE(temporaries_of("trace_flush.vcd").size() == 1);
    const std::string partial = slurp(temporaries_of("trace_flush.vcd").front());
    REQUIRE(partial.find("#40\n1!\nb100 \"\n1#\n#45\n0!\n") != std::string::npos);  // the clock to cycle 5
    REQUIRE(partial.find("#50") == std::string::npos);
    occupancy.set(Cycle(6), 0);
    occupancy.set(Cycle(6), 5);
    busy.set(Cycle(7), 0);
    tracer.finish(Cycle(7)).commit();
  }
  REQUIRE(slurp("trace_flush.vcd") == kTwoSignalsVcd);
  std::remove("trace_flush.vcd");
}

TEST_CASE("trace: the name filter keeps only matching signals", "[trace]") {
  TraceOptions options = options_for("trace_filter.vcd");
  options.patterns = {"*.router.*", "chip.core_1.?usy"};
  {
    Tracer tracer(options);
    const Signal a = tracer.add_signal("chip.core_0.busy", 1);
    const Signal b = tracer.add_signal("chip.core_1.busy", 1);
    const Signal c = tracer.add_signal("chip.router.occupancy", 4);
    const Signal d = tracer.add_signal("chip.routerx", 1);
    REQUIRE_FALSE(a.enabled());
    REQUIRE(b.enabled());
    REQUIRE(c.enabled());
    REQUIRE_FALSE(d.enabled());
    REQUIRE(tracer.signal_count() == 4);
    a.set(Cycle(1), 1);  // filtered: a no-op
    b.set(Cycle(1), 1);
    c.set(Cycle(2), 9);
    tracer.finish(Cycle(2)).commit();
  }
  REQUIRE(slurp("trace_filter.vcd") == std::string(kHeaderStart) +
                                            "$scope module chip $end\n"
                                            "$scope module core_1 $end\n"
                                            "$var wire 1 # busy $end\n"
                                            "$upscope $end\n"
                                            "$scope module router $end\n"
                                            "$var wire 4 $ occupancy $end\n"
                                            "$upscope $end\n"
                                            "$upscope $end\n" +
                                            kClockScope +
                                            "#0\n$dumpvars\n1!\nb0 \"\n0#\nb0 $\n$end\n" +
                                            clock_cycles(0, 2, {{1, "1#\n"}, {2, "b1001 $\n"}}));
  std::remove("trace_filter.vcd");
}

TEST_CASE("trace: the time window drops changes outside it", "[trace]") {
  // Window [10, 20], period 500 ps (stated; the axis counts cycles). The change at 5 sets the
  // value at the window start (dumped at #100); 15 is written; 25 is dropped; the clock runs
  // to the window's end.
  TraceOptions options = options_for("trace_window.vcd");
  options.period_ps = 500;
  options.start = Cycle(10);
  options.end = Cycle(20);
  {
    Tracer tracer(options);
    const Signal s = tracer.add_signal("x", 1);
    s.set(Cycle(5), 1);
    s.set(Cycle(3), 0);  // earlier than 5: does not override the value at the start
    s.set(Cycle(15), 0);
    s.set(Cycle(25), 1);
    tracer.finish(Cycle(30)).commit();
  }
  REQUIRE(slurp("trace_window.vcd") ==
          "$version nmsim $end\n"
          "$comment time axis: one chip cycle is 1 ns (10 units of 100 ps), so times read as cycles; "
          "the chip's clock period is 500 ps (2000 MHz) $end\n"
          "$timescale 100 ps $end\n"
          "$var wire 1 # x $end\n" +
          std::string(kClockScope) + "#100\n$dumpvars\n1!\nb1010 \"\n1#\n$end\n" +
          clock_cycles(10, 20, {{15, "0#\n"}}));
  std::remove("trace_window.vcd");
}

TEST_CASE("trace: counters add every event, however close, and start from the events before the window", "[trace]") {
  TraceOptions options = options_for("trace_counter.vcd");
  options.start = Cycle(2);
  {
    Tracer tracer(options);
    const Signal n = tracer.add_counter("n");
    n.count(Cycle(0));
    n.count(Cycle(1), 2);  // before the window: 3 at its start
    n.count(Cycle(4));
    n.count(Cycle(3));     // reported late: still counted at 3
    n.count(Cycle(4), 5);  // the same cycle: 4 + 1 + 5 = 10
    tracer.finish(Cycle(4)).commit();
  }
  REQUIRE(slurp("trace_counter.vcd") == std::string(kHeaderStart) + "$var integer 64 # n $end\n" + kClockScope +
                                            "#20\n$dumpvars\n1!\nb10 \"\nb11 #\n$end\n" +
                                            clock_cycles(2, 4, {{3, "b100 #\n"}, {4, "b1010 #\n"}}));
  std::remove("trace_counter.vcd");
}

TEST_CASE("trace: a state signal shows its states' names", "[trace]") {
  TraceOptions options = options_for("trace_states.vcd");
  {
    Tracer tracer(options);
    const Signal s = tracer.add_states("core.activity", {"idle", "fire", "send"});
    s.set(Cycle(1), 2);
    s.set(Cycle(2), 1);
    tracer.finish(Cycle(2)).commit();
  }
  REQUIRE(slurp("trace_states.vcd") == std::string(kHeaderStart) +
                                           "$scope module core $end\n$var string 1 # activity $end\n$upscope $end\n" +
                                           kClockScope + "#0\n$dumpvars\n1!\nb0 \"\nsidle #\n$end\n" +
                                           clock_cycles(0, 2, {{1, "ssend #\n"}, {2, "sfire #\n"}}));
  std::remove("trace_states.vcd");
}

TEST_CASE("trace: a pattern that matches no signal is an error naming the nearest ones", "[trace]") {
  TraceOptions options = options_for("trace_nomatch.vcd");
  options.patterns = {"chip.core_*", "chip.node_0_0.core_0.bsy"};
  Tracer tracer(options);
  for (const char* name : {"chip.core_0.busy", "chip.node_0_0.core_0.busy", "chip.node_0_0.core_1.busy",
                           "chip.node_0_0.router.in_east.occupancy", "chip.node_1_0.core_0.busy",
                           "chip.node_0_0.core_0.activity", "chip.node_0_0.core_0.spike_out"}) {
    tracer.add_signal(name, 1);
  }
  try {
    tracer.check_patterns();
    FAIL("a pattern without a match was accepted");
  } catch (const nmsim::ConfigError& e) {
    // The first pattern matched chip.core_0.busy. The second is 1 edit off the same core's
    // busy, 2 off the other core's and node's, then 7 off activity ("bsy" -> "activity") and 9
    // off spike_out; chip.core_0.busy is 10 off (9 deletions, 1 insertion).
    REQUIRE(std::string(e.what()) ==
            "trace pattern 'chip.node_0_0.core_0.bsy' matches none of the run's 9 signals; the nearest: "
            "chip.node_0_0.core_0.busy, chip.node_0_0.core_1.busy, chip.node_1_0.core_0.busy, "
            "chip.node_0_0.core_0.activity, chip.node_0_0.core_0.spike_out");
  }
}

TEST_CASE("trace: glob_distance counts the edits to a match", "[trace]") {
  using nmsim::trace::glob_distance;
  REQUIRE(glob_distance("chip.*.busy", "chip.core_0.busy") == 0);
  REQUIRE(glob_distance("chip.*.bsy", "chip.core_0.busy") == 1);   // insert 'u'
  REQUIRE(glob_distance("core_?", "core_12") == 1);                // one character too many
  REQUIRE(glob_distance("abc", "xyz") == 3);
  REQUIRE(glob_distance("", "abc") == 3);
  REQUIRE(glob_distance("*", "") == 0);
}

TEST_CASE("trace: glob_match", "[trace]") {
  REQUIRE(glob_match("*", ""));
  REQUIRE(glob_match("*", "chip.a.b"));
  REQUIRE(glob_match("chip.*.busy", "chip.core_0.busy"));
  REQUIRE(glob_match("chip.*.busy", "chip.node.core_0.busy"));  // '*' crosses dots
  REQUIRE_FALSE(glob_match("chip.*.busy", "chip.core_0.busy_n"));
  REQUIRE(glob_match("c?re", "core"));
  REQUIRE_FALSE(glob_match("c?re", "cre"));
  REQUIRE(glob_match("*a*b*", "xxaxxbxx"));
  REQUIRE_FALSE(glob_match("*a*b*", "xxbxxaxx"));
  REQUIRE(glob_match("a**b", "ab"));
  REQUIRE_FALSE(glob_match("", "a"));
  REQUIRE(glob_match("", ""));
  REQUIRE_FALSE(glob_match("abc", "abcd"));
}

TEST_CASE("trace: the file appears only when the finished trace is committed", "[trace]") {
  const TraceOptions options = options_for("trace_atomic.vcd");
  {
    Tracer tracer(options);
    tracer.add_signal("x", 1).set(Cycle(1), 1);
    REQUIRE(temporaries_of("trace_atomic.vcd").size() == 1);
    REQUIRE_FALSE(exists("trace_atomic.vcd"));
    nmsim::OutputFile file = tracer.finish(Cycle(2));
    REQUIRE_FALSE(exists("trace_atomic.vcd"));  // whole, but not in place before the commit
    file.commit();
    REQUIRE(exists("trace_atomic.vcd"));
    REQUIRE(temporaries_of("trace_atomic.vcd").empty());
  }
  std::remove("trace_atomic.vcd");
  {
    // A run that fails: no finish(), the destructor removes the temporary file.
    Tracer tracer(options);
    tracer.add_signal("x", 1).set(Cycle(1), 1);
  }
  {
    // One that fails after the trace ended: the finished file is dropped uncommitted.
    Tracer tracer(options);
    tracer.add_signal("x", 1).set(Cycle(1), 1);
    const nmsim::OutputFile dropped = tracer.finish(Cycle(2));
  }
  REQUIRE(temporaries_of("trace_atomic.vcd").empty());
  REQUIRE_FALSE(exists("trace_atomic.vcd"));
}

TEST_CASE("trace: an unwritable path is an error naming it and the OS's reason", "[trace]") {
  TraceOptions options;
  options.path = "/nonexistent-dir/x.vcd";
  try {
    Tracer tracer(options);
    FAIL("a trace into a missing folder was accepted");
  } catch (const nmsim::DataError& e) {
    REQUIRE(std::string(e.what()) == "cannot write '/nonexistent-dir/x.vcd': No such file or directory");
  }
  options.path = "";
  REQUIRE_THROWS_AS(Tracer(options), nmsim::ConfigError);
}
