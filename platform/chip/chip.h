// The chip: a W x H mesh of nodes, each with cores_per_node neuron cores (with their synapse
// SRAMs) on one router, the global barrier and the host link. Built from a ChipConfig
// (validated before), then configured with a mapping of a network onto its cores.
// Object names: chip.mesh.*, chip.core_<x>_<y>_<c> (with .sram), chip.barrier, chip.host.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include <systemc>

#include "models/core/barrier.h"
#include "models/core/neuron_core.h"
#include "models/host/host_link.h"
#include "models/noc/mesh.h"
#include "models/base/sim_context.h"
#include "platform/mapper/mapper.h"
#include "proto/chip.pb.h"

namespace nmsim::chip {

class Chip : public sc_core::sc_module {
 public:
  Chip(sc_core::sc_module_name name, const ChipConfig& config, SimContext& ctx);

  // Lays the network out on the cores: layouts, neuron parameters, one multicast tree from
  // every core of layer l to all cores of layer l+1, barrier participants (used cores + host).
  void configure(const mapper::Mapping& mapping, const core::NeuronParams& params);

  uint32_t core_count() const { return static_cast<uint32_t>(m_cores.size()); }
  core::NeuronCore& core(uint32_t index) { return *m_cores[index]; }
  noc::Mesh& mesh() { return m_mesh; }
  core::Barrier& barrier() { return m_barrier; }
  host::HostLink& host() { return m_host; }
  const mapper::Mapping& mapping() const { return m_mapping; }

  // After sc_start returns: rethrows a NoC deadlock, then charges idle cycles.
  void finish();
  std::array<uint64_t, kPhaseCount> phase_cycles() const;
  Cycle now() const { return m_ctx.clock.now(); }

 private:
  // The spike routes of an owner core whose next layer's fan-in is split (one tree per group).
  void add_split_routes(const mapper::CoreSlot& slot, const std::vector<mapper::CoreSlot>& next_slots,
                        core::CoreLayout& layout);
  // The barrier's view of the mesh.
  class MeshQuiescence : public core::NetworkQuiescence {
   public:
    explicit MeshQuiescence(const noc::Mesh& mesh) : m_mesh(mesh) {}
    bool idle() const override { return m_mesh.idle(); }
    Cycle last_delivery_cycle() const override { return m_mesh.last_delivery_cycle(); }
    const sc_core::sc_event& drained_event() const override { return m_mesh.drained_event(); }

   private:
    const noc::Mesh& m_mesh;
  };

  SimContext& m_ctx;
  const uint32_t m_width;
  const uint32_t m_cores_per_node;
  noc::Mesh m_mesh;
  core::Barrier m_barrier;
  host::HostLink m_host;
  MeshQuiescence m_quiescence;
  std::vector<std::unique_ptr<core::NeuronCore>> m_cores;
  mapper::Mapping m_mapping;
};

}  // namespace nmsim::chip
