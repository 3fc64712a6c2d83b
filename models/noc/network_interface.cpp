#include "models/noc/network_interface.h"

#include "models/noc/mesh.h"

namespace nmsim::noc {

namespace {
constexpr std::size_t kInitialQueueCapacity = 64;
}

NetworkInterface::NetworkInterface(sc_core::sc_module_name name, uint32_t node, NiState& state,
                                   Mesh& mesh, SimContext& ctx, InjectionSocket socket)
    : sc_core::sc_module(name),
      m_node(node),
      m_mesh(mesh),
      m_ctx(ctx),
      m_state(state) {
  m_state.queue = RingBuffer<NiState::Queued>(kInitialQueueCapacity);
  if (socket == InjectionSocket::kCreated) {
    m_inject_socket = std::make_unique<InjectSocket>("inject_socket");
    m_inject_socket->register_b_transport(this, &NetworkInterface::b_transport);
  }
  if (ctx.tracer != nullptr) {
    m_delivered = ctx.tracer->add_signal(std::string(this->name()) + ".delivered", 1);
    m_trace_packets_delivered = ctx.tracer->add_counter(std::string(this->name()) + ".packets_delivered");
    m_trace_packets = ctx.tracer->add_flows(std::string(this->name()) + ".packets");
  }
  add_stat("packets_injected", "packets", "packets whose head flit entered the router",
           m_packets_injected);
  add_stat("flits_injected", "flits", "flits written into the router's local input",
           m_flits_injected);
  add_stat("packets_delivered", "packets", "packets delivered to a core (once per core)",
           m_packets_delivered);
  add_stat("local_deliveries", "flits", "flits delivered into a core (once per core)",
           m_local_deliveries, EnergyEvent{EnergyKind::kLocalDelivery, 0, 0});
  add_stat("max_queue_packets", "packets",
           "largest injection queue (held in the phase that reached it; not a sum)",
           m_max_queue_stat);
}

NetworkInterface::InjectSocket& NetworkInterface::inject_socket() {
  NMSIM_ASSERT(m_inject_socket != nullptr, "NI injection socket asked of a mesh built without them");
  return *m_inject_socket;
}

void NetworkInterface::b_transport(int /*initiator*/, tlm::tlm_generic_payload& payload,
                                   sc_core::sc_time& delay) {
  NMSIM_ASSERT(payload.get_data_ptr() != nullptr &&
                   payload.get_data_length() >= sizeof(Packet),
               "NoC injection payload must point to a noc::Packet");
  Packet packet = *reinterpret_cast<const Packet*>(payload.get_data_ptr());
  packet.src_node = m_node;
  const uint64_t period = m_ctx.clock.period().value();
  const uint64_t delay_cycles = (delay.value() + period - 1) / period;
  const Cycle at = m_ctx.clock.now() + delay_cycles;
  if (packet.kind == PacketKind::kMulticast) {
    m_mesh.send_to_tree(packet, packet.tree_id, at);
  } else {
    m_mesh.inject(packet, at);
  }
  payload.set_response_status(tlm::TLM_OK_RESPONSE);
}

}  // namespace nmsim::noc
