// Convex reconstruction reference: the prox by hand, two proximal steps by hand, witness
// weights, pruning, determinism, config errors, and a short MNIST run.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include "models/base/errors.h"
#include "platform/config/loader.h"
#include "platform/config/validate.h"
#include "workloads/common/dataset.h"
#include "workloads/common/prng.h"
#include "workloads/convex/reference.h"
#include "workloads/convex/study.h"
#include "workloads/inference/reference.h"

using nmsim::convex::ConvexOptions;
using nmsim::convex::ConvexReadout;
using nmsim::convex::FeatureStore;
using nmsim::convex::kClasses;

namespace {

// 2 units, T = 2, spike-train features: rows f = unit * 2 + t.
ConvexOptions tiny_options() {
  ConvexOptions o;
  o.units = 2;
  o.time_steps = 2;
  o.eta_shift = 1;
  o.batch_size = 2;
  o.beta_fraction = 0.5;
  o.readout_fraction_bits = 16;
  return o;
}

// Sample 0 (label 1): features 0 and 3; sample 1 (label 0): features 0 and 1.
FeatureStore tiny_store() {
  FeatureStore s;
  s.words = 1;
  s.bits = {0b1001, 0b0011};
  s.input_spikes = {0, 0};
  return s;
}

int32_t v_at(const ConvexReadout& r, uint32_t f, uint32_t k) { return r.weights()[f * kClasses + k]; }

nmsim::RunConfig convex_run() {
  nmsim::RunConfig run = nmsim::config::default_run_config();
  run.set_workload(nmsim::WORKLOAD_CONVEX);
  return run;
}

}  // namespace

TEST_CASE("convex readout: two proximal steps on 2 units x 2 steps, by hand", "[convex]") {
  const ConvexOptions o = tiny_options();
  const FeatureStore store = tiny_store();
  const std::vector<uint8_t> labels = {1, 0};
  const std::vector<uint32_t> set = {0, 1};
  ConvexReadout r(o);
  r.set_training_set(store, labels, set);
  // H^T Y: C[0][1] = C[3][1] = C[0][0] = C[1][0] = 1, so beta_max = 1 (l1: the largest entry)
  // and beta = 0.5 = 32768 in Q16. Threshold per step: eta * beta * b / N = 1/2 * 1/2 * 1 =
  // 1/4 = 16384 LSB, carried with 16 more fraction bits.
  REQUIRE(r.beta_max() == 1);
  REQUIRE(r.beta_q() == 32768);
  REQUIRE(r.tau_fine(2, 0) == uint64_t{16384} << 16);
  REQUIRE(r.initial_objective() == 1.0);

  const uint32_t batch[] = {0, 1};
  uint32_t predicted[2];
  // Step 1 from v = 0: e = -y, so g[0] = (-1, -1), g[1] = (-1, 0), g[3] = (0, -1) (in 2^16);
  // v -= g / 2 gives 32768, then the prox subtracts 16384.
  nmsim::convex::StepCounts c = r.step(store, labels, batch, 2, 0, predicted);
  REQUIRE(predicted[0] == 0);  // all outputs 0: ties go to class 0
  REQUIRE(predicted[1] == 0);
  REQUIRE(v_at(r, 0, 0) == 16384);
  REQUIRE(v_at(r, 0, 1) == 16384);
  REQUIRE(v_at(r, 1, 0) == 16384);
  REQUIRE(v_at(r, 3, 1) == 16384);
  REQUIRE(v_at(r, 2, 0) == 0);
  REQUIRE(v_at(r, 1, 1) == 0);
  REQUIRE(c.weights_written == 4);
  REQUIRE(c.readout_additions == 2 * 2 * 10);
  REQUIRE(c.gradient_additions == 2 * 2 * 10);

  // Objective: residuals (0.25, -0.5) and (-0.5, 0.25): 1/2 * 2 * 0.3125 = 0.3125; penalty
  // beta * ||v||_1 = 0.5 * 4 * 0.25 = 0.5.
  const nmsim::convex::Objective j = r.objective(store, labels, set);
  REQUIRE(j.loss == 2 * (4096 + 16384));
  REQUIRE(j.group_norms == 4 * 16384);
  REQUIRE(j.value == 0.8125);
  REQUIRE(j.correct == 2);

  // Step 2: o(s0) = (16384, 32768), e = (16384, -32768); o(s1) = (32768, 16384),
  // e = (-32768, 16384). g[0] = (-16384, -16384), g[1] = (-32768, 16384), g[3] = (16384, -32768).
  // v - g / 2: v[0] = (24576, 24576), v[1] = (32768, -8192), v[3] = (-8192, 32768);
  // prox -16384: v[0] = (8192, 8192), v[1] = (16384, 0), v[3] = (0, 16384).
  c = r.step(store, labels, batch, 2, 0, predicted);
  REQUIRE(predicted[0] == 1);
  REQUIRE(predicted[1] == 0);
  REQUIRE(v_at(r, 0, 0) == 8192);
  REQUIRE(v_at(r, 0, 1) == 8192);
  REQUIRE(v_at(r, 1, 0) == 16384);
  REQUIRE(v_at(r, 1, 1) == 0);
  REQUIRE(v_at(r, 3, 0) == 0);
  REQUIRE(v_at(r, 3, 1) == 16384);
  REQUIRE(c.weights_written == 2);  // v[1][0] and v[3][1] came back to their old values
  REQUIRE(r.kept_units() == std::vector<uint32_t>{0, 1});
}

