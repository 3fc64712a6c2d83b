// Weights of a layered, fully connected network: drawn from the seed, or saved by training
// and loaded by inference as an nmsim.Weights message (proto/run.proto, binary).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nmsim::workloads {

struct LayerWeightsData {
  uint32_t inputs = 0;
  uint32_t outputs = 0;
  std::vector<int32_t> w;  // row-major: w[i * outputs + j], i presynaptic, j postsynaptic

  int32_t at(uint32_t i, uint32_t j) const { return w[size_t{i} * outputs + j]; }
  const int32_t* row(uint32_t i) const { return w.data() + size_t{i} * outputs; }
};

struct NetworkWeights {
  std::vector<LayerWeightsData> layers;  // layers[k]: layer_sizes[k] -> layer_sizes[k + 1]
};

// Uniform in [-range, range] (range >= 0, else ConfigError): weight (i, j) of layer k is
//   prng_uniform(seed, Stream::kWeights, (k << 40) + i * outputs + j, -range, range)
// (layers have fewer than 2^40 weights), so any core can draw its own slice.
NetworkWeights random_weights(const std::vector<uint32_t>& layer_sizes, int32_t range,
                              uint64_t seed);

// Loads an nmsim.Weights file. DataError (naming the file) if it is missing or damaged, if
// its layers do not match layer_sizes (which layer, which size was expected), or if a
// weight does not fit a signed weight_width_bits word.
NetworkWeights load_weights(const std::string& path, const std::vector<uint32_t>& layer_sizes,
                            uint32_t weight_width_bits);

// The nmsim.Weights message, serialized (what save_weights writes). NMSIM_ASSERT if a layer's
// w has the wrong size.
std::string weights_file_content(const NetworkWeights& weights);
// Writes the file whole or not at all (models/base/output_file.h). DataError naming the path
// and the OS's reason if it cannot be written.
void save_weights(const std::string& path, const NetworkWeights& weights);

}  // namespace nmsim::workloads
