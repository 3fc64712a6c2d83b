// The FF functional reference on a network small enough to follow by hand.
#include <catch2/catch.hpp>

#include <vector>

#include "models/base/errors.h"
#include "workloads/common/weights.h"
#include "workloads/ff/reference.h"

using nmsim::ff::FfOptions;
using nmsim::ff::FfReference;
using nmsim::ff::LayerState;
using nmsim::workloads::LayerWeightsData;
using nmsim::workloads::NetworkWeights;

namespace {

// 3 inputs -> 10 neurons (one per class group), T = 2, theta = 100, IF neurons, reset by
// subtraction, 24-bit state, 16-bit weights, tau_divisor 1 (tau = T^2 = 4), lr_shift 4.
FfOptions tiny_options() {
  FfOptions o;
  o.layer_sizes = {3, 10};
  o.time_steps = 2;
  o.neuron.threshold = 100;
  o.neuron.state_width_bits = 24;
  o.weight_width_bits = 16;
  o.encoder = nmsim::ENCODER_INTEGRATE_AND_FIRE;
  o.seed = 0;
  o.lr_shift = 4;
  o.tau_divisor = 1;
  return o;
}

// Neuron 0 (class 0): w = 60, 50; neuron 1 (class 1): 100, 20; neuron 2: 40, -10;
// neurons 3..9: 0. Input 2 never spikes: its row holds 7s.
NetworkWeights tiny_weights() {
  NetworkWeights w;
  w.layers.push_back(LayerWeightsData{3, 10, {60, 100, 40, 0, 0, 0, 0, 0, 0, 0,
                                              50, 20, -10, 0, 0, 0, 0, 0, 0, 0,
                                              7, 7, 7, 7, 7, 7, 7, 7, 7, 7}});
  return w;
}

const uint8_t kPixels[3] = {255, 128, 0};

// Shared by the cases below (derived once here):
// Encoder (acc from 128, +pixel, spike at 256): 255 -> steps 0, 1; 128 -> step 0; 0 never.
//   s0: t0 {0, 1}, t1 {0}.  x = [2, 1, 0].
// Neuron 0: t0 u = 60 + 50 = 110 >= 100 -> spike, u = 10; t1 u = 70. a0 = 1, final 70.
// Neuron 1: t0 120 -> spike, u = 20; t1 120 -> spike, u = 20. a1 = 2 = T, final 20.
// Neuron 2: t0 30; t1 70. a2 = 0, final 70. Neurons 3..9: a = 0, u = 0.
// Goodness (groups of one): S0 = 1, S1 = 4, others 0.
// K = floor((2^24 * 1 + 2) / (1 * 4)) = 2^22; z = (S * 2^22 + 2^15) >> 16 = 64 S:
//   z0 = 64, z1 = 256, others 0.
// Softmax: m = 256; i = (256 - z + 8) >> 4: class 1 -> 0, class 0 -> 12, others -> 16.
//   table: e(0) = 65536, e(12) = round(65536 exp(-0.75)) = 30957, e(16) = 24109.
//   S = 65536 + 30957 + 8 * 24109 = 289365; R = floor(2^40 / 289365) = 3799739.
//   p0 = (30957 R + 2^31) >> 32 = 27 (27.39), p1 = 58 (57.98), others 21 (21.33).
// Prediction: argmax z = class 1.
// SOPs: (2 + 1) input spikes x 10 neurons = 30.

void require_tiny_forward(const FfReference& ref) {
  const LayerState& s = ref.layer(1);
  REQUIRE(s.x == std::vector<uint32_t>{2, 1, 0});
  REQUIRE(s.a == std::vector<uint32_t>{1, 2, 0, 0, 0, 0, 0, 0, 0, 0});
  REQUIRE(s.potentials == std::vector<int32_t>{70, 20, 70, 0, 0, 0, 0, 0, 0, 0});
  REQUIRE(s.goodness_sum[0] == 1);
  REQUIRE(s.goodness_sum[1] == 4);
  REQUIRE(ref.logit_scale(1, 0) == (uint64_t{1} << 22));
  REQUIRE(s.logits[0] == 64);
  REQUIRE(s.logits[1] == 256);
  REQUIRE(s.logits[2] == 0);
  REQUIRE(std::vector<int32_t>(s.probabilities, s.probabilities + 10) ==
          std::vector<int32_t>{27, 58, 21, 21, 21, 21, 21, 21, 21, 21});
  REQUIRE(ref.last_counts().input_spikes == 3);
  REQUIRE(ref.last_counts().sops_forward == 30);
}

}  // namespace

