// The host link: the off-chip interface through which the host loads inputs and reads
// outputs. A transfer of b bytes occupies the link for latency_cycles + ceil(b /
// bytes_per_cycle) cycles; transfers are sequential. It reaches every core's input buffer
// and state memory directly (a configuration bus, not the spike NoC). The host takes part
// in the global barrier like a core.
#pragma once

#include <cstdint>

#include <systemc>

#include "models/core/barrier.h"
#include "models/base/sim_context.h"
#include "models/base/stats.h"
#include "models/trace/tracer.h"
#include "proto/chip.pb.h"

namespace nmsim::host {

class HostLink;

// The host side of a workload: runs in the host link's thread.
class HostProgram {
 public:
  virtual ~HostProgram() = default;
  virtual void run(HostLink& link) = 0;
};

class HostLink : public sc_core::sc_module, public StatGroup {
 public:
  ComponentClass component_class() const override { return COMPONENT_HOST_LINK; }
  HostLink(sc_core::sc_module_name name, const HostLinkConfig& config, SimContext& ctx,
           core::Barrier& barrier);

  void set_program(HostProgram* program) { m_program = program; }
  // Occupies the link for one transfer of `bytes` (the caller moves the data).
  void transfer_to_chip(uint64_t bytes);
  void transfer_from_chip(uint64_t bytes);
  void barrier(Phase next_phase) { m_barrier.arrive_and_wait(next_phase); }
  Cycle now() const { return m_ctx.clock.now(); }
  uint64_t transfer_cycles(uint64_t bytes) const;

 private:
  void host_thread();
  void transfer(uint64_t bytes, PhaseCounter& counter, uint64_t trace_state);

  const uint32_t m_bytes_per_cycle;
  const uint32_t m_latency_cycles;
  SimContext& m_ctx;
  core::Barrier& m_barrier;
  HostProgram* m_program = nullptr;
  PhaseCounter m_bytes_in;
  PhaseCounter m_bytes_out;
  PhaseCounter m_transfers;
  PhaseCounter m_busy_cycles;
  trace::Signal m_trace_transfer;  // timelines: each transfer as a span, named by its direction
};

}  // namespace nmsim::host
