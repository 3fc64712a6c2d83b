// DFA's stochastic rounding across a fan-in split (mapper.h; models/core/README.md "Fan-in
// split"). Neuron j of a layer draws once per product with a non-zero factor, row by row in
// ascending input-line order over all the layer's lines (reference.h): one draw per spiking
// line. Every core of a split neuron range holds a copy of the range's generators (seeded
// alike) and updates only its own rows, so a core's lanes with a non-zero factor step past the
// draws of the groups before it (their spiking lines) before its rows, and past those of the
// groups after it after its rows: every copy then holds what the unsplit lane holds, and each
// product gets the unsplit draw. The spiking-line counts travel once per sample: after the
// forward pass each core of a split range sends its count, one graded value, to each of the
// range's other cores; they are delivered by barrier(backward). Unicasts, not a multicast tree
// per core: G overlapping trees of multi-flit packets sent at once can deadlock the wormhole
// mesh (they did, 13 groups on 64-axon cores); dimension-ordered unicasts cannot.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "models/core/neuron_core.h"
#include "models/noc/mesh.h"
#include "platform/mapper/mapper.h"
#include "workloads/job/group_factors.h"

namespace nmsim::dfa {

// A line count's graded-value index: kNotAFactor + the sender's fan-in group.
inline constexpr uint32_t kLineCountIndex = job::kNotAFactor;

// The other fan-in group cores of layer[i]'s neuron range; none for a core of an unsplit layer.
std::vector<noc::Destination> line_count_destinations(const std::vector<mapper::CoreSlot>& layer, std::size_t i);

// The steps a core's drawing lanes make around its own rows in one sample.
struct RoundingSteps {
  uint64_t before = 0;  // spiking lines of the groups before the core's
  uint64_t after = 0;   // and after it
};

class SplitRounding {
 public:
  explicit SplitRounding(std::vector<noc::Destination> others) : m_others(std::move(others)) {}
  // After the forward pass: counts the core's spiking lines (one compare-and-increment a row,
  // `lanes` a cycle, on the controller) and sends the count to the range's other cores.
  void send_line_count(core::NeuronCore& core);
  // After barrier(backward): reads the other groups' counts (leaving every other received
  // value in place; cleared if there is none) and sums them before and after the core's
  // group (one add each).
  RoundingSteps read_line_counts(core::NeuronCore& core);

 private:
  const std::vector<noc::Destination> m_others;
  std::vector<uint64_t> m_counts;  // per group
};

}  // namespace nmsim::dfa
