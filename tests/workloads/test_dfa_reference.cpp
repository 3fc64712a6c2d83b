// The DFA functional reference on a tiny network, every number derived by hand from
// workloads/dfa/reference.h.
//
// Network [3, 4, 2]: 3 inputs, 4 hidden, 2 classes; theta = 100, reset by subtraction, no
// leak, 24-bit state, T = 2, integrate-and-fire encoder, seed 1.
// Pixels [255, 128, 0]: the encoder's accumulators start at 128:
//   pixel 255: 383 -> spike (127), 382 -> spike: steps 0 and 1;
//   pixel 128: 256 -> spike (0), 128: step 0 only; pixel 0: never.
//   x = [2, 1, 0]; s_0(0) = {0, 1}, s_0(1) = {0}.
// W1 rows (input i):      i=0 [60, 120, -50, 30]  i=1 [50, -10, 20, 80]  i=2 [7, 7, 7, 7]
//   step 0: u = [110, 110, -30, 110] -> 0, 1, 3 fire -> u = [10, 10, -30, 10]
//   step 1: u = [70, 130, -80, 40]   -> 1 fires      -> u = [70, 30, -80, 40]
//   a = [1, 2, 0, 1], final u1 = [70, 30, -80, 40]
// W2 rows (hidden j):     j=0 [40, -20]  j=1 [70, 10]  j=2 [5, 5]  j=3 [-30, 90]
//   step 0 (hidden {0, 1, 3}): u = [80, 80], nobody fires
//   step 1 (hidden {1}):       u = [150, 90] -> class 0 fires -> u = [50, 90]
//   o = [1, 0], final u2 = [50, 90]; prediction 0 (more spikes).
// SOPs forward: hidden 2 * 4 + 1 * 4 = 12, output 3 * 2 + 1 * 2 = 8: 20.
// Feedback of seed 1 (prng.h, Stream::kFeedback; pinned below): sparse signs
//   s = [-1, +1, +1, -1], round robin classes k = [0, 1, 0, 1]; dense rows
//   B_0 = [-1, -1], B_1 = [+1, -1], B_2 = [+1, +1], B_3 = [-1, +1].
#include <catch2/catch.hpp>

#include <vector>

#include "models/base/errors.h"
#include "platform/config/loader.h"
#include "workloads/dfa/reference.h"

using nmsim::dfa::DfaParams;
using nmsim::dfa::DfaReference;
using nmsim::dfa::SampleCounts;

namespace {

const uint8_t kPixels[3] = {255, 128, 0};

nmsim::workloads::NetworkWeights tiny_weights() {
  nmsim::workloads::NetworkWeights w;
  w.layers.resize(2);
  w.layers[0] = {3, 4, {60, 120, -50, 30, 50, -10, 20, 80, 7, 7, 7, 7}};
  w.layers[1] = {4, 2, {40, -20, 70, 10, 5, 5, -30, 90}};
  return w;
}

nmsim::arith::NeuronParams tiny_neuron() {
  nmsim::arith::NeuronParams n;
  n.threshold = 100;
  n.state_width_bits = 24;
  return n;
}

DfaParams integer_params() {
  DfaParams p;
  p.error = nmsim::dfa::ErrorKind::kInteger;
  p.hidden_lr_shift = 1;
  p.output_lr_shift = 1;
  p.weight_width_bits = 16;
  return p;
}

DfaReference tiny(const DfaParams& p, uint64_t seed = 1) {
  return DfaReference({3, 4, 2}, tiny_weights(), tiny_neuron(), p, 2,
                      nmsim::ENCODER_INTEGRATE_AND_FIRE, seed);
}

}  // namespace

TEST_CASE("dfa: feedback of seed 1 as pinned in the derivations", "[dfa]") {
  DfaReference r = tiny(integer_params());
  CHECK(std::vector<int>{r.sparse_sign(1, 0), r.sparse_sign(1, 1), r.sparse_sign(1, 2),
                         r.sparse_sign(1, 3)} == std::vector<int>{-1, 1, 1, -1});
  CHECK(std::vector<uint32_t>{r.sparse_class(1, 0), r.sparse_class(1, 1), r.sparse_class(1, 2),
                              r.sparse_class(1, 3)} == std::vector<uint32_t>{0, 1, 0, 1});
  std::vector<int> dense;
  for (uint32_t j = 0; j < 4; ++j)
    for (uint32_t k = 0; k < 2; ++k) dense.push_back(r.dense_sign(1, j, k));
  CHECK(dense == std::vector<int>{-1, -1, 1, -1, 1, 1, -1, 1});
}

