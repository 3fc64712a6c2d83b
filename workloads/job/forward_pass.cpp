#include "workloads/job/forward_pass.h"

namespace nmsim::job {

void run_forward_pass(core::NeuronCore& core, workloads::RateEncoder& encoder, SpikeBitmap& input_spikes,
                      uint64_t encoder_index, uint32_t time_steps, uint32_t layers, Phase after,
                      const std::function<void(uint32_t)>& on_fired) {
  const core::CoreLayout& layout = core.layout();
  core.reset_neurons();
  if (layout.first_layer) {
    encoder.start(core.input_pixels().data(), layout.fan_in, encoder_index, layout.first_axon,
                  layout.layer_fan_in);
  }
  for (uint32_t t = 0; t < time_steps; ++t) {
    for (uint32_t l = 1; l <= layers; ++l) {
      if (layout.layer == l) {
        if (layout.first_layer) {
          encoder.step(t, input_spikes);
          core.set_input_spikes(input_spikes);
        }
        core.integrate();
        if (!layout.owns_neurons()) {
          core.send_partials();  // a fan-in group core: its partial sums go to the owner
        } else {
          if (layout.fan_in_groups > 1) core.merge_partials();
          core.fire();
          core.send_spikes();
          if (on_fired) on_fired(t);
        }
      }
      core.barrier(t + 1 == time_steps && l == layers ? after : Phase::kForward);
    }
  }
}

}  // namespace nmsim::job