TEST_CASE("convex readout: a threshold below one LSB per step is applied in whole LSBs that sum exactly", "[convex]") {
  ConvexOptions o = tiny_options();
  o.beta_fraction = 0.5;
  o.eta_shift = 17;                // threshold 0.5 * 2^-17 * 2^16 = 0.25 LSB per step
  const FeatureStore store = tiny_store();
  const std::vector<uint8_t> labels = {1, 0};
  ConvexReadout r(o);
  r.set_training_set(store, labels, {0, 1});
  REQUIRE(r.tau_fine(2, 0) == 16384);  // 0.25 LSB with 16 fraction bits
  // With no gradient (v already fits, contrived: all-zero features), the only change is the
  // prox: a weight of 10 loses one LSB on every 4th step.
  FeatureStore empty;
  empty.words = 1;
  empty.bits = {0, 0};
  empty.input_spikes = {0, 0};
  r.mutable_weights()[5] = 10;
  const uint32_t batch[] = {0, 1};
  uint32_t predicted[2];
  for (int s = 0; s < 8; ++s) r.step(empty, labels, batch, 2, 0, predicted);
  REQUIRE(r.weights()[5] == 8);
}

TEST_CASE("convex witness weights: Gaussian with the configured sigma, fixed by (seed, unit, input)", "[convex]") {
  double sum = 0, sum2 = 0;
  int32_t largest = 0;
  const int n = 200 * 784;
  for (uint32_t j = 0; j < 200; ++j)
    for (uint32_t i = 0; i < 784; ++i) {
      const int32_t w = nmsim::convex::witness_weight(1, 2500, j, i);
      sum += w;
      sum2 += double{1} * w * w;
      largest = std::max(largest, std::abs(w));
    }
  const double mean = sum / n, sigma = std::sqrt(sum2 / n - mean * mean);
  REQUIRE(std::fabs(mean) < 30);
  REQUIRE(sigma > 2450);
  REQUIRE(sigma < 2550);
  REQUIRE(largest <= 8676);  // 3.47 sigma: a sum of four uniforms is bounded
  REQUIRE(largest > 6000);   // ... but its tails are there
  REQUIRE(nmsim::convex::witness_weight(1, 2500, 7, 9) == nmsim::convex::witness_weight(1, 2500, 7, 9));
  REQUIRE(nmsim::convex::witness_weight(1, 2500, 7, 9) != nmsim::convex::witness_weight(2, 2500, 7, 9));
}

