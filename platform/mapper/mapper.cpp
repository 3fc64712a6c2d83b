#include "platform/mapper/mapper.h"

#include <algorithm>
#include <string>

#include "models/base/errors.h"

namespace nmsim::mapper {

namespace {

std::string plural(uint64_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

uint64_t ceil_div(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

// The fields the mapper divides by or compares with must be set and non-zero.
void require_field(bool present, uint64_t value, const char* path) {
  if (!present) throw ConfigError(std::string(path) + " is not set");
  if (value == 0) throw ConfigError(std::string(path) + " = 0: must be >= 1");
}

}  // namespace

bool Mapping::splits_fan_in() const {
  for (const auto& layer : layers) {
    if (!layer.empty() && layer.front().fan_in_groups > 1) return true;
  }
  return false;
}

Mapping map_network(const ChipConfig& chip, const std::vector<uint32_t>& layer_sizes,
                    const std::vector<uint32_t>& fan_ins) {
  const CoreConfig& core = chip.core();
  const SramConfig& sram = core.synapse_sram();
  require_field(chip.has_mesh_width(), chip.mesh_width(), "chip.mesh_width");
  require_field(chip.has_mesh_height(), chip.mesh_height(), "chip.mesh_height");
  require_field(chip.has_cores_per_node(), chip.cores_per_node(), "chip.cores_per_node");
  require_field(core.has_neurons(), core.neurons(), "chip.core.neurons");
  require_field(core.has_weight_width_bits(), core.weight_width_bits(),
                "chip.core.weight_width_bits");
  require_field(core.has_max_axons(), core.max_axons(), "chip.core.max_axons");
  require_field(sram.has_word_width_bits(), sram.word_width_bits(),
                "chip.core.synapse_sram.word_width_bits");
  require_field(sram.has_size_bytes(), sram.size_bytes(), "chip.core.synapse_sram.size_bytes");

  if (layer_sizes.size() < 2) {
    throw ConfigError("network needs an input size and at least one layer, got " +
                      plural(layer_sizes.size(), "size"));
  }
  for (std::size_t l = 0; l < layer_sizes.size(); ++l) {
    if (layer_sizes[l] == 0) {
      throw ConfigError(l == 0 ? std::string("network has 0 inputs")
                               : "layer " + std::to_string(l) + " has 0 neurons");
    }
  }

  if (!fan_ins.empty() && fan_ins.size() + 1 != layer_sizes.size()) {
    throw ConfigError("network: " + plural(fan_ins.size(), "fan-in") + " for " +
                      plural(layer_sizes.size() - 1, "layer"));
  }
  for (std::size_t l = 0; l < fan_ins.size(); ++l) {
    if (fan_ins[l] == 0) throw ConfigError("layer " + std::to_string(l + 1) + " has fan-in 0");
  }

  const uint32_t neurons_per_core = core.neurons();
  const uint32_t word_bytes = sram.word_width_bits() / 8;
  Mapping mapping;
  mapping.cores_available = chip.mesh_width() * chip.mesh_height() * chip.cores_per_node();
  const uint32_t layer_count = static_cast<uint32_t>(layer_sizes.size() - 1);
  mapping.layers.resize(layer_count);

  uint64_t cores_needed = 0;
  std::string per_layer;  // "layer 1: 784 -> 512 needs 2 cores of 256 neurons, ..."
  for (uint32_t l = 1; l <= layer_count; ++l) {
    const uint32_t fan_in = fan_ins.empty() ? layer_sizes[l - 1] : fan_ins[l - 1];
    const uint32_t n = layer_sizes[l];
    const std::string layer = "layer " + std::to_string(l);
    const auto ranges = static_cast<uint32_t>(ceil_div(n, neurons_per_core));
    const uint32_t base = n / ranges;
    const uint32_t extra = n % ranges;  // the first `extra` ranges take one more neuron
    // The largest range (the first) decides how many rows a core can hold.
    const uint32_t largest = base + (extra > 0 ? 1 : 0);
    const uint64_t largest_row_bytes =
        ceil_div(uint64_t{largest} * core.weight_width_bits(), sram.word_width_bits()) * word_bytes;
    const uint64_t rows_in_sram = sram.size_bytes() / largest_row_bytes;
    if (rows_in_sram == 0) {
      throw ConfigError(layer + ": one row of " + std::to_string(largest_row_bytes) +
                        " bytes does not fit chip.core.synapse_sram.size_bytes = " +
                        std::to_string(sram.size_bytes()) + ": " +
                        std::to_string(largest_row_bytes - sram.size_bytes()) + " bytes short");
    }
    const uint64_t rows_max = std::min<uint64_t>(core.max_axons(), rows_in_sram);
    const auto groups = static_cast<uint32_t>(ceil_div(fan_in, rows_max));
    if (groups > 1 && core.state_width_bits() > 31) {
      throw ConfigError(layer + ": fan-in " + std::to_string(fan_in) + " needs " +
                        std::to_string(groups) + " fan-in groups of at most " + std::to_string(rows_max) +
                        " axons, and a fan-in split needs chip.core.state_width_bits <= 31 (it is " +
                        std::to_string(core.state_width_bits()) + ")");
    }
    const uint32_t group_base = fan_in / groups;
    const uint32_t group_extra = fan_in % groups;  // the first `group_extra` groups take one more line
    const uint64_t cores = uint64_t{ranges} * groups;
    if (!per_layer.empty()) per_layer += ", ";
    per_layer += layer + ": " + std::to_string(fan_in) + " -> " + std::to_string(n) + " needs " +
                 plural(cores, "core") + " of " + std::to_string(neurons_per_core) + " neurons";
    if (groups > 1) {
      per_layer += " and " + std::to_string(rows_max) + " axons (" + plural(ranges, "neuron range") + " x " +
                   plural(groups, "fan-in group") + ")";
    }

    std::vector<CoreSlot>& slots = mapping.layers[l - 1];
    slots.reserve(cores);
    uint32_t first = 0;
    for (uint32_t r = 0; r < ranges; ++r) {
      const uint32_t neuron_count = base + (r < extra ? 1 : 0);
      uint32_t first_axon = 0;
      for (uint32_t g = 0; g < groups; ++g) {
        CoreSlot slot;
        slot.core_index = static_cast<uint32_t>(cores_needed + slots.size());
        slot.node = slot.core_index / chip.cores_per_node();
        slot.core_in_node = slot.core_index % chip.cores_per_node();
        slot.layer = l;
        slot.first_neuron = first;
        slot.neuron_count = neuron_count;
        slot.fan_in = group_base + (g < group_extra ? 1 : 0);
        slot.words_per_row = static_cast<uint32_t>(
            ceil_div(uint64_t{neuron_count} * core.weight_width_bits(), sram.word_width_bits()));
        slot.row_bytes = uint64_t{slot.words_per_row} * word_bytes;
        slot.first_axon = first_axon;
        slot.fan_in_group = g;
        slot.fan_in_groups = groups;
        first_axon += slot.fan_in;
        slots.push_back(slot);
      }
      first += neuron_count;
    }
    cores_needed += cores;
  }

  if (cores_needed > mapping.cores_available) {
    throw ConfigError("network does not fit: layers need " + std::to_string(cores_needed) +
                      " cores (" + per_layer + "), the chip has " +
                      std::to_string(mapping.cores_available) + " (" +
                      std::to_string(chip.mesh_width()) + " x " +
                      std::to_string(chip.mesh_height()) + " mesh, " +
                      plural(chip.cores_per_node(), "core") + " per node): " +
                      std::to_string(cores_needed - mapping.cores_available) + " short");
  }
  mapping.cores_used = static_cast<uint32_t>(cores_needed);
  return mapping;
}

}  // namespace nmsim::mapper
