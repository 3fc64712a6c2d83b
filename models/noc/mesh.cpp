#include "models/noc/mesh.h"

#include <algorithm>
#include <sstream>

#include "models/base/errors.h"

namespace nmsim::noc {

namespace {

// The cycle from which a credit slot (Mesh::credit_slot) gives its sender a credit: once its
// flit left (remaining == 0), the cycle the pop recorded; never while it holds a flit (the
// pop will tell).
Cycle credit_back_at(const Flit& slot) { return slot.remaining == 0 ? slot.arrive : kNever; }
constexpr std::size_t kInitialPacketSlots = 1024;

// The round robin's winner among the requesting inputs `requests` (a mask, not empty) after
// `last` won: the first requester after it, wrapping around. A table, [last][requests]: the
// computation cost a dozen instructions a flit.
struct RoundRobin {
  std::array<std::array<uint8_t, 1u << kPortCount>, kPortCount> winner{};
};
constexpr RoundRobin make_round_robin() {
  RoundRobin table;
  for (unsigned last = 0; last < kPortCount; ++last) {
    for (unsigned requests = 1; requests < (1u << kPortCount); ++requests) {
      unsigned winner = (last + 1) % kPortCount;
      while (((requests >> winner) & 1u) == 0) winner = (winner + 1) % kPortCount;
      table.winner[last][requests] = static_cast<uint8_t>(winner);
    }
  }
  return table;
}
constexpr RoundRobin kRoundRobin = make_round_robin();

}  // namespace

Mesh::Mesh(sc_core::sc_module_name name, const ChipConfig& chip, SimContext& ctx, InjectionSocket sockets)
    : sc_core::sc_module(name),
      m_shape{chip.mesh_width(), chip.mesh_height()},
      m_node_count(m_shape.nodes()),
      m_cores_per_node(chip.cores_per_node()),
      m_pipeline_stages(chip.noc().router_pipeline_stages()),
      m_link_latency(chip.noc().link_latency_cycles()),
      m_buffer_depth(chip.noc().buffer_depth_flits()),
      m_flit_width_bits(chip.noc().flit_width_bits()),
      m_routing(chip.noc().routing()),
      m_replication(chip.noc().replication()),
      // Unset fields keep the router from before they existed (config::validate fills them).
      m_vcs(std::max(1u, chip.noc().virtual_channels())),
      m_vc_alloc_delay(chip.noc().vc_alloc_delay_cycles()),
      m_routing_delay(chip.noc().routing_delay_cycles()),
      m_credit_delay(chip.noc().credit_delay_cycles()),
      m_input_speedup(std::max(1u, chip.noc().input_speedup())),
      m_wait_for_tail_credit(chip.noc().wait_for_tail_credit()),
      m_injection_latency(chip.noc().injection_latency_cycles()),
      m_ejection_latency(chip.noc().ejection_latency_cycles()),
      m_vc_router(m_vc_alloc_delay > 0),
      m_watchdog_cycles(chip.noc().watchdog_cycles()),
      m_always_clock(chip.noc().always_clock()),
      m_tracing(ctx.tracer != nullptr),
      m_ctx(ctx) {
  // The limits of proto/noc.proto and chip.proto, checked by config::validate(chip).
  NMSIM_ASSERT(m_shape.width >= 1 && m_shape.width <= 64 && m_shape.height >= 1 && m_shape.height <= 64 &&
                   m_cores_per_node >= 1 && m_cores_per_node <= 8,
               "mesh config not validated");
  NMSIM_ASSERT(m_pipeline_stages >= 1 && m_pipeline_stages <= 65536 && m_link_latency >= 1 &&
                   m_link_latency <= 65536 && m_buffer_depth >= 1 && m_buffer_depth <= 65536 &&
                   m_flit_width_bits >= 8 && m_flit_width_bits <= 1024,
               "noc config not validated");
  NMSIM_ASSERT(m_watchdog_cycles >= 1 && m_watchdog_cycles <= UINT64_MAX / 2, "noc config not validated");
  NMSIM_ASSERT(m_routing != ROUTING_UNSPECIFIED && m_replication != REPLICATION_UNSPECIFIED,
               "noc config not validated");
  NMSIM_ASSERT(m_vcs <= 16 && m_input_speedup <= 8 &&
                   (m_vc_router || (m_vcs == 1 && m_routing_delay == 0 && m_input_speedup == 1 &&
                                    !m_wait_for_tail_credit)),
               "noc config not validated");
  const uint32_t n = m_shape.nodes();
  const std::size_t per_node = std::size_t{kPortCount} * m_buffer_depth;
  m_router_state.resize(n);
  m_ni_state.resize(n);
  m_flit_storage.resize(n * per_node);
  m_router_last_step.assign(n, kNever);
  m_router_last_move.assign(n, kNever);
  m_move_counts.assign(kPhaseCount * kMoveKinds * n, 0);
  for (std::size_t phase = 0; phase < kPhaseCount; ++phase) {
    m_phase_moves[phase] = m_move_counts.data() + phase * n * kMoveKinds;
  }
  m_routers.reserve(n);
  m_nis.reserve(n);
  m_port_step = {0u - m_shape.width, 1u, m_shape.width, 0u - 1u, 0u};  // N, E, S, W, local
  const uint32_t router_credit = m_link_latency + m_credit_delay;  // <= 2 * 65536
  m_credit_return = {router_credit, router_credit, router_credit, router_credit, 1u};
  m_x.resize(n);
  m_y.resize(n);
  m_x_first.resize(n);
  m_sinks.assign(std::size_t{n} * m_cores_per_node, nullptr);
  for (uint32_t node = 0; node < n; ++node) {
    const uint32_t x = m_shape.x(node), y = m_shape.y(node);
    m_x[node] = static_cast<uint16_t>(x);
    m_y[node] = static_cast<uint16_t>(y);
    m_x_first[node] = x_first(m_routing, m_shape, node);
    uint8_t links = 0;
    if (y > 0) links |= port_bit(kNorth);
    if (x + 1 < m_shape.width) links |= port_bit(kEast);
    if (y + 1 < m_shape.height) links |= port_bit(kSouth);
    if (x > 0) links |= port_bit(kWest);
    const std::string suffix = std::to_string(x) + "_" + std::to_string(y);
    m_routers.push_back(std::make_unique<Router>(
        ("router_" + suffix).c_str(), node, links, m_buffer_depth, m_flit_width_bits,
        m_router_state[node], &m_flit_storage[node * per_node], move_counts(node), *this, ctx));
    m_nis.push_back(std::make_unique<NetworkInterface>(("ni_" + suffix).c_str(), node,
                                                       m_ni_state[node], *this, ctx, sockets));
  }
  m_slots.reserve(kInitialPacketSlots);
  m_free_slots.reserve(kInitialPacketSlots);
  m_active_bits.assign((n + 63) / 64, 0);
  m_ni_busy.assign((n + 63) / 64, 0);
  m_wake.assign(n, kNever);
  m_due.resize(n);
  m_idle.reserve(n);
  if (m_vc_router) init_vc_state();
  SC_THREAD(engine);
}

Mesh::~Mesh() = default;

void Mesh::set_sink(uint32_t node, uint32_t core, PacketSink* sink) {
  NMSIM_ASSERT(node < nodes() && core < m_cores_per_node, "sink outside the mesh");
  m_sinks[std::size_t{node} * m_cores_per_node + core] = sink;
}

uint32_t Mesh::add_multicast_tree(uint32_t src_node, const std::vector<Destination>& destinations) {
  NMSIM_ASSERT(src_node < nodes(), "multicast source outside the mesh");
  NMSIM_ASSERT(!destinations.empty(), "multicast tree without destinations");
  const uint32_t id = static_cast<uint32_t>(m_trees.size());
  const uint32_t n = nodes();
  m_tree_routes.resize(m_tree_routes.size() + n);
  TreeRoute* routes = &m_tree_routes[static_cast<std::size_t>(id) * n];
  Tree tree;
  tree.src_node = src_node;
  tree.destinations = destinations;
  for (const Destination& d : destinations) {
    NMSIM_ASSERT(d.node < n && d.core < m_cores_per_node, "multicast destination outside the mesh");
    uint32_t here = src_node;
    for (;;) {
      const unsigned port = route_port(m_routing, m_shape, src_node, here, d.node);
      routes[here].ports |= port_bit(port);
      if (port == kLocal) {
        routes[here].cores |= static_cast<uint8_t>(1u << d.core);
        break;
      }
      here = m_shape.neighbour(here, port);
    }
  }
  for (uint32_t node = 0; node < n; ++node) {
    if (routes[node].ports & port_bit(kLocal)) ++tree.dest_nodes;
  }
  m_trees.push_back(std::move(tree));
  return id;
}

void Mesh::send_to_tree(const Packet& packet, uint32_t tree, Cycle at) {
  NMSIM_ASSERT(tree < m_trees.size(), "unknown multicast tree");
  Packet copy = packet;
  copy.src_node = m_trees[tree].src_node;
  if (m_replication == REPLICATION_MULTICAST) {
    copy.kind = PacketKind::kMulticast;
    copy.tree_id = tree;
    inject(copy, at);
    return;
  }
  copy.kind = PacketKind::kUnicast;
  for (const Destination& d : m_trees[tree].destinations) {
    copy.dest_node = d.node;
    copy.dest_core = d.core;
    inject(copy, at);
  }
}

// Inlined into inject, its only caller: a traffic run injects a packet every few cycles a node.
[[gnu::always_inline]] inline uint32_t Mesh::allocate_slot(const Packet& packet) {
  uint32_t slot;
  if (!m_free_slots.empty()) {
    slot = m_free_slots.back();
    m_free_slots.pop_back();
  } else {
    slot = static_cast<uint32_t>(m_slots.size());
    m_slots.emplace_back();
  }
  PacketSlot& s = m_slots[slot];
  s.packet = packet;
  s.flow = m_packets_allocated++;
  if (packet.kind == PacketKind::kUnicast) {
    s.pending_tails = 1;
    s.x_first = m_x_first[packet.src_node] != 0;
    s.dest_x = m_x[packet.dest_node];
    s.dest_y = m_y[packet.dest_node];
  } else {
    s.pending_tails = m_trees[packet.tree_id].dest_nodes;
  }
  return slot;
}

void Mesh::inject(const Packet& packet, Cycle at) {
  NMSIM_ASSERT(packet.src_node < nodes(), "packet source outside the mesh");
  NMSIM_ASSERT(packet.length_flits >= 1, "packet without flits");
  if (packet.kind == PacketKind::kUnicast) {
    NMSIM_ASSERT(packet.dest_node < nodes() && packet.dest_core < m_cores_per_node,
                 "packet destination outside the mesh");
  } else {
    NMSIM_ASSERT(packet.tree_id < m_trees.size() &&
                     m_trees[packet.tree_id].src_node == packet.src_node,
                 "multicast packet with a tree of another source");
  }
  // In the engine's cycle source the engine's cycle is the present (the kernel's time may lag
  // behind it), and reading it costs no call into the kernel.
  NMSIM_ASSERT(at >= (m_in_source ? m_engine_cycle : m_ctx.clock.now()),
               "packet injected into the past");
  const uint32_t slot = allocate_slot(packet);
  NiState& ni_state = m_ni_state[packet.src_node];
  RingBuffer<NiState::Queued>& queue = ni_state.queue;
  queue.insert_sorted_grow({slot, at}, [](const NiState::Queued& a, const NiState::Queued& b) {
    return a.at < b.at;
  });
  ++m_queued_packets;
  set_bit(m_ni_busy, packet.src_node);
  if (queue.size() > ni_state.max_queue_packets) {
    ni_state.max_queue_packets = queue.size();
    NetworkInterface& ni = *m_nis[packet.src_node];
    ni.m_max_queue_stat = PhaseCounter{};
    ni.m_max_queue_stat.add(packet.phase, ni_state.max_queue_packets);
  }
  wake(packet.src_node, at);
  // Before the simulation starts the engine finds the work when it first runs.
  // (Nor does it need waking while it runs the cycle source.)
  if (!m_in_source && sc_core::sc_is_running()) m_wake_event.notify();
}

void Mesh::rethrow_if_failed() const {
  if (failed()) throw DeadlockError(m_failure);
}

// ---- the engine ----

// The engine runs ahead of the kernel's time: when its next cycle is due before any other
// process has anything to do (no activity at the current time, none up to and including that
// cycle's time), it steps that cycle at once instead of waiting for it. Its reads of the
// state are its own; what another process could see waits for the kernel's time to catch up
// (catch_up: a sink's delivery, the drained event, sc_stop), so every result and every
// cycle is the same as with one wait per cycle, at a fraction of the thread switches.
// `now` is the engine's cycle; the kernel's may lag behind it until the next catch_up.
void Mesh::engine() {
  Cycle& now = m_engine_cycle;
  now = m_ctx.clock.now();
  for (;;) {
    Cycle next = kNever;
    if (m_source != nullptr) next = m_source->next_injection();
    if (any_active()) next = min(next, next_wake());
    if (m_flits_in_network > 0) next = min(next, m_last_progress + m_watchdog_cycles);
    if (next == kNever) {
      sc_core::wait(m_wake_event);
      now = m_ctx.clock.now();
      m_ahead = false;
      continue;
    }
    if (next > now) {
      if (!may_run_ahead(next)) {
        sc_core::wait(m_ctx.clock.to_time(next) - sc_core::sc_time_stamp(), m_wake_event);
        now = m_ctx.clock.now();
        m_ahead = false;
        continue;
      }
      now = next;
      m_ahead = true;
      ++m_run_ahead_cycles;
    }
    if (m_source != nullptr) {
      // The source's cycles are the engine's too.
      if (!run_cycle_with_source(now)) {
        m_source = nullptr;
        catch_up();
        sc_core::sc_stop();
        return;
      }
      continue;
    }
    step_cycle(now);
    if (failed()) {
      catch_up();
      sc_core::sc_stop();
      return;
    }
  }
}

bool Mesh::may_run_ahead(Cycle next) const {
  if (!m_run_ahead || sc_core::sc_pending_activity_at_current_time()) return false;
  // Another process due at `next` itself would share the cycle with the engine: wait for it.
  return sc_core::sc_time_to_pending_activity() > m_ctx.clock.to_time(next) - sc_core::sc_time_stamp();
}

void Mesh::catch_up() {
  if (!m_ahead) return;
  m_ahead = false;
  const sc_core::sc_time target = m_ctx.clock.to_time(m_engine_cycle);
  if (target > sc_core::sc_time_stamp()) sc_core::wait(target - sc_core::sc_time_stamp());
}

bool Mesh::run_cycle_with_source(Cycle now) {
  if (m_source->next_injection() <= now) {
    // Packets queued here wake their nodes for `now`, which the step below takes.
    m_in_source = true;
    m_source->inject(now);
    m_in_source = false;
  }
  Cycle due = any_active() ? next_wake() : kNever;
  if (m_flits_in_network > 0) due = min(due, m_last_progress + m_watchdog_cycles);
  if (due <= now) step_cycle(now);
  return !failed() && !m_source->finished(now);
}

Cycle Mesh::next_wake() const {
  Cycle next = m_next_wake;
  if (m_always_clock && m_stepped_cycles > 0) next = min(next, m_last_step + 1);
  return next;
}

template <bool kVc, bool kTraced>
void Mesh::step_due_nodes(const uint32_t* due, uint32_t due_count, Cycle now) {
  for (uint32_t d = 0; d < due_count; ++d) {
    const uint32_t node = due[d];
    RouterState& r = m_router_state[node];
    // Recomputed from the node's own state below; wakes from nodes stepped later in this
    // cycle (always >= now + 1) merge into it.
    m_wake[node] = kNever;
    step_ni<kVc>(node, now);
    if (m_router_last_step[node] != now) {
      m_router_last_step[node] = now;
      if constexpr (kVc) {
        step_router_vc(node, now);
      } else {
        step_router<kTraced>(node, now);
      }
    }
    m_wake[node] = min(m_wake[node], node_wake<kVc>(node, now));
    // Forget a node without work while its state is in cache: only its own step removes its
    // flits or queued packets, and whatever gives it work later in this cycle wakes it again.
    if (r.flits == 0 && test_bit(m_active_bits, node) &&
        (!test_bit(m_ni_busy, node) || m_ni_state[node].queue.empty())) {
      clear_bit(m_active_bits, node);
      m_idle.push_back(node);
    } else {
      m_next_wake = min(m_next_wake, m_wake[node]);
    }
  }
}

void Mesh::step_cycle(Cycle now) {
  if (m_stepped_cycles == 0 || m_last_step != now) ++m_stepped_cycles;
  m_last_step = now;
  // The nodes due now, in node order (deterministic sink callbacks), listed before any is
  // stepped: a node woken for `now` during the steps (a sink injecting) waits for the next
  // call, which the engine makes at once.
  uint32_t due_count = 0;
  uint32_t* const due = m_due.data();  // sized for every node
  Cycle next_wake = kNever;
  if (m_always_clock) {
    for (uint32_t node = 0; node < nodes(); ++node) due[due_count++] = node;
  } else {
    // Without branches: whether an active node is due follows the traffic. Every node is
    // written; only a due one moves the count past it.
    for (std::size_t w = 0; w < m_active_bits.size(); ++w) {
      for (uint64_t bits = m_active_bits[w]; bits != 0; bits &= bits - 1) {
        const uint32_t node = static_cast<uint32_t>(w * 64 + __builtin_ctzll(bits));
        const Cycle wake = m_wake[node];
        const bool is_due = wake <= now;
        due[due_count] = node;
        due_count += is_due;
        next_wake = min(next_wake, is_due ? kNever : wake);
      }
    }
  }
  // The earliest wake over the nodes not stepped now; each stepped node adds its own below,
  // and wake() lowers it for any node woken during the steps.
  m_next_wake = next_wake;
  m_idle.clear();
  if (m_vc_router) {
    step_due_nodes<true, false>(due, due_count, now);  // (the VC router's trace checks are its own)
  } else if (m_tracing) {
    step_due_nodes<false, true>(due, due_count, now);
  } else {
    step_due_nodes<false, false>(due, due_count, now);
  }
  // A node that stayed without work forgets its wake; one woken again keeps the earliest of
  // its own wake and the new one (as if it had never been forgotten).
  for (uint32_t node : m_idle) {
    if (!test_bit(m_active_bits, node)) {
      m_wake[node] = kNever;
    } else {
      m_next_wake = min(m_next_wake, m_wake[node]);
    }
  }

  if (m_flits_in_network > 0 && now - m_last_progress >= m_watchdog_cycles) {
    fail_deadlock(now);
  } else if (idle()) {
    catch_up();
    m_drained_event.notify(sc_core::SC_ZERO_TIME);
  }
}

template <bool kVc>
inline Cycle Mesh::node_wake(uint32_t node, Cycle now) const {
  if constexpr (kVc) return node_wake_vc(node, now);
  const RouterState& r = m_router_state[node];
  // Every other candidate below is >= now + 1: returns and arrivals up to now were taken.
  if (m_router_last_move[node] == now) return now + 1;
  Cycle wake = kNever;
  for (uint8_t occupied = r.occupied; occupied != 0; occupied &= occupied - 1) {
    const unsigned p = static_cast<unsigned>(__builtin_ctz(occupied));
    const Cycle eligible = input_front(node, r, p).arrive + m_pipeline_stages;
    if (eligible > now) wake = min(wake, eligible);
  }
  // A stalled output's slot downstream: once its flit left, the cycle its credit is back;
  // while it holds one, the pop wakes this node (RouterState::stalled_upstream).
  for (uint8_t stalled = r.stalled; stalled != 0; stalled &= stalled - 1) {
    const unsigned o = static_cast<unsigned>(__builtin_ctz(stalled));
    wake = min(wake, credit_back_at(credit_slot(node, o, r.send_slot[o])));
  }
  const NiState& ni = m_ni_state[node];
  if (test_bit(m_ni_busy, node) && !ni.queue.empty()) {
    // The local input's slot the NI writes next: while it holds a flit, the NI waits for its
    // pop, which this node's router step will see; once popped, for its credit.
    const Cycle t = max(ni.queue.front().at, now + 1);
    wake = min(wake, max(t, credit_back_at(credit_slot(node, kLocal, ni.send_slot))));
  }
  return wake;
}

template <bool kVc>
inline void Mesh::step_ni(uint32_t node, Cycle now) {
  if (!test_bit(m_ni_busy, node)) return;
  NiState& ni = m_ni_state[node];
  if constexpr (kVc) {
    step_ni_vc(node, ni, now);
    return;
  }
  if (!ni.queue.empty() && ni.last_push != now && ni.queue.front().at <= now &&
      credit_back_at(credit_slot(node, kLocal, ni.send_slot)) <= now) {
    push_flit(node, ni, now);
  }
  if (ni.queue.empty()) clear_bit(m_ni_busy, node);
}

// The NI writes the next flit of its front packet into the local input.
void Mesh::push_flit(uint32_t node, NiState& ni, Cycle now) {
  const NiState::Queued queued = ni.queue.front();
  const PacketSlot& slot = m_slots[queued.packet];
  const Packet& packet = slot.packet;
  Flit flit;
  flit.packet = queued.packet;
  flit.seq = ni.next_seq;
  flit.arrive = now + m_injection_latency;
  flit.head = flit.seq == 0;
  flit.tail = flit.seq + 1 == packet.length_flits;
  flit.phase = packet.phase;
  flit.tree_id = packet.tree_id;
  flit.dest_x = slot.dest_x;
  flit.dest_y = slot.dest_y;
  flit.multicast = packet.kind == PacketKind::kMulticast;
  flit.x_first = slot.x_first;
  if (m_vc_router) {
    NiVcState& vc = m_ni_vc_state[node];
    flit.vc = vc.vc;
    write_flit_vc(node, kLocal, flit, now);
    --vc.credits[vc.vc];
    if (flit.tail) {
      if (m_wait_for_tail_credit) {
        vc.tail_sent[vc.vc] = 1;  // the VC is free once all its credits are back
      } else {
        vc.in_use[vc.vc] = 0;
      }
    }
  } else {
    Flit& into = credit_slot(node, kLocal, ni.send_slot);
    if (m_tracing) {
      write_flit<true>(node, kLocal, into, flit, now);
    } else {
      write_flit<false>(node, kLocal, into, flit, now);
    }
    ni.send_slot = static_cast<uint16_t>(wrap_slot(ni.send_slot + 1u));
  }
  NetworkInterface& module = *m_nis[node];
  module.m_flits_injected.add(flit.phase);
  if (flit.head) {
    module.m_packets_injected.add(flit.phase);
    if (m_tracing) module.m_trace_packets.flow_out(now, slot.flow);
  }
  if (flit.tail) {
    ni.queue.pop_front();
    ni.next_seq = 0;
    --m_queued_packets;
  } else {
    ++ni.next_seq;
  }
  ni.last_push = now;
  m_last_progress = now;
}

inline uint8_t Mesh::route(uint32_t node, const Flit& head) const {
  if (!head.multicast) {
    return port_bit(route_port_xy(head.x_first, m_x[node], m_y[node], head.dest_x, head.dest_y));
  }
  const uint8_t ports = m_tree_routes[static_cast<std::size_t>(head.tree_id) * nodes() + node].ports;
  NMSIM_ASSERT(ports != 0, "multicast flit at a router outside its tree");
  return ports;
}

template <bool kTraced>
inline void Mesh::write_flit(uint32_t node, unsigned port, Flit& into, const Flit& flit, Cycle now) {
  RouterState& r = m_router_state[node];
  if (flit.head) r.route[port] = route(node, flit);
  uint32_t& size = r.input_size[port];
  NMSIM_ASSERT(size < m_buffer_depth, "input buffer overflow");  // credits prevent it
  // `into` is at the sender's send_slot, which is the ring's tail: both move on with each
  // flit written.
  into = flit;
  ++size;
  // The arrival cycle is set here, not in a copy made by the sender: the NI writes into the
  // local input after I cycles, a router into a neighbour's after L.
  into.arrive = now + (port == kLocal ? m_injection_latency : m_link_latency);
  into.remaining = r.route[port];
  r.occupied |= port_bit(port);
  ++r.flits;
  ++m_flits_in_network;
  ++moves_of(node, flit.phase)[kBufferWrites];
  if constexpr (kTraced) m_routers[node]->m_occupancy[port].set(now, size);
}

// Frees the slot of the front flit of an input once every output has taken it; the credit
// goes back upstream.
inline void Mesh::pop_flit(uint32_t node, unsigned port, Flit& front, Cycle now) {
  RouterState& r = m_router_state[node];
  uint32_t& size = r.input_size[port];
  NMSIM_ASSERT(size > 0, "input buffer underflow");
  r.input_head[port] = static_cast<uint16_t>(wrap_slot(r.input_head[port] + 1u));
  --size;
  r.occupied &= static_cast<uint8_t>(~(unsigned{size == 0} << port));
  --r.flits;
  --m_flits_in_network;
  // (The trace's occupancy is set by the caller, after the step's sends.)
  // The slot records when its credit is back upstream (RouterState, NiState::send_slot):
  // nothing upstream is written, unless a router there waits for the credit (never the NI,
  // whose wake this node's own step computes).
  const Cycle back = now + m_credit_return[port];
  front.arrive = back;  // (it left on all its outputs: remaining == 0)
  if (r.stalled_upstream & port_bit(port)) wake(neighbour(node, port), back);
}

template <bool kTraced>
inline void Mesh::step_router(uint32_t node, Cycle now) {
  RouterState& r = m_router_state[node];
  // Requests from the state at the start of the cycle: each eligible front flit asks for the
  // outputs it still wants; it may have one if it is a head and the output is unlocked, or
  // the output is locked to its input. The front flits are looked up once, here.
  uint64_t requests = 0;                       // per output o, the requesting inputs: byte o
  std::array<Flit*, kPortCount> fronts;        // per requesting input: its front flit
  uint8_t wanted = 0;                          // outputs some eligible front flit asks for
  // Computed without branches for a unicast flit (one output): whether a front flit is
  // eligible, and which output it asks for, depend on the traffic and defeat prediction.
  const auto may_request = [&](unsigned o, unsigned i, bool head) {
    const int locked = r.locked_input[o];
    return (unsigned{locked < 0} & unsigned{head}) | unsigned{locked == static_cast<int>(i)};
  };
  for (uint8_t occupied = r.occupied; occupied != 0; occupied &= occupied - 1) {
    const unsigned i = static_cast<unsigned>(__builtin_ctz(occupied));
    Flit& front = input_front(node, r, i);
    const unsigned eligible = front.arrive + m_pipeline_stages <= now;
    const uint8_t outs = front.remaining;  // never empty: taken by all, a flit is popped
    fronts[i] = &front;
    wanted |= static_cast<uint8_t>(outs & -eligible);
    const unsigned o = static_cast<unsigned>(__builtin_ctz(outs));
    requests |= uint64_t{eligible & may_request(o, i, front.head)} << (o * 8 + i);
    // A multicast flit's other outputs.
    for (uint8_t more = outs & (outs - 1); more != 0; more &= more - 1) {
      const unsigned m = static_cast<unsigned>(__builtin_ctz(more));
      requests |= uint64_t{eligible & may_request(m, i, front.head)} << (m * 8 + i);
    }
  }
  if (wanted == 0) return;
  uint8_t popped = 0;  // inputs whose front flit left on all its outputs
  for (uint8_t outs = wanted; outs != 0; outs &= outs - 1) {
    const unsigned o = static_cast<unsigned>(__builtin_ctz(outs));
    const uint8_t req = static_cast<uint8_t>(requests >> (o * 8));
    const bool stalled = r.stalled & port_bit(o);
    if (req == 0) {
      NMSIM_ASSERT(!stalled, "a stalled output lost its requester");
      continue;
    }
    // The output has a credit when the downstream slot its next flit takes is free and its
    // credit is back (router.h); the local output always has one. Read without a branch on
    // the port (the local output's "slot" is the node's own local input, read and ignored):
    // which output a flit wants follows the traffic.
    Flit& into = credit_slot(node, o, r.send_slot[o]);
    if ((unsigned{o == kLocal} | unsigned{credit_back_at(into) <= now}) == 0) {
      if (!stalled) {
        RouterState::OutputPort& out = r.outputs[o];
        r.stalled |= port_bit(o);
        out.stall_start = now;
        out.stall_phase = fronts[__builtin_ctz(req)]->phase;
        m_router_state[neighbour(node, o)].stalled_upstream |= port_bit(opposite(o));
      }
      continue;
    }
    if (stalled) {
      const RouterState::OutputPort& out = r.outputs[o];
      r.credit_stall_cycles.add(out.stall_phase, now - out.stall_start);
      r.stalled &= static_cast<uint8_t>(~port_bit(o));
      m_router_state[neighbour(node, o)].stalled_upstream &= static_cast<uint8_t>(~port_bit(opposite(o)));
    }
    const unsigned winner = kRoundRobin.winner[r.last_winner[o]][req];  // after the last winner
    for (uint8_t losers = req & static_cast<uint8_t>(~port_bit(winner)); losers != 0;
         losers &= losers - 1) {
      r.arbitration_conflicts.add(fronts[__builtin_ctz(losers)]->phase);
    }
    Flit& flit = *fronts[winner];
    send<kTraced>(node, o, winner, flit, into, now);
    // Popped at once (a unicast flit always is: the branch is predicted), not in a loop
    // over the senders after the sends, whose trip count follows the traffic. A popped
    // flit is wanted by no later output of this step, and no later send reads its input.
    if (flit.remaining == 0) {
      pop_flit(node, winner, flit, now);
      popped |= port_bit(winner);
    }
  }
  // The trace sees the inputs' new occupancy after the step's sends, in input order, as
  // when the pops came after the sends.
  if constexpr (kTraced) {
    for (; popped != 0; popped &= popped - 1) {
      const unsigned i = static_cast<unsigned>(__builtin_ctz(popped));
      m_routers[node]->m_occupancy[i].set(now, r.input_size[i]);
    }
  }
}

template <bool kTraced>
inline void Mesh::send(uint32_t node, unsigned o, unsigned i, Flit& flit, Flit& into, Cycle now) {
  RouterState& r = m_router_state[node];
  flit.remaining &= static_cast<uint8_t>(~port_bit(o));
  // A head takes the lock, a tail frees it (a one-flit packet does both); as selects.
  const int8_t locked = flit.head ? static_cast<int8_t>(i) : r.locked_input[o];
  r.locked_input[o] = flit.tail ? int8_t{-1} : locked;
  r.last_winner[o] = static_cast<uint8_t>(i);
  uint64_t* const moves = moves_of(node, flit.phase);
  ++moves[kFlitsForwarded];
  m_router_last_move[node] = now;
  m_last_progress = now;
  if constexpr (kTraced) {
    m_routers[node]->m_busy[o].pulse(now);
    m_routers[node]->m_forwarded[o].count(now);
  }
  if (o == kLocal) {
    deliver_flit(node, flit, now + m_ejection_latency);
    return;
  }
  r.send_slot[o] = static_cast<uint16_t>(wrap_slot(r.send_slot[o] + 1u));
  ++moves[kHops];
  const uint32_t next = neighbour(node, o);
  write_flit<kTraced>(next, opposite(o), into, flit, now);
  wake(next, now + m_link_latency + m_pipeline_stages);
}

// `at`: the cycle the flit enters the core (its leave cycle + the ejection latency).
void Mesh::deliver_flit(uint32_t node, const Flit& flit, Cycle at) {
  NetworkInterface& ni = *m_nis[node];
  PacketSlot& slot = m_slots[flit.packet];
  const uint8_t cores =
      slot.packet.kind == PacketKind::kUnicast
          ? static_cast<uint8_t>(1u << slot.packet.dest_core)
          : m_tree_routes[static_cast<std::size_t>(slot.packet.tree_id) * nodes() + node].cores;
  ni.m_local_deliveries.add(flit.phase, mask_count(cores));
  m_last_delivery = at;
  if (!flit.tail) return;
  // A copy: a sink may inject, which may grow the slot pool.
  const Packet packet = slot.packet;
  const uint64_t flow = slot.flow;
  if (--slot.pending_tails == 0) m_free_slots.push_back(flit.packet);
  PacketSink* const* sinks = &m_sinks[std::size_t{node} * m_cores_per_node];
  // Ahead of the kernel's time, a sink that reads the clock or notifies events (and the
  // trace's pulse, which reads the clock) waits for the kernel to reach this cycle first.
  if (m_ahead) {
    bool needs_time = m_tracing;
    for (uint32_t core = 0; core < m_cores_per_node && !needs_time; ++core) {
      const PacketSink* sink = sinks[core];
      if ((cores & (1u << core)) && sink != nullptr && sink->needs_current_time(packet)) needs_time = true;
    }
    if (needs_time) catch_up();
  }
  if (m_tracing) ni.m_delivered.pulse(m_ctx.clock.now());  // traces move forward only
  for (uint32_t core = 0; core < m_cores_per_node; ++core) {
    if (!(cores & (1u << core))) continue;
    ni.m_packets_delivered.add(packet.phase);
    if (m_tracing) {  // (a signal checks its own tracer, on a line of the NI's module)
      ni.m_trace_packets_delivered.count(at);
      ni.m_trace_packets.flow_in(at, flow);
    }
    if (sinks[core] != nullptr) sinks[core]->deliver(packet, at);
  }
}

Mesh::OutputCredits Mesh::output_credits(uint32_t node, unsigned port) const {
  // The downstream buffer's free slots, oldest first: those whose credit was back by the
  // router's last step are its credits, the others its returns on the way.
  const uint32_t next = neighbour(node, port);
  const unsigned in = opposite(port);
  const RouterState& down = m_router_state[next];
  const Cycle last = m_router_last_step[node];
  OutputCredits result;
  for (uint32_t j = down.input_size[in]; j < m_buffer_depth; ++j) {
    const Flit& slot = input_slots(next, in)[(down.input_head[in] + j) % m_buffer_depth];
    if (slot.arrive <= last) {
      ++result.credits;
    } else {
      result.returns.push_back(slot.arrive);
    }
  }
  return result;
}

void Mesh::fail_deadlock(Cycle now) {
  std::ostringstream msg;
  msg << "NoC deadlock in " << name() << ": " << m_flits_in_network
      << " flits in the network and none moved for chip.noc.watchdog_cycles = "
      << m_watchdog_cycles << " cycles (last movement at cycle " << m_last_progress.value()
      << ", now cycle " << now.value() << ")\n";
  for (const auto& r : m_routers) {
    if (r->flits() == 0) continue;
    msg << (m_vc_router ? dump_vc_state(r->node()) : r->dump_state());
  }
  m_failure = msg.str();
}

}  // namespace nmsim::noc