TEST_CASE("ff reference: forward pass, goodness, softmax and prediction by hand", "[ff]") {
  FfReference ref(tiny_options(), tiny_weights());
  REQUIRE(ref.predict(kPixels, 0) == 1);
  require_tiny_forward(ref);
  // predict() leaves the weights and the training counts alone.
  REQUIRE(ref.weights().layers[0].w == tiny_weights().layers[0].w);
  REQUIRE(ref.last_counts().update_ops == 0);
  REQUIRE(ref.last_counts().weights_written == 0);
}

TEST_CASE("ff reference: one update by hand (label 0)", "[ff]") {
  FfReference ref(tiny_options(), tiny_weights());
  REQUIRE(ref.train(kPixels, 0, 0) == 1);  // the prediction before the update
  require_tiny_forward(ref);
  const LayerState& s = ref.layer(1);
  // err = p - 256 [c == 0] = [-229, 58, 21, ...].
  REQUIRE(s.class_error[0] == -229);
  REQUIRE(s.class_error[1] == 58);
  REQUIRE(s.class_error[2] == 21);
  // e_j = err_c(j) a_j: e0 = -229; e1 = 58 * 2 = 116 (a1 = T, but e1 > 0: the gate keeps
  // it); a = 0 elsewhere -> 0.
  REQUIRE(s.neuron_error == std::vector<int64_t>{-229, 116, 0, 0, 0, 0, 0, 0, 0, 0});
  // d = round_shift(-(e x), 4):
  //   row 0 (x = 2): d00 = round(458 / 16 = 28.6) = 29, d01 = -round(232 / 16 = 14.5) = -15
  //   row 1 (x = 1): d10 = round(229 / 16 = 14.3) = 14, d11 = -round(116 / 16 = 7.25) = -7
  //   row 2: x = 0, untouched.
  const std::vector<int32_t> expected{89, 85, 40, 0, 0, 0, 0, 0, 0, 0,
                                      64, 13, -10, 0, 0, 0, 0, 0, 0, 0,
                                      7, 7, 7, 7, 7, 7, 7, 7, 7, 7};
  REQUIRE(ref.weights().layers[0].w == expected);
  // 2 rows x 2 neurons with e != 0; all 4 weights change; 2 rows written.
  REQUIRE(ref.last_counts().update_ops == 4);
  REQUIRE(ref.last_counts().weights_written == 4);
  REQUIRE(ref.last_counts().rows_written == 2);
}

TEST_CASE("ff reference: the gate stops a saturated neuron of the label's group", "[ff]") {
  // Label 1: err = [27, 27 + ... ] = [27, 58 - 256 = -198, 21, ...].
  // e0 = 27 * 1 = 27; e1 = -198 * 2 = -396 with a1 = T = 2 and e1 < 0: gated to 0.
  // Row 0 (x = 2): d00 = -round(54 / 16 = 3.4) = -3; row 1 (x = 1): d10 = -round(27 / 16 =
  // 1.7) = -2. Neuron 1 keeps 100 and 20.
  FfReference ref(tiny_options(), tiny_weights());
  ref.train(kPixels, 1, 0);
  const LayerState& s = ref.layer(1);
  REQUIRE(s.class_error[0] == 27);
  REQUIRE(s.class_error[1] == -198);
  REQUIRE(s.neuron_error[0] == 27);
  REQUIRE(s.neuron_error[1] == 0);
  const auto& w = ref.weights().layers[0];
  REQUIRE(w.at(0, 0) == 57);
  REQUIRE(w.at(1, 0) == 48);
  REQUIRE(w.at(0, 1) == 100);
  REQUIRE(w.at(1, 1) == 20);
  REQUIRE(ref.last_counts().update_ops == 2);
  REQUIRE(ref.last_counts().weights_written == 2);
  REQUIRE(ref.last_counts().rows_written == 2);
}

