// The inference functional reference on networks small enough to follow by hand.
#include <catch2/catch.hpp>

#include <vector>

#include "models/base/errors.h"
#include "workloads/common/weights.h"
#include "workloads/inference/reference.h"

using nmsim::SpikeBitmap;
using nmsim::arith::NeuronParams;
using nmsim::inference::InferenceReference;
using nmsim::inference::SampleResult;
using nmsim::workloads::LayerWeightsData;
using nmsim::workloads::NetworkWeights;

namespace {

std::vector<uint32_t> lines(const SpikeBitmap& s) {
  std::vector<uint32_t> out;
  s.for_each([&](uint32_t i) { out.push_back(i); });
  return out;
}

using Lines = std::vector<uint32_t>;

}  // namespace

TEST_CASE("inference reference: 4-3-2 network, T = 3, by hand", "[inference]") {
  // 8-bit state: potentials saturate at [-128, 127]. theta = 100, reset by subtraction,
  // one refractory step, no leak.
  NeuronParams p;
  p.threshold = 100;
  p.reset = nmsim::arith::Reset::kSubtract;
  p.refractory_steps = 1;
  p.state_width_bits = 8;
  NetworkWeights w;
  w.layers.push_back(LayerWeightsData{4, 3, {60, 120, -50,     // input 0
                                             50, 100, -100,    // input 1
                                             99, 99, 99,       // input 2 (never spikes)
                                             -30, 10, 40}});   // input 3
  w.layers.push_back(LayerWeightsData{3, 2, {70, -20,          // hidden 0
                                             40, 110,          // hidden 1
                                             -90, 5}});        // hidden 2
  InferenceReference ref({4, 3, 2}, w, p, 3, nmsim::ENCODER_INTEGRATE_AND_FIRE, 0);
  const uint8_t pixels[4] = {255, 128, 0, 64};
  const SampleResult r = ref.run(pixels, 0, true);

  // Encoder (acc from 128, +pixel, spike at 256):
  //   255: 383 s, 382 s, 381 s -> steps 0, 1, 2;  128: 256 s, 128, 256 s -> steps 0, 2;
  //   0: never;  64: 192, 256 s, 64 -> step 1.
  //   s0: t0 {0, 1}, t1 {0, 3}, t2 {0, 1}.
  // Step 0, hidden (u = 0, refractory = 0):
  //   input 0: u = [60, 120, -50]; input 1: u = [110, 220 -> 127 (saturated), -150 -> -128].
  //   fire: h0 110 >= 100 -> spike, u = 10, ref 1; h1 127 -> spike, u = 27, ref 1; h2 no.
  //   s1 = {0, 1}.
  // Step 0, output (u = 0): h0: [70, -20]; h1: [110, 90].
  //   fire: o0 110 -> spike, u = 10, ref 1; o1 90 no.  s2 = {0}.
  // Step 1, hidden: h0, h1 refractory: their inputs are masked (the SOPs still count).
  //   input 0: h2 = -128 - 50 -> -128 (saturated); input 3: h2 = -128 + 40 = -88.
  //   fire: h0, h1 ref 1 -> 0, no spike; h2 -88 no.  s1 = {}.
  // Step 1, output: no input. fire: o0 ref 1 -> 0, no spike; o1 90 no.  s2 = {}.
  // Step 2, hidden: u = [10, 27, -88], none refractory.
  //   input 0: [70, 147 -> 127, -138 -> -128]; input 1: [120, 227 -> 127, -228 -> -128].
  //   fire: h0 120 -> spike, 20; h1 127 -> spike, 27; h2 no.  s1 = {0, 1}.
  // Step 2, output: u = [10, 90]. h0: [80, 70]; h1: [120, 180 -> 127].
  //   fire: o0 120 -> spike, 20; o1 127 -> spike, 27.  s2 = {0, 1}.
  REQUIRE(r.spikes.size() == 3);
  REQUIRE(r.spikes[0].size() == 3);  // layers 0 (input), 1, 2
  REQUIRE(lines(r.spikes[0][0]) == Lines{0, 1});
  REQUIRE(lines(r.spikes[1][0]) == Lines{0, 3});
  REQUIRE(lines(r.spikes[2][0]) == Lines{0, 1});
  REQUIRE(lines(r.spikes[0][1]) == Lines{0, 1});
  REQUIRE(lines(r.spikes[1][1]) == Lines{});
  REQUIRE(lines(r.spikes[2][1]) == Lines{0, 1});
  REQUIRE(lines(r.spikes[0][2]) == Lines{0});
  REQUIRE(lines(r.spikes[1][2]) == Lines{});
  REQUIRE(lines(r.spikes[2][2]) == Lines{0, 1});

  REQUIRE(r.output_counts == std::vector<uint32_t>{2, 1});
  REQUIRE(r.final_potentials == std::vector<int32_t>{20, 27});
  REQUIRE(r.predicted == 0);
  REQUIRE(r.input_spikes == 6);
  // SOPs: layer 1 = (2 + 2 + 2) input spikes x 3 neurons = 18 (masked ones included);
  // layer 2 = (2 + 0 + 2) hidden spikes x 2 neurons = 8.
  REQUIRE(r.sops_per_layer == std::vector<uint64_t>{18, 8});
  REQUIRE(r.spikes_per_layer == std::vector<uint64_t>{4, 3});

  // A second run starts from zero again and, unrecorded, gives the same numbers.
  const SampleResult again = ref.run(pixels, 1, false);
  REQUIRE(again.spikes.empty());
  REQUIRE(again.output_counts == r.output_counts);
  REQUIRE(again.final_potentials == r.final_potentials);
  REQUIRE(again.sops_per_layer == r.sops_per_layer);
}

