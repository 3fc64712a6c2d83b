// Maps a layered network onto the chip's cores (no SystemC): which core holds which neurons
// of which layer and which of their input lines (axons), and how its synapse SRAM is laid out
// (one row per input line).
//
// Rules (tests derive their numbers from these):
// - Layer l (1..L) of n_l neurons is split into R_l = ceil(n_l / core.neurons) neuron ranges;
//   its neurons are split evenly over them in contiguous ranges, the first n_l % R_l ranges
//   taking one more.
// - A row holds the weights of a range's neurons packed: words_per_row = ceil(neuron_count *
//   weight_width_bits / word_width_bits), row_bytes = words_per_row x word bytes. A core takes
//   at most rows_max = min(core.max_axons, floor(synapse_sram.size_bytes / row_bytes of the
//   largest range)) input lines.
// - Fan-in split: the layer's F = n_{l-1} input lines are split into G_l = ceil(F / rows_max)
//   fan-in groups of contiguous lines, evenly, the first F % G_l groups taking one more line
//   (G_l = 1 when the fan-in fits: the mapping is then the unsplit one). A core holds one
//   (neuron range, fan-in group): R_l x G_l cores, ordered range by range and, within a range,
//   group 0 first. Group 0's core owns the neurons (their potentials, fire scan and spikes);
//   the other groups' cores send it their partial sums (models/core/README.md, "Fan-in split").
//   A split needs chip.core.state_width_bits <= 31 (a partial sum travels in a 32-bit flit).
// - Cores are assigned in layer order, core_index 0, 1, ...; node = core_index /
//   cores_per_node (nodes numbered y * mesh_width + x), core_in_node = core_index %
//   cores_per_node.
// - Errors (ConfigError) say what does not fit and by how much: per-layer limits are checked
//   first, in layer order (a single row larger than the synapse SRAM, a split with a 32-bit
//   state), then the total number of cores.
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
  uint32_t first_axon = 0;      // the layer input line of this core's row 0
  uint32_t fan_in_group = 0;    // 0 .. fan_in_groups - 1; group 0 owns the neurons
  uint32_t fan_in_groups = 1;   // G_l of the layer
  bool owns_neurons() const { return fan_in_group == 0; }
};

struct Mapping {
  std::vector<std::vector<CoreSlot>> layers;  // layers[l-1] = cores of layer l
  uint32_t cores_used = 0;
  uint32_t cores_available = 0;
  bool splits_fan_in() const;  // some layer has more than one fan-in group
};

// layer_sizes: [inputs, hidden..., outputs]. Throws ConfigError if the network does not fit.
// fan_ins (empty: the chain, layer l's fan-in F = n_{l-1}): one per layer, F of layer l =
// fan_ins[l-1] (a layer fed by more than the previous one, e.g. SPIDE's recurrent layer after a
// feedforward one takes its own N lines and the previous layer's).
Mapping map_network(const ChipConfig& chip, const std::vector<uint32_t>& layer_sizes,
                    const std::vector<uint32_t>& fan_ins = {});

}  // namespace nmsim::mapper
