// Synthetic traffic mode: exact properties (not averages compared with tolerances).
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>
#include <google/protobuf/text_format.h>

#include "models/base/errors.h"
#include "platform/config/validate.h"
#include "workloads/traffic/traffic.h"
#include "tests/models/noc/testbench.h"

using namespace nmsim;
using namespace nmsim::noc::test;

namespace {

TrafficConfig default_traffic() {
  std::ifstream in(std::string(NMSIM_SOURCE_DIR) + "/platform/presets/traffic_default.textproto");
  std::stringstream text;
  text << in.rdbuf();
  TrafficConfig t;
  REQUIRE(google::protobuf::TextFormat::ParseFromString(text.str(), &t));
  return t;
}

}  // namespace

TEST_CASE("the traffic preset sets every field", "[traffic]") {
  const TrafficConfig t = default_traffic();
  CHECK(t.pattern() == TRAFFIC_UNIFORM_RANDOM);
  CHECK(t.injection() == INJECTION_BERNOULLI);
  CHECK(t.injection_rate() == 0.01);
  CHECK(t.packet_length_flits() == 1);
  CHECK(t.warmup_cycles() == 1000);
  CHECK(t.measure_cycles() == 10000);
  CHECK(t.drain_limit_cycles() == 100000);
  CHECK(t.seed() == 1);
  CHECK(t.has_hotspot_x());
  CHECK(t.has_hotspot_fraction());
}

TEST_CASE("bit complement on 2x2: four disjoint flows, every latency exactly 3P + 2L",
          "[traffic]") {
  // Bit complement on a 2x2 XY mesh: (0,0)->(1,1) uses (0,0).east and (1,0).south;
  // (1,0)->(0,1): (1,0).west, (0,0).south; (0,1)->(1,0): (0,1).east, (1,1).north;
  // (1,1)->(0,0): (1,1).west, (0,1).north. No output and no destination is shared, Bernoulli
  // makes at most one packet per node per cycle, and B = 4 covers the 3-cycle credit round
  // trip: no packet ever waits, so every latency is 2 hops: 3*1 + 2*1 = 5 cycles, even at
  // 0.5 flits/node/cycle.
  SimContext ctx(kClockMhz);
  TrafficConfig t = default_traffic();
  t.set_pattern(TRAFFIC_BIT_COMPLEMENT);
  t.set_injection_rate(0.5);
  t.set_warmup_cycles(100);
  t.set_measure_cycles(2000);
  auto bench = traffic::run_traffic(make_chip(2, 2, 1, 1, 4), t, ctx);
  const TrafficSummary s = bench->summary();
  REQUIRE(bench->measured_created() > 500);
  CHECK(s.drained());
  CHECK(s.packets_measured() == bench->measured_created());
  CHECK(s.average_latency_cycles() == 5.0);
  CHECK(s.max_latency_cycles() == 5);
  CHECK(s.average_hops() == 2.0);
  // Accounting: rates are the window's flits over nodes x window cycles.
  CHECK(s.offered_flits_per_node_cycle() == bench->window_flits_created() / (4.0 * 2000));
  CHECK(s.accepted_flits_per_node_cycle() == bench->window_flits_delivered() / (4.0 * 2000));
  // Every packet arrives 5 cycles after creation, so the window's deliveries are the
  // packets created in [95, 2095): the counts differ only by the two 5-cycle edges.
  CHECK(bench->mesh().router(0).arbitration_conflicts().total() == 0);
  CHECK(bench->mesh().router(0).credit_stall_cycles().total() == 0);
}

TEST_CASE("a lone packet: hotspot traffic at a tiny rate has the zero-load latency",
          "[traffic]") {
  // 2x1 mesh, all packets to the other node (1 hop): 4-flit packets, P = 2, L = 3:
  // head (1+1)*2 + 1*3 = 7, tail 7 + 3 = 10. At 4e-4 flits/node/cycle (1e-4 packets) a
  // packet lasts 10 cycles, so with this seed no two packets overlap (checked: max latency).
  SimContext ctx(kClockMhz);
  TrafficConfig t = default_traffic();
  t.set_pattern(TRAFFIC_HOTSPOT);
  t.set_hotspot_x(1);
  t.set_hotspot_fraction(1.0);
  t.set_injection_rate(4e-4);
  t.set_packet_length_flits(4);
  t.set_warmup_cycles(0);
  t.set_measure_cycles(100000);
  auto bench = traffic::run_traffic(make_chip(2, 1, 2, 3, 4), t, ctx);
  const TrafficSummary s = bench->summary();
  REQUIRE(s.packets_measured() > 5);
  CHECK(s.drained());
  CHECK(s.max_latency_cycles() == 10);
  CHECK(s.average_latency_cycles() == 10.0);
  CHECK(s.average_hops() == 1.0);
}

