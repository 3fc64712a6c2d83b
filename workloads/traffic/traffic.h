// Synthetic traffic on the chip's NoC alone (as BookSim2 or Noxim study it): one generator
// per node injects packets at a configured rate and pattern; packets CREATED in the
// measurement window are measured (latency = tail delivery - creation, source queueing
// included); the run drains until they all arrived or drain_limit_cycles passed.
//
// Generators cost nothing per idle cycle: each node samples the gap to its NEXT packet
// (geometric for Bernoulli, exponential for Poisson, from its own seeded mt19937_64), and the
// bench acts only at those arrival cycles. It has no thread of its own: the mesh engine steps
// it as its cycle source (models/noc/cycle_source.h), so at each cycle the arrivals are
// injected first, then the mesh steps, then the run may end.
#pragma once

#include <cstdint>
#include <memory>
#include <random>
#include <vector>

#include <systemc>

#include "models/noc/mesh.h"
#include "models/base/sim_context.h"
#include "proto/chip.pb.h"
#include "proto/report.pb.h"
#include "workloads/traffic/arrival_calendar.h"
#include "workloads/traffic/geometric_gap.h"
#include "workloads/traffic/node_seed_words.h"
#include "proto/traffic.pb.h"

namespace nmsim::traffic {

// The mesh, its generators and the measurement; elaborated by run_traffic.
class TrafficBench : public sc_core::sc_module, public noc::PacketSink, public noc::CycleSource {
 public:
  TrafficBench(sc_core::sc_module_name name, const ChipConfig& chip,
               const TrafficConfig& traffic, SimContext& ctx);

  noc::Mesh& mesh() { return m_mesh; }
  const noc::Mesh& mesh() const { return m_mesh; }
  TrafficSummary summary() const;

  uint64_t packets_created() const { return m_created; }
  uint64_t packets_delivered() const { return m_delivered; }
  uint64_t measured_created() const { return m_measured_created; }
  uint64_t measured_delivered() const { return m_measured_delivered; }
  // Flits of packets whose tail was delivered inside the window (accepted throughput).
  uint64_t window_flits_delivered() const { return m_window_flits; }
  uint64_t window_flits_created() const { return m_window_flits_created; }
  Cycle end_cycle() const { return m_end; }

  void deliver(const noc::Packet& packet, Cycle at) override;
  bool needs_current_time(const noc::Packet&) const override { return false; }  // counts only
  Cycle next_injection() const override { return m_next_action; }
  // Flattened: the draws, the std distributions and the calendar inlined (once a packet each).
  [[gnu::flatten]] void inject(Cycle now) override;
  bool finished(Cycle now) override;

 private:
  struct Generator {
    std::mt19937_64 rng;
    double poisson_time = 0;  // continuous arrival time of the Poisson process, in cycles
  };

  uint64_t next_arrival(uint32_t node, uint64_t previous, bool first);
  uint32_t destination(uint32_t node);
  bool in_window(Cycle c) const { return c.value() >= m_window_start && c.value() < m_window_end; }

  const TrafficConfig m_config;
  const uint32_t m_length;
  const double m_packet_rate;  // packets per node per cycle
  const uint64_t m_window_start;
  const uint64_t m_window_end;
  const uint64_t m_drain_deadline;
  // Built once: they hold no state between samples (the same numbers as one per call).
  // The geometric gap is std::geometric_distribution's, mostly from a table (geometric_gap.h).
  GeometricGap m_bernoulli_gap;
  std::exponential_distribution<double> m_poisson_gap;
  std::bernoulli_distribution m_to_hotspot;
  std::uniform_int_distribution<uint32_t> m_any_node;    // uniform_to_self: [0, nodes - 1]
  std::uniform_int_distribution<uint32_t> m_other_node;  // [0, nodes - 2], the source skipped
                                                         // (unused on a 1-node mesh)
  SimContext& m_ctx;
  noc::Mesh m_mesh;
  noc::Packet m_packet;  // the packet being built; the fields every packet shares set once
  std::vector<uint16_t> m_x, m_y;  // node coordinates, for the hops of delivered packets
  std::vector<Generator> m_generators;
  ArrivalCalendar m_arrivals;  // each node's next packet

  uint64_t m_next_id = 0;
  uint64_t m_created = 0;
  uint64_t m_delivered = 0;
  uint64_t m_measured_created = 0;
  uint64_t m_measured_delivered = 0;
  uint64_t m_latency_sum = 0;
  uint64_t m_latency_max = 0;
  uint64_t m_hops_sum = 0;
  uint64_t m_window_flits = 0;
  uint64_t m_window_flits_created = 0;
  bool m_drained = false;
  Cycle m_next_action{0};       // the next cycle with arrivals, the window's end or the drain limit
  bool m_deadline_hit = false;  // the drain limit was reached: the run ends undrained
  Cycle m_end{};
};

// Elaborates a TrafficBench named "traffic" (the mesh is "traffic.mesh"), runs sc_start()
// and returns the bench for its summary and the mesh's statistics. The configs are those
// config::validate(chip) and config::validate(traffic, chip) accepted; with ctx.tracer, its
// patterns are checked once the bench is elaborated. Throws DeadlockError if
// the mesh deadlocked. One call per process (SystemC elaborates once). ctx's clock must match
// chip.clock_mhz.
std::unique_ptr<TrafficBench> run_traffic(const ChipConfig& chip, const TrafficConfig& traffic,
                                          SimContext& ctx);

}  // namespace nmsim::traffic
