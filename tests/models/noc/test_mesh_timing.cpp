// Cycle-exact NoC micro-scenarios; every number is derived from the microarchitecture
// documented in models/noc/mesh.h (P = router_pipeline_stages, L = link_latency_cycles).
#include <catch2/catch.hpp>

#include <string>

#include "tests/models/noc/testbench.h"

using namespace nmsim;
using namespace nmsim::noc;
using namespace nmsim::noc::test;

namespace {

// Single-flit packets from node 0 of a 4x4 mesh to nodes k hops away, one every 1000 cycles
// so they never meet: latency = (k+1)*P + k*L.
void check_zero_load(uint32_t P, uint32_t L) {
  SimContext ctx(kClockMhz);
  Mesh mesh("mesh", make_chip(4, 4, P, L), ctx);
  Recorder rec(mesh);
  const MeshShape& s = mesh.shape();
  // k = 0 (to itself), 1, 3, 6 (the far corner).
  const uint32_t dests[] = {s.node(0, 0), s.node(1, 0), s.node(2, 1), s.node(3, 3)};
  const uint32_t hops[] = {0, 1, 3, 6};
  for (uint64_t i = 0; i < 4; ++i) {
    mesh.inject(unicast(i, 0, dests[i], 1000 * i), Cycle(1000 * i));
  }
  sc_core::sc_start();
  mesh.rethrow_if_failed();
  REQUIRE(rec.log.size() == 4);
  for (uint64_t i = 0; i < 4; ++i) {
    const Delivery* d = rec.find(i);
    REQUIRE(d != nullptr);
    CHECK(d->node == dests[i]);
    CHECK(d->at - d->created == (hops[i] + 1) * P + hops[i] * L);
  }
  // One hop counted per link crossed: 0 + 1 + 3 + 6.
  CHECK(sum_over_routers(mesh, [](const Router& r) { return r.hops(); }) == 10);
  CHECK(mesh.idle());
  CHECK(mesh.last_delivery_cycle().value() == 3000 + 7 * P + 6 * L);
}

}  // namespace

TEST_CASE("zero-load latency P=1 L=1: 2k+1", "[noc][timing]") {
  // k = 0, 1, 3, 6 -> 1, 3, 7, 13 cycles.
  check_zero_load(1, 1);
}

TEST_CASE("zero-load latency P=2 L=3: 5k+2", "[noc][timing]") {
  // k = 0, 1, 3, 6 -> 2, 7, 17, 32 cycles.
  check_zero_load(2, 3);
}

TEST_CASE("zero-load latency P=3 L=1: 4k+3", "[noc][timing]") {
  check_zero_load(3, 1);
}

TEST_CASE("multi-flit packet: the tail arrives n-1 cycles after the head", "[noc][timing]") {
  // 5 flits over 3 hops, P = 1, L = 1, B = 4. Credit round trip: a flit leaving at d is
  // written downstream at d+1, leaves there at d+2, its credit is back at d+3, so B = 4 >= 3
  // slots keep the link busy every cycle: head at 3*1 + 3*2... = (3+1)*1 + 3*1 = 7, tail at 7+4.
  SimContext ctx(kClockMhz);
  Mesh mesh("mesh", make_chip(4, 1, 1, 1, 4), ctx);
  Recorder rec(mesh);
  mesh.inject(unicast(1, 0, 3, 0, 5), Cycle(0));
  sc_core::sc_start();
  mesh.rethrow_if_failed();
  REQUIRE(rec.log.size() == 1);
  CHECK(rec.log[0].at == 11);
  // 5 flits x 3 links; 5 flits written into each of the 4 routers' buffers.
  CHECK(sum_over_routers(mesh, [](const Router& r) { return r.hops(); }) == 15);
  CHECK(sum_over_routers(mesh, [](const Router& r) { return r.buffer_writes(); }) == 20);
  CHECK(sum_over_nis(mesh, [](const NetworkInterface& n) -> const PhaseCounter& { return n.local_deliveries(); }) == 5);
  CHECK(mesh.router(0).credit_stall_cycles().total() == 0);
  // Charged to the packet's phase.
  CHECK(mesh.router(0).hops()[Phase::kForward] == 5);
}