TEST_CASE("a run the mesh cannot drain stops at the drain limit, from the engine's one thread",
          "[traffic]") {
  // Hotspot traffic on 2x2 at 1 flit/node/cycle: nodes 1-3 send every packet to node 0, whose
  // local output takes one flit per cycle; after 100 cycles about 200 packets wait, more than
  // 50 cycles can deliver. The run ends at window end + drain limit = 100 + 50 (the cycle the
  // bench acts at, stepped as its last), undrained.
  SimContext ctx(kClockMhz);
  TrafficConfig t = default_traffic();
  t.set_pattern(TRAFFIC_HOTSPOT);
  t.set_hotspot_x(0);
  t.set_hotspot_y(0);
  t.set_hotspot_fraction(1.0);
  t.set_injection_rate(1.0);
  t.set_warmup_cycles(0);
  t.set_measure_cycles(100);
  t.set_drain_limit_cycles(50);
  auto bench = traffic::run_traffic(make_chip(2, 2), t, ctx);
  CHECK(bench->end_cycle().value() == 150);
  CHECK(ctx.clock.now().value() == 150);
  CHECK_FALSE(bench->summary().drained());
  CHECK(bench->measured_delivered() < bench->measured_created());
  // The bench is the mesh engine's cycle source: it has no process of its own.
  for (const sc_core::sc_object* child : bench->get_child_objects()) {
    CHECK(std::string(child->kind()) != "sc_thread_process");
  }
}

TEST_CASE("a window without packets ends the run at its last cycle", "[traffic]") {
  // 1e-6 flits/node/cycle on 2x2 over a 10-cycle window: with seed 1 no packet is created
  // (required below), so every measured packet has arrived when the window ends, at cycle 10.
  SimContext ctx(kClockMhz);
  TrafficConfig t = default_traffic();
  t.set_injection_rate(1e-6);
  t.set_warmup_cycles(0);
  t.set_measure_cycles(10);
  auto bench = traffic::run_traffic(make_chip(2, 2), t, ctx);
  REQUIRE(bench->packets_created() == 0);
  CHECK(bench->end_cycle().value() == 10);
  CHECK(bench->summary().drained());
}

TEST_CASE("transpose needs a square mesh", "[traffic][config]") {
  TrafficConfig t = default_traffic();
  t.set_pattern(TRAFFIC_TRANSPOSE);
  CHECK_THROWS_WITH(config::validate(t, make_chip(4, 2)),
                    Catch::Contains("traffic.pattern = TRAFFIC_TRANSPOSE: needs a square mesh"));
  t.set_injection_rate(0);
  t.set_pattern(TRAFFIC_UNIFORM_RANDOM);
  CHECK_THROWS_AS(config::validate(t, make_chip(4, 4)), ConfigError);
  CHECK_THROWS_WITH(config::validate(t, make_chip(4, 4)), "traffic.injection_rate = 0: must be in (0, 1]");
}

namespace {

void speed_run(uint32_t side, double rate, InjectionProcess injection) {
  SimContext ctx(kClockMhz);
  TrafficConfig t = default_traffic();
  t.set_injection(injection);
  t.set_injection_rate(rate);
  t.set_measure_cycles(100000);
  const auto start = std::chrono::steady_clock::now();
  auto bench = traffic::run_traffic(make_chip(side, side), t, ctx);
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const TrafficSummary s = bench->summary();
  std::printf("%ux%u uniform %.3f: %.0f simulated cycles/s, average latency %.2f, accepted %.4f\n",
              side, side, rate, bench->end_cycle().value() / wall, s.average_latency_cycles(),
              s.accepted_flits_per_node_cycle());
  CHECK(s.drained());
  CHECK(s.packets_measured() == bench->measured_created());
  // Every packet needs at least one hop: 3P + 2L... at least 2k+1 with k >= 1.
  CHECK(s.average_latency_cycles() >= 3.0);
  CHECK(s.average_hops() >= 1.0);
  // Conservation over the whole run: every delivered flit was injected.
  uint64_t injected = 0, delivered = 0;
  for (uint32_t n = 0; n < bench->mesh().nodes(); ++n) {
    injected += bench->mesh().ni(n).flits_injected().total();
    delivered += bench->mesh().ni(n).local_deliveries().total();
  }
  CHECK(delivered <= injected);
  CHECK(bench->packets_delivered() <= bench->packets_created());
}

}  // namespace

TEST_CASE("8x8 uniform random at 0.05 (speed printed)", "[traffic][speed]") {
  speed_run(8, 0.05, INJECTION_BERNOULLI);
}

TEST_CASE("8x8 uniform random at 0.01 (speed printed)", "[traffic][speed]") {
  speed_run(8, 0.01, INJECTION_BERNOULLI);
}

TEST_CASE("16x16 uniform random Poisson at 0.05 (speed printed)", "[traffic][speed]") {
  speed_run(16, 0.05, INJECTION_POISSON);
}