TEST_CASE("convex pruning: removes exactly the zero groups and gives the same outputs", "[convex]") {
  ConvexOptions o;
  o.units = 12;
  o.time_steps = 4;
  o.witness_sigma = 2500;
  for (auto features : {nmsim::CONVEX_FEATURES_SPIKE_TRAIN, nmsim::CONVEX_FEATURES_COUNT}) {
    o.features = features;
    ConvexReadout r(o);
    const uint32_t rows = nmsim::convex::features_per_unit(o);
    std::vector<int32_t>& v = r.mutable_weights();
    for (size_t n = 0; n < v.size(); ++n)
      v[n] = static_cast<int32_t>(nmsim::workloads::prng_uniform(3, 100, n, -5000, 5000));
    // Units 0, 4, 5 and 11 have all-zero groups; unit 7 keeps a single weight.
    for (uint32_t j : {0u, 4u, 5u, 11u, 7u})
      std::fill(v.begin() + j * rows * kClasses, v.begin() + (j + 1) * rows * kClasses, 0);
    v[7 * rows * kClasses + 3] = -1;
    REQUIRE(r.kept_units() == std::vector<uint32_t>{1, 2, 3, 6, 7, 8, 9, 10});
    nmsim::convex::PrunedNetwork pruned = r.reconstruct();
    REQUIRE(pruned.kept_units() == 8);

    std::vector<uint32_t> all(o.units);
    for (uint32_t j = 0; j < o.units; ++j) all[j] = j;
    nmsim::convex::HiddenUnits whole(o, all);
    nmsim::convex::SpikeTrains trains;
    std::vector<uint8_t> pixels(784);
    uint64_t fired = 0;
    for (uint32_t s = 0; s < 20; ++s) {
      for (uint32_t i = 0; i < 784; ++i) pixels[i] = nmsim::workloads::prng_u8(5, 101, s * 784 + i) / 2;
      whole.run(pixels.data(), s, trains);
      fired += trains.bits[0] != 0;
      int64_t a[kClasses], b[kClasses];
      uint64_t additions = 0;
      r.predict(trains.bits.data(), a, &additions);
      const uint64_t pruned_sops = pruned.outputs(pixels.data(), s, b);
      for (uint32_t k = 0; k < kClasses; ++k) REQUIRE(a[k] == b[k]);
      std::vector<uint8_t> mask(o.units, 1);
      for (uint32_t j : {0u, 4u, 5u, 11u}) mask[j] = 0;
      REQUIRE(pruned_sops == trains.input_spikes * 8 + 10 * r.kept_active_features(trains.bits.data(), mask));
      REQUIRE(additions >= 10 * r.kept_active_features(trains.bits.data(), mask));
    }
    REQUIRE(fired > 0);  // the units do spike: the comparison is not between zeros
  }
}

TEST_CASE("convex: the default run preset has a complete convex block", "[convex]") {
  const nmsim::RunConfig run = convex_run();
  const nmsim::ChipConfig chip = nmsim::config::default_chip_config();
  REQUIRE_NOTHROW(nmsim::config::validate(run, chip));
  const ConvexOptions o = nmsim::convex::options_from_config(run, chip);
  REQUIRE(o.witness_sigma == 2500);
  REQUIRE(o.features == nmsim::CONVEX_FEATURES_SPIKE_TRAIN);
  REQUIRE(o.group_norm == nmsim::CONVEX_GROUP_NORM_L1);
  REQUIRE(o.batch_size == 64);
  REQUIRE(o.readout_fraction_bits == 20);
  REQUIRE(o.batch_growth_epochs == 4);
  REQUIRE(o.units == run.network().hidden_sizes(0));
  REQUIRE(o.layer1_units == 0);
  nmsim::RunConfig two = run;
  two.mutable_network()->add_hidden_sizes(300);  // [P1, P2] = [preset, 300]
  const ConvexOptions o2 = nmsim::convex::options_from_config(two, chip);
  REQUIRE(o2.layer1_units == run.network().hidden_sizes(0));
  REQUIRE(o2.units == 300);
  REQUIRE(o2.witness2_sigma == 1350);
}

namespace {

// Two hidden layers [784, P1, P2] (reference.h step 9).
ConvexOptions two_layer_options(uint32_t p1, uint32_t p2, uint32_t sigma2) {
  ConvexOptions o;
  o.layer1_units = p1;
  o.units = p2;
  o.time_steps = 8;
  o.witness_sigma = 2500;
  o.witness2_sigma = sigma2;
  return o;
}

}  // namespace

