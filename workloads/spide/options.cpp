#include "workloads/spide/options.h"

#include <string>

#include "models/base/errors.h"
#include "workloads/common/dataset.h"

namespace nmsim::spide {
namespace {

void check_range(int64_t v, int64_t lo, int64_t hi, const std::string& field) {
  if (v < lo || v > hi)
    throw ConfigError(field + " = " + std::to_string(v) + ": must be " + std::to_string(lo) + ".." +
                      std::to_string(hi));
}

}  // namespace

void check_options(const SpideOptions& o) {
  if (o.inputs == 0) throw ConfigError("spide: the network has no inputs");
  if (o.feedforward > 0) {
    check_range(o.feedforward, 1, 4096, "run.network.hidden_sizes[0] (SPIDE's feedforward layer H)");
    check_range(o.hidden, 1, 4096, "run.network.hidden_sizes[1] (SPIDE's recurrent layer)");
  } else {
    check_range(o.hidden, 1, 4096, "run.network.hidden_sizes[0] (SPIDE's hidden layer)");
  }
  check_range(o.classes, 2, 255, "spide: classes");
  check_range(o.forward_steps, 1, 64, "run.spide.forward_steps");
  check_range(o.backward_steps, 1, 64, "run.spide.backward_steps");
  check_range(o.state_width_bits, 8, 32, "chip.core.state_width_bits");
  const int64_t max_state = (int64_t{1} << (o.state_width_bits - 1)) - 1;
  check_range(o.threshold, 2, max_state,
              "run.network.neuron.threshold (theta_b = theta / 2 >= 1, fits the state)");
  check_range(o.weight_width_bits, 2, 16, "chip.core.weight_width_bits");
  const int64_t max_weight = (int64_t{1} << (o.weight_width_bits - 1)) - 1;
  check_range(o.input_init_range, 0, max_weight, "run.spide.input_init_range");
  check_range(o.recurrent_init_range, 0, max_weight, "run.spide.recurrent_init_range");
  check_range(o.readout_init_range, 0, max_weight, "run.spide.readout_init_range");
  check_range(o.logit_shift, 0, 30, "run.spide.logit_shift");
  check_range(o.gradient_shift, 0, 40, "run.spide.gradient_shift");
  check_range(o.input_lr_shift, -16, 32, "run.spide.input_lr_shift");
  check_range(o.recurrent_lr_shift, -16, 32, "run.spide.recurrent_lr_shift");
  check_range(o.readout_lr_shift, -16, 32, "run.spide.readout_lr_shift");
  if (o.feedforward > 0) {
    check_range(o.feedforward_init_range, 0, max_weight, "run.spide.feedforward_init_range");
    check_range(o.feedforward_delta_shift, 0, 40, "run.spide.feedforward_delta_shift");
    check_range(o.feedforward_lr_shift, -16, 32, "run.spide.feedforward_lr_shift");
  }
  if (o.encoder != ENCODER_INTEGRATE_AND_FIRE && o.encoder != ENCODER_BERNOULLI)
    throw ConfigError("run.encoder: must be ENCODER_INTEGRATE_AND_FIRE or ENCODER_BERNOULLI");
}

SpideOptions options_from_config(const RunConfig& run, const ChipConfig& chip) {
  const NetworkConfig& net = run.network();
  if (net.hidden_sizes_size() != 1 && net.hidden_sizes_size() != 2)
    throw ConfigError("run.network.hidden_sizes: SPIDE has exactly one recurrent hidden layer [N], or a "
                      "feedforward layer before it [H, N]; " +
                      std::to_string(net.hidden_sizes_size()) + " sizes given");
  if (!net.weights_file().empty())
    throw ConfigError("run.network.weights_file: SPIDE draws F, W and O from the seed (no file)");
  const NeuronConfig& n = net.neuron();
  if (n.leak_mode() != LEAK_NONE)
    throw ConfigError("run.network.neuron.leak_mode: SPIDE's neurons are IF (LEAK_NONE)");
  if (n.reset_mode() != RESET_SUBTRACT)
    throw ConfigError("run.network.neuron.reset_mode: SPIDE's rates need RESET_SUBTRACT");
  if (n.refractory_steps() != 0)
    throw ConfigError("run.network.neuron.refractory_steps: SPIDE needs 0");
  const SpideConfig& c = run.spide();
  if (!c.has_loss() || c.loss() == SPIDE_LOSS_UNSPECIFIED)
    throw ConfigError("run.spide.loss: must be SPIDE_LOSS_SOFTMAX_CROSS_ENTROPY or SPIDE_LOSS_SQUARED_ERROR");
  SpideOptions o;
  o.inputs = workloads::kImagePixels;
  const bool two_layers = net.hidden_sizes_size() == 2;
  o.feedforward = two_layers ? net.hidden_sizes(0) : 0;
  o.hidden = net.hidden_sizes(two_layers ? 1 : 0);
  if (two_layers && o.feedforward == 0)
    throw ConfigError("run.network.hidden_sizes[0] = 0: the feedforward layer needs at least one neuron");
  o.classes = workloads::kClasses;
  o.forward_steps = c.forward_steps();
  o.backward_steps = c.backward_steps();
  if (n.threshold() > INT32_MAX)
    throw ConfigError("run.network.neuron.threshold = " + std::to_string(n.threshold()) + ": too large");
  o.threshold = static_cast<int32_t>(n.threshold());
  o.state_width_bits = chip.core().state_width_bits();
  o.weight_width_bits = chip.core().weight_width_bits();
  o.encoder = run.encoder();
  o.seed = run.seed();
  o.loss = c.loss() == SPIDE_LOSS_SQUARED_ERROR ? Loss::kSquaredError : Loss::kSoftmaxCrossEntropy;
  o.logit_shift = c.logit_shift();
  o.gradient_shift = c.gradient_shift();
  o.input_lr_shift = c.input_lr_shift();
  o.recurrent_lr_shift = c.recurrent_lr_shift();
  o.readout_lr_shift = c.readout_lr_shift();
  o.lr_decay_epochs = c.lr_decay_epochs();
  o.input_init_range = c.input_init_range();
  o.recurrent_init_range = c.recurrent_init_range();
  o.readout_init_range = c.readout_init_range();
  o.feedforward_delta_shift = c.feedforward_delta_shift();
  o.feedforward_lr_shift = c.feedforward_lr_shift();
  o.feedforward_init_range = c.feedforward_init_range();
  check_options(o);
  return o;
}

}  // namespace nmsim::spide
