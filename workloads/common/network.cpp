#include "workloads/common/network.h"

#include "workloads/common/dataset.h"

namespace nmsim::workloads {

std::vector<uint32_t> layer_sizes(const RunConfig& run) {
  std::vector<uint32_t> sizes{kImagePixels};
  for (uint32_t h : run.network().hidden_sizes()) sizes.push_back(h);
  sizes.push_back(kClasses);
  return sizes;
}

core::NeuronParams neuron_params(const RunConfig& run, const ChipConfig& chip) {
  const NeuronConfig& n = run.network().neuron();
  core::NeuronParams p;
  p.threshold = static_cast<int32_t>(n.threshold());
  p.leak = n.leak_mode() == LEAK_SHIFT      ? core::Leak::kShift
           : n.leak_mode() == LEAK_SUBTRACT ? core::Leak::kSubtract
                                            : core::Leak::kNone;
  p.leak_amount = n.leak_amount();
  p.reset = n.reset_mode() == RESET_ZERO ? core::Reset::kZero : core::Reset::kSubtract;
  p.refractory_steps = n.refractory_steps();
  p.state_width_bits = chip.core().state_width_bits();
  return p;
}

}  // namespace nmsim::workloads
