// The spike network-on-chip: a W x H 2D mesh of input-buffered wormhole routers with credit
// flow control, one network interface (NI) per node, simulated by ONE activity-driven engine.
//
// Microarchitecture (the tests derive their numbers from this):
// - Node id = y * W + x; x grows to the east, y to the south. Each router has 5 input and
//   5 output ports (N, E, S, W, Local); one virtual channel (unless the VC router below);
//   input buffers of B flits.
//   P = router_pipeline_stages, L = link_latency_cycles (both >= 1).
// - A flit written into an input buffer at cycle a may leave the router (switch + output) at
//   cycle a + P at the earliest; leaving at cycle d, it is written into the next router's
//   input buffer at d + L. The NI writes a flit into the local input buffer at the cycle it
//   injects it (a0); a flit leaving on the local output at d is delivered to the core at d.
//   => one single-flit packet over k hops on an idle mesh: latency (k+1)*P + k*L cycles;
//   an n-flit packet's tail arrives n-1 cycles after its head.
// - Credits: an output holds one credit per free slot of the downstream input buffer. A flit
//   leaving at d spends one; the credit is back upstream at (the cycle the flit leaves the
//   downstream buffer) + L. The NI -> local input link has no pipeline but its credit
//   return takes 1 cycle (the NI sees a slot freed at d from cycle d + 1). The local output
//   needs no credit: a core always accepts.
// - Each cycle each output arbitrates among the inputs whose front flit is eligible
//   (a + P <= now), names this output among its routes, and is either a head flit with the
//   output unlocked or a body flit of the packet that holds the lock. Round robin: the input
//   after the last winner has the highest priority. An output without a credit does not
//   arbitrate. Wormhole: a head flit locks the output to its input until the tail leaves.
// - Routing: XY, YX, or XY_YX_CHECKERBOARD (XY for packets from nodes with even x+y, YX
//   otherwise; the route is fixed by the source; deadlock-prone on purpose).
// - Multicast (replication MULTICAST): the routing table of each router has an entry per tree
//   (output-port mask; for the local port, a mask of the node's cores); the tree is the union
//   of the dimension-order paths from the source to each destination. A flit leaves to each
//   of its outputs independently (each arbitrates on its own) and frees its slot once all
//   have taken it. An input sends at most one flit per output per cycle; a unicast flit has
//   one output, so at most one flit per cycle.
//   Replication UNICAST: send_to_tree() queues one unicast packet per destination core at the
//   source NI, which sends them one flit per cycle.
// - NI: an unbounded injection queue ordered by entry cycle (storage grows by doubling and is
//   reused, so a warmed-up queue does not allocate). One flit per cycle into the local input
//   port, subject to credits. A packet is delivered to each destination core when its tail
//   flit leaves on the local output (PacketSink::deliver at that cycle).
//
// Router parameters beyond P and L (models/noc/README.md maps BookSim2's onto them):
// - injection_latency_cycles I, ejection_latency_cycles E: the NI's flit is written into the
//   local input at a0 + I; a packet whose tail leaves on the local output at d is delivered at
//   d + E (the sink is called at d with that cycle).
// - credit_delay_cycles C: a credit is back upstream at (downstream leave) + L + C.
// - The virtual-channel router (vc_alloc_delay_cycles A >= 1). Each input port
//   has V virtual channels of B slots (virtual_channels, buffer_depth_flits); an output VC
//   belongs to one packet from its VC allocation until its tail leaves (wait_for_tail_credit:
//   until the tail's credit is back as well, every slot free). All its decisions are taken at
//   the cycle a flit would leave (allocation stages ahead of the switch count as delays):
//   * a head flit at the front of an idle input VC (written at a, or behind a tail that left
//     at t: from max(a + P, t + 1)) requests VC allocation from that cycle + R
//     (routing_delay_cycles): every free VC of its route's output port. Allocation is
//     separable, one iSLIP iteration (round-robin grant per output VC, accept per input VC,
//     pointers moved on acceptance). Granted at b, the head may leave from b + A;
//   * a flit whose VC holds an output VC may leave from max(a + P, previous flit's leave + 1)
//     if the output VC has a credit (the local output needs none). Switch allocation is
//     iSLIP over switch inputs (input_speedup S of them per input port, VC v on v % S) and
//     output ports; among its VCs requesting one output a switch input prefers, round robin,
//     the VC after the last one it sent (+ S). At most one flit per output, per switch input;
//   * the NI picks, for each head, the first VC after its last one that is free and has a
//     credit; body flits follow on the same VC; its credits are back at (router leave) + 1.
//   * Multicast: a head whose tree forks here needs an output VC on each port of the fork. It
//     takes them in a fixed port order (the tree's first dimension, east before west and
//     south before north, then the second, then the local port) and keeps those it has: each
//     VC allocation it requests the VCs of the ports it lacks up to the first one without a
//     free VC, and accepts grants in that order up to the first port without one. It is
//     active once it holds all of them (from that allocation + A). Waiting only for channels
//     later in one global order than those held, like dimension-order unicast, it cannot
//     close a cycle (all-or-nothing would be as safe, but a separable allocator can grant
//     two forks half each, cycle after cycle). Each flit then bids for every output it has
//     not left on and has a credit for; a switch input that accepts one output also takes
//     the other outputs that granted it the same VC (the crossbar replicates the flit);
//     the flit frees its slot, and returns its credit, once it has left on all of them.
//
// Simulation: all decisions of cycle t read the state at the start of t; every effect lands
// at t + 1 or later (P, L >= 1), so the order in which nodes are stepped within a cycle does
// not matter (they are stepped in node order anyway, for determinism of sink callbacks). The
// engine steps only nodes with work, only at cycles where something can change (a flit
// becomes eligible, a credit returns to a blocked output, a queued packet enters, the cycle
// after any movement), and sleeps on an event when the mesh is empty. always_clock steps all
// nodes every cycle while the mesh is busy; results and counts are the same. While no other
// process has activity up to its next busy cycle, the engine steps that cycle without waiting
// for the kernel's time (run-ahead), and catches the kernel up before anything another process
// can see: a delivery to a sink that needs the time, the trace, the drained event, sc_stop
// (README.md, "Running ahead of the kernel's time"). It assumes sc_start() runs to the end.
//
// Errors: if flits are in the network and none moved for watchdog_cycles, the engine stores a
// DeadlockError (message: every non-empty router's dump_state()) and calls sc_stop(). Whoever
// calls sc_start() must then call rethrow_if_failed(), which throws it (an exception thrown
// inside an SC_THREAD would reach the caller as a SystemC report, not as DeadlockError).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <systemc>

