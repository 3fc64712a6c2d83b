#include "models/core/barrier.h"

#include <string>
#include <vector>

#include "models/base/errors.h"

namespace nmsim::core {

Barrier::Barrier(sc_core::sc_module_name name, const BarrierConfig& config, SimContext& ctx)
    : sc_module(name), m_latency_cycles(config.latency_cycles()), m_ctx(ctx) {
  add_stat("arrivals", "arrivals", "cores (and host) arriving at a barrier", m_arrivals,
           {EnergyKind::kBarrier});
  add_stat("barriers", "barriers", "barriers completed", m_barriers);
  if (ctx.tracer != nullptr) {
    std::vector<std::string> phases;
    for (std::size_t p = 0; p < kPhaseCount; ++p) phases.emplace_back(phase_name(static_cast<Phase>(p)));
    m_trace_phase = ctx.tracer->add_timeline_states(std::string(this->name()) + ".phase", phases);
  }
}

void Barrier::arrive_and_wait(Phase next_phase, Cycle arrival) {
  NMSIM_ASSERT(m_participants > 0, "barrier used before its participants were set");
  NMSIM_ASSERT(arrival >= m_ctx.clock.now(), "a barrier arrival in the past");
  m_arrivals.add(m_ctx.phase.current());
  if (m_arrived == 0) {
    m_next_phase = next_phase;
    m_latest_arrival = arrival;
  }
  m_latest_arrival = max(m_latest_arrival, arrival);
  NMSIM_ASSERT(next_phase == m_next_phase, "barrier participants disagree on the next phase");
  if (++m_arrived < m_participants) {
    const uint64_t generation = m_generation;
    while (m_generation == generation) sc_core::wait(m_release);
    return;
  }
  // Last arrival: wait for the network to drain, then release after the tree's latency.
  Cycle last = m_latest_arrival;
  if (m_network != nullptr) {
    while (!m_network->idle()) sc_core::wait(m_network->drained_event());
    last = max(last, m_network->last_delivery_cycle());
  }
  const Cycle release = last + m_latency_cycles;
  m_ctx.clock.wait_until(release);
  m_barriers.add(m_ctx.phase.current());
  m_ctx.phase.set(m_next_phase, release);
  m_trace_phase.set(release, static_cast<uint64_t>(m_next_phase));
  // Nothing will report a change before the release again: the tracer may write up to it.
  if (m_ctx.tracer != nullptr) m_ctx.tracer->set_safe_cycle(release);
  m_arrived = 0;
  ++m_generation;
  m_release.notify();  // immediate: the others resume in this evaluation phase
}

}  // namespace nmsim::core
