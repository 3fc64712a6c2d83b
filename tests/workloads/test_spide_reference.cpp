// The SPIDE functional reference: a 2-input, 2-neuron, 2-class network followed by hand,
// masking, determinism, config errors and a short MNIST run.
#include <catch2/catch.hpp>

#include <vector>

#include "models/base/errors.h"
#include "platform/config/loader.h"
#include "platform/config/validate.h"
#include "workloads/common/dataset.h"
#include "workloads/common/prng.h"
#include "workloads/spide/reference.h"
#include "workloads/spide/study.h"

using nmsim::spide::SampleCounts;
using nmsim::spide::SpideMatrices;
using nmsim::spide::SpideOptions;
using nmsim::spide::SpideReference;
using nmsim::workloads::LayerWeightsData;

namespace {

// theta = 100 (theta_b = 50), T_f = T_b = 4, logits o / 4, g = (O^T err) / 2^10, shifts
// F 1, W 2, O 3, IF encoder, 24-bit state, 16-bit weights.
SpideOptions tiny_options() {
  SpideOptions o;
  o.inputs = 2;
  o.hidden = 2;
  o.classes = 2;
  o.forward_steps = 4;
  o.backward_steps = 4;
  o.threshold = 100;
  o.state_width_bits = 24;
  o.weight_width_bits = 16;
  o.encoder = nmsim::ENCODER_INTEGRATE_AND_FIRE;
  o.seed = 0;
  o.logit_shift = 2;
  o.gradient_shift = 10;
  o.input_lr_shift = 1;
  o.recurrent_lr_shift = 2;
  o.readout_lr_shift = 3;
  return o;
}

SpideMatrices tiny_matrices() {
  SpideMatrices m;
  m.input = LayerWeightsData{2, 2, {70, 30,    // input 0 -> neurons 0, 1
                                    20, 40}};  // input 1
  m.recurrent = LayerWeightsData{2, 2, {0, 20,     // neuron 0 -> neuron 1: 20
                                        -10, 0}};  // neuron 1 -> neuron 0: -10
  m.readout = LayerWeightsData{2, 2, {300, -100,   // neuron 0 -> classes 0, 1
                                      -200, 500}}; // neuron 1
  return m;
}

const uint8_t kPixels[2] = {255, 128};

// Forward stage by hand (step: a. input rows, b. previous step's spikes, c. fire):
// Encoder: 255 fires every step; 128 at steps 0 and 2. x = [4, 2].
// t0: in {0,1}: u = [70+20, 30+40] = [90, 70]; no spikes.
// t1: in {0}: u = [160, 100]; both fire: u = [60, 0], s1 = {0, 1}.
// t2: in {0,1}: u = [150, 70]; row W0: u1 += 20 -> 90; row W1: u0 -= 10 -> 140;
//     neuron 0 fires: u0 = 40, s2 = {0}.
// t3: in {0}: u = [110, 120]; row W0: u1 += 20 -> 140; both fire: u = [10, 40], s3 = {0, 1}.
// a = [3, 2], m = [1, 1]. o = O^T a = [3*300 - 2*200, -3*100 + 2*500] = [500, 700].
// Prediction: class 1. Counts: input spikes 2+1+2+1 = 6 (x 2 neurons = 12 SOPs); hidden
// spikes 0+2+1+2 = 5 (readout SOPs 5 x 2 = 10); recurrent: spikes of t0..t2 = 3, x 2 = 6.
void require_tiny_forward(const SpideReference& ref) {
  REQUIRE(ref.input_counts() == std::vector<uint32_t>{4, 2});
  REQUIRE(ref.hidden_counts() == std::vector<uint32_t>{3, 2});
  REQUIRE(ref.potentials() == std::vector<int32_t>{10, 40});
  REQUIRE(ref.outputs() == std::vector<int32_t>{500, 700});
  REQUIRE(ref.mask() == std::vector<uint8_t>{1, 1});
  const SampleCounts& c = ref.last_counts();
  REQUIRE(c.input_spikes == 6);
  REQUIRE(c.forward_spikes == 5);
  REQUIRE(c.sops_input == 12);
  REQUIRE(c.sops_recurrent == 6);
  REQUIRE(c.sops_readout == 10);
}

}  // namespace