#include "models/noc/cycle_source.h"
#include "models/noc/network_interface.h"
#include "models/noc/packet.h"
#include "models/noc/router.h"
#include "models/noc/routing.h"
#include "models/noc/vc_state.h"
#include "models/base/cycle.h"
#include "models/base/sim_context.h"
#include "proto/chip.pb.h"

namespace nmsim::noc {

struct Destination {
  uint32_t node = 0;
  uint32_t core = 0;
};

class Mesh : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(Mesh);
  // Uses mesh_width, mesh_height, cores_per_node and noc, as config::validate(chip) checked them.
  // `sockets`: whether the NIs have their TLM injection socket (network_interface.h).
  Mesh(sc_core::sc_module_name name, const ChipConfig& chip, SimContext& ctx,
       InjectionSocket sockets = InjectionSocket::kCreated);
  ~Mesh() override;

  // Queues a packet at its source NI (packet.src_node), entering the queue at cycle `at`
  // (>= now). Unicast or multicast (tree_id from add_multicast_tree) as packet.kind says.
  void inject(const Packet& packet, Cycle at);
  // Registers a multicast tree rooted at src_node; returns its id. Works for both
  // replication options (UNICAST keeps the destination list for send_to_tree).
  uint32_t add_multicast_tree(uint32_t src_node, const std::vector<Destination>& destinations);
  // Sends `packet` to every destination of `tree`: one multicast packet, or (replication
  // UNICAST) one unicast packet per destination, queued back to back at the source NI.
  void send_to_tree(const Packet& packet, uint32_t tree, Cycle at);
  void set_sink(uint32_t node, uint32_t core, PacketSink* sink);
  // Steps `source` in the engine's thread (cycle_source.h); set before the simulation starts.
  void set_cycle_source(CycleSource* source) { m_source = source; }

  // Nothing queued or in flight.
  bool idle() const { return m_queued_packets == 0 && m_flits_in_network == 0; }
  Cycle last_delivery_cycle() const { return m_last_delivery; }
  // Notified (one delta later) at the cycle the mesh becomes idle.
  const sc_core::sc_event& drained_event() const { return m_drained_event; }
  bool failed() const { return !m_failure.empty(); }
  // Throws the DeadlockError the engine stored, if any; call after sc_start() returns.
  void rethrow_if_failed() const;

