#include "workloads/common/weights.h"


#include "models/base/errors.h"
#include "models/base/input_file.h"
#include "models/base/output_file.h"
#include "proto/run.pb.h"
#include "workloads/common/prng.h"

namespace nmsim::workloads {

NetworkWeights random_weights(const std::vector<uint32_t>& layer_sizes, int32_t range,
                              uint64_t seed) {
  if (range < 0) throw ConfigError("network.init_weight_range: must be >= 0");
  NMSIM_ASSERT(layer_sizes.size() >= 2, "random_weights: need at least two layer sizes");
  NetworkWeights net;
  net.layers.resize(layer_sizes.size() - 1);
  for (size_t k = 0; k < net.layers.size(); ++k) {
    LayerWeightsData& layer = net.layers[k];
    layer.inputs = layer_sizes[k];
    layer.outputs = layer_sizes[k + 1];
    const uint64_t n = uint64_t{layer.inputs} * layer.outputs;
    NMSIM_ASSERT(n < (uint64_t{1} << 40), "random_weights: layer too large for the index");
    layer.w.resize(n);
    const uint64_t base = uint64_t{k} << 40;
    for (uint64_t e = 0; e < n; ++e)
      layer.w[e] = prng_uniform(seed, Stream::kWeights, base + e, -range, range);
  }
  return net;
}

NetworkWeights load_weights(const std::string& path, const std::vector<uint32_t>& layer_sizes,
                            uint32_t weight_width_bits) {
  NMSIM_ASSERT(weight_width_bits >= 1 && weight_width_bits <= 32, "load_weights: width");
  std::string bytes, reason;
  if (!read_input_file(path, bytes, reason)) throw DataError(path + ": cannot read: " + reason);
  ::nmsim::Weights message;
  if (!message.ParseFromString(bytes))
    throw DataError(path + ": damaged (not a binary nmsim.Weights message)");
  const size_t expected_layers = layer_sizes.size() < 2 ? 0 : layer_sizes.size() - 1;
  if (static_cast<size_t>(message.layers_size()) != expected_layers)
    throw DataError(path + ": holds " + std::to_string(message.layers_size()) +
                    " layers, the network has " + std::to_string(expected_layers));
  const int64_t hi = (int64_t{1} << (weight_width_bits - 1)) - 1;
  const int64_t lo = -(int64_t{1} << (weight_width_bits - 1));
  NetworkWeights net;
  net.layers.resize(expected_layers);
  for (size_t k = 0; k < expected_layers; ++k) {
    const ::nmsim::LayerWeights& m = message.layers(static_cast<int>(k));
    const std::string where = path + ": layer " + std::to_string(k);
    if (m.inputs() != layer_sizes[k] || m.outputs() != layer_sizes[k + 1])
      throw DataError(where + " is " + std::to_string(m.inputs()) + "x" +
                      std::to_string(m.outputs()) + ", expected " +
                      std::to_string(layer_sizes[k]) + "x" + std::to_string(layer_sizes[k + 1]));
    const uint64_t n = uint64_t{m.inputs()} * m.outputs();
    if (static_cast<uint64_t>(m.weights_size()) != n)
      throw DataError(where + " has " + std::to_string(m.weights_size()) + " weights, expected " +
                      std::to_string(n));
    LayerWeightsData& layer = net.layers[k];
    layer.inputs = m.inputs();
    layer.outputs = m.outputs();
    layer.w.assign(m.weights().begin(), m.weights().end());
    for (uint64_t e = 0; e < n; ++e)
      if (layer.w[e] < lo || layer.w[e] > hi)
        throw DataError(where + " weight " + std::to_string(e) + " (input " +
                        std::to_string(e / layer.outputs) + ", output " +
                        std::to_string(e % layer.outputs) + ") = " + std::to_string(layer.w[e]) +
                        " does not fit " + std::to_string(weight_width_bits) + " bits");
  }
  return net;
}

std::string weights_file_content(const NetworkWeights& weights) {
  ::nmsim::Weights message;
  for (const LayerWeightsData& layer : weights.layers) {
    NMSIM_ASSERT(layer.w.size() == uint64_t{layer.inputs} * layer.outputs,
                 "save_weights: layer size does not match inputs x outputs");
    ::nmsim::LayerWeights* m = message.add_layers();
    m->set_inputs(layer.inputs);
    m->set_outputs(layer.outputs);
    m->mutable_weights()->Add(layer.w.begin(), layer.w.end());
  }
  std::string bytes;
  NMSIM_ASSERT(message.SerializeToString(&bytes), "save_weights: cannot serialize the weights");
  return bytes;
}

void save_weights(const std::string& path, const NetworkWeights& weights) {
  write_output_file(path, weights_file_content(weights));
}

}  // namespace nmsim::workloads