TEST_CASE("convex two hidden layers: the features of a tiny case, step by step by hand", "[convex]") {
  // Four bright pixels into P1 = 3 units, then P2 = 2 units, T = 8. The hand model below is
  // the spec's step 9 written out: layer 1 adds w1(j1, i) for each input line i the encoder
  // spiked, fires (threshold 2^12 here, reset by subtraction); layer 2 adds w2(j2, j1) for each
  // layer-1 unit that fired in the same step, then fires. (No sum comes near 2^23: the
  // 24-bit saturation does not act.)
  ConvexOptions o = two_layer_options(3, 2, 9000);
  o.neuron.threshold = 1 << 12;
  const int64_t theta = o.neuron.threshold;
  std::vector<uint8_t> pixels(784, 0);
  const uint32_t lines[4] = {300, 301, 330, 400};
  for (uint32_t i : lines) pixels[i] = 255;
  nmsim::workloads::RateEncoder encoder(o.encoder, o.seed, o.time_steps);
  encoder.start(pixels.data(), 784, 0);
  int32_t w1[4][3], w2[2][3];
  for (uint32_t n = 0; n < 4; ++n)
    for (uint32_t j = 0; j < 3; ++j) w1[n][j] = nmsim::convex::witness_weight(o.seed, 2500, j, lines[n]);
  for (uint32_t j2 = 0; j2 < 2; ++j2)
    for (uint32_t j1 = 0; j1 < 3; ++j1) w2[j2][j1] = nmsim::convex::witness2_weight(o.seed, 9000, 3, j2, j1);
  int64_t u1[3] = {0, 0, 0}, u2[2] = {0, 0};
  uint64_t expected_bits = 0, input_spikes = 0, layer1_spikes = 0;
  nmsim::SpikeBitmap in(784);
  for (uint32_t t = 0; t < 8; ++t) {
    encoder.step(t, in);
    in.for_each([&](uint32_t i) {
      const uint32_t n = static_cast<uint32_t>(std::find(lines, lines + 4, i) - lines);
      REQUIRE(n < 4);
      ++input_spikes;
      for (uint32_t j = 0; j < 3; ++j) u1[j] += w1[n][j];
    });
    bool fired1[3];
    for (uint32_t j = 0; j < 3; ++j) {
      fired1[j] = u1[j] >= theta;
      if (fired1[j]) u1[j] -= theta;
      layer1_spikes += fired1[j];
    }
    for (uint32_t j2 = 0; j2 < 2; ++j2) {
      for (uint32_t j1 = 0; j1 < 3; ++j1)
        if (fired1[j1]) u2[j2] += w2[j2][j1];
      if (u2[j2] >= theta) {
        u2[j2] -= theta;
        expected_bits |= uint64_t{1} << (j2 * 8 + t);
      }
    }
  }
  REQUIRE(input_spikes > 0);
  REQUIRE(layer1_spikes > 0);   // the case is not all zeros ...
  REQUIRE(expected_bits != 0);
  nmsim::convex::HiddenUnits hidden(o, {0, 1});
  nmsim::convex::SpikeTrains trains;
  hidden.run(pixels.data(), 0, trains);
  REQUIRE(trains.bits.size() == 1);
  CHECK(trains.bits[0] == expected_bits);
  CHECK(trains.input_spikes == input_spikes);
  CHECK(trains.layer1_spikes == layer1_spikes);
  CHECK(trains.hidden_sops == input_spikes * 3 + layer1_spikes * 2);
}