  const MeshShape& shape() const { return m_shape; }
  uint32_t nodes() const { return m_shape.nodes(); }
  uint32_t cores_per_node() const { return m_cores_per_node; }
  Router& router(uint32_t node) { return *m_routers[node]; }
  const Router& router(uint32_t node) const { return *m_routers[node]; }
  NetworkInterface& ni(uint32_t node) { return *m_nis[node]; }
  const NetworkInterface& ni(uint32_t node) const { return *m_nis[node]; }
  // Running ahead of the kernel's time (mesh.cpp, engine()): on by default; the tests turn it
  // off to compare every delivery and cycle with the engine that waits for each cycle.
  void set_run_ahead(bool on) { m_run_ahead = on; }
  // Cycles the engine stepped without waiting for the kernel (a speed diagnostic).
  uint64_t run_ahead_cycles() const { return m_run_ahead_cycles; }
  // Cycles at which the engine stepped (a speed diagnostic: always_clock steps them all).
  uint64_t stepped_cycles() const { return m_stepped_cycles; }
  // Packet::id of a packet in flight, by its pool slot (Flit::packet).
  uint64_t packet_id(uint32_t slot) const { return m_slots[slot].packet.id; }
  // A wormhole router's output to a neighbour, as of the router's last step (for state dumps):
  // its credits, and the cycles at which further credits are back, in order.
  struct OutputCredits {
    uint32_t credits = 0;
    std::vector<Cycle> returns;
  };
  OutputCredits output_credits(uint32_t node, unsigned port) const;

 private:
  struct PacketSlot {
    Packet packet;
    uint32_t pending_tails = 0;  // destination nodes whose tail delivery is still due
    uint64_t flow = 0;           // the packet's number in traces (unique in the run, unlike Packet::id's copies)
    // Unicast route, decided once per packet: dimension order and destination coordinates.
    bool x_first = true;
    uint16_t dest_x = 0;
    uint16_t dest_y = 0;
  };
  struct TreeRoute {
    uint8_t ports = 0;  // output ports at this router
    uint8_t cores = 0;  // cores of this node (with the local port)
  };
  struct Tree {
    uint32_t src_node = 0;
    uint32_t dest_nodes = 0;
    std::vector<Destination> destinations;
  };

