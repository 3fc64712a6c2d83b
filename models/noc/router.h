// One mesh router: its input buffers, output locks and credits, statistics and trace
// signals. It has no process of its own: the Mesh engine steps it (see mesh.h for the
// microarchitecture), so an idle router costs nothing. The state the engine reads and writes
// at every step (RouterState, with the counters) lives in one mesh-wide array, the flits and
// credit returns in two more, so neighbouring nodes share cache lines; the Router module is
// its named face (statistics, trace signals, state dumps).
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
  Cycle arrive{};        // cycle it is written into this buffer
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
// what every step reads and writes (the wormhole router's per-port arbitration state side by
// side), lines 1-2 the counts of every move, then the ports' rings and the rarely touched rest.
struct alignas(64) RouterState {
  struct OutputPort {
    Cycle stall_start{};
    bool exists = false;
    Phase stall_phase = Phase::kHostIo;      // while stalled (RouterState::stalled): since stall_start
  };

  // Engine bookkeeping (the wake cycle of the node is kept by the Mesh).
  Cycle last_step{UINT64_MAX};  // the router part is stepped once per cycle
  Cycle last_move{UINT64_MAX};  // a flit left at this cycle
  uint32_t flits = 0;
  // Port masks, so a step visits only the ports with something to do.
  uint8_t occupied = 0;   // inputs whose buffer holds a flit
  uint8_t returning = 0;  // VC router: outputs with credit returns on the way (the wormhole
                          // router counts its returns when an output runs out: Mesh::take_credit_if_due)
  uint8_t stalled = 0;    // outputs whose eligible flit waits for a credit (since stall_start)
  // Per input: the outputs of the packet whose flits are being written (for body flits).
  std::array<uint8_t, kPortCount> route{};
  // Per output (the wormhole router): the input holding it until its tail (-1: none), the
  // round robin's last winner (lowest priority next time), and the free slots downstream
  // known here (the local output's core always accepts: it never runs out).
  std::array<int8_t, kPortCount> locked_input{-1, -1, -1, -1, -1};
  std::array<uint8_t, kPortCount> last_winner{kPortCount - 1, kPortCount - 1, kPortCount - 1,
                                              kPortCount - 1, kPortCount - 1};
  std::array<uint32_t, kPortCount> credits{};

  // Line 1: rings of B items on the mesh's storage (the router's kPortCount * B, port after
  // port): per input its buffer (Mesh::input_slots), per output the cycles at which further
  // credits arrive, in order (Mesh::credit_return_slots; the wormhole router).
  alignas(64) std::array<uint16_t, kPortCount> input_head{};  // < B <= 65536
  std::array<uint16_t, kPortCount> return_head{};
  std::array<uint32_t, kPortCount> input_size{};
  std::array<uint32_t, kPortCount> return_size{};

  PhaseCounter flits_forwarded;
  PhaseCounter hops;
  PhaseCounter buffer_writes;
  PhaseCounter arbitration_conflicts;

  std::array<OutputPort, kPortCount> outputs;
  PhaseCounter credit_stall_cycles;
};
static_assert(offsetof(RouterState, input_head) == 64 && offsetof(RouterState, flits_forwarded) <= 128,
              "the step's state left lines 0 and 1");

class Router : public sc_core::sc_module, public StatGroup {
 public:
  ComponentClass component_class() const override { return COMPONENT_ROUTER; }
  // links: bit p set if output port p (N, E, S, W) leads to a neighbour. `state` (kept by the
  // mesh) gets input buffers on `input_storage` and credit returns on `credit_storage`, both
  // kPortCount * buffer_depth_flits items (the local output's credit slots are left to the NI).
  Router(sc_core::sc_module_name name, uint32_t node, uint8_t links, uint32_t buffer_depth_flits,
         uint32_t flit_width_bits, RouterState& state, Flit* input_storage,
         Cycle* credit_storage, const Mesh& mesh, SimContext& ctx);

  uint32_t node() const { return m_node; }
  // Flits held in (or travelling into) the input buffers.
  uint32_t flits() const { return m_state.flits; }
  // Input buffers (contents with packet id, flit index, arrival cycle and outputs still to
  // take), output locks, credits and pending credit returns: for deadlock reports.
  std::string dump_state() const;

  const PhaseCounter& flits_forwarded() const { return m_state.flits_forwarded; }
  const PhaseCounter& hops() const { return m_state.hops; }
  const PhaseCounter& buffer_writes() const { return m_state.buffer_writes; }
  const PhaseCounter& arbitration_conflicts() const { return m_state.arbitration_conflicts; }
  const PhaseCounter& credit_stall_cycles() const { return m_state.credit_stall_cycles; }

 private:
  friend class Mesh;

  const uint32_t m_node;
  RouterState& m_state;
  const Flit* const m_input_storage;     // the rings of RouterState's input buffers (state dumps)
  const Cycle* const m_credit_storage;   // and of its credit returns
  const uint32_t m_buffer_depth;
  const Mesh& m_mesh;  // packet ids for state dumps
  // Trace signals, apart from the port state the engine reads every step.
  std::array<trace::Signal, kPortCount> m_occupancy;  // per input
  std::array<trace::Signal, kPortCount> m_busy;       // per output
  std::array<trace::Signal, kPortCount> m_forwarded;  // per output: flits_forwarded's share
};

}  // namespace nmsim::noc
