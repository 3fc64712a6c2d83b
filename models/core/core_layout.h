// What the mapper assigned to one core: which neurons of which layer it holds, which of their
// input lines, and how its synapse SRAM is laid out (one row of weights per input axon).
#pragma once

#include <cstdint>
#include <vector>

namespace nmsim::core {

// Where the spikes of the core's neurons first_neuron.. below `end` (local index) go.
struct SpikeRoute {
  uint32_t end = 0;      // local neuron index, exclusive
  uint32_t tree_id = 0;  // the multicast tree to the cores whose input lines hold them
};

struct CoreLayout {
  bool used = false;
  uint32_t layer = 0;           // 1..L
  bool first_layer = false;     // inputs come from the host-loaded pixels through the encoder
  bool last_layer = false;      // spikes are counted for the host, not sent
  uint32_t first_neuron = 0;    // index of local neuron 0 within its layer
  uint32_t neuron_count = 0;
  uint32_t fan_in = 0;          // axons (rows) in use
  uint32_t words_per_row = 0;
  uint64_t row_bytes = 0;
  bool has_tree = false;        // a multicast tree (or unicast list) to the next layer's cores
  // Added to a sent spike's AER address (the neuron's index in its layer): the next layer's
  // line of this layer's neuron 0 (0 in a chain; SPIDE's feedforward layer feeds lines N..).
  uint32_t spike_address_base = 0;
  uint32_t tree_id = 0;
  // With the next layer's fan-in split: one route per fan-in group the core's neurons feed,
  // in neuron order (empty: every spike goes along tree_id).
  std::vector<SpikeRoute> routes;
  // Fan-in split (mapper.h): row r holds the layer's input line first_axon + r; group 0 owns
  // the neurons, the others send their partial sums to the owner at (owner_node, owner_core).
  uint32_t first_axon = 0;
  uint32_t layer_fan_in = 0;    // the layer's input lines over all groups
  uint32_t fan_in_group = 0;
  uint32_t fan_in_groups = 1;
  uint32_t owner_node = 0;
  uint32_t owner_core = 0;
  bool owns_neurons() const { return fan_in_group == 0; }
};

}  // namespace nmsim::core
