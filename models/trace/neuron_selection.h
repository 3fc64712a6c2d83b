// Which neurons' membrane potentials a run records (--membrane-neurons SPEC): ranges of a
// network layer's neuron indices, as the network numbers them (not a core's local index).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nmsim::trace {

struct NeuronRange {
  uint32_t layer = 0;  // 1..L (the inputs, layer 0, have no potential)
  uint32_t first = 0;  // neuron index within the layer
  uint32_t last = 0;   // inclusive
};

// SPEC: comma-separated items LAYER:NEURON or LAYER:FIRST-LAST, decimal, no spaces
// ("1:0-9,2:3" = layer 1 neurons 0..9 and layer 2 neuron 3). ConfigError naming the option,
// the spec, the item and what is wrong with it.
std::vector<NeuronRange> parse_neuron_selection(const std::string& spec);

// ConfigError for a range outside the network (layer_sizes: inputs first, then layers 1..L).
void check_neuron_selection(const std::string& spec, const std::vector<NeuronRange>& ranges,
                            const std::vector<uint32_t>& layer_sizes);

}  // namespace nmsim::trace