TEST_CASE("ff reference: without the gate the saturated neuron is pushed further up", "[ff]") {
  // As above, but e1 = -396 is kept: d01 = round(792 / 16 = 49.5) = 50 (ties away from
  // zero), d11 = round(396 / 16 = 24.75) = 25.
  FfOptions o = tiny_options();
  o.gate = false;
  FfReference ref(o, tiny_weights());
  ref.train(kPixels, 1, 0);
  REQUIRE(ref.layer(1).neuron_error[1] == -396);
  const auto& w = ref.weights().layers[0];
  REQUIRE(w.at(0, 0) == 57);
  REQUIRE(w.at(1, 0) == 48);
  REQUIRE(w.at(0, 1) == 150);
  REQUIRE(w.at(1, 1) == 45);
  REQUIRE(ref.last_counts().update_ops == 4);
  REQUIRE(ref.last_counts().weights_written == 4);
}

TEST_CASE("ff reference: weights saturate at weight_width_bits, zero deltas are no writes",
          "[ff]") {
  // 8-bit weights ([-128, 127]) and lr_shift -2 (x4): label 0 gives
  //   d00 = 458 * 4 = 1832 -> 60 + 1832 saturates at 127; d01 = -232 * 4 = -928 -> -128;
  //   d10 = 229 * 4 = 916 -> 127; d11 = -116 * 4 = -464 -> -128.
  FfOptions o = tiny_options();
  o.weight_width_bits = 8;
  o.lr_shift = -2;
  FfReference ref(o, tiny_weights());
  ref.train(kPixels, 0, 0);
  const auto& w = ref.weights().layers[0];
  REQUIRE(w.at(0, 0) == 127);
  REQUIRE(w.at(0, 1) == -128);
  REQUIRE(w.at(1, 0) == 127);
  REQUIRE(w.at(1, 1) == -128);
  // lr_shift 40: every delta rounds to 0: nothing written, no row touched, but the 4
  // multiply-and-round operations still happen.
  o.weight_width_bits = 16;
  o.lr_shift = 40;
  FfReference idle(o, tiny_weights());
  idle.train(kPixels, 0, 0);
  REQUIRE(idle.weights().layers[0].w == tiny_weights().layers[0].w);
  REQUIRE(idle.last_counts().update_ops == 4);
  REQUIRE(idle.last_counts().weights_written == 0);
  REQUIRE(idle.last_counts().rows_written == 0);
}

TEST_CASE("ff reference: set_lr_shift changes the following updates", "[ff]") {
  // Label 0 with lr_shift 5 instead of 4: row 0: d00 = round(458 / 32 = 14.3) = 14,
  // d01 = -round(232 / 32 = 7.25) = -7; row 1: d10 = round(229 / 32 = 7.2) = 7,
  // d11 = -round(116 / 32 = 3.6) = -4.
  FfReference ref(tiny_options(), tiny_weights());
  ref.set_lr_shift(5);
  REQUIRE(ref.lr_shift() == 5);
  ref.train(kPixels, 0, 0);
  const auto& w = ref.weights().layers[0];
  REQUIRE(w.at(0, 0) == 74);
  REQUIRE(w.at(0, 1) == 93);
  REQUIRE(w.at(1, 0) == 57);
  REQUIRE(w.at(1, 1) == 16);
  REQUIRE_THROWS_AS(ref.set_lr_shift(41), nmsim::ConfigError);
}

