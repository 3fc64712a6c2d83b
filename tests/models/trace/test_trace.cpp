// VCD tracer: exact file text, name filter, time window, glob patterns, atomic write and
// periodic flushing. No SystemC design is built: the tracer takes cycles, not kernel time.
#include <catch2/catch.hpp>

#include <glob.h>

#include <cstdio>
#include <fstream>
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

const char* const kTwoSignalsVcd =
    "$version nmsim $end\n"
    "$timescale 1 ps $end\n"
    "$scope module chip $end\n"
    "$scope module core_0 $end\n"
    "$var wire 1 ! busy $end\n"
    "$upscope $end\n"
    "$scope module router $end\n"
    "$var wire 8 \" occupancy $end\n"
    "$upscope $end\n"
    "$upscope $end\n"
    "$enddefinitions $end\n"
    "#0\n"
    "$dumpvars\n"
    "0!\n"
    "b0 \"\n"
    "$end\n"
    "#2000\n"
    "b11 \"\n"
    "#4000\n"
    "1!\n"
    "#5000\n"
    "0!\n"
    "#6000\n"
    "b101 \"\n"
    "#10000\n";

}  // namespace

TEST_CASE("trace: two signals and a pulse give the exact VCD text", "[trace]") {
  const TraceOptions options = options_for("trace_exact.vcd");
  {
    Tracer tracer(options);
    play_two_signals(tracer);
    REQUIRE(tracer.signal_count() == 2);
    tracer.finish(Cycle(10)).commit();
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
    REQUIRE(partial.find("#4000\n1!\n") != std::string::npos);
    REQUIRE(partial.find("#5000") == std::string::npos);
    occupancy.set(Cycle(6), 0);
    occupancy.set(Cycle(6), 5);
    busy.set(Cycle(7), 0);
    tracer.finish(Cycle(10)).commit();
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
    REQUIRE(tracer.signal_count() == 2);
    a.set(Cycle(1), 1);  // filtered: a no-op
    b.set(Cycle(1), 1);
    c.set(Cycle(2), 9);
    tracer.finish(Cycle(2)).commit();
  }
  REQUIRE(slurp("trace_filter.vcd") ==
          "$version nmsim $end\n"
          "$timescale 1 ps $end\n"
          "$scope module chip $end\n"
          "$scope module core_1 $end\n"
          "$var wire 1 ! busy $end\n"
          "$upscope $end\n"
          "$scope module router $end\n"
          "$var wire 4 \" occupancy $end\n"
          "$upscope $end\n"
          "$upscope $end\n"
          "$enddefinitions $end\n"
          "#0\n"
          "$dumpvars\n"
          "0!\n"
          "b0 \"\n"
          "$end\n"
          "#1000\n"
          "1!\n"
          "#2000\n"
          "b1001 \"\n");
  std::remove("trace_filter.vcd");
}

TEST_CASE("trace: the time window drops changes outside it", "[trace]") {
  // Window [10, 20], period 500 ps. The change at 5 sets the value at the window start
  // (dumped at #5000); 15 is written; 25 is dropped; the closing stamp is the window end.
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
          "$timescale 1 ps $end\n"
          "$var wire 1 ! x $end\n"
          "$enddefinitions $end\n"
          "#5000\n"
          "$dumpvars\n"
          "1!\n"
          "$end\n"
          "#7500\n"
          "0!\n"
          "#10000\n");
  std::remove("trace_window.vcd");
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