TEST_CASE("spide reference: forward stage and prediction by hand", "[spide]") {
  SpideReference ref(tiny_options(), tiny_matrices());
  REQUIRE(ref.predict(kPixels, 0) == 1);
  require_tiny_forward(ref);
  REQUIRE(ref.weights().input.w == tiny_matrices().input.w);
  REQUIRE(ref.last_counts().update_ops == 0);
  REQUIRE(ref.last_counts().backward_spikes == 0);
}

TEST_CASE("spide reference: error, ternary couples and update by hand (label 0)", "[spide]") {
  SpideReference ref(tiny_options(), tiny_matrices());
  REQUIRE(ref.train(kPixels, 0, 0) == 1);  // the prediction before the update
  require_tiny_forward(ref);
  // z = round(o / 4) = [125, 175]. Softmax: m = 175, index (175 - z + 8) >> 4 = [3, 0],
  // e = [round(65536 exp(-3/16)) = 54331, 65536], S = 119867, R = floor(2^40 / S) =
  // 9172763, p = (e R + 2^31) >> 32 = [116, 140]. err = p - 256 y = [-140, 140].
  REQUIRE(ref.logits() == std::vector<int32_t>{125, 175});
  REQUIRE(ref.probabilities() == std::vector<int32_t>{116, 140});
  REQUIRE(ref.error() == std::vector<int64_t>{-140, 140});
  // g = round((O^T err) / 1024): [300 * -140 - 100 * 140, -200 * -140 + 500 * 140] / 1024 =
  // [-56000, 98000] / 1024 = [-54.7, 95.7] -> [-55, 96] (|g| < theta: not clamped).
  REQUIRE(ref.gradient() == std::vector<int32_t>{-55, 96});
  // Couples (theta_b = 50, fire +-1 at +-50, reset by 100); couple 0 hears couple 1
  // through W[0][1] = 20, couple 1 hears couple 0 through W[1][0] = -10:
  // t0: v = [-55, 96] -> b = [-1, +1], v = [45, -4].
  // t1: v = [-10, 92]; b0 = -1: v1 -= -10 -> 102; b1 = +1: v0 += 20 -> 10;
  //     b = [0, +1], v = [10, 2].
  // t2: v = [-45, 98]; b1 = +1: v0 += 20 -> -25; b = [0, +1], v = [-25, -2].
  // t3: v = [-80, 94]; b1 = +1: v0 -> -60; b = [-1, +1], v = [40, -6].
  // beta = [-2, 4]; 6 ternary spikes; feedback SOPs: senders of t0..t2 (2 + 1 + 1) x 2.
  REQUIRE(ref.beta() == std::vector<int32_t>{-2, 4});
  const SampleCounts& c = ref.last_counts();
  REQUIRE(c.backward_spikes == 6);
  REQUIRE(c.sops_backward == 8);
  REQUIRE(c.active_neurons == 2);
  REQUIRE(c.sops_gradient == 4);
  REQUIRE(c.gradient_clamped == 0);
  // delta = m beta = [-2, 4].
  // F += round(-(delta_j x_i) / 2): row 0 (x 4): [+8, -16] / 2 = [4, -8];
  //   row 1 (x 2): [4, -8] / 2 = [2, -4].
  REQUIRE(ref.weights().input.w == std::vector<int32_t>{74, 22, 22, 36});
  // W += round(-(delta_j a_i) / 4): row 0 (a 3): [6, -12] / 4 = [1.5 -> 2, -3];
  //   row 1 (a 2): [4, -8] / 4 = [1, -2].
  REQUIRE(ref.weights().recurrent.w == std::vector<int32_t>{2, 17, -9, -2});
  // O += round(-(err_k a_j) / 8): row 0 (a 3): [420, -420] / 8 = [52.5 -> 53, -53];
  //   row 1 (a 2): [280, -280] / 8 = [35, -35].
  REQUIRE(ref.weights().readout.w == std::vector<int32_t>{353, -153, -165, 465});
  // Every matrix: 2 rows x 2 nonzero columns, all changed.
  REQUIRE(c.update_ops == 12);
  REQUIRE(c.rows_written == 6);
  REQUIRE(c.weights_written == 12);
  REQUIRE(c.hidden_weights_written == 8);
}