TEST_CASE("convex two hidden layers: the spike trains are the inference reference's [784, P1, P2], "
          "and the pruned network keeps layer 1", "[convex]") {
  const ConvexOptions o = two_layer_options(60, 20, 2000);
  nmsim::workloads::NetworkWeights weights;
  auto& l1 = weights.layers.emplace_back();
  l1.inputs = 784;
  l1.outputs = 60;
  for (uint32_t i = 0; i < 784; ++i)
    for (uint32_t j = 0; j < 60; ++j) l1.w.push_back(nmsim::convex::witness_weight(o.seed, 2500, j, i));
  auto& l2 = weights.layers.emplace_back();
  l2.inputs = 60;
  l2.outputs = 20;
  for (uint32_t i = 0; i < 60; ++i)
    for (uint32_t j = 0; j < 20; ++j) l2.w.push_back(nmsim::convex::witness2_weight(o.seed, 2000, 60, j, i));
  nmsim::inference::InferenceReference inference({784, 60, 20}, weights, o.neuron, o.time_steps, o.encoder, o.seed);

  std::vector<uint32_t> all(20);
  for (uint32_t j = 0; j < 20; ++j) all[j] = j;
  nmsim::convex::HiddenUnits hidden(o, all);
  ConvexReadout r(o);
  std::vector<int32_t>& v = r.mutable_weights();
  for (size_t n = 0; n < v.size(); ++n) v[n] = static_cast<int32_t>(nmsim::workloads::prng_uniform(3, 100, n, -5000, 5000));
  const std::vector<uint32_t> pruned_units = {2, 5, 11, 19};
  for (uint32_t j : pruned_units) std::fill(v.begin() + j * 8 * kClasses, v.begin() + (j + 1) * 8 * kClasses, 0);
  nmsim::convex::PrunedNetwork pruned = r.reconstruct();
  REQUIRE(pruned.kept_units() == 16);
  std::vector<uint8_t> mask(20, 1);
  for (uint32_t j : pruned_units) mask[j] = 0;

  nmsim::convex::SpikeTrains trains;
  std::vector<uint8_t> pixels(784);
  uint64_t features = 0;
  for (uint32_t s = 0; s < 20; ++s) {
    for (uint32_t i = 0; i < 784; ++i) pixels[i] = nmsim::workloads::prng_u8(5, 101, s * 784 + i) / 2;
    hidden.run(pixels.data(), s, trains);
    const nmsim::inference::SampleResult ref = inference.run(pixels.data(), s, true);
    for (uint32_t t = 0; t < 8; ++t)
      for (uint32_t j = 0; j < 20; ++j) {
        const uint32_t bit = j * 8 + t;
        REQUIRE(((trains.bits[bit / 64] >> (bit % 64)) & 1) == uint64_t{ref.spikes[t][2].test(j)});
      }
    REQUIRE(trains.input_spikes == ref.input_spikes);
    REQUIRE(trains.layer1_spikes == ref.spikes_per_layer[0]);
    REQUIRE(trains.hidden_sops == ref.sops_per_layer[0] + ref.sops_per_layer[1]);
    for (uint64_t word : trains.bits) features += static_cast<uint64_t>(__builtin_popcountll(word));
    // Pruning removes layer-2 units only: layer 1 runs whole.
    int64_t a[kClasses], b[kClasses];
    r.predict(trains.bits.data(), a, nullptr);
    const uint64_t pruned_sops = pruned.outputs(pixels.data(), s, b);
    for (uint32_t k = 0; k < kClasses; ++k) REQUIRE(a[k] == b[k]);
    REQUIRE(pruned_sops == trains.input_spikes * 60 + trains.layer1_spikes * 16 +
                               10 * r.kept_active_features(trains.bits.data(), mask));
  }
  // Neither silent nor saturated: between 10 % and 90 % of the 20 x 8 x 20 features.
  CHECK(features > 320);
  CHECK(features < 2880);
}