TEST_CASE("inference reference: leak by subtraction and reset to zero", "[inference]") {
  // One layer, 2 inputs -> 4 outputs, T = 2; theta = 50, leak moves u 5 toward 0 in each
  // fire scan before the threshold test, reset to zero, no refractory, 16-bit state.
  NeuronParams p;
  p.threshold = 50;
  p.leak = nmsim::arith::Leak::kSubtract;
  p.leak_amount = 5;
  p.reset = nmsim::arith::Reset::kZero;
  p.refractory_steps = 0;
  p.state_width_bits = 16;
  NetworkWeights w;
  w.layers.push_back(LayerWeightsData{2, 4, {52, 70, 30, -12, 99, 99, 99, 99}});
  InferenceReference ref({2, 4}, w, p, 2, nmsim::ENCODER_INTEGRATE_AND_FIRE, 0);
  const uint8_t pixels[2] = {255, 0};  // input 0 spikes in both steps, input 1 never
  const SampleResult r = ref.run(pixels, 0, true);
  // t0: u = [52, 70, 30, -12]; leak -> [47, 65, 25, -7]; o1 fires -> 0.  s = {1}.
  // t1: u = [99, 70, 55, -19]; leak -> [94, 65, 50, -14]; o0, o1, o2 fire -> 0.  s = {0,1,2}.
  REQUIRE(lines(r.spikes[0][1]) == Lines{1});
  REQUIRE(lines(r.spikes[1][1]) == Lines{0, 1, 2});
  REQUIRE(r.output_counts == std::vector<uint32_t>{1, 2, 1, 0});
  REQUIRE(r.final_potentials == std::vector<int32_t>{0, 0, 0, -14});
  REQUIRE(r.predicted == 1);
  REQUIRE(r.input_spikes == 2);
  REQUIRE(r.sops_per_layer == std::vector<uint64_t>{8});  // 2 steps x 1 spike x 4
  REQUIRE(r.spikes_per_layer == std::vector<uint64_t>{4});
}

TEST_CASE("inference reference: counts agree with the recorded spike trains", "[inference]") {
  // A random 784-64-32-10 network with the Bernoulli encoder: the counts the chip must
  // report are exactly those implied by the spike trains.
  const std::vector<uint32_t> sizes = {784, 64, 32, 10};
  const NetworkWeights w = nmsim::workloads::random_weights(sizes, 2000, 9);
  NeuronParams p;  // theta = 2^14, 24-bit state
  p.threshold = 4000;
  constexpr uint32_t kT = 8;
  InferenceReference ref(sizes, w, p, kT, nmsim::ENCODER_BERNOULLI, 77);
  std::vector<uint8_t> pixels(784);
  for (uint32_t i = 0; i < 784; ++i) pixels[i] = static_cast<uint8_t>((i * 7) % 256);
  const SampleResult r = ref.run(pixels.data(), 3, true);
  REQUIRE(r.spikes.size() == kT);
  uint64_t input = 0;
  std::vector<uint64_t> sops(3, 0), spikes(3, 0);
  std::vector<uint32_t> out(10, 0);
  for (uint32_t t = 0; t < kT; ++t) {
    input += r.spikes[t][0].count();
    for (size_t l = 1; l < sizes.size(); ++l) {
      sops[l - 1] += uint64_t{r.spikes[t][l - 1].count()} * sizes[l];
      spikes[l - 1] += r.spikes[t][l].count();
    }
    r.spikes[t][3].for_each([&](uint32_t j) { ++out[j]; });
  }
  REQUIRE(r.input_spikes == input);
  REQUIRE(r.sops_per_layer == sops);
  REQUIRE(r.spikes_per_layer == spikes);
  REQUIRE(r.output_counts == out);
  REQUIRE(input > 0);
  REQUIRE(spikes[0] > 0);  // the network is active, so the identities are not vacuous
  // Deterministic: a fresh reference with the same seed gives the same trains.
  InferenceReference ref2(sizes, w, p, kT, nmsim::ENCODER_BERNOULLI, 77);
  const SampleResult r2 = ref2.run(pixels.data(), 3, true);
  REQUIRE(r2.spikes == r.spikes);
  REQUIRE(r2.final_potentials == r.final_potentials);
}

TEST_CASE("inference reference rejects inconsistent networks", "[inference]") {
  NeuronParams p;
  const NetworkWeights w = nmsim::workloads::random_weights({4, 3, 2}, 10, 1);
  REQUIRE_THROWS_AS(InferenceReference({4, 3, 3}, w, p, 3, nmsim::ENCODER_BERNOULLI, 0),
                    nmsim::ConfigError);
  REQUIRE_THROWS_AS(InferenceReference({4, 3}, w, p, 3, nmsim::ENCODER_BERNOULLI, 0),
                    nmsim::ConfigError);
  NeuronParams narrow;
  narrow.state_width_bits = 8;  // theta 2^14 does not fit an 8-bit state
  REQUIRE_THROWS_AS(InferenceReference({4, 3, 2}, w, narrow, 3, nmsim::ENCODER_BERNOULLI, 0),
                    nmsim::ConfigError);
  REQUIRE_THROWS_AS(InferenceReference({4, 3, 2}, w, p, 0, nmsim::ENCODER_BERNOULLI, 0),
                    nmsim::ConfigError);
}
