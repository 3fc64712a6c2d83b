// NoC behaviour: multicast trees, deadlock watchdog, declocking equivalence, conservation.
#include <algorithm>
#include <random>
#include <tuple>

#include <catch2/catch.hpp>

#include "models/base/errors.h"
#include "tests/models/noc/testbench.h"

using namespace nmsim;
using namespace nmsim::noc;
using namespace nmsim::noc::test;

namespace {

PhaseCounter hops_of(const Router& r) { return r.hops(); }

// Tree from (0,0) of a 4x4 mesh (XY, 2 cores per node) to (3,0).c0, (3,2).c1, (1,2).c0 and
// (0,0).c1. Union of the XY paths: (0,0)->(1,0)->(2,0)->(3,0)->(3,1)->(3,2) and
// (1,0)->(1,1)->(1,2): 7 links; local ports at (0,0), (3,0), (3,2), (1,2).
std::vector<Destination> tree_destinations(const MeshShape& s) {
  return {{s.node(3, 0), 0}, {s.node(3, 2), 1}, {s.node(1, 2), 0}, {s.node(0, 0), 1}};
}

}  // namespace

TEST_CASE("multicast tree: one packet to four cores, each at its zero-load latency",
          "[noc][multicast]") {
  // P = L = 1. The flit leaves each router on all its tree outputs in the same cycle (each
  // output arbitrates alone, all are free), so each destination k hops away sees 2k+1:
  // (0,0).c1: 1; (3,0).c0 and (1,2).c0: 7; (3,2).c1: 11. A 3-flit packet injected at 1000:
  // tails 2 cycles later: 1003, 1009, 1009, 1013.
  SimContext ctx(kClockMhz);
  Mesh mesh("mesh", make_chip(4, 4, 1, 1, 4, ROUTING_XY, REPLICATION_MULTICAST, 2), ctx);
  Recorder rec(mesh);
  const MeshShape& s = mesh.shape();
  const uint32_t tree = mesh.add_multicast_tree(0, tree_destinations(s));
  Packet p = unicast(1, 0, 0, 0);
  mesh.send_to_tree(p, tree, Cycle(0));
  Packet q = unicast(2, 0, 0, 1000, 3);
  mesh.send_to_tree(q, tree, Cycle(1000));
  sc_core::sc_start();
  mesh.rethrow_if_failed();
  REQUIRE(rec.log.size() == 8);
  const auto at = [&](uint64_t id, uint32_t node, uint32_t core) -> uint64_t {
    for (const Delivery& d : rec.log) {
      if (d.id == id && d.node == node && d.core == core) return d.at;
    }
    return 0;
  };
  CHECK(at(1, s.node(0, 0), 1) == 1);
  CHECK(at(1, s.node(3, 0), 0) == 7);
  CHECK(at(1, s.node(1, 2), 0) == 7);
  CHECK(at(1, s.node(3, 2), 1) == 11);
  CHECK(at(2, s.node(0, 0), 1) == 1003);
  CHECK(at(2, s.node(3, 0), 0) == 1009);
  CHECK(at(2, s.node(1, 2), 0) == 1009);
  CHECK(at(2, s.node(3, 2), 1) == 1013);
  // Hops: 7 tree links x (1 + 3) flits; every flit is injected once.
  CHECK(sum_over_routers(mesh, hops_of) == 28);
  CHECK(sum_over_nis(mesh, [](const NetworkInterface& n) -> const PhaseCounter& { return n.flits_injected(); }) == 4);
  // Local deliveries: 4 cores x 4 flits.
  CHECK(sum_over_nis(mesh, [](const NetworkInterface& n) -> const PhaseCounter& { return n.local_deliveries(); }) == 16);
  CHECK(mesh.idle());
}