TEST_CASE("two packets contend for one output: round robin, the loser waits one cycle",
          "[noc][timing]") {
  // 3x3 mesh, XY. A: node (0,1) -> (2,1), injected at 0: leaves (0,1) at 1, written into
  // (1,1)'s west input at 2, eligible at 3. B: injected at (1,1) at 2 to (2,1): eligible at 3.
  // Both want (1,1)'s east output at 3. Round robin starts after the initial last winner
  // (local), so the order is N, E, S, W, local: A (west) wins at 3, B leaves at 4.
  // A: (2,1) at 4, delivered at 5 (latency 5 = 3P + 2L). B: (2,1) at 5, delivered at 6,
  // latency 4 = zero-load 3 + 1.
  SimContext ctx(kClockMhz);
  Mesh mesh("mesh", make_chip(3, 3), ctx);
  Recorder rec(mesh);
  const MeshShape& s = mesh.shape();
  mesh.inject(unicast(1, s.node(0, 1), s.node(2, 1), 0), Cycle(0));
  mesh.inject(unicast(2, s.node(1, 1), s.node(2, 1), 2), Cycle(2));
  sc_core::sc_start();
  mesh.rethrow_if_failed();
  REQUIRE(rec.log.size() == 2);
  CHECK(rec.find(1)->at == 5);
  CHECK(rec.find(2)->at == 6);
  CHECK(mesh.router(s.node(1, 1)).arbitration_conflicts().total() == 1);
  CHECK(mesh.router(s.node(1, 1)).credit_stall_cycles().total() == 0);
}

TEST_CASE("four inputs contend for one output: round-robin order", "[noc][timing]") {
  // 3x3 mesh, XY; every packet goes to (1,2) through (1,1)'s south output.
  // N1: (1,0) at 0 -> (1,1) north input at 2, eligible 3.  W: (0,1) at 0 -> west input, 3.
  // E: (2,1) at 0 -> east input, 3.  Lo: injected at (1,1) at 2, local input, 3.
  // N2: (1,0) at 1 -> north input at 3 (behind N1, which leaves at 3), eligible 4.
  // Round robin, the last winner gets the lowest priority (initially local):
  //   3: N1 wins (losers E, W, Lo: 3)      last = N
  //   4: E wins (after N: E) (W, Lo, N2: 3) last = E
  //   5: W wins (S empty) (Lo, N2: 2)        last = W
  //   6: Lo wins (N2: 1)                    last = local
  //   7: N2 alone.                          conflicts 3 + 3 + 2 + 1 = 9
  // (Fixed priority by port would have sent N2 at 4.) Leaving (1,1) at d: written into
  // (1,2) at d+1, eligible and delivered at d+2: N1 5, E 6, W 7, Lo 8, N2 9.
  SimContext ctx(kClockMhz);
  Mesh mesh("mesh", make_chip(3, 3), ctx);
  Recorder rec(mesh);
  const MeshShape& s = mesh.shape();
  const uint32_t dest = s.node(1, 2);
  mesh.inject(unicast(1, s.node(1, 0), dest, 0), Cycle(0));
  mesh.inject(unicast(2, s.node(0, 1), dest, 0), Cycle(0));
  mesh.inject(unicast(3, s.node(2, 1), dest, 0), Cycle(0));
  mesh.inject(unicast(4, s.node(1, 1), dest, 2), Cycle(2));
  mesh.inject(unicast(5, s.node(1, 0), dest, 1), Cycle(1));
  sc_core::sc_start();
  mesh.rethrow_if_failed();
  REQUIRE(rec.log.size() == 5);
  CHECK(rec.find(1)->at == 5);
  CHECK(rec.find(3)->at == 6);
  CHECK(rec.find(2)->at == 7);
  CHECK(rec.find(4)->at == 8);
  CHECK(rec.find(5)->at == 9);
  CHECK(mesh.router(s.node(1, 1)).arbitration_conflicts().total() == 9);
}

namespace {

// 3x1 mesh, B = 2, P = 1, L = 1, six flits from node 0 to node 2 (one 6-flit packet or six
// 1-flit packets: the same flow). With p_i the NI write of flit i, d0/d1/d2 its departures
// from routers 0, 1, 2 (d2 = delivery):
//   p_i  >= p_{i-1}+1, and a local-input credit: d0_{i-2} + 1
//   d0_i >= p_i + 1, d0_{i-1} + 1, and an east credit: d1_{i-2} + 1
//   d1_i >= d0_i + 2, d1_{i-1} + 1, and an east credit: d2_{i-2} + 1 = d1_{i-2} + 3
//   d2_i  = d1_i + 2
//   i:  p   d0  d1  d2
//   0:  0   1   3   5
//   1:  1   2   4   6
//   2:  2   4   6   8     (d0: east credit of flit 0 back at d1_0 + 1 = 4)
//   3:  3   5   7   9
//   4:  5   7   9   11    (p: local credit d0_2 + 1 = 5; d0: d1_2 + 1 = 7)
//   5:  6   8   10  12
// Router 0's east output has an eligible flit and no credit in cycles 3 (flit 2, eligible at
// 3, credit at 4) and 6 (flit 4, eligible at 6, credit at 7): 2 stall cycles.
constexpr uint64_t kBackPressureDelivery[] = {5, 6, 8, 9, 11, 12};

}  // namespace

