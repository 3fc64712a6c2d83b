#include "workloads/convex/options.h"

#include <string>

#include "models/base/errors.h"
#include "workloads/common/network.h"
#include "workloads/convex/reference.h"

namespace nmsim::convex {

ConvexOptions options_from_config(const RunConfig& run, const ChipConfig& chip) {
  if (run.network().hidden_sizes_size() != 1)
    throw ConfigError("run.network.hidden_sizes: convex reconstruction needs exactly one "
                      "hidden layer (P parallel units), got " +
                      std::to_string(run.network().hidden_sizes_size()));
  ConvexOptions o;
  o.units = run.network().hidden_sizes(0);
  o.time_steps = run.time_steps();
  o.neuron = workloads::neuron_params(run, chip);
  o.weight_width_bits = chip.core().weight_width_bits();
  o.encoder = run.encoder();
  o.seed = run.seed();
  const ConvexConfig& c = run.convex();
  o.witness_sigma = c.witness_sigma();
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