TEST_CASE("unicast replication: the source NI serialises one packet per destination",
          "[noc][multicast]") {
  // The same tree with REPLICATION_UNICAST: four single-flit packets queued at cycle 0 in the
  // destination order, written into the local input at 0, 1, 2, 3; none meets another at
  // an output in the same cycle, so each has its zero-load latency from its own write:
  // (3,0): 0 + 7 = 7; (3,2): 1 + 11 = 12; (1,2): 2 + 7 = 9; (0,0).c1: 3 + 1 = 4.
  // Hops: 3 + 5 + 3 + 0 = 11 (the multicast tree needs 7).
  SimContext ctx(kClockMhz);
  Mesh mesh("mesh", make_chip(4, 4, 1, 1, 4, ROUTING_XY, REPLICATION_UNICAST, 2), ctx);
  Recorder rec(mesh);
  const MeshShape& s = mesh.shape();
  const uint32_t tree = mesh.add_multicast_tree(0, tree_destinations(s));
  mesh.send_to_tree(unicast(1, 0, 0, 0), tree, Cycle(0));
  sc_core::sc_start();
  mesh.rethrow_if_failed();
  REQUIRE(rec.log.size() == 4);
  const auto at = [&](uint32_t node, uint32_t core) -> uint64_t {
    for (const Delivery& d : rec.log) {
      if (d.node == node && d.core == core) return d.at;
    }
    return 0;
  };
  CHECK(at(s.node(3, 0), 0) == 7);
  CHECK(at(s.node(3, 2), 1) == 12);
  CHECK(at(s.node(1, 2), 0) == 9);
  CHECK(at(s.node(0, 0), 1) == 4);
  CHECK(sum_over_routers(mesh, hops_of) == 11);
  CHECK(mesh.ni(0).packets_injected().total() == 4);
}

namespace {

// 2x2 mesh, B = 2, four 20-flit packets injected at 0: A (0,0)->(1,1), B (1,0)->(0,1),
// C (1,1)->(0,0), D (0,1)->(1,0).
void inject_cycle_of_four(Mesh& mesh) {
  const MeshShape& s = mesh.shape();
  mesh.inject(unicast(1, s.node(0, 0), s.node(1, 1), 0, 20), Cycle(0));
  mesh.inject(unicast(2, s.node(1, 0), s.node(0, 1), 0, 20), Cycle(0));
  mesh.inject(unicast(3, s.node(1, 1), s.node(0, 0), 0, 20), Cycle(0));
  mesh.inject(unicast(4, s.node(0, 1), s.node(1, 0), 0, 20), Cycle(0));
}

}  // namespace

TEST_CASE("checkerboard routing deadlocks: DeadlockError with every router's state",
          "[noc][deadlock]") {
  // Checkerboard: (0,0) and (1,1) route XY, (1,0) and (0,1) YX. A takes (0,0).east then
  // needs (1,0).south; B holds (1,0).south, needs (1,1).west; C holds it, needs
  // (0,1).north; D holds that, needs (0,0).east, held by A: a cycle. Each packet: head
  // written at its source at 0, leaves at 1 (locking the first output), flit 1 leaves at 2;
  // both wait in the next router (2 slots, never freed). The NI refills the local input at
  // 2 and 3 (credits back one cycle after the pops at 1 and 2); nothing moves after cycle 3.
  // 4 packets x (2 + 2) flits = 16 in the network; watchdog 100 -> error at cycle 103.
  SimContext ctx(kClockMhz);
  ChipConfig chip = make_chip(2, 2, 1, 1, 2, ROUTING_XY_YX_CHECKERBOARD);
  chip.mutable_noc()->set_watchdog_cycles(100);
  Mesh mesh("mesh", chip, ctx);
  Recorder rec(mesh);
  inject_cycle_of_four(mesh);
  sc_core::sc_start();
  REQUIRE(mesh.failed());
  std::string message;
  try {
    mesh.rethrow_if_failed();
  } catch (const DeadlockError& e) {
    message = e.what();
  }
  INFO(message);
  CHECK(message.find("16 flits in the network") != std::string::npos);
  CHECK(message.find("last movement at cycle 3, now cycle 103") != std::string::npos);
  for (const char* router : {"mesh.router_0_0", "mesh.router_1_0", "mesh.router_0_1",
                             "mesh.router_1_1"}) {
    CHECK(message.find(router) != std::string::npos);
  }
  // A's head waits in (1,0)'s west input; (0,0)'s east output is locked by the local input.
  CHECK(message.find("in_west: [packet 1 flit 0 head arrive 2 to south]") != std::string::npos);
  CHECK(message.find("out_east: locked by local, credits 0") != std::string::npos);
  CHECK(rec.log.empty());
  CHECK(sc_core::sc_time_stamp() == sc_core::sc_time(103, sc_core::SC_NS));
}

