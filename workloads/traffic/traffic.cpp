#include "workloads/traffic/traffic.h"

#include <cmath>
#include <sstream>

#include "models/base/errors.h"

namespace nmsim::traffic {

namespace {

constexpr std::size_t kArrivalsPerNodeReserve = 4;

[[noreturn]] void bad(const std::string& field, const std::string& value, const std::string& rule) {
  throw ConfigError("traffic." + field + " = " + value + ": " + rule);
}

void require(bool present, const char* field) {
  if (!present) throw ConfigError(std::string("traffic.") + field + " is not set");
}

}  // namespace

void validate_traffic(const TrafficConfig& t, const ChipConfig& chip) {
  require(t.has_pattern() && t.pattern() != TRAFFIC_PATTERN_UNSPECIFIED, "pattern");
  require(t.has_injection() && t.injection() != INJECTION_PROCESS_UNSPECIFIED, "injection");
  require(t.has_injection_rate(), "injection_rate");
  require(t.has_packet_length_flits(), "packet_length_flits");
  require(t.has_warmup_cycles(), "warmup_cycles");
  require(t.has_measure_cycles(), "measure_cycles");
  require(t.has_drain_limit_cycles(), "drain_limit_cycles");
  require(t.has_seed(), "seed");
  if (!(t.injection_rate() > 0 && t.injection_rate() <= 1)) {
    std::ostringstream v;
    v << t.injection_rate();
    bad("injection_rate", v.str(), "must be in (0, 1]");
  }
  if (t.packet_length_flits() < 1) bad("packet_length_flits", "0", "must be >= 1");
  if (t.measure_cycles() < 1) bad("measure_cycles", "0", "must be >= 1");
  const uint32_t w = chip.mesh_width(), h = chip.mesh_height();
  switch (t.pattern()) {
    case TRAFFIC_UNIFORM_RANDOM:
      if (w * h < 2) throw ConfigError("traffic.pattern = TRAFFIC_UNIFORM_RANDOM needs at least 2 nodes");
      break;
    case TRAFFIC_TRANSPOSE:
      if (w != h) {
        throw ConfigError("traffic.pattern = TRAFFIC_TRANSPOSE needs a square mesh (chip.mesh_width = " +
                          std::to_string(w) + ", chip.mesh_height = " + std::to_string(h) + ")");
      }
      break;
    case TRAFFIC_HOTSPOT:
      require(t.has_hotspot_x(), "hotspot_x");
      require(t.has_hotspot_y(), "hotspot_y");
      require(t.has_hotspot_fraction(), "hotspot_fraction");
      if (t.hotspot_x() >= w) bad("hotspot_x", std::to_string(t.hotspot_x()), "must be < chip.mesh_width = " + std::to_string(w));
      if (t.hotspot_y() >= h) bad("hotspot_y", std::to_string(t.hotspot_y()), "must be < chip.mesh_height = " + std::to_string(h));
      if (!(t.hotspot_fraction() >= 0 && t.hotspot_fraction() <= 1)) {
        bad("hotspot_fraction", std::to_string(t.hotspot_fraction()), "must be in [0, 1]");
      }
      if (w * h < 2) throw ConfigError("traffic.pattern = TRAFFIC_HOTSPOT needs at least 2 nodes");
      break;
    default:
      break;
  }
}

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
      m_ctx(ctx),
      m_mesh("mesh", chip, ctx) {
  const uint32_t n = m_mesh.nodes();
  std::vector<Arrival> storage;
  storage.reserve(n * kArrivalsPerNodeReserve);
  m_arrivals = decltype(m_arrivals)(std::greater<Arrival>(), std::move(storage));
  m_generators.resize(n);
  for (uint32_t node = 0; node < n; ++node) {
    std::seed_seq seq{traffic.seed(), static_cast<uint64_t>(node)};
    m_generators[node].rng.seed(seq);
    m_arrivals.push({next_arrival(node, 0, true), node});
    for (uint32_t core = 0; core < m_mesh.cores_per_node(); ++core) m_mesh.set_sink(node, core, this);
  }
  SC_THREAD(driver);
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
    std::uniform_int_distribution<uint32_t> pick(0, s.nodes() - 2);
    const uint32_t d = pick(g.rng);
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

void TrafficBench::driver() {
  for (;;) {
    const uint64_t now = m_ctx.clock.now().value();
    if (now >= m_window_end && m_measured_delivered == m_measured_created) {
      m_drained = true;
      break;
    }
    if (now >= m_drain_deadline) break;
    uint64_t target = std::min(m_arrivals.top().cycle, m_drain_deadline);
    if (now < m_window_end) target = std::min(target, m_window_end);
    if (target > now) {
      sc_core::wait(m_ctx.clock.to_time(Cycle(target)) - sc_core::sc_time_stamp(), m_measured_done);
      continue;
    }
    while (m_arrivals.top().cycle == now) {
      const Arrival a = m_arrivals.top();
      m_arrivals.pop();
      noc::Packet p;
      p.id = m_next_id++;
      p.src_node = a.node;
      p.kind = noc::PacketKind::kUnicast;
      p.dest_node = destination(a.node);
      p.dest_core = 0;
      p.length_flits = m_length;
      p.payload = static_cast<uint32_t>(p.id);
      p.phase = m_ctx.phase.current();
      p.created = Cycle(now);
      ++m_created;
      if (in_window(p.created)) {
        ++m_measured_created;
        m_window_flits_created += m_length;
      }
      m_mesh.inject(p, p.created);
      m_arrivals.push({next_arrival(a.node, now, false), a.node});
    }
  }
  m_end = m_ctx.clock.now();
  sc_core::sc_stop();
}

void TrafficBench::deliver(const noc::Packet& packet, Cycle at) {
  ++m_delivered;
  if (in_window(at)) m_window_flits += packet.length_flits;
  if (!in_window(packet.created)) return;
  ++m_measured_delivered;
  const uint64_t latency = at - packet.created;
  m_latency_sum += latency;
  m_latency_max = std::max(m_latency_max, latency);
  m_hops_sum += m_mesh.shape().hops(packet.src_node, packet.dest_node);
  if (at.value() >= m_window_end && m_measured_delivered == m_measured_created) {
    m_measured_done.notify();
  }
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
  validate_traffic(traffic, chip);
  auto bench = std::make_unique<TrafficBench>("traffic", chip, traffic, ctx);
  sc_core::sc_start();
  bench->mesh().rethrow_if_failed();
  return bench;
}

}  // namespace nmsim::traffic
