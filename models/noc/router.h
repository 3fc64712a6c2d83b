// One mesh router: its input buffers, output locks and credits, statistics and trace
// signals. It has no process of its own: the Mesh engine steps it (see mesh.h for the
// microarchitecture), so an idle router costs nothing.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include <systemc>

#include "models/noc/ring_buffer.h"
#include "models/noc/routing.h"
#include "platform/base/cycle.h"
#include "platform/base/phase.h"
#include "platform/base/sim_context.h"
#include "platform/base/stats.h"
#include "platform/trace/tracer.h"

namespace nmsim::noc {

// One flit held in an input buffer (or on the link into it).
struct Flit {
  Cycle arrive{};        // cycle it is written into this buffer
  uint64_t packet_id = 0;  // Packet::id, for state dumps
  uint32_t packet = 0;   // slot in the mesh's packet pool
  uint32_t seq = 0;      // 0 = head
  // The packet's route, as the head flit carries it: the multicast tree, or the unicast
  // destination and dimension order.
  uint32_t tree_id = 0;
  uint16_t dest_x = 0;
  uint16_t dest_y = 0;
  bool multicast = false;
  bool x_first = true;
  uint8_t remaining = 0; // output ports that still have to take it (multicast: several)
  Phase phase = Phase::kHostIo;  // the packet's phase (counts are charged to it)
  bool head = false;
  bool tail = false;
};

class Router : public sc_core::sc_module, public StatGroup {
 public:
  // links: bit p set if output port p (N, E, S, W) leads to a neighbour.
  Router(sc_core::sc_module_name name, uint32_t node, uint8_t links, uint32_t buffer_depth_flits,
         uint32_t flit_width_bits, SimContext& ctx);

  uint32_t node() const { return m_node; }
  // Flits held in (or travelling into) the input buffers.
  uint32_t flits() const { return m_flits; }
  // Input buffers (contents with packet id, flit index, arrival cycle and outputs still to
  // take), output locks, credits and pending credit returns: for deadlock reports.
  std::string dump_state() const;

  const PhaseCounter& flits_forwarded() const { return m_flits_forwarded; }
  const PhaseCounter& hops() const { return m_hops; }
  const PhaseCounter& buffer_writes() const { return m_buffer_writes; }
  const PhaseCounter& arbitration_conflicts() const { return m_arbitration_conflicts; }
  const PhaseCounter& credit_stall_cycles() const { return m_credit_stall_cycles; }

 private:
  friend class Mesh;

  struct InputPort {
    RingBuffer<Flit> buffer;
    uint8_t route = 0;  // outputs of the packet whose flits are being written (for body flits)
  };
  struct OutputPort {
    bool exists = false;
    int locked_input = -1;                   // wormhole: input holding this output until its tail
    unsigned last_winner = kPortCount - 1;   // round robin: lowest priority next time
    uint32_t credits = 0;                    // free slots downstream known here
    RingBuffer<Cycle> credit_returns;        // cycles at which further credits arrive, in order
    bool stalled = false;                    // an eligible flit waits for a credit since stall_start
    Cycle stall_start{};
    Phase stall_phase = Phase::kHostIo;
  };

  const uint32_t m_node;
  std::array<InputPort, kPortCount> m_inputs;
  std::array<OutputPort, kPortCount> m_outputs;
  uint32_t m_flits = 0;
  // Engine bookkeeping (the wake cycle of the node is kept by the Mesh).
  Cycle m_last_step{UINT64_MAX};  // the router part is stepped once per cycle
  Cycle m_last_move{UINT64_MAX};  // a flit left at this cycle
  // Port masks, so a step visits only the ports with something to do.
  uint8_t m_occupied = 0;   // inputs whose buffer holds a flit
  uint8_t m_returning = 0;  // outputs with credit returns on the way
  uint8_t m_stalled = 0;    // outputs with OutputPort::stalled set
  // Trace signals, apart from the port state the engine reads every step.
  std::array<trace::Signal, kPortCount> m_occupancy;  // per input
  std::array<trace::Signal, kPortCount> m_busy;       // per output

  PhaseCounter m_flits_forwarded;
  PhaseCounter m_hops;
  PhaseCounter m_buffer_writes;
  PhaseCounter m_arbitration_conflicts;
  PhaseCounter m_credit_stall_cycles;
};

}  // namespace nmsim::noc