TEST_CASE("the same four packets with XY routing complete", "[noc][deadlock]") {
  SimContext ctx(kClockMhz);
  ChipConfig chip = make_chip(2, 2, 1, 1, 2, ROUTING_XY);
  chip.mutable_noc()->set_watchdog_cycles(100);
  Mesh mesh("mesh", chip, ctx);
  Recorder rec(mesh);
  inject_cycle_of_four(mesh);
  sc_core::sc_start();
  mesh.rethrow_if_failed();
  CHECK(rec.log.size() == 4);
  CHECK(mesh.idle());
}

namespace {

struct RandomLoad {
  std::vector<Packet> packets;
  std::vector<std::pair<uint32_t, std::vector<Destination>>> trees;
  std::vector<std::pair<uint32_t, Packet>> multicasts;  // tree index, packet
};

// 400 unicast packets of 1..4 flits between random nodes of a 4x4 mesh over 2000 cycles,
// plus 40 multicast packets over 5 random trees: enough to fill 2-flit buffers.
RandomLoad random_load(uint32_t nodes, uint32_t cores) {
  std::mt19937_64 rng(12345);
  std::uniform_int_distribution<uint32_t> node(0, nodes - 1), core(0, cores - 1), len(1, 4);
  std::uniform_int_distribution<uint64_t> when(0, 1999);
  RandomLoad load;
  for (uint64_t id = 0; id < 400; ++id) {
    const uint64_t t = when(rng);
    load.packets.push_back(unicast(id, node(rng), node(rng), t, len(rng), core(rng)));
  }
  for (int t = 0; t < 5; ++t) {
    std::vector<Destination> dests;
    for (int d = 0; d < 4; ++d) dests.push_back({node(rng), core(rng)});
    load.trees.push_back({node(rng), dests});
  }
  for (uint64_t id = 1000; id < 1040; ++id) {
    const uint32_t tree = static_cast<uint32_t>(id % 5);
    load.multicasts.push_back({tree, unicast(id, load.trees[tree].first, 0, when(rng), len(rng))});
  }
  return load;
}

void apply(Mesh& mesh, const RandomLoad& load) {
  for (const Packet& p : load.packets) mesh.inject(p, p.created);
  std::vector<uint32_t> ids;
  for (const auto& t : load.trees) ids.push_back(mesh.add_multicast_tree(t.first, t.second));
  for (const auto& m : load.multicasts) mesh.send_to_tree(m.second, ids[m.first], m.second.created);
}

using Key = std::tuple<uint64_t, uint32_t, uint32_t, uint64_t>;
std::vector<Key> sorted(const std::vector<Delivery>& log) {
  std::vector<Key> keys;
  for (const Delivery& d : log) keys.emplace_back(d.id, d.node, d.core, d.at);
  std::sort(keys.begin(), keys.end());
  return keys;
}

}  // namespace

