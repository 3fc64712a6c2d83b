// The options of an FF network and its learning rule (reference.h is the specification of
// what each one controls), from the run and chip configs.
#pragma once

#include <cstdint>
#include <vector>

#include "models/arith/neuron_datapath.h"
#include "proto/chip.pb.h"
#include "proto/run.pb.h"

namespace nmsim::ff {

struct FfOptions {
  std::vector<uint32_t> layer_sizes;  // [inputs, H_1, ..., H_L]
  uint32_t time_steps = 8;
  arith::NeuronParams neuron;
  uint32_t weight_width_bits = 16;
  ::nmsim::Encoder encoder = ::nmsim::ENCODER_INTEGRATE_AND_FIRE;
  uint64_t seed = 1;
  int32_t lr_shift = 6;
  uint32_t lr_shift_per_epoch = 0;  // used by the study, not by FfReference
  uint32_t tau_divisor = 32;
  bool gate = true;
  bool predict_last_layer = false;
  std::vector<uint32_t> group_sizes;  // empty: equal groups
  bool class_adaptation = false;
  uint32_t adaptation_window = 10000;
  uint32_t adaptation_interval = 1000;
};

// Options from a validated run config and chip config (hidden sizes, T, neuron, seed,
// encoder from run; widths from chip.core; the rest from run.ff).
FfOptions options_from_config(const ::nmsim::RunConfig& run, const ::nmsim::ChipConfig& chip);

}  // namespace nmsim::ff