TEST_CASE("spide reference: squared error and the clamp of the backward drive", "[spide]") {
  SpideOptions o = tiny_options();
  o.loss = nmsim::spide::Loss::kSquaredError;
  o.gradient_shift = 0;
  SpideReference ref(o, tiny_matrices());
  ref.train(kPixels, 0, 0);
  // err = z - 256 y = [125 - 256, 175] = [-131, 175];
  // O^T err = [300 * -131 - 100 * 175, -200 * -131 + 500 * 175] = [-56800, 113700]:
  // both beyond theta - 1 = 99, clamped.
  REQUIRE(ref.error() == std::vector<int64_t>{-131, 175});
  REQUIRE(ref.gradient() == std::vector<int32_t>{-99, 99});
  REQUIRE(ref.last_counts().gradient_clamped == 2);
  // Couple 1 fires +1 on every step (99 per step, one spike removes 100);
  // couple 0: t0 -99 -> -1 (v 1); t1 v = -98, +20 from b1 -> -78 -> -1 (22);
  // t2 -77 + 20 = -57 -> -1 (43); t3 -56 + 20 = -36 -> 0. beta = [-3, 4].
  REQUIRE(ref.beta() == std::vector<int32_t>{-3, 4});
}

TEST_CASE("spide reference: a silent neuron is masked: its couple stays idle and its weights unchanged",
          "[spide]") {
  SpideMatrices m = tiny_matrices();
  m.input.w = {70, 0, 20, -5};  // neuron 1 gets nothing but -5s and W[0][1]
  m.recurrent.w = {0, 0, -10, 0};
  SpideReference ref(tiny_options(), m);
  ref.train(kPixels, 0, 0);
  REQUIRE(ref.hidden_counts()[1] == 0);
  REQUIRE(ref.mask() == std::vector<uint8_t>{1, 0});
  REQUIRE(ref.beta()[1] == 0);
  REQUIRE(ref.last_counts().active_neurons == 1);
  // Column 1 of F and W (the masked neuron's inputs) keeps its values; row 1 of W and O
  // (its outputs: a_1 = 0) too.
  REQUIRE(ref.weights().input.w[1] == 0);
  REQUIRE(ref.weights().input.w[3] == -5);
  REQUIRE(ref.weights().recurrent.w[1] == 0);
  REQUIRE(ref.weights().recurrent.w[2] == -10);
  REQUIRE(ref.weights().recurrent.w[3] == 0);
  REQUIRE(ref.weights().readout.w[2] == -200);
  REQUIRE(ref.weights().readout.w[3] == 500);
  // Only couple 0 runs: every ternary spike is accumulated by one couple.
  const SampleCounts& c = ref.last_counts();
  REQUIRE(c.sops_backward <= c.backward_spikes);
  REQUIRE(c.backward_spikes > 0);
}

TEST_CASE("spide reference: weights saturate at weight_width_bits", "[spide]") {
  SpideOptions o = tiny_options();
  o.weight_width_bits = 9;  // -256..255
  o.input_init_range = o.recurrent_init_range = o.readout_init_range = 255;
  // o = [3 * 250 - 2 * 200, -3 * 100 + 2 * 250] = [350, 200]: err_0 < 0 < err_1, both about
  // 100 in Q8; x16 moves O row 0 by about 3 * 100 * 16 = 4800, far beyond the range.
  o.readout_lr_shift = -4;
  SpideMatrices m = tiny_matrices();
  m.readout.w = {250, -100, -200, 250};
  SpideReference ref(o, m);
  ref.train(kPixels, 0, 0);
  for (int32_t v : ref.weights().readout.w) {
    REQUIRE(v <= 255);
    REQUIRE(v >= -256);
  }
  REQUIRE(ref.weights().readout.w[0] == 255);
  REQUIRE(ref.weights().readout.w[1] == -256);
}

