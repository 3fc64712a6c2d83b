// Maps a layered network onto the chip's cores (no SystemC): which core holds which neurons
// of which layer, and how its synapse SRAM is laid out (one row per input line).
//
// Rules (tests derive their numbers from these):
// - Layer l (1..L) of n_l neurons takes ceil(n_l / core.neurons) cores; its neurons are split
//   evenly over them in contiguous ranges, the first n_l % cores cores taking one more.
// - A core of layer l has fan_in = n_{l-1} input lines (rows), which must fit
//   core.max_axons; a row holds the weights of its neurons packed:
//   words_per_row = ceil(neuron_count * weight_width_bits / word_width_bits), and all rows
//   must fit the synapse SRAM: fan_in * row_bytes <= synapse_sram.size_bytes.
// - Cores are assigned in layer order, core_index 0, 1, ...; node = core_index /
//   cores_per_node (nodes numbered y * mesh_width + x), core_in_node = core_index %
//   cores_per_node.
// - Errors (ConfigError) say what does not fit and by how much: per-layer limits are checked
//   first, in layer order, then the total number of cores.
#pragma once

#include <cstdint>
#include <vector>

#include "proto/chip.pb.h"

namespace nmsim::mapper {

struct CoreSlot {
  uint32_t core_index = 0;    // chip-wide, 0 .. cores_used - 1
  uint32_t node = 0;          // router index y * mesh_width + x
  uint32_t core_in_node = 0;  // 0 .. cores_per_node - 1
  uint32_t layer = 0;         // 1..L
  uint32_t first_neuron = 0;  // index within the layer of this core's first neuron
  uint32_t neuron_count = 0;
  uint32_t fan_in = 0;        // input lines = synapse SRAM rows used
  uint32_t words_per_row = 0;
  uint64_t row_bytes = 0;
};

struct Mapping {
  std::vector<std::vector<CoreSlot>> layers;  // layers[l-1] = cores of layer l
  uint32_t cores_used = 0;
  uint32_t cores_available = 0;
};

// layer_sizes: [inputs, hidden..., outputs]. Throws ConfigError if the network does not fit.
Mapping map_network(const ChipConfig& chip, const std::vector<uint32_t>& layer_sizes);

}  // namespace nmsim::mapper
