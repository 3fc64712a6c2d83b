// One mesh router: its input buffers, output locks and credits, statistics and trace
// signals. It has no process of its own: the Mesh engine steps it (see mesh.h for the
// microarchitecture), so an idle router costs nothing. The state the engine reads and writes
// at every step (RouterState) lives in one mesh-wide array, the flits and the counts of moves
// in others, so neighbouring nodes share cache lines; the Router module is its named face
// (statistics, trace signals, state dumps).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include <systemc>

#include "models/noc/ring_buffer.h"
#include "models/noc/routing.h"
#include "models/base/cycle.h"
#include "models/base/phase.h"
#include "models/base/sim_context.h"
#include "models/base/stats.h"
#include "models/trace/tracer.h"

namespace nmsim::noc {

// One flit held in an input buffer (or on the link into it).
// 32 bytes: two per cache line (the packet id for state dumps is in the packet pool).
struct alignas(32) Flit {  // aligned: a flit never straddles two cache lines
  // The cycle it is written into this buffer. Once the flit has left (remaining == 0), its
  // slot keeps the cycle at which the slot's credit is back upstream (the wormhole router).
  Cycle arrive{};
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
  uint8_t vc = 0;  // the virtual channel it travels on (the VC router)
};
static_assert(sizeof(Flit) == 32, "Flit grew past half a cache line");

class Mesh;

// Per router, what the engine steps: ports, masks and counters. Laid out by use: line 0 is
// what every step reads and writes (the wormhole router's per-port state side by side, and
// what a neighbour's send writes), then the rarely touched rest. The counts of every move and
// the cycles of the node's last step and move are in the Mesh's dense arrays over all nodes
// (Mesh::m_move_counts): at 16 x 16 a step sweeps more lines than the first-level cache holds,
// and a line of a dense array serves several nodes.
//
// Credits (the wormhole router) are not counted here: an output has a credit when the slot
// its next flit would take in the downstream buffer (send_slot, the ring's write position) is
// free and its credit is back, which that slot itself records (Flit::arrive once it left). A
// send reads the line it is about to write, and a pop writes only its own slot, where a
// counter and a ring of returns upstream cost a first-level miss each per hop at 16 x 16.
struct alignas(64) RouterState {
  struct OutputPort {
    Cycle stall_start{};
    bool exists = false;
    Phase stall_phase = Phase::kHostIo;      // while stalled (RouterState::stalled): since stall_start
  };

  uint32_t flits = 0;
  // Port masks, so a step visits only the ports with something to do.
  uint8_t occupied = 0;   // inputs whose buffer holds a flit
  uint8_t returning = 0;  // VC router: outputs with credit returns on the way
  uint8_t stalled = 0;    // outputs whose eligible flit waits for a credit (since stall_start)
  // Inputs whose upstream router has its output toward here stalled (the wormhole router): a
  // pop on such an input wakes it for the credit's return.
  uint8_t stalled_upstream = 0;
  // Per input: the outputs of the packet whose flits are being written (for body flits).
  std::array<uint8_t, kPortCount> route{};
  // Per output (the wormhole router): the input holding it until its tail (-1: none), the
  // round robin's last winner (lowest priority next time), and the downstream buffer's slot
  // its next flit takes (the local output's core always accepts: it needs none).
  std::array<int8_t, kPortCount> locked_input{-1, -1, -1, -1, -1};
  std::array<uint8_t, kPortCount> last_winner{kPortCount - 1, kPortCount - 1, kPortCount - 1,
                                              kPortCount - 1, kPortCount - 1};
  std::array<uint16_t, kPortCount> send_slot{};  // < B <= 65536
  // Per input, its buffer: a ring of B flits on the mesh's storage (Mesh::input_slots).
  std::array<uint16_t, kPortCount> input_head{};
  std::array<uint32_t, kPortCount> input_size{};

  PhaseCounter arbitration_conflicts;

  std::array<OutputPort, kPortCount> outputs;
  PhaseCounter credit_stall_cycles;
};
static_assert(offsetof(RouterState, input_size) + sizeof(RouterState::input_size) <= 64,
              "the step's state left line 0");

// Where a router's counts of moves are (the Mesh keeps them dense, see RouterState).
struct RouterMoveCounts {
  PhaseCounterRef flits_forwarded;
  PhaseCounterRef hops;
  PhaseCounterRef buffer_writes;
};

class Router : public sc_core::sc_module, public StatGroup {
 public:
  ComponentClass component_class() const override { return COMPONENT_ROUTER; }
  // links: bit p set if output port p (N, E, S, W) leads to a neighbour. `state` (kept by the
  // mesh) gets input buffers on `input_storage`, kPortCount * buffer_depth_flits flits;
  // `moves` are its counts kept by the mesh.
  Router(sc_core::sc_module_name name, uint32_t node, uint8_t links, uint32_t buffer_depth_flits,
         uint32_t flit_width_bits, RouterState& state, Flit* input_storage,
         RouterMoveCounts moves, const Mesh& mesh, SimContext& ctx);

  uint32_t node() const { return m_node; }
  // Flits held in (or travelling into) the input buffers.
  uint32_t flits() const { return m_state.flits; }
  // Input buffers (contents with packet id, flit index, arrival cycle and outputs still to
  // take), output locks, credits and pending credit returns: for deadlock reports.
  std::string dump_state() const;

  PhaseCounter flits_forwarded() const { return m_moves.flits_forwarded.value(); }
  PhaseCounter hops() const { return m_moves.hops.value(); }
  PhaseCounter buffer_writes() const { return m_moves.buffer_writes.value(); }
  const PhaseCounter& arbitration_conflicts() const { return m_state.arbitration_conflicts; }
  const PhaseCounter& credit_stall_cycles() const { return m_state.credit_stall_cycles; }

 private:
  friend class Mesh;

  const uint32_t m_node;
  RouterState& m_state;
  const RouterMoveCounts m_moves;
  const Flit* const m_input_storage;     // the rings of RouterState's input buffers (state dumps)
  const uint32_t m_buffer_depth;
  const Mesh& m_mesh;  // packet ids and credits for state dumps
  // Trace signals, apart from the port state the engine reads every step.
  std::array<trace::Signal, kPortCount> m_occupancy;  // per input
  std::array<trace::Signal, kPortCount> m_busy;       // per output
  std::array<trace::Signal, kPortCount> m_forwarded;  // per output: flits_forwarded's share
};

}  // namespace nmsim::noc
