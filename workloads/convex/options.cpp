#include "workloads/convex/options.h"

#include <string>

#include "models/base/errors.h"
#include "workloads/common/network.h"
#include "workloads/convex/reference.h"

namespace nmsim::convex {

ConvexOptions options_from_config(const RunConfig& run, const ChipConfig& chip) {
  const int layers = run.network().hidden_sizes_size();
  if (layers != 1 && layers != 2)
    throw ConfigError("run.network.hidden_sizes: convex reconstruction takes one hidden layer (P parallel "
                      "units) or two (P1, P2: the readout learns from layer 2), got " +
                      std::to_string(layers) + " layers");
  ConvexOptions o;
  o.units = run.network().hidden_sizes(layers - 1);
  if (layers == 2) {
    o.layer1_units = run.network().hidden_sizes(0);
    if (o.layer1_units == 0) throw ConfigError("run.network.hidden_sizes[0]: P1 must be >= 1 unit");
  }
  o.time_steps = run.time_steps();
  o.neuron = workloads::neuron_params(run, chip);
  o.weight_width_bits = chip.core().weight_width_bits();
  o.encoder = run.encoder();
  o.seed = run.seed();
  const ConvexConfig& c = run.convex();
  o.witness_sigma = c.witness_sigma();
  o.witness2_sigma = c.witness2_sigma();
  o.features = c.features();
  o.eta_shift = c.eta_shift();
  o.eta_decay_epochs = c.eta_decay_epochs();
  o.batch_growth_epochs = c.batch_growth_epochs();
  o.refit_epochs = c.refit_epochs();
  o.batch_size = c.batch_size();
  o.beta_fraction = c.beta_fraction();
  o.group_norm = c.group_norm();
  o.tolerance = c.tolerance();
  o.readout_fraction_bits = c.readout_fraction_bits();
  check_options(o);
  return o;
}

}  // namespace nmsim::convex
