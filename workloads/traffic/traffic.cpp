#include "workloads/traffic/traffic.h"

#include <algorithm>
#include <cmath>

#include "models/base/errors.h"
#include "models/base/simulation_run.h"

namespace nmsim::traffic {

TrafficBench::TrafficBench(sc_core::sc_module_name name, const ChipConfig& chip,
                           const TrafficConfig& traffic, SimContext& ctx)
    : sc_core::sc_module(name),
      m_config(traffic),
      m_length(traffic.packet_length_flits()),
      m_packet_rate(traffic.injection_rate() / traffic.packet_length_flits()),
      m_window_start(traffic.warmup_cycles()),
      m_window_end(traffic.warmup_cycles() + traffic.measure_cycles()),
      m_drain_deadline(m_window_end + traffic.drain_limit_cycles()),
      m_bernoulli_gap(m_packet_rate),
      m_poisson_gap(m_packet_rate),
      m_to_hotspot(traffic.hotspot_fraction()),
      m_any_node(0, chip.mesh_width() * chip.mesh_height() - 1),
      m_other_node(0, std::max(chip.mesh_width() * chip.mesh_height(), 2u) - 2),
      m_ctx(ctx),
      m_mesh("mesh", chip, ctx, noc::InjectionSocket::kOmitted),  // packets come from inject()
      m_arrivals(m_mesh.nodes()) {
  // The limits of proto/traffic.proto and the mesh rules, checked by config::validate(traffic, chip).
  const uint32_t n = m_mesh.nodes();
  NMSIM_ASSERT(m_packet_rate > 0 && traffic.injection_rate() <= 1 && traffic.measure_cycles() >= 1,
               "traffic config not validated");
  NMSIM_ASSERT(traffic.pattern() == TRAFFIC_BIT_COMPLEMENT || n >= 2, "traffic to other nodes on a 1-node mesh");
  NMSIM_ASSERT(traffic.pattern() != TRAFFIC_TRANSPOSE || m_mesh.shape().width == m_mesh.shape().height,
               "transpose traffic on a mesh that is not square");
  NMSIM_ASSERT(traffic.pattern() != TRAFFIC_HOTSPOT ||
                   (traffic.hotspot_x() < m_mesh.shape().width && traffic.hotspot_y() < m_mesh.shape().height),
               "hotspot outside the mesh");
  m_packet.kind = noc::PacketKind::kUnicast;
  m_packet.dest_core = 0;
  m_packet.length_flits = m_length;
  m_x.resize(n);
  m_y.resize(n);
  for (uint32_t node = 0; node < n; ++node) {
    m_x[node] = static_cast<uint16_t>(m_mesh.shape().x(node));
    m_y[node] = static_cast<uint16_t>(m_mesh.shape().y(node));
  }
  // Each node's generator seeded with std::seed_seq{seed, node}'s words, sixteen nodes' words
  // computed at once; constructed seeded (a default-constructed one seeds itself first).
  m_generators.reserve(n);
  NodeSeedWords words(traffic.seed(), std::mt19937_64::state_size * 2);
  for (uint32_t first = 0; first < n; first += NodeSeedWords::kLanes) {
    words.compute(first);
    for (uint32_t node = first; node < std::min<uint32_t>(n, first + NodeSeedWords::kLanes); ++node) {
      NodeSeedWords::Lane seq = words.lane(node - first);
      m_generators.push_back(Generator{std::mt19937_64(seq)});
    }
  }
  for (uint32_t node = 0; node < n; ++node) {
    m_arrivals.push(next_arrival(node, 0, true), node);
    for (uint32_t core = 0; core < m_mesh.cores_per_node(); ++core) m_mesh.set_sink(node, core, this);
  }
  m_mesh.set_cycle_source(this);
}

uint64_t TrafficBench::next_arrival(uint32_t node, uint64_t previous, bool first) {
  Generator& g = m_generators[node];
  if (m_config.injection() == INJECTION_BERNOULLI) {
    // Cycles without a packet before the next one: geometric with the packet rate.
    return (first ? 0 : previous + 1) + m_bernoulli_gap(g.rng);
  }
  g.poisson_time += m_poisson_gap(g.rng);
  return static_cast<uint64_t>(std::floor(g.poisson_time));
}

uint32_t TrafficBench::destination(uint32_t node) {
  const noc::MeshShape& s = m_mesh.shape();
  Generator& g = m_generators[node];
  const auto uniform = [&]() {
    if (m_config.uniform_to_self()) return m_any_node(g.rng);
    const uint32_t d = m_other_node(g.rng);
    return d >= node ? d + 1 : d;
  };
  switch (m_config.pattern()) {
    case TRAFFIC_TRANSPOSE: return s.node(s.y(node), s.x(node));
    case TRAFFIC_BIT_COMPLEMENT: return s.node(s.width - 1 - s.x(node), s.height - 1 - s.y(node));
    case TRAFFIC_HOTSPOT: {
      const uint32_t hotspot = s.node(m_config.hotspot_x(), m_config.hotspot_y());
      // The hotspot's own packets (and the other share) go uniformly elsewhere.
      if (node != hotspot && m_to_hotspot(g.rng)) return hotspot;
      return uniform();
    }
    default: return uniform();
  }
}

// What the driver thread did at each cycle it woke (its arrivals, the window's end, the
// drain limit), in the mesh engine's activation for that cycle, before the nodes step.
void TrafficBench::inject(Cycle at) {
  const uint64_t now = at.value();
  if (now >= m_drain_deadline) {
    m_deadline_hit = true;
    m_next_action = Cycle(UINT64_MAX);
    return;
  }
  uint32_t node;
  noc::Packet& p = m_packet;
  p.phase = m_ctx.phase.current();
  p.created = at;
  const bool measured = in_window(at);
  while (m_arrivals.pop(now, node)) {
    p.id = m_next_id++;
    p.src_node = node;
    p.dest_node = destination(node);
    p.payload = static_cast<uint32_t>(p.id);
    ++m_created;
    if (measured) {
      ++m_measured_created;
      m_window_flits_created += m_length;
    }
    m_mesh.inject(p, at);
    m_arrivals.push(next_arrival(node, now, false), node);
  }
  uint64_t target = std::min(m_arrivals.next_cycle(), m_drain_deadline);
  if (now < m_window_end) target = std::min(target, m_window_end);
  m_next_action = Cycle(target);
}

// The run ends once every measured packet arrived (checked after each stepped cycle from the
// window's end on), or at the drain limit.
bool TrafficBench::finished(Cycle now) {
  if (!m_deadline_hit) {
    if (now.value() < m_window_end || m_measured_delivered != m_measured_created) return false;
    m_drained = true;
  }
  m_end = now;
  return true;
}

void TrafficBench::deliver(const noc::Packet& packet, Cycle at) {
  ++m_delivered;
  if (in_window(at)) m_window_flits += packet.length_flits;
  if (!in_window(packet.created)) return;
  ++m_measured_delivered;
  const uint64_t latency = at - packet.created;
  m_latency_sum += latency;
  m_latency_max = std::max(m_latency_max, latency);
  const auto distance = [](uint16_t a, uint16_t b) { return a > b ? a - b : b - a; };
  m_hops_sum += distance(m_x[packet.src_node], m_x[packet.dest_node]) +
                distance(m_y[packet.src_node], m_y[packet.dest_node]);
}

TrafficSummary TrafficBench::summary() const {
  TrafficSummary s;
  const double node_cycles = static_cast<double>(m_mesh.nodes()) * m_config.measure_cycles();
  s.set_packets_measured(m_measured_delivered);
  if (m_measured_delivered > 0) {
    s.set_average_latency_cycles(static_cast<double>(m_latency_sum) / m_measured_delivered);
    s.set_average_hops(static_cast<double>(m_hops_sum) / m_measured_delivered);
  }
  s.set_max_latency_cycles(m_latency_max);
  s.set_offered_flits_per_node_cycle(m_window_flits_created / node_cycles);
  s.set_accepted_flits_per_node_cycle(m_window_flits / node_cycles);
  s.set_drained(m_drained);
  return s;
}

std::unique_ptr<TrafficBench> run_traffic(const ChipConfig& chip, const TrafficConfig& traffic,
                                          SimContext& ctx) {
  auto bench = std::make_unique<TrafficBench>("traffic", chip, traffic, ctx);
  if (ctx.tracer != nullptr) ctx.tracer->check_patterns();  // every signal is registered
  run_simulation();
  bench->mesh().rethrow_if_failed();
  return bench;
}

}  // namespace nmsim::traffic
