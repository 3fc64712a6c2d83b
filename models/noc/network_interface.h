// The network interface of one node: the injection queue between the node's cores and the
// router's local input port, and the delivery of packets to the node's cores. Like the
// router it has no process: the Mesh engine steps it.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_target_socket.h>

#include "models/noc/packet.h"
#include "models/noc/ring_buffer.h"
#include "models/base/cycle.h"
#include "models/base/sim_context.h"
#include "models/base/stats.h"
#include "models/trace/tracer.h"

namespace nmsim::noc {

class Mesh;

// Per NI, what the engine steps: the injection queue and the local input's credits. Kept by
// the mesh in one array over all nodes (see router.h).
struct NiState {
  struct Queued {
    uint32_t packet;  // pool slot
    Cycle at;         // cycle the packet enters the queue
  };
  RingBuffer<Queued> queue;          // sorted by `at`, growable, pre-reserved
  uint32_t next_seq = 0;             // next flit of the front packet
  // The wormhole router's local input slot its next flit takes: free, and its credit back,
  // it has a credit (as a router output has, RouterState).
  uint16_t send_slot = 0;
  Cycle last_push{UINT64_MAX};
  // The largest queue so far: checked at every injection, here rather than in the module,
  // whose lines a traffic run would otherwise read once a packet (a first-level miss each).
  std::size_t max_queue_packets = 0;
};

// Whether the NIs have their TLM injection socket: a chip's cores bind it; a mesh driven only
// through Mesh::inject (the traffic bench) goes without, as building the socket's SystemC
// objects cost two thirds of an NI's construction (17,000 instructions).
enum class InjectionSocket : bool { kOmitted, kCreated };

class NetworkInterface : public sc_core::sc_module, public StatGroup {
 public:
  ComponentClass component_class() const override { return COMPONENT_NETWORK_INTERFACE; }
  // Cores inject with b_transport: the payload's data pointer points to a noc::Packet, which
  // is copied; it enters the queue at now + the annotated delay (whole cycles, rounded up).
  // The call neither blocks nor adds delay. Optional binding: nodes without an initiator
  // (tests) leave it unbound; with several cores per node each core binds it.
  // A multicast packet goes to every destination of its tree (send_to_tree), so the
  // replication option (MULTICAST or UNICAST) is invisible to the core.
  using InjectSocket =
      tlm_utils::multi_passthrough_target_socket<NetworkInterface, 32, tlm::tlm_base_protocol_types, 0,
                                                 sc_core::SC_ZERO_OR_MORE_BOUND>;
  // The socket (an NI built with InjectionSocket::kCreated).
  InjectSocket& inject_socket();

  // `state` is kept by the mesh.
  NetworkInterface(sc_core::sc_module_name name, uint32_t node, NiState& state, Mesh& mesh,
                   SimContext& ctx, InjectionSocket socket);

  uint32_t node() const { return m_node; }
  // Packets waiting in (or being sent from) the injection queue.
  std::size_t queued_packets() const { return m_state.queue.size(); }
  std::size_t max_queue_packets() const { return m_state.max_queue_packets; }

  const PhaseCounter& packets_injected() const { return m_packets_injected; }
  const PhaseCounter& flits_injected() const { return m_flits_injected; }
  const PhaseCounter& packets_delivered() const { return m_packets_delivered; }
  const PhaseCounter& local_deliveries() const { return m_local_deliveries; }

 private:
  friend class Mesh;

  void b_transport(int initiator, tlm::tlm_generic_payload& payload, sc_core::sc_time& delay);

  std::unique_ptr<InjectSocket> m_inject_socket;  // null if omitted
  const uint32_t m_node;
  Mesh& m_mesh;
  SimContext& m_ctx;
  NiState& m_state;
  trace::Signal m_delivered;         // one pulse per delivered packet (tail)
  trace::Signal m_trace_packets_delivered;  // the statistic packets_delivered, as it grows
  trace::Signal m_trace_packets;     // flows: each packet from its head's injection to each destination core

  PhaseCounter m_packets_injected;
  PhaseCounter m_flits_injected;
  PhaseCounter m_packets_delivered;
  PhaseCounter m_local_deliveries;
  PhaseCounter m_max_queue_stat;  // the maximum, held in the slot of the phase that reached it
};

}  // namespace nmsim::noc