  void engine();
  // One activation of the engine at `now` with a cycle source; false once the run ended.
  bool run_cycle_with_source(Cycle now);
  Cycle next_wake() const;
  // Whether the engine may step cycle `next` now: no other process has activity before or at it.
  bool may_run_ahead(Cycle next) const;
  // Waits until the kernel's time is the engine's cycle (ends a run-ahead).
  void catch_up();
  void step_cycle(Cycle now);
  // The steps of the nodes due at `now`, compiled for each router kind (kVc) and for runs with
  // and without a trace (kTraced, the wormhole router's signals): as run-time checks, both
  // were loaded again at every node and flit (a byte store may alias them).
  template <bool kVc, bool kTraced>
  void step_due_nodes(const uint32_t* due, uint32_t due_count, Cycle now);
  // The per-flit steps of the wormhole router, inlined into step_due_nodes (mesh.cpp only): a
  // call per flit and hop cost as much as the work in them.
  template <bool kVc>
  [[gnu::always_inline]] void step_ni(uint32_t node, Cycle now);
  void push_flit(uint32_t node, NiState& ni, Cycle now);
  template <bool kTraced>
  [[gnu::always_inline]] void step_router(uint32_t node, Cycle now);
  // The step looks each slot up once and hands it on: `flit` is the input's front flit, `into`
  // the downstream slot the output's credit is read from (credit_slot), which the flit takes.
  template <bool kTraced>
  [[gnu::always_inline]] void send(uint32_t node, unsigned out, unsigned in, Flit& flit, Flit& into, Cycle now);
  void deliver_flit(uint32_t node, const Flit& flit, Cycle at);
  // Writes `flit` into `into`, the slot of node's input `port` at the ring's tail.
  template <bool kTraced>
  [[gnu::always_inline]] void write_flit(uint32_t node, unsigned port, Flit& into, const Flit& flit, Cycle now);
  // Frees `front`, the front slot of node's input `port`.
  [[gnu::always_inline]] void pop_flit(uint32_t node, unsigned port, Flit& front, Cycle now);
  [[gnu::always_inline]] uint8_t route(uint32_t node, const Flit& head) const;
  // The B slots of a router's input buffer (a ring: RouterState::input_head, input_size).
  Flit* input_slots(uint32_t node, unsigned port) {
    return m_flit_storage.data() + (std::size_t{node} * kPortCount + port) * m_buffer_depth;
  }
  const Flit* input_slots(uint32_t node, unsigned port) const {
    return m_flit_storage.data() + (std::size_t{node} * kPortCount + port) * m_buffer_depth;
  }
  // The slot of the buffer across `port` that a sender's next flit takes: a wormhole router
  // output's (RouterState::send_slot), or across the local port the NI's (NiState::send_slot).
  // It holds the sender's credit (router.h).
  const Flit& credit_slot(uint32_t node, unsigned port, uint16_t send_slot) const {
    return input_slots(neighbour(node, port), opposite(port))[send_slot];
  }
  Flit& credit_slot(uint32_t node, unsigned port, uint16_t send_slot) {
    return input_slots(neighbour(node, port), opposite(port))[send_slot];
  }
  Flit& input_front(uint32_t node, const RouterState& r, unsigned port) {
    return input_slots(node, port)[r.input_head[port]];
  }
  const Flit& input_front(uint32_t node, const RouterState& r, unsigned port) const {
    return input_slots(node, port)[r.input_head[port]];
  }
  // A ring index (head + offset, below 2 B) taken back into [0, B), without a branch: whether
  // it wraps depends on the traffic.
  uint32_t wrap_slot(uint32_t i) const { return i - (i >= m_buffer_depth ? m_buffer_depth : 0u); }
  template <bool kVc>
  [[gnu::always_inline]] Cycle node_wake(uint32_t node, Cycle now) const;
  void wake(uint32_t node, Cycle at) {
    m_wake[node] = min(m_wake[node], at);
    m_next_wake = min(m_next_wake, at);
    set_bit(m_active_bits, node);
  }
  uint32_t allocate_slot(const Packet& packet);
  // Node bitmaps (a bit per node, 64 per word).
  static bool test_bit(const std::vector<uint64_t>& bits, uint32_t node) {
    return (bits[node >> 6] >> (node & 63)) & 1;
  }
  static void set_bit(std::vector<uint64_t>& bits, uint32_t node) {
    bits[node >> 6] |= uint64_t{1} << (node & 63);
  }
  static void clear_bit(std::vector<uint64_t>& bits, uint32_t node) {
    bits[node >> 6] &= ~(uint64_t{1} << (node & 63));
  }
  void fail_deadlock(Cycle now);
  // The virtual-channel router (mesh_vc.cpp).
  void init_vc_state();
  void step_ni_vc(uint32_t node, NiState& ni, Cycle now);
  void step_router_vc(uint32_t node, Cycle now);
  void allocate_vcs(uint32_t node, Cycle now);
  void allocate_switch(uint32_t node, Cycle now);
  void send_vc(uint32_t node, unsigned input_vc, uint8_t outputs, Cycle now);
  void begin_vc_allocation(uint32_t node, VcInput& in, Cycle ready);
  uint8_t fork_requests(uint32_t node, const VcInput& in) const;
  void write_flit_vc(uint32_t node, unsigned port, const Flit& flit, Cycle now);
  Cycle node_wake_vc(uint32_t node, Cycle now) const;
  std::string dump_vc_state(uint32_t node) const;
  void return_credit(uint32_t node, unsigned port, unsigned vc, Cycle now);

  const MeshShape m_shape;
  const uint32_t m_node_count;  // m_shape.nodes()
  const uint32_t m_cores_per_node;
  const uint32_t m_pipeline_stages;   // P
  const uint32_t m_link_latency;      // L
  const uint32_t m_buffer_depth;      // B
  const uint32_t m_flit_width_bits;
  const Routing m_routing;
  const Replication m_replication;
  const uint32_t m_vcs;               // V
  const uint32_t m_vc_alloc_delay;    // A (0: no VC router)
  const uint32_t m_routing_delay;     // R
  const uint32_t m_credit_delay;      // C
  const uint32_t m_input_speedup;     // S
  const bool m_wait_for_tail_credit;
  const uint32_t m_injection_latency;  // I
  const uint32_t m_ejection_latency;   // E
  const bool m_vc_router;             // A >= 1
  const uint64_t m_watchdog_cycles;
  const bool m_always_clock;
  const bool m_tracing;  // trace signals exist (else their updates are skipped)
  SimContext& m_ctx;
  CycleSource* m_source = nullptr;
  bool m_in_source = false;  // inside m_source->inject(): the engine steps the cycle next anyway

