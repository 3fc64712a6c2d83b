// The global barrier (a wired AND tree, as in Loihi's barrier synchronisation). It releases
// when every participant has arrived AND the network has delivered every packet:
//   release = max(last arrival, last packet delivery) + latency_cycles.
// So spikes sent before a barrier are in the destination's spike bitmap after it. The chip's
// phase switches to the phase the participants name, at the release cycle.
#pragma once

#include <cstdint>

#include <systemc>

#include "models/base/sim_context.h"
#include "models/base/stats.h"
#include "models/trace/tracer.h"
#include "proto/chip.pb.h"

namespace nmsim::core {

// What the barrier needs to know of the network.
class NetworkQuiescence {
 public:
  virtual ~NetworkQuiescence() = default;
  virtual bool idle() const = 0;
  virtual Cycle last_delivery_cycle() const = 0;
  virtual const sc_core::sc_event& drained_event() const = 0;
};

class Barrier : public sc_core::sc_module, public StatGroup {
 public:
  ComponentClass component_class() const override { return COMPONENT_BARRIER; }
  Barrier(sc_core::sc_module_name name, const BarrierConfig& config, SimContext& ctx);

  void set_network(const NetworkQuiescence* network) { m_network = network; }
  void set_participants(uint32_t count) { m_participants = count; }
  uint32_t participants() const { return m_participants; }
  // Blocks the calling SC_THREAD until the barrier releases. All participants of one
  // barrier must name the same next phase. `arrival`: the cycle the participant arrives at,
  // at or after the kernel's (a core whose waits are deferred, neuron_core.h, arrives at its
  // own clock without waiting for it); the release counts from the latest arrival.
  void arrive_and_wait(Phase next_phase, Cycle arrival);
  void arrive_and_wait(Phase next_phase) { arrive_and_wait(next_phase, m_ctx.clock.now()); }
  uint64_t completed() const { return m_generation; }

 private:
  const uint32_t m_latency_cycles;
  SimContext& m_ctx;
  const NetworkQuiescence* m_network = nullptr;
  uint32_t m_participants = 0;
  uint32_t m_arrived = 0;
  Cycle m_latest_arrival;  // of the participants arrived so far
  uint64_t m_generation = 0;
  Phase m_next_phase = Phase::kHostIo;
  sc_core::sc_event m_release;
  PhaseCounter m_arrivals;
  PhaseCounter m_barriers;
  trace::Signal m_trace_phase;  // timelines: the chip's phase, switched at each release
};

}  // namespace nmsim::core
