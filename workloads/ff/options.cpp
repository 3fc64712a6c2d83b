#include "workloads/ff/options.h"

#include "workloads/common/dataset.h"
#include "workloads/common/network.h"

namespace nmsim::ff {

FfOptions options_from_config(const ::nmsim::RunConfig& run, const ::nmsim::ChipConfig& chip) {
  FfOptions o;
  o.layer_sizes.push_back(workloads::kImagePixels);
  for (uint32_t h : run.network().hidden_sizes()) o.layer_sizes.push_back(h);
  o.time_steps = run.time_steps();
  o.neuron = workloads::neuron_params(run, chip);
  o.weight_width_bits = chip.core().weight_width_bits();
  o.encoder = run.encoder();
  o.seed = run.seed();
  const FfConfig& f = run.ff();
  o.lr_shift = f.lr_shift();
  o.lr_shift_per_epoch = f.lr_shift_per_epoch();
  o.tau_divisor = f.tau_divisor();
  o.gate = f.gate();
  o.predict_last_layer = f.predict_last_layer();
  o.group_sizes.assign(f.group_sizes().begin(), f.group_sizes().end());
  o.class_adaptation = f.class_adaptation();
  o.adaptation_window = f.adaptation_window();
  o.adaptation_interval = f.adaptation_interval();
  return o;
}

}  // namespace nmsim::ff
