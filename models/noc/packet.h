// A NoC packet as the cores see it: a small POD copied into the mesh at injection. An AER
// spike is one flit (payload = neuron address); graded values (errors, labels) use several.
#pragma once

#include <cstdint>

#include "models/base/cycle.h"
#include "models/base/phase.h"

namespace nmsim::noc {

enum class PacketKind : uint8_t { kUnicast, kMulticast };
// What the packet carries: an AER spike (the payload is the neuron's address), a graded
// value (an error, a label: payload = index, value = the number), or a fan-in group's partial
// sum for one neuron (payload = group and neuron, value = the sum, low and high its bounds:
// arith::SaturatingSum) or, with one flit, the group's word that it has none this step; a
// couple partial is the same for SPIDE's backward stage across cores (couple_unit.h).
enum class PacketType : uint8_t { kSpike, kValue, kPartialSum, kCouplePartial };

struct Packet {
  uint64_t id = 0;
  uint32_t src_node = 0;
  uint32_t src_core = 0;
  PacketKind kind = PacketKind::kUnicast;
  uint32_t dest_node = 0;  // unicast only
  uint32_t dest_core = 0;  // unicast only
  uint32_t tree_id = 0;    // multicast only (from Mesh::add_multicast_tree)
  uint32_t length_flits = 1;
  PacketType type = PacketType::kSpike;
  uint32_t payload = 0;            // AER neuron address, or the index of a graded value
  int32_t value = 0;               // the graded value (kValue), the partial sum (kPartialSum)
  int32_t low = 0;                 // kPartialSum: the bounds of the partial sum
  int32_t high = 0;
  Phase phase = Phase::kHostIo;    // the sender's phase: flit and hop counts are charged to it
  Cycle created{};                 // creation cycle (latency = tail delivery - created)
};

// Receives whole packets at the cycle their tail flit enters the core.
class PacketSink {
 public:
  virtual ~PacketSink() = default;
  virtual void deliver(const Packet& packet, Cycle at) = 0;
  // Whether deliver(packet) needs the kernel's time to be the cycle the engine delivers in:
  // it reads the clock or notifies an event. The mesh engine may step cycles ahead of the
  // kernel's time (Mesh::engine) and waits for it before such a delivery; a sink that only
  // records the packet and `at` returns false and is called without that wait.
  virtual bool needs_current_time(const Packet& /*packet*/) const { return true; }
};

}  // namespace nmsim::noc
