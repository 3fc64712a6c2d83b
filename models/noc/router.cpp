#include "models/noc/router.h"

#include <sstream>

#include "models/noc/mesh.h"

namespace nmsim::noc {

Router::Router(sc_core::sc_module_name name, uint32_t node, uint8_t links,
               uint32_t buffer_depth_flits, uint32_t flit_width_bits, RouterState& state,
               Flit* input_storage, RouterMoveCounts moves, const Mesh& mesh, SimContext& ctx)
    : sc_core::sc_module(name),
      m_node(node),
      m_state(state),
      m_moves(moves),
      m_input_storage(input_storage),
      m_buffer_depth(buffer_depth_flits),
      m_mesh(mesh) {
  for (unsigned p = 0; p < kPortCount; ++p) {
    RouterState::OutputPort& out = m_state.outputs[p];
    out.exists = p == kLocal || (links & port_bit(p)) != 0;
    if (ctx.tracer != nullptr) {
      const std::string base = std::string(this->name()) + ".";
      if (p == kLocal || out.exists) {
        m_occupancy[p] =
            ctx.tracer->add_signal(base + "in_" + port_name(p) + ".occupancy", 8);
        m_busy[p] = ctx.tracer->add_signal(base + "out_" + port_name(p) + ".busy", 1);
        m_forwarded[p] = ctx.tracer->add_counter(base + "out_" + port_name(p) + ".flits_forwarded");
      }
    }
  }
  add_stat("flits_forwarded", "flits", "flits leaving this router on any output (local too)",
           m_moves.flits_forwarded);
  add_stat("hops", "flits", "flits sent over a router-to-router link", m_moves.hops,
           EnergyEvent{EnergyKind::kFlitHop, 0, flit_width_bits});
  add_stat("buffer_writes", "flits", "flits written into an input buffer", m_moves.buffer_writes);
  add_stat("arbitration_conflicts", "requests",
           "eligible flits that requested a free, credited output and lost arbitration",
           m_state.arbitration_conflicts);
  add_stat("credit_stall_cycles", "cycles",
           "cycles an output had an eligible flit and no credit", m_state.credit_stall_cycles);
  add_leakage({LeakageKind::kRouter});
}

std::string Router::dump_state() const {
  std::ostringstream out;
  out << name() << " (node " << m_node << ", " << m_state.flits << " flits)\n";
  for (unsigned p = 0; p < kPortCount; ++p) {
    const uint32_t size = m_state.input_size[p];
    if (size == 0) continue;
    out << "  in_" << port_name(p) << ":";
    for (uint32_t i = 0; i < size; ++i) {
      const Flit& f = m_input_storage[p * m_buffer_depth + (m_state.input_head[p] + i) % m_buffer_depth];
      out << " [packet " << m_mesh.packet_id(f.packet) << " flit " << f.seq
          << (f.head ? " head" : "") << (f.tail ? " tail" : "") << " arrive "
          << f.arrive.value() << " to";
      for (unsigned o = 0; o < kPortCount; ++o) {
        if (f.remaining & port_bit(o)) out << ' ' << port_name(o);
      }
      out << ']';
    }
    out << '\n';
  }
  for (unsigned p = 0; p < kPortCount; ++p) {
    const RouterState::OutputPort& o = m_state.outputs[p];
    if (!o.exists) continue;
    out << "  out_" << port_name(p) << ": locked by "
        << (m_state.locked_input[p] < 0 ? "none"
                                        : port_name(static_cast<unsigned>(m_state.locked_input[p])));
    if (p != kLocal) {
      const Mesh::OutputCredits credits = m_mesh.output_credits(m_node, p);
      out << ", credits " << credits.credits << ", credit returns at";
      if (credits.returns.empty()) out << " (none)";
      for (Cycle at : credits.returns) out << ' ' << at.value();
    }
    out << '\n';
  }
  return out.str();
}

}  // namespace nmsim::noc
