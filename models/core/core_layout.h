// What the mapper assigned to one core: which neurons of which layer it holds and how its
// synapse SRAM is laid out (one row of weights per input axon).
#pragma once

#include <cstdint>

namespace nmsim::core {

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
  uint32_t tree_id = 0;
};

}  // namespace nmsim::core