TEST_CASE("dfa: forward pass of the tiny network", "[dfa]") {
  DfaReference r = tiny(integer_params());
  SampleCounts c;
  CHECK(r.infer(kPixels, 0, &c) == 0);
  CHECK(r.spike_counts(0) == std::vector<uint32_t>{2, 1, 0});
  CHECK(r.spike_counts(1) == std::vector<uint32_t>{1, 2, 0, 1});
  CHECK(r.final_potentials(1) == std::vector<int32_t>{70, 30, -80, 40});
  CHECK(r.spike_counts(2) == std::vector<uint32_t>{1, 0});
  CHECK(r.final_potentials(2) == std::vector<int32_t>{50, 90});
  CHECK(c.sops_forward == 20);
  CHECK(c.update_ops == 0);
  CHECK(r.weights().layers[0].w == tiny_weights().layers[0].w);  // inference never learns
}

// Integer error, label 1: e = [0 - 1, T - 0] = [-1, 2].
// Sparse deltas s_j e_k(j) = [-1 * -1, 1 * 2, 1 * -1, -1 * 2] = [1, 2, -1, -2]; rate gate
// keeps 0 < a_j < 2 (j = 0, 3): delta = [1, 0, 0, -2].
// Hidden, shift 1 (round to nearest, ties away from zero):
//   row 0 (x = 2): j0 round(2 / 2) = 1, j3 round(-4 / 2) = -2 -> [61, 120, -50, 28]
//   row 1 (x = 1): j0 round(1 / 2) = 1, j3 round(-2 / 2) = -1 -> [51, -10, 20, 79]
//   row 2 (x = 0): not touched.
// Output, shift 1, d_jk = round(e_k a_j / 2):
//   j0 (a = 1): [round(-0.5), round(1)] = [-1, 1] -> [39, -19]
//   j1 (a = 2): [-1, 2] -> [69, 12];  j2 (a = 0): not touched;  j3 (a = 1): [-1, 1] -> [-31, 91]
// Counts: feedback 4 (every e nonzero); rows 2 hidden + 3 output = 5; update ops
// 2 * 4 + 3 * 2 = 14; weights changed 4 hidden + 6 output = 10.
TEST_CASE("dfa: sparse update with the integer error", "[dfa]") {
  DfaReference r = tiny(integer_params());
  SampleCounts c;
  CHECK(r.train(kPixels, 1, 0, c) == 0);
  CHECK(r.output_error() == std::vector<int32_t>{-1, 2});
  CHECK(r.hidden_delta(1) == std::vector<int32_t>{1, 0, 0, -2});
  CHECK(r.weights().layers[0].w ==
        std::vector<int32_t>{61, 120, -50, 28, 51, -10, 20, 79, 7, 7, 7, 7});
  CHECK(r.weights().layers[1].w == std::vector<int32_t>{39, -19, 69, 12, 5, 5, -31, 91});
  CHECK(c.sops_forward == 20);
  CHECK(c.sops_feedback == 4);
  CHECK(c.rows_written == 5);
  CHECK(c.update_ops == 14);
  CHECK(c.weights_written == 10);
  CHECK(c.hidden_weights_written == 4);
}

