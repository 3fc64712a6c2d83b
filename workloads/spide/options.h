// The parameters of a SPIDE network and its learning rule (reference.h is the
// specification of what each one controls), and their checks.
#pragma once

#include <cstdint>

#include "proto/chip.pb.h"
#include "proto/run.pb.h"

namespace nmsim::spide {

enum class Loss : uint8_t { kSoftmaxCrossEntropy, kSquaredError };

// Defaults are the preset's (platform/presets/run_default.textproto, spide block).
struct SpideOptions {
  uint32_t inputs = 784;
  uint32_t feedforward = 0;       // H: a feedforward layer before the recurrent one (0: none)
  uint32_t hidden = 100;          // N
  uint32_t classes = 10;
  uint32_t forward_steps = 16;    // T_f
  uint32_t backward_steps = 16;   // T_b
  int32_t threshold = 1 << 14;    // theta; theta_b = theta / 2
  uint32_t state_width_bits = 24; // potentials u, v and output accumulators o
  uint32_t weight_width_bits = 16;
  ::nmsim::Encoder encoder = ::nmsim::ENCODER_INTEGRATE_AND_FIRE;
  uint64_t seed = 1;
  Loss loss = Loss::kSoftmaxCrossEntropy;
  uint32_t logit_shift = 8;
  uint32_t gradient_shift = 4;
  int32_t input_lr_shift = 3;
  int32_t recurrent_lr_shift = 6;
  int32_t readout_lr_shift = 6;
  uint32_t lr_decay_epochs = 2;  // used by the study
  int32_t input_init_range = 2000;
  int32_t recurrent_init_range = 500;
  int32_t readout_init_range = 500;
  // The feedforward layer (used only when feedforward > 0; reference.h, "784-H-N-10").
  uint32_t feedforward_delta_shift = 10;  // delta_h = m_h round(F delta / 2^shift)
  int32_t feedforward_lr_shift = 7;       // dV = round(-delta_h p / 2^shift)
  int32_t feedforward_init_range = 2000;  // V uniform in [-range, range]

  // The lines that feed the recurrent layer through F: the pixels, or layer H's neurons.
  uint32_t recurrent_inputs() const { return feedforward > 0 ? feedforward : inputs; }
};

// From a run config (run.spide, run.network.hidden_sizes = [N] or [H, N], and neuron, run.encoder,
// run.seed) and the chip's state and weight widths. ConfigError naming the field for
// anything SPIDE cannot run (see check_options) and for a neuron that is not IF with reset
// by subtraction and no refractory period.
SpideOptions options_from_config(const ::nmsim::RunConfig& run, const ::nmsim::ChipConfig& chip);

// ConfigError naming the field: no inputs, hidden or feedforward (if not 0) outside 1..4096, classes outside
// 2..255, steps outside 1..64, a state width outside 8..32 or too narrow for theta,
// theta < 2 (theta_b = theta / 2 must be >= 1), a weight width outside 2..16, an init range
// outside 0..the largest weight, shifts out of range (logit 0..30, gradient 0..40,
// learning rates -16..32, feedforward delta 0..40).
void check_options(const SpideOptions& options);

}  // namespace nmsim::spide