TEST_CASE("ff reference: class-aware adaptation from a sliding window, by hand", "[ff]") {
  // lr_shift 40 keeps the weights fixed, so every sample predicts class 1 (see above).
  // Window of 3 samples, alpha recomputed every 2. Labels 0, 1, 2, 1:
  FfOptions o = tiny_options();
  o.lr_shift = 40;
  o.class_adaptation = true;
  o.adaptation_window = 3;
  o.adaptation_interval = 2;
  FfReference ref(o, tiny_weights());
  // Sample 1 (label 0, wrong), alpha = 1: err0 = round_shift(-229 * 256, 8) = -229.
  ref.train(kPixels, 0, 0);
  REQUIRE(ref.layer(1).class_error[0] == -229);
  REQUIRE(ref.alpha() == std::vector<uint32_t>(10, 256));
  // Sample 2 (label 1, right): window {0 wrong, 1 right}. Recompute:
  //   r0 = (1 << 16) / 1 = 65536, r1 = 0 / 1 = 0, others (no samples) 0; R = 65536.
  //   a0 = (65536 * 2560 + 32768) / 65536 = 2560 -> clamped 512; others 0 -> 128.
  //   A = 512 + 9 * 128 = 1664; alpha0 = (512 * 2560 + 832) / 1664 = 788 (788.2),
  //   others (128 * 2560 + 832) / 1664 = 197 (197.4).
  ref.train(kPixels, 1, 1);
  std::vector<uint32_t> expected(10, 197);
  expected[0] = 788;
  REQUIRE(ref.alpha() == expected);
  // Sample 3 (label 2, alpha 197): err2 = round_shift((21 - 256) * 197 = -46295, 8) = -181
  // (-180.8); err0 = round_shift(27 * 197 = 5319, 8) = 21 (20.8);
  // err1 = round_shift(58 * 197 = 11426, 8) = 45 (44.6).
  ref.train(kPixels, 2, 2);
  REQUIRE(ref.layer(1).class_error[2] == -181);
  REQUIRE(ref.layer(1).class_error[0] == 21);
  REQUIRE(ref.layer(1).class_error[1] == 45);
  REQUIRE(ref.alpha() == expected);  // not an interval boundary
  // Sample 4 (label 1, right): the window keeps the last 3 (labels 1, 2, 1): class 0 left.
  //   r2 = 65536, r1 = 0 / 2, others 0: the same shape, on class 2.
  ref.train(kPixels, 1, 3);
  expected.assign(10, 197);
  expected[2] = 788;
  REQUIRE(ref.alpha() == expected);
}

TEST_CASE("ff reference: two layers, the second trains on the first's counts", "[ff]") {
  // Layer 2: 10 -> 10, weights 0 except from neuron 1 (a = 2 in layer 1): neuron 3 of
  // layer 2 gets 100 per spike of layer-1 neuron 1 in the same step -> fires at t0 and t1.
  FfOptions o = tiny_options();
  o.layer_sizes = {3, 10, 10};
  NetworkWeights w = tiny_weights();
  LayerWeightsData second{10, 10, std::vector<int32_t>(100, 0)};
  second.w[1 * 10 + 3] = 100;
  w.layers.push_back(second);
  FfReference ref(o, w);
  // Layer 2: S3 = 4 -> z3 = 256 (the same scale), z = 0 elsewhere; layer 1: z0 = 64,
  // z1 = 256. Summed: class 1 = 256, class 3 = 256, class 0 = 64: a tie between 1 and 3,
  // broken by the last layer's group potentials: group 1 (neuron 1 of layer 2) = 0, group 3
  // = 100 + 100 - 100 - 100 = 0: equal, so the lower class, 1.
  REQUIRE(ref.train(kPixels, 3, 0) == 1);
  const LayerState& s2 = ref.layer(2);
  REQUIRE(s2.x == std::vector<uint32_t>{1, 2, 0, 0, 0, 0, 0, 0, 0, 0});
  REQUIRE(s2.a[3] == 2);
  REQUIRE(s2.logits[3] == 256);
  // Layer-1 spikes: t0 {0, 1}, t1 {1}: 3 spikes x 10 neurons = 30 SOPs on top of 30.
  REQUIRE(ref.last_counts().sops_forward == 60);
  // Layer 2, label 3: neuron 3 has a = T and err3 < 0: gated; nothing else fired: no
  // update in layer 2. Layer 1 (label 3): e0 = 27, e1 = 58 * 2 = 116: 2 rows x 2 neurons.
  REQUIRE(s2.neuron_error == std::vector<int64_t>(10, 0));
  REQUIRE(ref.weights().layers[1].w == second.w);
  REQUIRE(ref.last_counts().update_ops == 4);
}

TEST_CASE("ff reference: rejects configurations it cannot run", "[ff]") {
  FfOptions o = tiny_options();
  o.layer_sizes = {3, 9};
  NetworkWeights w;
  w.layers.push_back(LayerWeightsData{3, 9, std::vector<int32_t>(27, 0)});
  REQUIRE_THROWS_AS(FfReference(o, w), nmsim::ConfigError);  // fewer neurons than classes
  o = tiny_options();
  o.group_sizes = {2, 1, 1, 1, 1, 1, 1, 1, 1, 1};  // sums to 11, the layer has 10
  REQUIRE_THROWS_AS(FfReference(o, tiny_weights()), nmsim::ConfigError);
  o = tiny_options();
  o.weight_width_bits = 6;  // 100 does not fit [-32, 31]
  REQUIRE_THROWS_AS(FfReference(o, tiny_weights()), nmsim::ConfigError);
}