namespace {

// 16 inputs -> 12 neurons, random pixels and labels: small but every neuron sees input.
std::vector<int32_t> train_small(uint64_t seed, SampleCounts* totals) {
  SpideOptions o;
  o.inputs = 16;
  o.hidden = 12;
  o.seed = seed;
  o.input_init_range = 6000;
  o.recurrent_init_range = 2000;
  o.readout_init_range = 2000;
  SpideReference ref(o, nmsim::spide::random_matrices(o));
  std::vector<uint8_t> pixels(16);
  for (uint32_t s = 0; s < 30; ++s) {
    for (uint32_t i = 0; i < 16; ++i) pixels[i] = nmsim::workloads::prng_u8(99, 100, s * 16 + i);
    ref.train(pixels.data(), nmsim::workloads::prng_u8(99, 101, s) % 10, s);
    *totals += ref.last_counts();
  }
  std::vector<int32_t> all = ref.weights().input.w;
  all.insert(all.end(), ref.weights().recurrent.w.begin(), ref.weights().recurrent.w.end());
  all.insert(all.end(), ref.weights().readout.w.begin(), ref.weights().readout.w.end());
  return all;
}

}  // namespace

TEST_CASE("spide reference: the same seed gives the same weights and counts, another seed others",
          "[spide]") {
  SampleCounts a, b, c;
  const std::vector<int32_t> wa = train_small(7, &a);
  const std::vector<int32_t> wb = train_small(7, &b);
  const std::vector<int32_t> wc = train_small(8, &c);
  REQUIRE(wa == wb);
  REQUIRE(a.weights_written == b.weights_written);
  REQUIRE(a.backward_spikes == b.backward_spikes);
  REQUIRE(a.sops_backward == b.sops_backward);
  REQUIRE(wa != wc);
  REQUIRE(a.weights_written > 0);
  REQUIRE(a.backward_spikes > 0);
  // Consistency of the counts: every input spike reaches the 12 neurons, every hidden spike
  // the 10 output units; recurrent SOPs come from hidden spikes (not of the last step).
  REQUIRE(a.sops_input == a.input_spikes * 12);
  REQUIRE(a.sops_readout == a.forward_spikes * 10);
  REQUIRE(a.sops_recurrent <= a.forward_spikes * 12);
  REQUIRE(a.sops_backward <= a.backward_spikes * 12);
  REQUIRE(a.weights_written <= a.update_ops);
}

TEST_CASE("spide: the default run preset has a complete spide block", "[spide]") {
  nmsim::RunConfig run = nmsim::config::default_run_config();
  run.set_workload(nmsim::WORKLOAD_SPIDE);
  const nmsim::ChipConfig chip = nmsim::config::default_chip_config();
  REQUIRE_NOTHROW(nmsim::config::validate(run, chip));
  const SpideOptions o = nmsim::spide::options_from_config(run, chip);
  REQUIRE(o.forward_steps == 16);
  REQUIRE(o.backward_steps == 16);
  REQUIRE(o.hidden == run.network().hidden_sizes(0));
  REQUIRE(o.threshold == run.network().neuron().threshold());
  REQUIRE(o.weight_width_bits == chip.core().weight_width_bits());
  REQUIRE(o.loss == nmsim::spide::Loss::kSoftmaxCrossEntropy);
}

