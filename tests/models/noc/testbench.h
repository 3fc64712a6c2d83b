// Shared helpers of the NoC tests: a chip config built in code and a sink that records
// every delivery (recorded during the run, asserted after sc_start returns).
#pragma once

#include <cstdint>
#include <vector>

#include "models/noc/mesh.h"
#include "proto/chip.pb.h"

namespace nmsim::noc::test {

// 1 GHz: period 1000 ps.
constexpr double kClockMhz = 1000;  // a 1000 ps period

inline ChipConfig make_chip(uint32_t width, uint32_t height, uint32_t pipeline_stages = 1,
                            uint32_t link_latency = 1, uint32_t buffer_depth = 4,
                            Routing routing = ROUTING_XY,
                            Replication replication = REPLICATION_MULTICAST,
                            uint32_t cores_per_node = 1) {
  ChipConfig chip;
  chip.set_mesh_width(width);
  chip.set_mesh_height(height);
  chip.set_cores_per_node(cores_per_node);
  chip.set_clock_mhz(1000);
  NocConfig& noc = *chip.mutable_noc();
  noc.set_flit_width_bits(32);
  noc.set_buffer_depth_flits(buffer_depth);
  noc.set_router_pipeline_stages(pipeline_stages);
  noc.set_link_latency_cycles(link_latency);
  noc.set_routing(routing);
  noc.set_replication(replication);
  noc.set_watchdog_cycles(1000);
  noc.set_always_clock(false);
  return chip;
}

struct Delivery {
  uint64_t id;
  uint32_t node;
  uint32_t core;
  uint64_t created;
  uint64_t at;
};

class RecordingSink : public PacketSink {
 public:
  RecordingSink(uint32_t node, uint32_t core, std::vector<Delivery>& log)
      : m_node(node), m_core(core), m_log(log) {}
  void deliver(const Packet& p, Cycle at) override {
    m_log.push_back({p.id, m_node, m_core, p.created.value(), at.value()});
  }

 private:
  uint32_t m_node, m_core;
  std::vector<Delivery>& m_log;
};

// One recording sink per (node, core) of a mesh, all writing to one log.
class Recorder {
 public:
  explicit Recorder(Mesh& mesh) {
    for (uint32_t n = 0; n < mesh.nodes(); ++n) {
      for (uint32_t c = 0; c < mesh.cores_per_node(); ++c) {
        m_sinks.emplace_back(n, c, log);
      }
    }
    std::size_t i = 0;
    for (uint32_t n = 0; n < mesh.nodes(); ++n) {
      for (uint32_t c = 0; c < mesh.cores_per_node(); ++c) mesh.set_sink(n, c, &m_sinks[i++]);
    }
  }
  // The delivery of packet `id` (the only one expected).
  const Delivery* find(uint64_t id) const {
    for (const Delivery& d : log) {
      if (d.id == id) return &d;
    }
    return nullptr;
  }
  std::vector<Delivery> log;

 private:
  std::vector<RecordingSink> m_sinks;
};

inline Packet unicast(uint64_t id, uint32_t src, uint32_t dest, uint64_t created,
                      uint32_t length = 1, uint32_t dest_core = 0) {
  Packet p;
  p.id = id;
  p.src_node = src;
  p.kind = PacketKind::kUnicast;
  p.dest_node = dest;
  p.dest_core = dest_core;
  p.length_flits = length;
  p.payload = static_cast<uint32_t>(id);
  p.phase = Phase::kForward;
  p.created = Cycle(created);
  return p;
}

template <typename Get>
uint64_t sum_over_routers(const Mesh& mesh, Get get) {
  uint64_t total = 0;
  for (uint32_t n = 0; n < mesh.nodes(); ++n) total += get(mesh.router(n)).total();
  return total;
}
template <typename Get>
uint64_t sum_over_nis(const Mesh& mesh, Get get) {
  uint64_t total = 0;
  for (uint32_t n = 0; n < mesh.nodes(); ++n) total += get(mesh.ni(n)).total();
  return total;
}

}  // namespace nmsim::noc::test
