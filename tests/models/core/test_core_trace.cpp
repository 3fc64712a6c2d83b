// The waveform of a tiny run, read back by an independent reader (tests/common/vcd_reader.h)
// and checked cycle by cycle against the timing derived by hand in test_core.cpp: one core
// resets, integrates input spikes 3, 70 and 71, fires neurons 4..7, sends them one a cycle and
// waits at the barrier. Once as VCD, once as FST (written through GTKWave's vcd2fst, read back
// through GTKWave's fst2vcd).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "models/trace/tracer.h"
#include "models/trace/vcd2fst_process.h"
#include "tests/common/vcd_reader.h"
#include "tests/models/core/testbench.h"

using namespace nmsim;
using testing::LambdaProgram;
using testing::VcdReader;

namespace {

struct TinyRun {
  Cycle send_start, released, end;
};

// test_core.cpp's "core alone" run (threshold 4000: neurons 4..7 fire), traced.
TinyRun run_traced(const trace::TraceOptions& options) {
  trace::Tracer tracer(options);
  testing::WeightedBench bench(4000, &tracer);
  TinyRun run;
  LambdaProgram program([&](core::NeuronCore& c) {
    testing::integrate_and_fire_known_spikes(c);
    run.send_start = bench.ctx.clock.now();
    c.send_spikes();
    c.barrier(Phase::kBackward);
    run.released = bench.ctx.clock.now();
  });
  bench.core.set_program(&program);
  tracer.check_patterns();
  sc_core::sc_start();
  run.end = bench.ctx.clock.now();
  tracer.finish(run.end).commit();
  return run;
}

uint64_t events_up_to(const std::vector<uint64_t>& cycles, uint64_t c) {
  uint64_t n = 0;
  for (const uint64_t at : cycles) n += at <= c;
  return n;
}

// Cycle by cycle, from test_core.cpp's derivations (program start 0; the first layer's
// inputs pass the encoder): reset 0..3 (2 state words + fill 2), encode 4..10 (ceil(100
// axons / 16 lanes) = 7), integrate 11..23 (13 cycles), fire 24..27 (4), send 28..31 (4 spikes
// one a cycle), the barrier 32..35 (latency 4), idle from 36, the run's end; the synapse
// SRAM's words (rows of 2 words in banks 0 and 1, integrate start s = 11): bank 0 issues at
// s+1, s+3, s+6, bank 1 at s+2, s+4, s+7.
void check_waveform(const VcdReader& vcd) {
  CHECK(vcd.timescale() == "100ps");
  const uint64_t last = 36;
  CHECK(vcd.end_time() == (last + 1) * 10);
  const std::vector<uint64_t> bank0 = {12, 14, 17}, bank1 = {13, 15, 18}, sent = {28, 29, 30, 31};
  for (uint64_t c = 0; c <= last; ++c) {
    INFO("cycle " << c);
    const uint64_t t = 10 * c;
    CHECK(vcd.value_at("nmsim.clk", t) == 1);
    CHECK(vcd.value_at("nmsim.clk", t + 5) == 0);
    CHECK(vcd.value_at("nmsim.cycle", t) == c);
    const char* activity = c < 4    ? "reset"
                           : c < 11 ? "encode"
                           : c < 24 ? "integrate"
                           : c < 28 ? "fire"
                           : c < 32 ? "send"
                           : c < 36 ? "barrier_wait"
                                    : "idle";
    CHECK(vcd.text_at("core.activity", t) == activity);
    CHECK(vcd.value_at("core.packets_sent", t) == events_up_to(sent, c));
    CHECK(vcd.value_at("core.spike_out", t) == (c >= 28 && c <= 31 ? 1u : 0u));
    CHECK(vcd.value_at("core.sram.bank[0].busy_cycles", t) == events_up_to(bank0, c));
    CHECK(vcd.value_at("core.sram.bank[1].busy_cycles", t) == events_up_to(bank1, c));
    CHECK(vcd.value_at("core.sram.bank[0].busy", t) == static_cast<uint64_t>(std::count(bank0.begin(), bank0.end(), c)));
  }
  // Four spikes in four cycles: one long pulse of spike_out, four steps of the counter.
  const uint64_t end = vcd.end_time();
  CHECK(vcd.changes_between("core.spike_out", 0, end) == 2);
  CHECK(vcd.changes_between("core.packets_sent", 0, end) == 4);
  CHECK(vcd.changes_between("nmsim.clk", 0, end) == 2 * (last + 1) - 1);  // all but the first rise: the dump
}

}  // namespace

TEST_CASE("trace: a tiny run's VCD, read by an independent reader, cycle by cycle", "[trace][core]") {
  trace::TraceOptions options;
  options.path = "core_trace.vcd";
  options.period_ps = 5000;
  const TinyRun run = run_traced(options);
  REQUIRE(run.send_start == Cycle(28));
  REQUIRE(run.released == Cycle(36));
  const VcdReader vcd("core_trace.vcd");
  CHECK(vcd.comment().find("5000 ps (200 MHz)") != std::string::npos);
  CHECK(vcd.var("core.activity").type == "string");
  CHECK(vcd.var("core.packets_sent").type == "integer");
  check_waveform(vcd);
  std::remove("core_trace.vcd");
}

TEST_CASE("trace: a tiny run's FST, through GTKWave's fst2vcd, gives the same waveform", "[trace][core]") {
  REQUIRE_FALSE(trace::find_on_path("fst2vcd").empty());  // Debian's gtkwave (tools/setup.sh)
  trace::TraceOptions options;
  options.path = "core_trace.fst";
  options.format = trace::TraceFormat::kFst;
  run_traced(options);
  REQUIRE(std::system("fst2vcd -f core_trace.fst -o core_trace_fst.vcd > /dev/null") == 0);
  check_waveform(VcdReader("core_trace_fst.vcd"));
  std::remove("core_trace.fst");
  std::remove("core_trace_fst.vcd");
}
