// One sample's forward pass as firmware, shared by every workload: reset the neurons, then
// for T steps and layers l = 1..L in order, the cores of layer l integrate (the first layer
// from its rate encoder), fire and send, and every core meets the barrier after each layer;
// the very last barrier goes into `after`. on_fired(t) runs after this core's fire scan.
#pragma once

#include <cstdint>
#include <functional>

#include "models/core/neuron_core.h"
#include "models/base/spike_bitmap.h"
#include "workloads/common/encoder.h"

namespace nmsim::job {

void run_forward_pass(core::NeuronCore& core, workloads::RateEncoder& encoder, SpikeBitmap& input_spikes,
                      uint64_t encoder_index, uint32_t time_steps, uint32_t layers, Phase after,
                      const std::function<void(uint32_t)>& on_fired = {});

}  // namespace nmsim::job
