// The options of convex reconstruction (reference.h is the specification of what each one
// controls), from the run and chip configs.
#pragma once

#include <cstdint>

#include "models/arith/neuron_datapath.h"
#include "proto/chip.pb.h"
#include "proto/run.pb.h"

namespace nmsim::convex {

struct ConvexOptions {
  uint32_t units = 1000;  // P: the units the readout reads (layer 2's P2 with two hidden layers)
  uint32_t layer1_units = 0;  // P1 with two hidden layers [784, P1, P2]; 0: one hidden layer
  uint32_t time_steps = 8;
  arith::NeuronParams neuron;
  uint32_t weight_width_bits = 16;
  ::nmsim::Encoder encoder = ::nmsim::ENCODER_INTEGRATE_AND_FIRE;
  uint64_t seed = 1;
  uint32_t witness_sigma = 2500;
  uint32_t witness2_sigma = 1350;  // layer 2's (two hidden layers only)
  ::nmsim::ConvexFeatures features = ::nmsim::CONVEX_FEATURES_SPIKE_TRAIN;
  uint32_t eta_shift = 17;
  uint32_t eta_decay_epochs = 0;
  uint32_t batch_growth_epochs = 0;
  uint32_t refit_epochs = 0;
  uint32_t batch_size = 64;
  double beta_fraction = 0;
  ::nmsim::ConvexGroupNorm group_norm = ::nmsim::CONVEX_GROUP_NORM_L1;
  double tolerance = 0;
  uint32_t readout_fraction_bits = 16;
};

// From a validated run and chip config (P, T, neuron, seed, encoder from run; widths from
// chip.core; the rest from run.convex). ConfigError unless there are one or two hidden layers.
// The hidden layers' sizes: [P] or [P1, P2].
inline bool two_layers(const ConvexOptions& o) { return o.layer1_units > 0; }

ConvexOptions options_from_config(const ::nmsim::RunConfig& run, const ::nmsim::ChipConfig& chip);

}  // namespace nmsim::convex