// Softmax error from potential logits, shift 0: z = [1 * 100 + 50, 0 + 90] = [150, 90] (Q8).
// softmax_q8: m = 150; indices (0 + 8) >> 4 = 0 and (60 + 8) >> 4 = 4; e = [65536, 51039]
// (round(65536 exp(-1/4))); S = 116575; R = floor(2^40 / S) = 9431796;
// p = [(65536 R + 2^31) >> 32, (51039 R + 2^31) >> 32] = [144, 112].
// e = [0 - 144, 256 - 112] = [-144, 144]. Deltas [144, 144, -144, -144], gated [144, 0, 0, -144].
// Hidden, shift 4: row 0 (x = 2): round(288 / 16) = 18 (296 >> 4), -18 -> [78, 120, -50, 12]
//                  row 1 (x = 1): round(144 / 16) = 9 (152 >> 4), -9  -> [59, -10, 20, 71]
// Output, shift 4: j0 (a = 1): [-9, 9] -> [31, -11]; j1 (a = 2): [-18, 18] -> [52, 28];
//                  j3 (a = 1): [-9, 9] -> [-39, 99].
TEST_CASE("dfa: sparse update with the softmax error on potential logits", "[dfa]") {
  DfaParams p;
  p.error = nmsim::dfa::ErrorKind::kSoftmax;
  p.softmax_logits = nmsim::dfa::Logits::kPotential;
  p.softmax_potential_shift = 0;
  p.hidden_lr_shift = 4;
  p.output_lr_shift = 4;
  DfaReference r = tiny(p);
  SampleCounts c;
  r.train(kPixels, 1, 0, c);
  CHECK(r.output_error() == std::vector<int32_t>{-144, 144});
  CHECK(r.hidden_delta(1) == std::vector<int32_t>{144, 0, 0, -144});
  CHECK(r.weights().layers[0].w ==
        std::vector<int32_t>{78, 120, -50, 12, 59, -10, 20, 71, 7, 7, 7, 7});
  CHECK(r.weights().layers[1].w == std::vector<int32_t>{31, -11, 52, 28, 5, 5, -39, 99});
}

// Count logits, tau = 2^1: z = [round(256 / 2), 0] = [128, 0]; index (128 + 8) >> 4 = 8,
// e = [65536, round(65536 exp(-1/2)) = 39750]; S = 105286, R = floor(2^40 / 105286) =
// 10443094; p = [159, 97] ((65536 R + 2^31) >> 32 = 159.35.. -> 159; 39750 R -> 96.65.. -> 97).
TEST_CASE("dfa: softmax error on count logits", "[dfa]") {
  DfaParams p;
  p.error = nmsim::dfa::ErrorKind::kSoftmax;
  p.softmax_logits = nmsim::dfa::Logits::kCounts;
  p.softmax_tau_shift = 1;
  DfaReference r = tiny(p);
  SampleCounts c;
  r.train(kPixels, 0, 0, c);
  CHECK(r.output_error() == std::vector<int32_t>{256 - 159, -97});
}

// Dense, integer error e = [-1, 2]: delta_j = -B_j0 + 2 B_j1 =
//   j0: 1 - 2 = -1; j1: -1 - 2 = -3; j2: -1 + 2 = 1; j3: 1 + 2 = 3; gated [-1, 0, 0, 3].
// Hidden, shift 1: row 0 (x = 2): j0 -1, j3 3 -> [59, 120, -50, 33]
//                  row 1 (x = 1): j0 round(-0.5) = -1, j3 round(1.5) = 2 -> [49, -10, 20, 82]
// Output as in the sparse case. Feedback SOPs: 4 neurons x 2 nonzero errors = 8.
TEST_CASE("dfa: dense feedback", "[dfa]") {
  DfaParams p = integer_params();
  p.feedback = nmsim::dfa::Feedback::kDense;
  DfaReference r = tiny(p);
  SampleCounts c;
  r.train(kPixels, 1, 0, c);
  CHECK(r.hidden_delta(1) == std::vector<int32_t>{-1, 0, 0, 3});
  CHECK(r.weights().layers[0].w ==
        std::vector<int32_t>{59, 120, -50, 33, 49, -10, 20, 82, 7, 7, 7, 7});
  CHECK(r.weights().layers[1].w == std::vector<int32_t>{39, -19, 69, 12, 5, 5, -31, 91});
  CHECK(c.sops_feedback == 8);
  CHECK(c.hidden_weights_written == 4);
  CHECK(c.weights_written == 10);
}

// Raw sparse deltas [1, 2, -1, -2] (integer error, label 1).
// Potential gate [0, 50] on u1 = [70, 30, -80, 40] keeps j = 1, 3: [0, 2, 0, -2].
// No gate keeps all four. Rate gate (above): [1, 0, 0, -2].
TEST_CASE("dfa: potential boxcar gate", "[dfa]") {
  DfaParams p = integer_params();
  p.gate = nmsim::dfa::Gate::kPotentialBoxcar;
  p.gate_potential_min = 0;
  p.gate_potential_max = 50;
  DfaReference r = tiny(p);
  SampleCounts c;
  r.train(kPixels, 1, 0, c);
  CHECK(r.hidden_delta(1) == std::vector<int32_t>{0, 2, 0, -2});
}