TEST_CASE("convex: bad configurations are errors naming the field", "[convex]") {
  const nmsim::ChipConfig chip = nmsim::config::default_chip_config();
  const auto message_of = [&](const nmsim::RunConfig& run) -> std::string {
    try {
      nmsim::convex::options_from_config(run, chip);
    } catch (const nmsim::ConfigError& e) {
      return e.what();
    }
    return "";
  };
  nmsim::RunConfig run = convex_run();
  run.mutable_convex()->set_witness_sigma(2600 * 4);  // 3.47 sigma > 32767
  REQUIRE_THAT(message_of(run), Catch::Contains("run.convex.witness_sigma"));
  run = convex_run();
  run.mutable_network()->add_hidden_sizes(100);
  run.mutable_network()->add_hidden_sizes(100);  // three hidden layers
  REQUIRE_THAT(message_of(run), Catch::Contains("run.network.hidden_sizes") && Catch::Contains("got 3 layers"));
  run = convex_run();
  run.mutable_network()->add_hidden_sizes(100);
  run.mutable_convex()->set_witness2_sigma(2600 * 4);  // layer 2's sigma checked like layer 1's
  REQUIRE_THAT(message_of(run), Catch::Contains("run.convex.witness2_sigma = 10400"));
  run.mutable_network()->set_hidden_sizes(1, 0);
  run.mutable_convex()->set_witness2_sigma(100);
  REQUIRE_THAT(message_of(run), Catch::Contains("run.network.hidden_sizes[1]: P2 must be >= 1"));
  run = convex_run();
  run.mutable_convex()->set_features(nmsim::CONVEX_FEATURES_UNSPECIFIED);
  REQUIRE_THAT(message_of(run), Catch::Contains("run.convex.features"));
  run = convex_run();
  run.mutable_convex()->set_group_norm(nmsim::CONVEX_GROUP_NORM_UNSPECIFIED);
  REQUIRE_THAT(message_of(run), Catch::Contains("run.convex.group_norm"));
  run = convex_run();
  run.mutable_convex()->set_beta_fraction(1.5);
  REQUIRE_THAT(message_of(run), Catch::Contains("run.convex.beta_fraction"));
  run = convex_run();
  run.mutable_convex()->set_batch_size(0);
  REQUIRE_THAT(message_of(run), Catch::Contains("run.convex.batch_size"));
  run = convex_run();
  run.mutable_convex()->set_readout_fraction_bits(30);
  REQUIRE_THAT(message_of(run), Catch::Contains("run.convex.readout_fraction_bits"));
  // The config validator reads the same ranges from the .proto.
  run = convex_run();
  run.mutable_convex()->set_tolerance(2);
  REQUIRE_THROWS_AS(nmsim::config::validate(run, chip), nmsim::ConfigError);
}

TEST_CASE("convex study: 400 MNIST samples well above chance, deterministic, pruned = whole", "[convex]") {
  const nmsim::workloads::DatasetSplit data = nmsim::workloads::load_mnist(
      nmsim::workloads::default_data_dir(nmsim::DATASET_MNIST, NMSIM_SOURCE_DIR));
  nmsim::RunConfig run = convex_run();
  run.mutable_network()->clear_hidden_sizes();
  run.mutable_network()->add_hidden_sizes(200);
  run.mutable_training()->set_train_samples(400);
  run.mutable_training()->set_epochs(8);
  run.mutable_convex()->set_tolerance(0);
  run.mutable_convex()->set_beta_fraction(0.05);
  run.mutable_convex()->set_eta_shift(14);  // 13 diverges at P = 200
  run.set_samples(400);
  const nmsim::ChipConfig chip = nmsim::config::default_chip_config();
  std::vector<nmsim::EpochResult> seen;
  const nmsim::StudyReport a =
      nmsim::convex::run_study(run, chip, data, [&](const nmsim::EpochResult& e) { seen.push_back(e); });
  REQUIRE(seen.size() == 8);
  REQUIRE(a.epochs_size() == 8);
  const nmsim::EpochResult& last = a.epochs(7);
  // Chance is 10 %; 400 samples and 200 units reach ~65 %.
  REQUIRE(last.test_accuracy() > 0.5);
  REQUIRE(last.pruned_test_accuracy() == last.test_accuracy());
  REQUIRE(last.objective() < a.epochs(0).objective());
  REQUIRE(last.objective() < 200);  // v = 0 gives N / 2
  REQUIRE(last.kept_units() <= 200);
  REQUIRE(last.pruned_inference_sops_per_sample() <= last.inference_sops_per_sample());
  REQUIRE(last.sops_update() == last.readout_additions());  // one gradient addition per forward one
  REQUIRE(last.weight_writes() > 0);
  REQUIRE(last.hidden_weight_writes() == 0);
  REQUIRE(last.test_per_class_size() == 10);

  const nmsim::StudyReport b = nmsim::convex::run_study(run, chip, data, {});
  for (int e = 0; e < 8; ++e) {
    REQUIRE(a.epochs(e).objective() == b.epochs(e).objective());
    REQUIRE(a.epochs(e).test_accuracy() == b.epochs(e).test_accuracy());
    REQUIRE(a.epochs(e).weight_writes() == b.epochs(e).weight_writes());
    REQUIRE(a.epochs(e).kept_units() == b.epochs(e).kept_units());
  }
  // A study-level config error: mini-batches are convex.batch_size's.
  run.mutable_training()->set_batch_size(16);
  REQUIRE_THROWS_AS(nmsim::convex::run_study(run, chip, data, {}), nmsim::ConfigError);
}