TEST_CASE("credit back-pressure: six single-flit packets through 2-flit buffers",
          "[noc][timing][credits]") {
  SimContext ctx(kClockMhz);
  Mesh mesh("mesh", make_chip(3, 1, 1, 1, 2), ctx);
  Recorder rec(mesh);
  for (uint64_t i = 0; i < 6; ++i) mesh.inject(unicast(i, 0, 2, 0), Cycle(0));
  sc_core::sc_start();
  mesh.rethrow_if_failed();
  REQUIRE(rec.log.size() == 6);
  for (uint64_t i = 0; i < 6; ++i) {
    CHECK(rec.log[i].id == i);  // in order, none lost
    CHECK(rec.log[i].at == kBackPressureDelivery[i]);
  }
  CHECK(mesh.router(0).credit_stall_cycles().total() == 2);
  CHECK(mesh.router(1).credit_stall_cycles().total() == 0);
  CHECK(mesh.ni(0).max_queue_packets() == 6);
  CHECK(sum_over_routers(mesh, [](const Router& r) { return r.hops(); }) == 12);
}

TEST_CASE("credit back-pressure: one 6-flit packet, tail at cycle 12", "[noc][timing][credits]") {
  // The same flow as above; without back-pressure (B >= 3) the tail would come at 5 + 5 = 10.
  SimContext ctx(kClockMhz);
  Mesh mesh("mesh", make_chip(3, 1, 1, 1, 2), ctx);
  Recorder rec(mesh);
  mesh.inject(unicast(7, 0, 2, 0, 6), Cycle(0));
  sc_core::sc_start();
  mesh.rethrow_if_failed();
  REQUIRE(rec.log.size() == 1);
  CHECK(rec.log[0].at == 12);
  CHECK(mesh.router(0).credit_stall_cycles().total() == 2);
  CHECK(mesh.ni(2).local_deliveries().total() == 6);
}

TEST_CASE("a state dump shows an output's credits and the returns on the way", "[noc][timing][credits]") {
  // 2x1 mesh, B = 2, C = 5 (a credit is back L + C = 6 cycles after the pop), three packets
  // 0 -> 1 queued at cycle 0. The NI writes A at 0, B at 1 and C at 2 (its slot of A is back
  // at 1 + 1). Router 0 sends A at 1 and B at 2; router 1 delivers them at 3 and 4, and their
  // slots' credits are back at 9 and 10. C, eligible at 3, waits for a credit from 3 to 9: sent
  // at 9, written at 10, delivered at 11.
  SimContext ctx(kClockMhz);
  ChipConfig chip = make_chip(2, 1, 1, 1, 2);
  chip.mutable_noc()->set_credit_delay_cycles(5);
  Mesh mesh("mesh", chip, ctx);
  mesh.set_run_ahead(false);  // stop at a cycle the test names
  Recorder rec(mesh);
  for (uint64_t i = 0; i < 3; ++i) mesh.inject(unicast(i, 0, 1, 0), Cycle(0));
  // Mid-run, router 0 was last stepped at 3: no credit, both returns on the way.
  sc_core::sc_start(6.5, sc_core::SC_NS);
  const std::string waiting = mesh.router(0).dump_state();
  INFO(waiting);
  CHECK(waiting.find("in_local: [packet 2 flit 0 head tail arrive 2 to east]") != std::string::npos);
  CHECK(waiting.find("out_east: locked by none, credits 0, credit returns at 9 10\n") != std::string::npos);
  sc_core::sc_start();
  mesh.rethrow_if_failed();
  REQUIRE(rec.log.size() == 3);
  CHECK(rec.log[0].at == 3);
  CHECK(rec.log[1].at == 4);
  CHECK(rec.log[2].at == 11);
  CHECK(mesh.router(0).credit_stall_cycles().total() == 6);
  // At its last step (9) router 0 spent the credit back at 9 on C; C's own (popped at 11) is
  // back at 17.
  const std::string done = mesh.router(0).dump_state();
  INFO(done);
  CHECK(done.find("out_east: locked by none, credits 0, credit returns at 10 17\n") != std::string::npos);
}