TEST_CASE("always_clock changes nothing: same deliveries and counts", "[noc][declocking]") {
  // Two meshes in one design, one skipping idle cycles and one stepping every cycle, fed
  // the same random load (SST's VERIFY_DECLOCKING).
  SimContext ctx(kClockMhz);
  ChipConfig chip = make_chip(4, 4, 1, 1, 2, ROUTING_XY, REPLICATION_MULTICAST, 2);
  Mesh skipping("skipping", chip, ctx);
  chip.mutable_noc()->set_always_clock(true);
  Mesh clocked("clocked", chip, ctx);
  Recorder rec_skipping(skipping), rec_clocked(clocked);
  const RandomLoad load = random_load(16, 2);
  apply(skipping, load);
  apply(clocked, load);
  sc_core::sc_start();
  skipping.rethrow_if_failed();
  clocked.rethrow_if_failed();
  REQUIRE(rec_skipping.log.size() > 400);
  CHECK(sorted(rec_skipping.log) == sorted(rec_clocked.log));
  for (uint32_t n = 0; n < 16; ++n) {
    const Router& a = skipping.router(n);
    const Router& b = clocked.router(n);
    CHECK(a.flits_forwarded().by_phase == b.flits_forwarded().by_phase);
    CHECK(a.hops().by_phase == b.hops().by_phase);
    CHECK(a.buffer_writes().by_phase == b.buffer_writes().by_phase);
    CHECK(a.arbitration_conflicts().by_phase == b.arbitration_conflicts().by_phase);
    CHECK(a.credit_stall_cycles().by_phase == b.credit_stall_cycles().by_phase);
    CHECK(skipping.ni(n).local_deliveries().by_phase == clocked.ni(n).local_deliveries().by_phase);
    CHECK(skipping.ni(n).max_queue_packets() == clocked.ni(n).max_queue_packets());
  }
  // The load must have been contended for the comparison to mean something.
  CHECK(sum_over_routers(skipping, [](const Router& r) -> const PhaseCounter& {
          return r.arbitration_conflicts();
        }) > 0);
  CHECK(sum_over_routers(skipping, [](const Router& r) -> const PhaseCounter& {
          return r.credit_stall_cycles();
        }) > 0);
  CHECK(skipping.last_delivery_cycle() == clocked.last_delivery_cycle());
  CHECK(skipping.stepped_cycles() < clocked.stepped_cycles());
}

TEST_CASE("conservation: every packet delivered once, flits in = flits out, hops = distance",
          "[noc][conservation]") {
  SimContext ctx(kClockMhz);
  Mesh mesh("mesh", make_chip(4, 4, 2, 1, 2, ROUTING_YX, REPLICATION_MULTICAST, 2), ctx);
  Recorder rec(mesh);
  RandomLoad load = random_load(16, 2);
  load.trees.clear();
  load.multicasts.clear();
  apply(mesh, load);
  sc_core::sc_start();
  mesh.rethrow_if_failed();
  REQUIRE(rec.log.size() == load.packets.size());
  uint64_t flits = 0, flit_hops = 0;
  std::vector<int> seen(load.packets.size(), 0);
  for (const Delivery& d : rec.log) {
    REQUIRE(d.id < load.packets.size());
    const Packet& p = load.packets[d.id];
    ++seen[d.id];
    CHECK(d.node == p.dest_node);
    CHECK(d.core == p.dest_core);
    // At least the zero-load latency (2 per router, 1 per link) after creation.
    const uint64_t k = mesh.shape().hops(p.src_node, p.dest_node);
    CHECK(d.at - d.created >= (k + 1) * 2 + k * 1 + (p.length_flits - 1));
  }
  for (std::size_t i = 0; i < load.packets.size(); ++i) {
    CHECK(seen[i] == 1);
    flits += load.packets[i].length_flits;
    flit_hops += load.packets[i].length_flits *
                 mesh.shape().hops(load.packets[i].src_node, load.packets[i].dest_node);
  }
  const auto flits_injected = sum_over_nis(mesh, [](const NetworkInterface& n) -> const PhaseCounter& { return n.flits_injected(); });
  const auto delivered = sum_over_nis(mesh, [](const NetworkInterface& n) -> const PhaseCounter& { return n.local_deliveries(); });
  CHECK(flits_injected == flits);
  CHECK(delivered == flits);
  CHECK(sum_over_routers(mesh, hops_of) == flit_hops);
  // Each flit is written into one buffer per router on its path: hops + 1.
  CHECK(sum_over_routers(mesh, [](const Router& r) { return r.buffer_writes(); }) == flit_hops + flits);
  CHECK(sum_over_nis(mesh, [](const NetworkInterface& n) -> const PhaseCounter& { return n.packets_delivered(); }) == load.packets.size());
  CHECK(mesh.idle());
}
