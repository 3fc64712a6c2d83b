// The virtual-channel router of the Mesh engine (vc_alloc_delay_cycles >= 1): its NI side,
// VC and switch allocation, and the wake-up rule. The model is described in mesh.h.
#include <algorithm>
#include <sstream>

#include "models/base/errors.h"
#include "models/noc/mesh.h"

namespace nmsim::noc {

namespace {

// Round robin over `size` positions starting at `pointer`: true if `a` comes before `b`.
bool before(unsigned a, unsigned b, unsigned pointer, unsigned size) {
  return (a + size - pointer) % size < (b + size - pointer) % size;
}

// The first set bit of `mask` at or after `pointer`, wrapping around (mask != 0).
unsigned first_from(uint64_t mask, unsigned pointer) {
  const uint64_t after = pointer >= 64 ? 0 : mask & ~((uint64_t{1} << pointer) - 1);
  return static_cast<unsigned>(__builtin_ctzll(after != 0 ? after : mask));
}

// The order in which a multicast head takes the output VCs of its fork: the tree's first
// dimension (east before west, south before north), then its second, then the local port.
// Every packet then waits only for channels later in one global order of the mesh's channels
// (eastward, westward, southward, northward, ejection, for X-first trees) than those it holds,
// as dimension-order unicast does, so holding part of a fork cannot close a cycle.
constexpr std::array<uint8_t, kPortCount> kXFirstOrder{kEast, kWest, kSouth, kNorth, kLocal};
constexpr std::array<uint8_t, kPortCount> kYFirstOrder{kSouth, kNorth, kEast, kWest, kLocal};

}  // namespace

void Mesh::init_vc_state() {
  const uint32_t vcs = m_vcs, depth = m_buffer_depth;
  const unsigned channels = kPortCount * vcs;
  const unsigned switch_inputs = kPortCount * m_input_speedup;
  m_vc_state.resize(nodes());
  m_ni_vc_state.resize(nodes());
  for (uint32_t node = 0; node < nodes(); ++node) {
    VcRouterState& v = m_vc_state[node];
    v.inputs.resize(channels);
    v.outputs.resize(channels);
    v.flit_storage.resize(std::size_t{channels} * depth);
    v.credit_storage.resize(std::size_t{channels} * depth);
    for (unsigned i = 0; i < channels; ++i) {
      v.inputs[i].buffer = FixedRing<Flit>(&v.flit_storage[std::size_t{i} * depth], depth);
      v.outputs[i].credit_returns = FixedRing<Cycle>(&v.credit_storage[std::size_t{i} * depth], depth);
      v.outputs[i].credits = depth;
    }
    v.va_grant.assign(channels, 0);
    v.va_accept.assign(channels, 0);
    v.sa_accept.assign(switch_inputs, 0);
    v.sw_vc.resize(switch_inputs);
    for (unsigned e = 0; e < switch_inputs; ++e) v.sw_vc[e] = static_cast<uint8_t>(e % m_input_speedup % vcs);
    NiVcState& ni = m_ni_vc_state[node];
    ni.credits.assign(vcs, depth);
    ni.credit_storage.resize(std::size_t{vcs} * depth);
    ni.credit_returns.resize(vcs);
    for (uint32_t w = 0; w < vcs; ++w) {
      ni.credit_returns[w] = FixedRing<Cycle>(&ni.credit_storage[std::size_t{w} * depth], depth);
    }
    ni.in_use.assign(vcs, 0);
    ni.tail_sent.assign(vcs, 0);
    ni.last_vc = static_cast<uint8_t>(vcs - 1);
  }
}

void Mesh::step_ni_vc(uint32_t node, NiState& ni, Cycle now) {
  NiVcState& vc = m_ni_vc_state[node];
  for (uint32_t w = 0; w < m_vcs && vc.pending_returns > 0; ++w) {
    FixedRing<Cycle>& returns = vc.credit_returns[w];
    while (!returns.empty() && returns.front() <= now) {
      returns.pop_front();
      --vc.pending_returns;
      if (++vc.credits[w] == m_buffer_depth && vc.tail_sent[w]) {
        vc.in_use[w] = 0;
        vc.tail_sent[w] = 0;
      }
    }
  }
  if (!ni.queue.empty() && ni.last_push != now && ni.queue.front().at <= now) {
    bool ready = false;
    if (ni.next_seq == 0) {
      for (uint32_t i = 1; i <= m_vcs && !ready; ++i) {
        const uint32_t w = (vc.last_vc + i) % m_vcs;
        if (vc.in_use[w] || vc.credits[w] == 0) continue;
        vc.vc = vc.last_vc = static_cast<uint8_t>(w);
        vc.in_use[w] = 1;
        ready = true;
      }
    } else {
      ready = vc.credits[vc.vc] > 0;
    }
    if (ready) push_flit(node, ni, now);
  }
  if (ni.queue.empty() && vc.pending_returns == 0) clear_bit(m_ni_busy, node);
}

void Mesh::write_flit_vc(uint32_t node, unsigned port, const Flit& flit, Cycle now) {
  RouterState& r = m_router_state[node];
  VcInput& in = m_vc_state[node].inputs[port * m_vcs + flit.vc];
  const bool front = in.buffer.empty();
  in.buffer.push_back(flit);
  ++r.flits;
  ++m_flits_in_network;
  ++moves_of(node, flit.phase)[kBufferWrites];
  if (front) {
    if (in.state == VcInput::kIdle) {
      NMSIM_ASSERT(flit.head, "a body flit on an idle virtual channel");
      begin_vc_allocation(node, in, flit.arrive + m_pipeline_stages + m_routing_delay);
    } else {
      in.ready = flit.arrive + m_pipeline_stages;
    }
  }
  if (m_tracing) {
    std::size_t flits = 0;
    for (uint32_t w = 0; w < m_vcs; ++w) flits += m_vc_state[node].inputs[port * m_vcs + w].buffer.size();
    m_routers[node]->m_occupancy[port].set(now, flits);
  }
}

// The head at the front of `in` requests output VCs from `ready` on.
void Mesh::begin_vc_allocation(uint32_t node, VcInput& in, Cycle ready) {
  const Flit& head = in.buffer.front();
  in.state = VcInput::kVcAlloc;
  in.ready = ready;
  in.route = head.multicast
                 ? m_tree_routes[static_cast<std::size_t>(head.tree_id) * nodes() + node].ports
                 : port_bit(route_port_xy(head.x_first, m_x[node], m_y[node], head.dest_x, head.dest_y));
  NMSIM_ASSERT(in.route != 0, "multicast flit at a router outside its tree");
  in.held = 0;
  in.sent = 0;
}

// The ports whose output VC a fork's head requests this cycle: in the tree's port order, those
// it does not hold yet, up to the first without a free VC (a grant beyond it could not be
// accepted: the VCs are taken in order).
uint8_t Mesh::fork_requests(uint32_t node, const VcInput& in) const {
  const VcRouterState& v = m_vc_state[node];
  const Flit& head = in.buffer.front();
  const auto& order = x_first(m_routing, m_shape, m_trees[head.tree_id].src_node) ? kXFirstOrder : kYFirstOrder;
  uint8_t ports = 0;
  for (const uint8_t o : order) {
    if (!(in.route & port_bit(o)) || (in.held & port_bit(o))) continue;
    bool free = false;
    for (uint32_t w = 0; w < m_vcs && !free; ++w) free = v.outputs[o * m_vcs + w].owner < 0;
    if (!free) break;
    ports |= port_bit(o);
  }
  return ports;
}

// The slot of VC `vc` of input `port` was freed at `now`: its credit goes back upstream.
void Mesh::return_credit(uint32_t node, unsigned port, unsigned vc, Cycle now) {
  if (port == kLocal) {
    NiVcState& ni = m_ni_vc_state[node];
    ni.credit_returns[vc].push_back(now + 1);
    ++ni.pending_returns;
    set_bit(m_ni_busy, node);
    return;
  }
  const uint32_t upstream = neighbour(node, port);
  RouterState& up = m_router_state[upstream];
  const unsigned o = opposite(port);
  const Cycle back = now + m_link_latency + m_credit_delay;
  m_vc_state[upstream].outputs[o * m_vcs + vc].credit_returns.push_back(back);
  up.returning |= port_bit(o);
  // A router without flits has nothing waiting for the credit; it takes it when it next steps.
  if (up.flits > 0) wake(upstream, back);
}

void Mesh::step_router_vc(uint32_t node, Cycle now) {
  RouterState& r = m_router_state[node];
  VcRouterState& v = m_vc_state[node];
  for (uint8_t returning = r.returning; returning != 0; returning &= returning - 1) {
    const unsigned o = static_cast<unsigned>(__builtin_ctz(returning));
    bool pending = false;
    for (uint32_t w = 0; w < m_vcs; ++w) {
      VcOutput& out = v.outputs[o * m_vcs + w];
      while (!out.credit_returns.empty() && out.credit_returns.front() <= now) {
        out.credit_returns.pop_front();
        if (++out.credits == m_buffer_depth && out.tail_sent) {
          out.owner = -1;
          out.tail_sent = false;
        }
      }
      pending = pending || !out.credit_returns.empty();
    }
    if (!pending) r.returning &= static_cast<uint8_t>(~port_bit(o));
  }
  if (r.flits == 0) return;
  // VC allocation first: its grants take effect from now + A >= now + 1, and output VCs freed
  // by this cycle's tails are free from the next cycle on.
  allocate_vcs(node, now);
  allocate_switch(node, now);
}

// One iSLIP iteration over input VCs x output VCs. A head requests every free VC of its
// route's output port; a fork's head those of the ports fork_requests() names, and accepts a
// grant on each of them in the tree's port order, up to the first port without a grant.
void Mesh::allocate_vcs(uint32_t node, Cycle now) {
  VcRouterState& v = m_vc_state[node];
  const unsigned channels = kPortCount * m_vcs;
  // Requesters per output port, in input VC order; and every requester with its ports.
  std::array<std::array<uint8_t, kPortCount * 16>, kPortCount> requests;
  std::array<uint8_t, kPortCount> count{};
  std::array<uint8_t, kPortCount * 16> requesters;
  std::array<uint8_t, kPortCount * 16> asked;
  unsigned requesting = 0;
  for (unsigned i = 0; i < channels; ++i) {
    const VcInput& in = v.inputs[i];
    if (in.state != VcInput::kVcAlloc || in.ready > now) continue;
    const uint8_t ports = (in.route & (in.route - 1)) == 0 ? in.route : fork_requests(node, in);
    if (ports == 0) continue;
    for (uint8_t outs = ports; outs != 0; outs &= outs - 1) {
      const unsigned o = static_cast<unsigned>(__builtin_ctz(outs));
      requests[o][count[o]++] = static_cast<uint8_t>(i);
    }
    requesters[requesting] = static_cast<uint8_t>(i);
    asked[requesting++] = ports;
  }
  if (requesting == 0) return;
  std::array<int16_t, kPortCount * 16> grant;  // set for the requested ports only
  for (unsigned o = 0; o < kPortCount; ++o) {
    if (count[o] == 0) continue;
    for (uint32_t w = 0; w < m_vcs; ++w) {
      const unsigned j = o * m_vcs + w;
      grant[j] = -1;
      if (v.outputs[j].owner >= 0) continue;
      unsigned pick = requests[o][0];
      for (unsigned k = 0; k < count[o]; ++k) {
        if (requests[o][k] >= v.va_grant[j]) {
          pick = requests[o][k];
          break;
        }
      }
      grant[j] = static_cast<int16_t>(pick);
    }
  }
  // Input VC i accepts, among port o's VCs granting it, the first after its pointer.
  const auto accept = [&](unsigned i, VcInput& in, unsigned o) {
    int best = -1;
    for (uint32_t w = 0; w < m_vcs; ++w) {
      const unsigned j = o * m_vcs + w;
      if (grant[j] != static_cast<int16_t>(i)) continue;
      if (best < 0 || before(j, static_cast<unsigned>(best), v.va_accept[i], channels)) best = static_cast<int>(j);
    }
    if (best < 0) return false;
    VcOutput& out = v.outputs[best];
    out.owner = static_cast<int16_t>(i);
    out.tail_sent = false;
    in.held |= port_bit(o);
    in.out_vc[o] = static_cast<uint8_t>(best % m_vcs);
    v.va_grant[best] = static_cast<uint8_t>((i + 1) % channels);
    v.va_accept[i] = static_cast<uint8_t>((best + 1) % channels);
    m_router_last_move[node] = now;  // the state changed: step again next cycle
    return true;
  };
  for (unsigned k = 0; k < requesting; ++k) {
    const unsigned i = requesters[k];
    VcInput& in = v.inputs[i];
    if ((in.route & (in.route - 1)) == 0) {
      accept(i, in, static_cast<unsigned>(__builtin_ctz(asked[k])));
    } else {
      const bool x = x_first(m_routing, m_shape, m_trees[in.buffer.front().tree_id].src_node);
      for (const uint8_t o : x ? kXFirstOrder : kYFirstOrder) {
        if ((asked[k] & port_bit(o)) && !accept(i, in, o)) break;
      }
    }
    if (in.held == in.route) {
      in.state = VcInput::kActive;
      in.ready = now + m_vc_alloc_delay;
    }
  }
}

// One iSLIP iteration over switch inputs x output ports; each switch input bids for an
// output with one of its VCs (round robin among them). A flit of a fork bids for each of its
// outputs it has not left on yet and has a credit for; a switch input accepting one output
// also accepts the other outputs that granted it the same VC: the crossbar replicates the
// flit, as the wormhole router's does.
void Mesh::allocate_switch(uint32_t node, Cycle now) {
  RouterState& r = m_router_state[node];
  VcRouterState& v = m_vc_state[node];
  const unsigned channels = kPortCount * m_vcs;
  const unsigned switch_inputs = kPortCount * m_input_speedup;
  std::array<std::array<int8_t, kPortCount>, kMaxSwitchInputs> label;  // the VC bidding
  std::array<uint64_t, kPortCount> bidders{};                           // switch inputs per output
  std::array<uint8_t, kPortCount * 16> requesting;                      // input VCs with a bid
  std::array<uint8_t, kPortCount * 16> bids;                            // and their outputs
  unsigned requesters = 0;
  for (unsigned i = 0; i < channels; ++i) {
    VcInput& in = v.inputs[i];
    if (in.state != VcInput::kActive || in.buffer.empty() || in.ready > now) continue;
    uint8_t outputs = 0;
    for (uint8_t want = in.route & static_cast<uint8_t>(~in.sent); want != 0; want &= want - 1) {
      const unsigned o = static_cast<unsigned>(__builtin_ctz(want));
      if (o == kLocal || v.outputs[o * m_vcs + in.out_vc[o]].credits > 0) outputs |= port_bit(o);
    }
    if (outputs == 0) {
      if (!in.stalled) {
        in.stalled = true;
        in.stall_start = now;
      }
      continue;
    }
    if (in.stalled) {
      r.credit_stall_cycles.add(in.buffer.front().phase, now - in.stall_start);
      in.stalled = false;
    }
    bids[requesters] = outputs;
    requesting[requesters++] = static_cast<uint8_t>(i);
    const unsigned vc = i % m_vcs;
    const unsigned e = i / m_vcs * m_input_speedup + vc % m_input_speedup;
    for (; outputs != 0; outputs &= outputs - 1) {
      const unsigned o = static_cast<unsigned>(__builtin_ctz(outputs));
      if ((bidders[o] >> e & 1) == 0) {
        bidders[o] |= uint64_t{1} << e;
        label[e][o] = static_cast<int8_t>(vc);
      } else if (before(vc, static_cast<unsigned>(label[e][o]), v.sw_vc[e], m_vcs)) {
        label[e][o] = static_cast<int8_t>(vc);
      }
    }
  }
  if (requesters == 0) return;
  std::array<uint8_t, kMaxSwitchInputs> granted{};  // per switch input: the outputs granting it
  for (unsigned o = 0; o < kPortCount; ++o) {
    if (bidders[o] != 0) granted[first_from(bidders[o], v.sa_grant[o])] |= port_bit(o);
  }
  std::array<uint8_t, kPortCount * 16> winners;
  std::array<uint8_t, kPortCount * 16> won_outputs;
  unsigned won = 0;
  for (unsigned e = 0; e < switch_inputs; ++e) {
    if (granted[e] == 0) continue;
    const unsigned o = first_from(granted[e], v.sa_accept[e]);
    const unsigned vc = static_cast<unsigned>(label[e][o]);
    uint8_t accepted = 0;
    for (uint8_t outs = granted[e]; outs != 0; outs &= outs - 1) {
      const unsigned g = static_cast<unsigned>(__builtin_ctz(outs));
      if (static_cast<unsigned>(label[e][g]) != vc) continue;
      accepted |= port_bit(g);
      v.sa_grant[g] = static_cast<uint8_t>((e + 1) % switch_inputs);
    }
    v.sa_accept[e] = static_cast<uint8_t>((o + 1) % kPortCount);
    v.sw_vc[e] = static_cast<uint8_t>((vc + m_input_speedup) % m_vcs);
    winners[won] = static_cast<uint8_t>(e / m_input_speedup * m_vcs + vc);
    won_outputs[won++] = accepted;
  }
  for (unsigned k = 0; k < requesters; ++k) {
    const unsigned i = requesting[k];
    const auto at = std::find(winners.begin(), winners.begin() + won, i);
    const uint8_t lost = at == winners.begin() + won ? bids[k] : bids[k] & ~won_outputs[at - winners.begin()];
    if (lost != 0) r.arbitration_conflicts.add(v.inputs[i].buffer.front().phase, mask_count(lost));
  }
  for (unsigned k = 0; k < won; ++k) send_vc(node, winners[k], won_outputs[k], now);
}

// The front flit of `input_vc` leaves on `outputs` (all it has left, or some of a fork's).
void Mesh::send_vc(uint32_t node, unsigned input_vc, uint8_t outputs, Cycle now) {
  RouterState& r = m_router_state[node];
  VcRouterState& v = m_vc_state[node];
  VcInput& in = v.inputs[input_vc];
  const unsigned port = input_vc / m_vcs;
  Flit flit = in.buffer.front();
  // Its slot is freed once it has left on every output of its route.
  const bool leaves = (in.sent | outputs) == in.route;
  in.sent = leaves ? 0 : static_cast<uint8_t>(in.sent | outputs);
  m_router_last_move[node] = now;
  m_last_progress = now;
  if (leaves) {
    in.buffer.pop_front();
    --r.flits;
    --m_flits_in_network;
  }
  moves_of(node, flit.phase)[kFlitsForwarded] += mask_count(outputs);
  if (m_tracing) {
    if (leaves) {
      std::size_t flits = 0;
      for (uint32_t w = 0; w < m_vcs; ++w) flits += v.inputs[port * m_vcs + w].buffer.size();
      m_routers[node]->m_occupancy[port].set(now, flits);
    }
    for (uint8_t outs = outputs; outs != 0; outs &= outs - 1) {
      const unsigned o = static_cast<unsigned>(__builtin_ctz(outs));
      m_routers[node]->m_busy[o].pulse(now);
      m_routers[node]->m_forwarded[o].count(now);
    }
  }
  if (leaves) return_credit(node, port, flit.vc, now);
  if (flit.tail) {
    for (uint8_t outs = outputs; outs != 0; outs &= outs - 1) {
      const unsigned o = static_cast<unsigned>(__builtin_ctz(outs));
      VcOutput& out = v.outputs[o * m_vcs + in.out_vc[o]];
      if (o == kLocal || !m_wait_for_tail_credit) {
        out.owner = -1;
      } else {
        out.tail_sent = true;
      }
    }
  }
  const std::array<uint8_t, kPortCount> out_vc = in.out_vc;
  if (leaves) {
    if (flit.tail) {
      if (in.buffer.empty()) {
        in.state = VcInput::kIdle;
      } else {
        begin_vc_allocation(node, in, max(now + 1, in.buffer.front().arrive + m_pipeline_stages) + m_routing_delay);
      }
    } else if (!in.buffer.empty()) {
      in.ready = max(now + 1, in.buffer.front().arrive + m_pipeline_stages);
    }
  }
  for (uint8_t outs = outputs; outs != 0; outs &= outs - 1) {
    const unsigned o = static_cast<unsigned>(__builtin_ctz(outs));
    if (o == kLocal) {
      deliver_flit(node, flit, now + m_ejection_latency);
      continue;
    }
    --v.outputs[o * m_vcs + out_vc[o]].credits;
    ++moves_of(node, flit.phase)[kHops];
    const uint32_t next = neighbour(node, o);
    Flit copy = flit;
    copy.arrive = now + m_link_latency;
    copy.vc = out_vc[o];
    write_flit_vc(next, opposite(o), copy, now);
    const VcInput& down = m_vc_state[next].inputs[opposite(o) * m_vcs + out_vc[o]];
    // At the front it has a step due; behind others, their steps come first.
    if (down.buffer.size() == 1) wake(next, down.ready);
  }
}

Cycle Mesh::node_wake_vc(uint32_t node, Cycle now) const {
  const RouterState& r = m_router_state[node];
  if (m_router_last_move[node] == now) return now + 1;
  const VcRouterState& v = m_vc_state[node];
  Cycle wake = kNever;
  if (r.flits > 0) {
    // A front flit due by now that did not move waits for a credit or an output VC: both
    // change only when a credit comes back (or when a flit moves here, handled above).
    bool waiting = false;
    for (const VcInput& in : v.inputs) {
      if (in.buffer.empty()) continue;
      if (in.ready > now) {
        wake = min(wake, in.ready);
      } else {
        waiting = true;
      }
    }
    for (uint8_t returning = waiting ? r.returning : 0; returning != 0; returning &= returning - 1) {
      const unsigned o = static_cast<unsigned>(__builtin_ctz(returning));
      for (uint32_t w = 0; w < m_vcs; ++w) {
        const VcOutput& out = v.outputs[o * m_vcs + w];
        if (!out.credit_returns.empty()) wake = min(wake, out.credit_returns.front());
      }
    }
  }
  const NiState& ni = m_ni_state[node];
  if (test_bit(m_ni_busy, node) && !ni.queue.empty()) {
    const NiVcState& vc = m_ni_vc_state[node];
    bool ready = false;
    for (uint32_t w = 0; w < m_vcs && !ready; ++w) {
      ready = ni.next_seq == 0 ? !vc.in_use[w] && vc.credits[w] > 0 : w == vc.vc && vc.credits[w] > 0;
    }
    if (ready) {
      wake = min(wake, max(ni.queue.front().at, now + 1));
    } else {
      for (uint32_t w = 0; w < m_vcs; ++w) {
        if (!vc.credit_returns[w].empty()) wake = min(wake, vc.credit_returns[w].front());
      }
    }
  }
  return wake;
}

std::string Mesh::dump_vc_state(uint32_t node) const {
  const Router& router = *m_routers[node];
  const VcRouterState& v = m_vc_state[node];
  std::ostringstream out;
  out << router.name() << " (node " << node << ", " << router.flits() << " flits)\n";
  for (unsigned i = 0; i < v.inputs.size(); ++i) {
    const VcInput& in = v.inputs[i];
    if (in.buffer.empty()) continue;
    out << "  in_" << port_name(i / m_vcs) << " vc " << i % m_vcs << " ("
        << (in.state == VcInput::kVcAlloc ? "waiting for output VCs" : "active");
    for (unsigned o = 0; o < kPortCount; ++o) {
      if (!(in.route & port_bit(o))) continue;
      out << ", " << port_name(o);
      if (in.held & port_bit(o)) out << " vc " << unsigned{in.out_vc[o]};
      if (in.sent & port_bit(o)) out << " sent";
    }
    out << "):";
    for (std::size_t k = 0; k < in.buffer.size(); ++k) {
      const Flit& f = in.buffer.at(k);
      out << " [packet " << packet_id(f.packet) << " flit " << f.seq << (f.head ? " head" : "")
          << (f.tail ? " tail" : "") << " arrive " << f.arrive.value() << ']';
    }
    out << '\n';
  }
  for (unsigned j = 0; j < v.outputs.size(); ++j) {
    const VcOutput& o = v.outputs[j];
    const unsigned port = j / m_vcs;
    if (port != kLocal && !router.m_state.outputs[port].exists) continue;
    if (o.owner < 0 && o.credits == m_buffer_depth) continue;
    out << "  out_" << port_name(port) << " vc " << j % m_vcs << ": held by "
        << (o.owner < 0 ? std::string("none")
                        : std::string(port_name(static_cast<unsigned>(o.owner) / m_vcs)) + " vc " +
                              std::to_string(o.owner % m_vcs));
    if (port != kLocal) out << ", credits " << o.credits;
    out << '\n';
  }
  return out.str();
}

}  // namespace nmsim::noc