  // Per node, precomputed: coordinates.
  std::vector<uint16_t> m_x;
  std::vector<uint16_t> m_y;
  // The node across each port, as an offset (N: -W, E: +1, S: +W, W: -1, local: 0, modulo
  // 2^32): one small table for all nodes, where one per node missed the first-level cache at
  // 16 x 16. Meaningful only for ports with a link, the only ones a flit or credit crosses.
  std::array<uint32_t, kPortCount> m_port_step{};
  uint32_t neighbour(uint32_t node, unsigned port) const { return node + m_port_step[port]; }
  // Per input port, the cycles from a pop to its credit's return upstream: L + C from a
  // router, 1 to the NI (a table, not a branch on the port, which follows the traffic).
  std::array<uint32_t, kPortCount> m_credit_return{};
  // Per node, the dimension order of the unicast packets it sends (routing.h x_first).
  std::vector<uint8_t> m_x_first;
  // Per node and core ([node * cores_per_node + core]), the sink its packets are delivered to
  // (kept here, not in the NI module: a delivery reads no line of the module but its counters).
  std::vector<PacketSink*> m_sinks;

  // What the engine steps, one array over all nodes (sized once: the routers and NIs keep
  // references): per router its ports, per NI its queue; every router's input buffers
  // (node-major, kPortCount * B flits each). The cycles each router was last stepped at and
  // last moved a flit at are dense arrays (8 bytes a node), which stay in the first-level
  // cache at 16 x 16.
  std::vector<RouterState> m_router_state;
  std::vector<NiState> m_ni_state;
  std::vector<Flit> m_flit_storage;
  std::vector<Cycle> m_router_last_step;  // the router part is stepped once per cycle
  std::vector<Cycle> m_router_last_move;  // a flit left at this cycle
  // The routers' counts of moves, phase-major and node by node: [(phase * nodes + node) *
  // kMoveKinds + kind].
  enum MoveKind : unsigned { kFlitsForwarded, kHops, kBufferWrites, kMoveKinds };
  std::vector<uint64_t> m_move_counts;
  std::array<uint64_t*, kPhaseCount> m_phase_moves{};  // each phase's first count
  // A node's counts in one phase (kMoveKinds of them).
  uint64_t* moves_of(uint32_t node, Phase phase) {
    return m_phase_moves[static_cast<uint8_t>(phase)] + std::size_t{node} * kMoveKinds;
  }
  RouterMoveCounts move_counts(uint32_t node) const {
    const std::size_t stride = std::size_t{m_node_count} * kMoveKinds;
    const auto column = [&](MoveKind kind) {
      return PhaseCounterRef(&m_move_counts[std::size_t{node} * kMoveKinds + kind], stride);
    };
    return {column(kFlitsForwarded), column(kHops), column(kBufferWrites)};
  }
  std::vector<VcRouterState> m_vc_state;  // the VC router only
  std::vector<NiVcState> m_ni_vc_state;
  std::vector<std::unique_ptr<Router>> m_routers;
  std::vector<std::unique_ptr<NetworkInterface>> m_nis;

  std::vector<PacketSlot> m_slots;
  uint64_t m_packets_allocated = 0;  // numbers PacketSlot::flow
  std::vector<uint32_t> m_free_slots;
  std::vector<Tree> m_trees;
  std::vector<TreeRoute> m_tree_routes;  // [tree * nodes + node]

  // Nodes with work: a bit per node (iterated in node order) and each one's next cycle
  // with something to do; m_next_wake is the earliest over them.
  std::vector<uint64_t> m_active_bits;
  // Whether any node has work (not counted at every wake: a scan of the bitmap's words).
  bool any_active() const {
    for (uint64_t word : m_active_bits) {
      if (word != 0) return true;
    }
    return false;
  }
  std::vector<Cycle> m_wake;
  Cycle m_next_wake{UINT64_MAX};
  // NIs with packets queued: a step skips the others without reading their state.
  std::vector<uint64_t> m_ni_busy;
  std::vector<uint32_t> m_due;   // scratch: nodes stepped this cycle (one slot per node)
  std::vector<uint32_t> m_idle;  // scratch: stepped nodes found without work
  uint64_t m_flits_in_network = 0;
  uint64_t m_queued_packets = 0;
  Cycle m_last_progress{};
  Cycle m_last_delivery{};
  uint64_t m_stepped_cycles = 0;
  Cycle m_last_step{};
  Cycle m_engine_cycle{};  // the cycle the engine is at; the kernel's may lag while m_ahead
  bool m_run_ahead = true;
  bool m_ahead = false;
  uint64_t m_run_ahead_cycles = 0;
  sc_core::sc_event m_wake_event;
  sc_core::sc_event m_drained_event;
  std::string m_failure;
};

}  // namespace nmsim::noc