// No gate: hidden row 0 (x = 2): d = [1, 2, -1, -2] -> [61, 122, -51, 28];
// row 1 (x = 1): round([0.5, 1, -0.5, -1]) = [1, 1, -1, -1] -> [51, -9, 19, 79]: 8 written.
TEST_CASE("dfa: no gate", "[dfa]") {
  DfaParams p = integer_params();
  p.gate = nmsim::dfa::Gate::kNone;
  DfaReference r = tiny(p);
  SampleCounts c;
  r.train(kPixels, 1, 0, c);
  CHECK(r.hidden_delta(1) == std::vector<int32_t>{1, 2, -1, -2});
  CHECK(r.weights().layers[0].w ==
        std::vector<int32_t>{61, 122, -51, 28, 51, -9, 19, 79, 7, 7, 7, 7});
  CHECK(c.hidden_weights_written == 8);
}

// Saturation and the changed-weight count: 8-bit weights (-128..127), W1[0][3] = -127 and
// W1[1][3] = -128 instead of 30 and 80. Forward: step 0 u = [110, 110, -30, -255] (0, 1
// fire) -> [10, 10, -30, -255]; step 1 u = [70, 130, -80, -382] (1 fires). a = [1, 2, 0, 0].
// Sparse integer deltas, rate gate: [1, 0, 0, 0] (j3 is silent now). Hidden, shift 1:
// row 0: j0 +1 -> 61; row 1: j0 +1 -> 51. To hit saturation use shift -7 (x 128):
// row 0: j0 += 2 * 128 = 256 -> saturates at 127; row 1: j0 += 128 -> 50 + 128 = 178 -> 127.
// Both change: 2 hidden weights written.
TEST_CASE("dfa: weight updates saturate at the weight width", "[dfa]") {
  nmsim::workloads::NetworkWeights w = tiny_weights();
  w.layers[0].w[3] = -127;
  w.layers[0].w[7] = -128;
  DfaParams p = integer_params();
  p.weight_width_bits = 8;
  p.hidden_lr_shift = -7;
  DfaReference r({3, 4, 2}, w, tiny_neuron(), p, 2, nmsim::ENCODER_INTEGRATE_AND_FIRE, 1);
  SampleCounts c;
  r.train(kPixels, 1, 0, c);
  CHECK(r.spike_counts(1) == std::vector<uint32_t>{1, 2, 0, 0});
  CHECK(r.hidden_delta(1) == std::vector<int32_t>{1, 0, 0, 0});
  CHECK(r.weights().layers[0].w ==
        std::vector<int32_t>{127, 120, -50, -127, 127, -10, 20, -128, 7, 7, 7, 7});
  CHECK(c.hidden_weights_written == 2);
}

TEST_CASE("dfa: configs the reference rejects", "[dfa]") {
  DfaParams p = integer_params();
  p.weight_width_bits = 6;  // 60 and 120 do not fit -32..31
  CHECK_THROWS_AS(DfaReference({3, 4, 2}, tiny_weights(), tiny_neuron(), p, 2,
                               nmsim::ENCODER_INTEGRATE_AND_FIRE, 1),
                  nmsim::ConfigError);
  nmsim::workloads::NetworkWeights no_hidden;
  no_hidden.layers = {{3, 2, {1, 2, 3, 4, 5, 6}}};
  // No hidden layer is a network DFA trains (its output layer alone, as on odin_like).
  CHECK_NOTHROW(DfaReference({3, 2}, no_hidden, tiny_neuron(), integer_params(), 2,
                             nmsim::ENCODER_INTEGRATE_AND_FIRE, 1));
  nmsim::DfaConfig config;  // nothing set
  nmsim::ChipConfig chip;
  CHECK_THROWS_AS(nmsim::dfa::dfa_params(config, chip), nmsim::ConfigError);
  // Every field but the rounding: the error names it.
  nmsim::DfaConfig preset = nmsim::config::default_run_config().dfa();
  preset.clear_rounding();
  CHECK_THROWS_WITH(nmsim::dfa::dfa_params(preset, nmsim::config::default_chip_config()),
                    Catch::Contains("dfa.rounding"));
}
