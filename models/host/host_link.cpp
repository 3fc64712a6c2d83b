#include "models/host/host_link.h"

#include "models/base/errors.h"

namespace nmsim::host {

namespace {
enum Transfer : uint64_t { kNoTransfer = 0, kToChip, kFromChip };
const std::vector<std::string> kTransferNames = {"idle", "to_chip", "from_chip"};
}  // namespace

HostLink::HostLink(sc_core::sc_module_name name, const HostLinkConfig& config, SimContext& ctx,
                   core::Barrier& barrier)
    : sc_module(name),
      m_bytes_per_cycle(config.bytes_per_cycle()),
      m_latency_cycles(config.latency_cycles()),
      m_ctx(ctx),
      m_barrier(barrier) {
  NMSIM_ASSERT(m_bytes_per_cycle > 0, "host link config not validated");
  add_stat("bytes_to_chip", "bytes", "bytes the host wrote into the chip", m_bytes_in,
           {EnergyKind::kHostByte});
  add_stat("bytes_from_chip", "bytes", "bytes the host read from the chip", m_bytes_out,
           {EnergyKind::kHostByte});
  add_stat("transfers", "transfers", "host link transfers", m_transfers);
  add_stat("busy_cycles", "cycles", "cycles the host link was transferring", m_busy_cycles);
  if (ctx.tracer != nullptr) m_trace_transfer = ctx.tracer->add_timeline_states(std::string(this->name()) + ".transfer", kTransferNames);
  SC_HAS_PROCESS(HostLink);
  SC_THREAD(host_thread);
}

void HostLink::host_thread() {
  if (m_program != nullptr) m_program->run(*this);
}

uint64_t HostLink::transfer_cycles(uint64_t bytes) const {
  return m_latency_cycles + (bytes + m_bytes_per_cycle - 1) / m_bytes_per_cycle;
}

void HostLink::transfer(uint64_t bytes, PhaseCounter& counter, uint64_t trace_state) {
  const Phase phase = m_ctx.phase.current();
  const uint64_t cycles = transfer_cycles(bytes);
  counter.add(phase, bytes);
  m_transfers.add(phase);
  m_busy_cycles.add(phase, cycles);
  m_trace_transfer.set(m_ctx.clock.now(), trace_state);
  m_trace_transfer.set(m_ctx.clock.now() + cycles, kNoTransfer);
  m_ctx.clock.wait_until(m_ctx.clock.now() + cycles);
}

void HostLink::transfer_to_chip(uint64_t bytes) { transfer(bytes, m_bytes_in, kToChip); }
void HostLink::transfer_from_chip(uint64_t bytes) { transfer(bytes, m_bytes_out, kFromChip); }

}  // namespace nmsim::host