TEST_CASE("spide: configurations it cannot run are ConfigErrors naming the field", "[spide]") {
  const nmsim::ChipConfig chip = nmsim::config::default_chip_config();
  nmsim::RunConfig base = nmsim::config::default_run_config();
  base.set_workload(nmsim::WORKLOAD_SPIDE);
  const auto message = [&](const nmsim::RunConfig& run) {
    try {
      nmsim::spide::options_from_config(run, chip);
    } catch (const nmsim::ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  nmsim::RunConfig run = base;
  run.mutable_network()->add_hidden_sizes(100);  // three hidden layers: [H, N] is the most
  run.mutable_network()->add_hidden_sizes(100);
  REQUIRE_THAT(message(run), Catch::Contains("run.network.hidden_sizes"));
  run = base;
  run.mutable_spide()->set_forward_steps(0);
  REQUIRE_THAT(message(run), Catch::Contains("run.spide.forward_steps"));
  run = base;
  run.mutable_spide()->set_backward_steps(65);
  REQUIRE_THAT(message(run), Catch::Contains("run.spide.backward_steps"));
  run = base;
  run.mutable_spide()->set_loss(nmsim::SPIDE_LOSS_UNSPECIFIED);
  REQUIRE_THAT(message(run), Catch::Contains("run.spide.loss"));
  run = base;
  run.mutable_spide()->set_gradient_shift(41);
  REQUIRE_THAT(message(run), Catch::Contains("run.spide.gradient_shift"));
  run = base;
  run.mutable_spide()->set_input_lr_shift(-17);
  REQUIRE_THAT(message(run), Catch::Contains("run.spide.input_lr_shift"));
  run = base;
  run.mutable_spide()->set_recurrent_init_range(40000);
  REQUIRE_THAT(message(run), Catch::Contains("run.spide.recurrent_init_range"));
  run = base;
  run.mutable_network()->mutable_neuron()->set_reset_mode(nmsim::RESET_ZERO);
  REQUIRE_THAT(message(run), Catch::Contains("run.network.neuron.reset_mode"));
  run = base;
  run.mutable_network()->mutable_neuron()->set_threshold(1);
  REQUIRE_THAT(message(run), Catch::Contains("run.network.neuron.threshold"));
  run = base;
  run.mutable_network()->set_weights_file("w.bin");
  REQUIRE_THAT(message(run), Catch::Contains("run.network.weights_file"));
  // A matrix of the wrong shape.
  SpideMatrices m = tiny_matrices();
  m.recurrent.w.pop_back();
  REQUIRE_THROWS_AS(SpideReference(tiny_options(), m), nmsim::ConfigError);
}

TEST_CASE("spide study: 400 MNIST samples lift test accuracy far above chance", "[spide][study]") {
  const nmsim::workloads::DatasetSplit data = nmsim::workloads::load_mnist(
      nmsim::workloads::default_data_dir(nmsim::DATASET_MNIST, NMSIM_SOURCE_DIR));
  nmsim::RunConfig run = nmsim::config::default_run_config();
  run.set_workload(nmsim::WORKLOAD_SPIDE);
  run.mutable_network()->clear_hidden_sizes();
  run.mutable_network()->add_hidden_sizes(100);
  run.mutable_training()->set_train_samples(400);
  run.set_samples(400);
  const nmsim::ChipConfig chip = nmsim::config::default_chip_config();
  std::vector<nmsim::EpochResult> seen;
  const nmsim::StudyReport report =
      nmsim::spide::run_study(run, chip, data, [&](const nmsim::EpochResult& e) { seen.push_back(e); });
  REQUIRE(seen.size() == 1);
  REQUIRE(report.epochs_size() == 1);
  const nmsim::EpochResult& e = report.epochs(0);
  REQUIRE(e.train_samples() == 400);
  REQUIRE(e.test_per_class_size() == 10);
  // Chance is 10 %; 400 samples reach 65 % with the preset's shifts.
  REQUIRE(e.test_accuracy() > 0.5);
  REQUIRE(e.backward_spikes() > 0);
  REQUIRE(e.forward_spikes() > 0);
  REQUIRE(e.hidden_weight_writes() > 0);
  REQUIRE(e.weight_writes() > e.hidden_weight_writes());
  REQUIRE(e.sops_feedback() > 0);
  run.mutable_training()->set_batch_size(16);
  REQUIRE_THROWS_AS(nmsim::spide::run_study(run, chip, data, {}), nmsim::ConfigError);
}

TEST_CASE("spide: initial F and O are a layered 784-N-10 network's weights, W its own stream",
          "[spide]") {
  SpideOptions o;
  o.hidden = 20;
  o.input_init_range = o.recurrent_init_range = o.readout_init_range = 1500;
  const SpideMatrices m = nmsim::spide::random_matrices(o);
  const nmsim::workloads::NetworkWeights layered =
      nmsim::workloads::random_weights({784, 20, 10}, 1500, o.seed);
  REQUIRE(m.input.w == layered.layers[0].w);
  REQUIRE(m.readout.w == layered.layers[1].w);
  REQUIRE(m.recurrent.inputs == 20);
  REQUIRE(m.recurrent.outputs == 20);
  REQUIRE(m.recurrent.w[0] ==
          nmsim::workloads::prng_uniform(o.seed, nmsim::workloads::Stream::kWeights, uint64_t{2} << 40,
                                         -1500, 1500));
  // Each matrix keeps its own range.
  o.recurrent_init_range = 0;
  for (int32_t v : nmsim::spide::random_matrices(o).recurrent.w) REQUIRE(v == 0);
}
