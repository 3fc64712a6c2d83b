// Multicast trees on the virtual-channel router, cycle by cycle. Every number is derived from
// models/noc/mesh.h with BookSim2's matched parameters (injection I = 2, routing R = 0, VC
// allocation A = 1, switch P = 1, link L = 2, credit delay C = 2, ejection E = 2): a head
// written into a router at a requests its output VCs at a + 1, leaves at a + 2 once granted,
// is written into the next router at a + 4; one hop costs 4 cycles and a packet over k hops
// arrives 4k + 6 cycles after it was queued on an idle mesh.
#include <algorithm>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <tuple>

#include <catch2/catch.hpp>

#include "models/base/errors.h"
#include "tests/models/noc/testbench.h"

using namespace nmsim;
using namespace nmsim::noc;
using namespace nmsim::noc::test;

namespace {

ChipConfig vc_chip(uint32_t vcs, uint32_t depth, bool wait_for_tail_credit, uint32_t cores_per_node = 1) {
  ChipConfig chip = make_chip(4, 4, 1, 2, depth, ROUTING_XY, REPLICATION_MULTICAST, cores_per_node);
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

// Delivery cycles of packet `id`, by node.
std::map<uint32_t, uint64_t> deliveries_of(const Recorder& rec, uint64_t id) {
  std::map<uint32_t, uint64_t> at;
  for (const Delivery& d : rec.log) {
    if (d.id == id) {
      REQUIRE(at.count(d.node) == 0);  // once per node (one core per node here)
      at[d.node] = d.at;
    }
  }
  return at;
}

}  // namespace

TEST_CASE("VC multicast: a fork at one router costs nothing on an idle mesh", "[noc][vc][multicast]") {
  // (0,0) -> {(2,0), (1,1)}: the tree forks east and south at (1,0). The head leaves (0,0)
  // at 4 and is written into (1,0) at 6; both output VCs are free, granted at 7, and the
  // crossbar sends it on both at 8: each destination is 2 hops away and gets it at
  // 4 * 2 + 6 = 14, as a unicast packet would. Three flits (a second mesh in the same
  // simulation): the body follows one cycle per flit, so the tail arrives at 16.
  SimContext ctx(kClockMhz);
  Mesh one("one_flit", vc_chip(2, 8, false), ctx);
  Mesh three("three_flits", vc_chip(2, 8, false), ctx);
  Recorder rec_one(one), rec_three(three);
  const MeshShape& s = one.shape();
  const std::vector<Destination> dests{{s.node(2, 0), 0}, {s.node(1, 1), 0}};
  one.send_to_tree(unicast(7, 0, 0, 0, 1), one.add_multicast_tree(0, dests), Cycle(0));
  three.send_to_tree(unicast(7, 0, 0, 0, 3), three.add_multicast_tree(0, dests), Cycle(0));
  sc_core::sc_start();
  one.rethrow_if_failed();
  three.rethrow_if_failed();
  CHECK(deliveries_of(rec_one, 7) == std::map<uint32_t, uint64_t>{{s.node(2, 0), 14}, {s.node(1, 1), 14}});
  CHECK(deliveries_of(rec_three, 7) == std::map<uint32_t, uint64_t>{{s.node(2, 0), 16}, {s.node(1, 1), 16}});
  // Flits leave (1,0) once per output: 2 per flit forwarded, 2 per flit hops.
  CHECK(one.router(s.node(1, 0)).flits_forwarded().total() == 2);
  CHECK(three.router(s.node(1, 0)).flits_forwarded().total() == 6);
  CHECK(three.router(s.node(1, 0)).hops().total() == 6);
  CHECK(one.idle());
  CHECK(three.idle());
}

TEST_CASE("VC multicast: a tree forking at three routers, each destination at 4k + 6", "[noc][vc][multicast]") {
  // (0,0) -> {(2,0), (1,1), (2,1), (2,2), (3,1)}. XY paths: forks at (1,0) (east, south), at
  // (2,0) (east, south, local) and at (2,1) (south, local). On an idle mesh every fork gets
  // all its VCs in one allocation, so each destination k hops away is reached at 4k + 6:
  // (2,0) and (1,1) at 14, (2,1) at 18, (2,2) and (3,1) at 22. Queued at 5: 5 later.
  SimContext ctx(kClockMhz);
  Mesh mesh("mesh", vc_chip(2, 8, true), ctx);
  Recorder rec(mesh);
  const MeshShape& s = mesh.shape();
  const uint32_t tree = mesh.add_multicast_tree(
      0, {{s.node(2, 0), 0}, {s.node(1, 1), 0}, {s.node(2, 1), 0}, {s.node(2, 2), 0}, {s.node(3, 1), 0}});
  mesh.send_to_tree(unicast(1, 0, 0, 5), tree, Cycle(5));
  sc_core::sc_start();
  mesh.rethrow_if_failed();
  const std::map<uint32_t, uint64_t> expected{{s.node(2, 0), 19}, {s.node(1, 1), 19}, {s.node(2, 1), 23},
                                              {s.node(2, 2), 27}, {s.node(3, 1), 27}};
  CHECK(deliveries_of(rec, 1) == expected);
  // The tree has 7 links: (0,0)-(1,0), (1,0)-(2,0), (1,0)-(1,1), (2,0)-(3,0), (2,0)-(2,1),
  // (3,0)-(3,1), (2,1)-(2,2).
  CHECK(sum_over_routers(mesh, [](const Router& r) { return r.hops(); }) == 7);
  CHECK(mesh.idle());
}

TEST_CASE("VC multicast: a fork holds the VC it got and waits for a unicast packet's", "[noc][vc][multicast]") {
  // 1 VC x 8 flits. Unicast U, 8 flits, (1,0) -> (1,1), queued at 0: its head is written into
  // (1,0)'s local input at 2, granted south at 3, leaves at 4; its flits leave at 4..11, so
  // south's only VC is U's until its tail leaves at 11 (free for allocation from 12). U's
  // head reaches (1,1) at 6, leaves at 8; its tail leaves (1,1) at 15 and arrives at 17.
  // Multicast M, (0,0) -> {(2,0), (1,1)}, queued at 0, is written into (1,0) at 6. At 7 it
  // requests east (free) but not south (no free VC): it takes east and keeps it; at 12 it
  // takes south, is active from 13 and leaves on both at 13. East: (2,0) at 15, granted
  // local at 16, leaves 17, arrives 19. South: written into (1,1) at 15 behind U's tail,
  // which leaves at 15; M requests from 16, leaves 17, arrives 19.
  SimContext ctx(kClockMhz);
  Mesh mesh("mesh", vc_chip(1, 8, false), ctx);
  Recorder rec(mesh);
  const MeshShape& s = mesh.shape();
  mesh.inject(unicast(1, s.node(1, 0), s.node(1, 1), 0, 8), Cycle(0));
  const uint32_t tree = mesh.add_multicast_tree(0, {{s.node(2, 0), 0}, {s.node(1, 1), 0}});
  mesh.send_to_tree(unicast(2, 0, 0, 0), tree, Cycle(0));
  sc_core::sc_start();
  mesh.rethrow_if_failed();
  CHECK(deliveries_of(rec, 1) == std::map<uint32_t, uint64_t>{{s.node(1, 1), 17}});
  CHECK(deliveries_of(rec, 2) == std::map<uint32_t, uint64_t>{{s.node(2, 0), 19}, {s.node(1, 1), 19}});
}

TEST_CASE("VC multicast: two forks wanting one VC, the second keeps its half and follows", "[noc][vc][multicast]") {
  // 1 VC x 8 flits; both trees fork at (1,0). M2, (3,0) -> {(0,0), (1,1)} queued at 0, is
  // written into (1,0)'s east input at 2 + 4 + 4 = 10 and forks west and south. M1, (0,0) ->
  // {(2,0), (1,1)} queued at 4, is written into its west input at 4 + 6 = 10 and forks east
  // and south. At 11 both request south; its VC grants the first input VC in order (east's,
  // M2's): M2 takes west and south, M1 takes east only. M2 leaves at 12 and arrives at
  // (0,0) and (1,1) at 4 * 3 + 6 = 18. South's VC is free after M2's tail left at 12: M1
  // takes it at 13 and leaves on both at 14. (2,0): 16, 17, leaves 18, arrives 20. (1,1):
  // written at 16 behind M2, which leaves at 16; M1 requests from 17, arrives 20.
  SimContext ctx(kClockMhz);
  Mesh mesh("mesh", vc_chip(1, 8, false), ctx);
  Recorder rec(mesh);
  const MeshShape& s = mesh.shape();
  const uint32_t t2 = mesh.add_multicast_tree(s.node(3, 0), {{s.node(0, 0), 0}, {s.node(1, 1), 0}});
  const uint32_t t1 = mesh.add_multicast_tree(0, {{s.node(2, 0), 0}, {s.node(1, 1), 0}});
  mesh.send_to_tree(unicast(2, s.node(3, 0), 0, 0), t2, Cycle(0));
  mesh.send_to_tree(unicast(1, 0, 0, 4), t1, Cycle(4));
  sc_core::sc_start();
  mesh.rethrow_if_failed();
  CHECK(deliveries_of(rec, 2) == std::map<uint32_t, uint64_t>{{s.node(0, 0), 18}, {s.node(1, 1), 18}});
  CHECK(deliveries_of(rec, 1) == std::map<uint32_t, uint64_t>{{s.node(2, 0), 20}, {s.node(1, 1), 20}});
}

namespace {

// The links of the union of the XY paths from `src` to `nodes` (a multicast tree's hops).
uint64_t tree_links(const MeshShape& s, uint32_t src, const std::vector<Destination>& dests) {
  std::set<std::pair<uint32_t, unsigned>> links;
  for (const Destination& d : dests) {
    for (uint32_t here = src; here != d.node;) {
      const unsigned port = route_port(ROUTING_XY, s, src, here, d.node);
      links.insert({here, port});
      here = s.neighbour(here, port);
    }
  }
  return links.size();
}

}  // namespace

namespace {

struct Variant {
  uint32_t vcs;
  uint32_t depth;
  bool wait_for_tail_credit;
  uint32_t max_flits;
};

struct Expected {
  std::multiset<std::tuple<uint64_t, uint32_t, uint32_t>> deliveries;  // (packet, node, core)
  uint64_t flits_in = 0, flits_out = 0, flit_hops = 0;
};

// 300 multicast packets of 1..max_flits flits over 12 random trees (2 cores per node, up to 6
// destinations each) and 300 unicast packets, queued over 300 cycles on a 4 x 4 mesh.
Expected random_multicast_load(Mesh& mesh, uint32_t max_flits) {
  const MeshShape& s = mesh.shape();
  std::mt19937_64 rng(99);
  std::uniform_int_distribution<uint32_t> node(0, 15), core(0, 1), len(1, max_flits), fan(1, 6);
  std::uniform_int_distribution<uint64_t> when(0, 299);
  std::vector<std::pair<uint32_t, std::vector<Destination>>> trees;
  for (int t = 0; t < 12; ++t) {
    std::set<std::pair<uint32_t, uint32_t>> unique;
    const uint32_t n = fan(rng);
    while (unique.size() < n) unique.insert({node(rng), core(rng)});
    std::vector<Destination> dests;
    for (const auto& d : unique) dests.push_back({d.first, d.second});
    trees.push_back({node(rng), dests});
  }
  std::vector<uint32_t> ids;
  for (const auto& t : trees) ids.push_back(mesh.add_multicast_tree(t.first, t.second));
  Expected e;
  for (uint64_t id = 0; id < 300; ++id) {
    const uint32_t t = static_cast<uint32_t>(id % trees.size());
    const uint64_t at = when(rng);
    const Packet p = unicast(id, trees[t].first, 0, at, len(rng));
    mesh.send_to_tree(p, ids[t], Cycle(at));
    for (const Destination& d : trees[t].second) e.deliveries.insert({id, d.node, d.core});
    e.flits_in += p.length_flits;
    e.flits_out += p.length_flits * trees[t].second.size();
    e.flit_hops += p.length_flits * tree_links(s, trees[t].first, trees[t].second);
  }
  for (uint64_t id = 1000; id < 1300; ++id) {
    const uint64_t at = when(rng);
    const Packet p = unicast(id, node(rng), node(rng), at, len(rng), core(rng));
    mesh.inject(p, Cycle(at));
    e.deliveries.insert({id, p.dest_node, p.dest_core});
    e.flits_in += p.length_flits;
    e.flits_out += p.length_flits;
    e.flit_hops += p.length_flits * s.hops(p.src_node, p.dest_node);
  }
  return e;
}

}  // namespace

TEST_CASE("VC multicast conservation: under load every destination gets every packet once",
          "[noc][vc][multicast][conservation]") {
  // Three routers in one simulation (SystemC elaborates once per process): single-flit
  // packets (spikes) on 1 VC x 2 flits; packets of 1..4 flits on 2 and on 4 VCs x 4 flits
  // that wait for the tail credit, so an output VC is allocated only empty and its packet
  // fits (virtual cut-through): its flits never wait for a credit.
  const Variant variants[] = {{1, 2, false, 1}, {2, 4, true, 4}, {4, 4, true, 4}};
  SimContext ctx(kClockMhz);
  std::vector<std::unique_ptr<Mesh>> meshes;
  std::vector<std::unique_ptr<Recorder>> recorders;
  std::vector<Expected> expected;
  for (std::size_t m = 0; m < 3; ++m) {
    const Variant& v = variants[m];
    meshes.push_back(std::make_unique<Mesh>(("mesh" + std::to_string(m)).c_str(),
                                            vc_chip(v.vcs, v.depth, v.wait_for_tail_credit, 2), ctx));
    recorders.push_back(std::make_unique<Recorder>(*meshes.back()));
    expected.push_back(random_multicast_load(*meshes.back(), v.max_flits));
  }
  sc_core::sc_start();
  for (std::size_t m = 0; m < 3; ++m) {
    INFO("VCs " << variants[m].vcs << " x " << variants[m].depth << " flits");
    const Mesh& mesh = *meshes[m];
    REQUIRE_NOTHROW(mesh.rethrow_if_failed());
    std::multiset<std::tuple<uint64_t, uint32_t, uint32_t>> got;
    for (const Delivery& d : recorders[m]->log) got.insert({d.id, d.node, d.core});
    CHECK(got == expected[m].deliveries);
    CHECK(sum_over_nis(mesh, [](const NetworkInterface& n) -> const PhaseCounter& { return n.flits_injected(); }) ==
          expected[m].flits_in);
    CHECK(sum_over_nis(mesh, [](const NetworkInterface& n) -> const PhaseCounter& { return n.local_deliveries(); }) ==
          expected[m].flits_out);
    CHECK(sum_over_routers(mesh, [](const Router& r) { return r.hops(); }) ==
          expected[m].flit_hops);
    // The load was contended. With 1 VC per port an output VC has one holder, so the switch
    // never conflicts, but flits waited for credits; with more VCs flits lost switch
    // arbitration, and with virtual cut-through they never waited for a credit.
    const uint64_t conflicts =
        sum_over_routers(mesh, [](const Router& r) -> const PhaseCounter& { return r.arbitration_conflicts(); });
    const uint64_t stalls =
        sum_over_routers(mesh, [](const Router& r) -> const PhaseCounter& { return r.credit_stall_cycles(); });
    if (variants[m].wait_for_tail_credit) {
      CHECK(conflicts > 0);
      CHECK(stalls == 0);
    } else {
      CHECK(conflicts == 0);
      CHECK(stalls > 0);
    }
    CHECK(mesh.idle());
  }
}

TEST_CASE("VC multicast: forks of multi-flit packets that wait for credits can deadlock, as in the wormhole router",
          "[noc][vc][multicast][deadlock]") {
  // 1 VC x 2 flits, packets of 1..4 flits, no tail-credit wait: a fork's flit frees its slot
  // only once every branch has taken it, so a branch that holds its output VC waits for the
  // credits of another branch, and two trees can hold each other's (the wormhole router's
  // trees do the same on this load). The watchdog reports it.
  SimContext ctx(kClockMhz);
  Mesh mesh("mesh", vc_chip(1, 2, false, 2), ctx);
  Recorder rec(mesh);
  random_multicast_load(mesh, 4);
  sc_core::sc_start();
  REQUIRE_THROWS_AS(mesh.rethrow_if_failed(), DeadlockError);
}

TEST_CASE("VC multicast: always_clock changes nothing (same deliveries and counts)", "[noc][vc][multicast][declocking]") {
  // Two VC meshes in one design (2 VCs x 4 flits, virtual cut-through), one stepped only when
  // something can change and one every cycle, fed the same multicast and unicast load.
  SimContext ctx(kClockMhz);
  ChipConfig chip = vc_chip(2, 4, true, 2);
  Mesh skipping("skipping", chip, ctx);
  chip.mutable_noc()->set_always_clock(true);
  Mesh clocked("clocked", chip, ctx);
  Recorder rec_skipping(skipping), rec_clocked(clocked);
  random_multicast_load(skipping, 4);
  random_multicast_load(clocked, 4);
  sc_core::sc_start();
  skipping.rethrow_if_failed();
  clocked.rethrow_if_failed();
  REQUIRE(rec_skipping.log.size() > 600);
  std::vector<std::tuple<uint64_t, uint32_t, uint32_t, uint64_t>> a, b;
  for (const Delivery& d : rec_skipping.log) a.emplace_back(d.id, d.node, d.core, d.at);
  for (const Delivery& d : rec_clocked.log) b.emplace_back(d.id, d.node, d.core, d.at);
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  CHECK(a == b);
  for (uint32_t n = 0; n < 16; ++n) {
    const Router& x = skipping.router(n);
    const Router& y = clocked.router(n);
    CHECK(x.flits_forwarded().by_phase == y.flits_forwarded().by_phase);
    CHECK(x.hops().by_phase == y.hops().by_phase);
    CHECK(x.buffer_writes().by_phase == y.buffer_writes().by_phase);
    CHECK(x.arbitration_conflicts().by_phase == y.arbitration_conflicts().by_phase);
    CHECK(x.credit_stall_cycles().by_phase == y.credit_stall_cycles().by_phase);
    CHECK(skipping.ni(n).local_deliveries().by_phase == clocked.ni(n).local_deliveries().by_phase);
    CHECK(skipping.ni(n).max_queue_packets() == clocked.ni(n).max_queue_packets());
  }
  CHECK(skipping.last_delivery_cycle() == clocked.last_delivery_cycle());
}