TEST_CASE("convex schedule: the batch doubles up to the training set and eta halves with it", "[convex]") {
  ConvexOptions o = tiny_options();
  o.batch_size = 64;
  o.eta_shift = 16;
  o.batch_growth_epochs = 3;
  o.eta_decay_epochs = 10;
  ConvexReadout r(o);
  FeatureStore store;
  store.words = 1;
  store.bits.assign(1000, 1);
  store.input_spikes.assign(1000, 0);
  std::vector<uint32_t> set(1000);
  for (uint32_t s = 0; s < 1000; ++s) set[s] = s;
  r.set_training_set(store, std::vector<uint8_t>(1000, 0), set);
  REQUIRE(r.batch_size(0) == 64);
  REQUIRE(r.eta_shift(0) == 16);
  REQUIRE(r.batch_size(2) == 64);
  REQUIRE(r.batch_size(3) == 128);
  REQUIRE(r.eta_shift(3) == 17);
  REQUIRE(r.batch_size(9) == 512);
  REQUIRE(r.eta_shift(9) == 19);
  // Epoch 12: 64 * 16 = 1024 > N: the whole set (1000), eta by ceil(log2(1000 / 64)) = 4
  // (a step per sample no larger than before), plus one decay step (epoch 12 / 10).
  REQUIRE(r.batch_size(12) == 1000);
  REQUIRE(r.eta_shift(12) == 16 + 4 + 1);
  REQUIRE(r.eta_shift(1000) == 62);  // capped: round_shift takes shifts below 63
}

TEST_CASE("convex refit: only the kept units learn, without the penalty", "[convex]") {
  const ConvexOptions o = tiny_options();
  const FeatureStore store = tiny_store();
  const std::vector<uint8_t> labels = {1, 0};
  ConvexReadout r(o);
  r.set_training_set(store, labels, {0, 1});
  const uint32_t batch[] = {0, 1};
  uint32_t predicted[2];
  r.step(store, labels, batch, 2, 0, predicted);  // v[0] = (16384, 16384), v[1][0] = v[3][1] = 16384
  r.restrict_to({0});                              // unit 0 = rows 0 and 1
  REQUIRE(r.restricted());
  REQUIRE(r.beta_q() == 0);
  REQUIRE(v_at(r, 3, 1) == 0);  // unit 1's row is cleared
  REQUIRE(r.kept_units() == std::vector<uint32_t>{0});
  // Step: o(s0) = (16384, 16384) from row 0 alone (row 3 is unit 1's), e = (16384, -49152);
  // o(s1) = (32768, 16384), e = (-32768, 16384). g[0] = (-16384, -32768), g[1] = (-32768, 16384);
  // no prox (beta = 0): v[0] = (24576, 32768), v[1] = (32768, -8192); unit 1 stays 0.
  const nmsim::convex::StepCounts c = r.step(store, labels, batch, 2, 0, predicted);
  REQUIRE(v_at(r, 0, 0) == 24576);
  REQUIRE(v_at(r, 0, 1) == 32768);
  REQUIRE(v_at(r, 1, 0) == 32768);
  REQUIRE(v_at(r, 1, 1) == -8192);
  REQUIRE(v_at(r, 3, 0) == 0);
  REQUIRE(v_at(r, 3, 1) == 0);
  // Sample 0 has one kept feature (row 0), sample 1 two (rows 0 and 1).
  REQUIRE(c.readout_additions == 3 * 10);
  REQUIRE(c.gradient_additions == 3 * 10);
  REQUIRE(c.weights_written == 4);
}
