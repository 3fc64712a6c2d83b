// A 1x2 mesh's Perfetto timeline, read back by the tests' own JSON reader and checked event by
// event against the timing derived from models/noc/mesh.h (P = L = 1, I = E = 0): a flit
// written into an input at a leaves at a + P, is written into the next router at d + L and is
// delivered as it leaves on the local output. Three packets: A (1 flit, node 0 -> 1, at 0),
// B (2 flits, 1 -> 0, at 10), C (1 flit, multicast from 0 to both nodes, at 20).
#include <catch2/catch.hpp>

#include <cstdio>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "models/trace/tracer.h"
#include "tests/common/perfetto_trace.h"
#include "tests/models/noc/testbench.h"

using namespace nmsim;
using namespace nmsim::noc;
using namespace nmsim::noc::test;
using nmsim::testing::PerfettoTrace;
using nmsim::testing::TraceEvent;

namespace {

using Spans = std::vector<std::pair<uint64_t, uint64_t>>;  // (ts, dur)
using Samples = std::vector<std::pair<uint64_t, uint64_t>>;

Spans spans_of(const std::vector<TraceEvent>& slices) {
  Spans spans;
  for (const TraceEvent& e : slices) spans.emplace_back(e.ts, e.dur);
  return spans;
}

// (ts, name, bind_id) of an interface's packet slices.
std::vector<std::tuple<uint64_t, std::string, uint64_t>> packets_of(const PerfettoTrace& trace, const std::string& ni) {
  std::vector<std::tuple<uint64_t, std::string, uint64_t>> found;
  for (const TraceEvent& e : trace.slices(ni, "packets")) {
    CHECK(e.dur == 1);
    found.emplace_back(e.ts, e.name, (*e.json)["bind_id"].as_uint());
  }
  return found;
}

}  // namespace

TEST_CASE("perfetto: a 1x2 mesh's packets, busy spans and counters, event by event", "[trace][perfetto][noc]") {
  std::remove("mesh_perfetto.json");
  trace::TraceOptions options;
  options.path = "mesh_perfetto.json";
  options.format = trace::TraceFormat::kPerfetto;
  SimContext ctx(kClockMhz);
  trace::Tracer tracer(options);
  ctx.tracer = &tracer;
  Mesh mesh("mesh", make_chip(2, 1), ctx);
  Recorder rec(mesh);
  const uint32_t tree = mesh.add_multicast_tree(0, {{0, 0}, {1, 0}});
  mesh.inject(unicast(1, 0, 1, 0), Cycle(0));
  mesh.inject(unicast(2, 1, 0, 10, 2), Cycle(10));
  mesh.send_to_tree(unicast(3, 0, 0, 20), tree, Cycle(20));
  tracer.check_patterns();
  sc_core::sc_start();
  mesh.rethrow_if_failed();
  REQUIRE(rec.log.size() == 4);
  tracer.finish(ctx.clock.now()).commit();

  const PerfettoTrace trace("mesh_perfetto.json");
  // A leaves router 0 east at 1 and router 1 local at 3; B's head and tail leave router 1 west
  // at 11, 12 and router 0 local at 13, 14; C leaves router 0 on local and east at 21 and
  // router 1 local at 23.
  CHECK(spans_of(trace.slices("mesh.router_0_0", "out_east.busy")) == Spans{{1, 1}, {21, 1}});
  CHECK(spans_of(trace.slices("mesh.router_1_0", "out_local.busy")) == Spans{{3, 1}, {23, 1}});
  CHECK(spans_of(trace.slices("mesh.router_1_0", "out_west.busy")) == Spans{{11, 2}});
  CHECK(spans_of(trace.slices("mesh.router_0_0", "out_local.busy")) == Spans{{13, 2}, {21, 1}});
  // Tails delivered: A at node 1 at 3, B at node 0 at 14, C at 21 and 23.
  CHECK(spans_of(trace.slices("mesh.ni_1_0", "delivered")) == Spans{{3, 1}, {23, 1}});
  CHECK(spans_of(trace.slices("mesh.ni_0_0", "delivered")) == Spans{{14, 1}, {21, 1}});
  // Flows: A is packet 0 of the mesh, B 1, C 2; C's one source slice has two destinations.
  using Packet = std::tuple<uint64_t, std::string, uint64_t>;
  CHECK(packets_of(trace, "mesh.ni_0_0") ==
        std::vector<Packet>{{0, "inject", 0}, {14, "deliver", 1}, {20, "inject", 2}, {21, "deliver", 2}});
  CHECK(packets_of(trace, "mesh.ni_1_0") == std::vector<Packet>{{3, "deliver", 0}, {10, "inject", 1}, {23, "deliver", 2}});
  // Counters named as the statistics, ending at them.
  CHECK(trace.counter("mesh.router_0_0", "out_east.flits_forwarded") == Samples{{0, 0}, {1, 1}, {21, 2}});
  CHECK(trace.counter("mesh.router_1_0", "out_west.flits_forwarded") == Samples{{0, 0}, {11, 1}, {12, 2}});
  CHECK(trace.counter("mesh.ni_1_0", "packets_delivered") == Samples{{0, 0}, {3, 1}, {23, 2}});
  CHECK(trace.counter("mesh.ni_0_0", "packets_delivered") == Samples{{0, 0}, {14, 1}, {21, 2}});
  CHECK(mesh.ni(0).packets_delivered().total() == 2);
  // Occupancy: the slot is taken as the flit leaves upstream (A at 1, C at 21) and freed as it
  // leaves (3, 23).
  CHECK(trace.counter("mesh.router_1_0", "in_west.occupancy") == Samples{{0, 0}, {1, 1}, {3, 0}, {21, 1}, {23, 0}});
  std::remove("mesh_perfetto.json");
}
