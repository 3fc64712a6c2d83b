#include "workloads/common/network.h"

#include "workloads/common/dataset.h"
#include "workloads/common/input_pooling.h"

#include <string>

#include "models/base/errors.h"

namespace nmsim::workloads {

std::vector<uint32_t> layer_sizes(const RunConfig& run) {
  std::vector<uint32_t> sizes{input_pixels(run)};
  for (uint32_t h : run.network().hidden_sizes()) sizes.push_back(h);
  sizes.push_back(kClasses);
  return sizes;
}

void check_network(const std::vector<uint32_t>& sizes, const NetworkWeights& weights,
                   const arith::NeuronParams& neuron) {
  if (sizes.size() < 2) throw ConfigError("network: needs an input and an output layer");
  for (size_t l = 0; l < sizes.size(); ++l)
    if (sizes[l] == 0) throw ConfigError("network: layer " + std::to_string(l) + " is empty");
  if (weights.layers.size() != sizes.size() - 1)
    throw ConfigError("network: " + std::to_string(weights.layers.size()) + " weight layers for " +
                      std::to_string(sizes.size() - 1) + " layers");
  for (size_t k = 0; k < weights.layers.size(); ++k) {
    const LayerWeightsData& w = weights.layers[k];
    if (w.inputs != sizes[k] || w.outputs != sizes[k + 1] || w.w.size() != uint64_t{w.inputs} * w.outputs)
      throw ConfigError("network: weights of layer " + std::to_string(k + 1) + " are " +
                        std::to_string(w.inputs) + "x" + std::to_string(w.outputs) + ", expected " +
                        std::to_string(sizes[k]) + "x" + std::to_string(sizes[k + 1]));
  }
  if (neuron.state_width_bits < 2 || neuron.state_width_bits > 32)
    throw ConfigError("core.state_width_bits: must be 2..32");
  const int64_t max_state = (int64_t{1} << (neuron.state_width_bits - 1)) - 1;
  if (neuron.threshold < 1 || neuron.threshold > max_state)
    throw ConfigError("network.neuron.threshold: must be 1.." + std::to_string(max_state) + " for a " +
                      std::to_string(neuron.state_width_bits) + "-bit state");
  if (neuron.refractory_steps > 255) throw ConfigError("network.neuron.refractory_steps: must fit 8 bits");
}

arith::NeuronParams neuron_params(const RunConfig& run, const ChipConfig& chip) {
  return neuron_params(run.network().neuron(), chip.core().state_width_bits());
}

arith::NeuronParams neuron_params(const NeuronConfig& n, uint32_t state_width_bits) {
  arith::NeuronParams p;
  p.threshold = static_cast<int32_t>(n.threshold());
  p.leak = n.leak_mode() == LEAK_SHIFT      ? arith::Leak::kShift
           : n.leak_mode() == LEAK_SUBTRACT ? arith::Leak::kSubtract
                                            : arith::Leak::kNone;
  p.leak_amount = n.leak_amount();
  p.reset = n.reset_mode() == RESET_ZERO ? arith::Reset::kZero : arith::Reset::kSubtract;
  p.refractory_steps = n.refractory_steps();
  p.state_width_bits = state_width_bits;
  return p;
}

}  // namespace nmsim::workloads
