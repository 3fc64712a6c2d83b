// The virtual-channel router, cycle by cycle; every number is derived from models/noc/mesh.h
// with BookSim2's matched parameters: injection I = 2, routing R = 0, VC allocation A = 1,
// switch P = 1, link L = 2, credit delay C = 2, ejection E = 2.
#include <catch2/catch.hpp>

#include "tests/models/noc/testbench.h"

using namespace nmsim;
using namespace nmsim::noc;
using namespace nmsim::noc::test;

namespace {

ChipConfig vc_chip(uint32_t vcs, uint32_t depth, bool wait_for_tail_credit) {
  ChipConfig chip = make_chip(4, 4, 1, 2, depth, ROUTING_XY, REPLICATION_UNICAST);
  NocConfig& noc = *chip.mutable_noc();
  noc.set_virtual_channels(vcs);
  noc.set_vc_alloc_delay_cycles(1);
  noc.set_routing_delay_cycles(0);
  noc.set_credit_delay_cycles(2);
  noc.set_input_speedup(2);
  noc.set_wait_for_tail_credit(wait_for_tail_credit);
  noc.set_injection_latency_cycles(2);
  noc.set_ejection_latency_cycles(2);
  return chip;
}

}  // namespace

TEST_CASE("VC router zero-load latency: I + (k+1)(R+A+P) + kL + E = 4k + 6", "[noc][vc]") {
  SimContext ctx(kClockMhz);
  Mesh mesh("mesh", vc_chip(8, 8, true), ctx);
  Recorder rec(mesh);
  const MeshShape& s = mesh.shape();
  const uint32_t dests[] = {s.node(0, 0), s.node(1, 0), s.node(2, 1), s.node(3, 3)};
  const uint32_t hops[] = {0, 1, 3, 6};
  for (uint64_t i = 0; i < 4; ++i) mesh.inject(unicast(i, 0, dests[i], 1000 * i), Cycle(1000 * i));
  sc_core::sc_start();
  mesh.rethrow_if_failed();
  REQUIRE(rec.log.size() == 4);
  for (uint64_t i = 0; i < 4; ++i) {
    const Delivery* d = rec.find(i);
    REQUIRE(d != nullptr);
    CHECK(d->at - d->created == 4 * hops[i] + 6);
  }
}

TEST_CASE("VC router credit loop: 2 slots per 8-cycle round trip, 2 flits per 8 cycles", "[noc][vc]") {
  // 1 VC x 2 flits, 12 packets from (0,0) to (2,0) queued at cycle 0. A flit leaving a router
  // at d is written downstream at d + 2, allocated its VC at d + 3, leaves at d + 4, and its
  // credit is usable upstream at d + 4 + L + C = d + 8: each link carries 2 flits per 8
  // cycles, in pairs (the input VC allocates one packet at a time: VC at t, switch at t + 1,
  // the next head's VC at t + 2). The first arrives at 4 * 2 + 6 = 14.
  SimContext ctx(kClockMhz);
  Mesh mesh("mesh", vc_chip(1, 2, false), ctx);
  Recorder rec(mesh);
  const uint32_t dest = mesh.shape().node(2, 0);
  constexpr uint64_t kPackets = 12;
  for (uint64_t i = 0; i < kPackets; ++i) mesh.inject(unicast(i, 0, dest, 0), Cycle(0));
  sc_core::sc_start();
  mesh.rethrow_if_failed();
  REQUIRE(rec.log.size() == kPackets);
  CHECK(rec.find(0)->at == 14);
  CHECK(rec.find(1)->at == 16);
  for (uint64_t i = 0; i + 2 < kPackets; ++i) CHECK(rec.find(i + 2)->at - rec.find(i)->at == 8);
}

// 1 VC x 4 flits, two packets (0,0) -> (1,0) queued at cycles 0 and 1. The first is written
// into router 0 at 2, allocated east at 3, leaves at 4, is written into router 1 at 6, leaves
// at 8 and arrives at 10. Without waiting the second follows 2 cycles behind (VC at 5, leaves
// 6, arrives 12). Waiting, east's VC is free only when the first's credit is back at
// 8 + L + C = 12: the second leaves at 13, router 1 at 17, arrives at 19.
namespace {

void check_two_packets(bool wait_for_tail_credit, uint64_t second_arrives) {
  SimContext ctx(kClockMhz);
  Mesh mesh("mesh", vc_chip(1, 4, wait_for_tail_credit), ctx);
  Recorder rec(mesh);
  const uint32_t dest = mesh.shape().node(1, 0);
  mesh.inject(unicast(0, 0, dest, 0), Cycle(0));
  mesh.inject(unicast(1, 0, dest, 1), Cycle(1));
  sc_core::sc_start();
  mesh.rethrow_if_failed();
  REQUIRE(rec.log.size() == 2);
  CHECK(rec.find(0)->at == 10);
  CHECK(rec.find(1)->at == second_arrives);
}

}  // namespace

TEST_CASE("VC router: an output VC is reallocated the cycle after its tail left", "[noc][vc]") {
  check_two_packets(false, 12);
}

TEST_CASE("VC router: waiting for the tail credit holds the output VC for the credit loop", "[noc][vc]") {
  check_two_packets(true, 19);
}
