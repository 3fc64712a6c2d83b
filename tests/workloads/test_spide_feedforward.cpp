// SPIDE with a feedforward layer before the recurrent one (784-H-N-10, reference.h): a
// 2-pixel, 2-2-2 network followed by hand, the weight streams, the state round trip, the
// options and a short MNIST study.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "models/base/errors.h"
#include "platform/config/loader.h"
#include "workloads/common/dataset.h"
#include "workloads/common/prng.h"
#include "workloads/job/chip_run.h"
#include "workloads/spide/reference.h"
#include "workloads/spide/spide_job.h"
#include "workloads/spide/study.h"

using nmsim::spide::SampleCounts;
using nmsim::spide::SpideMatrices;
using nmsim::spide::SpideOptions;
using nmsim::spide::SpideReference;
using nmsim::workloads::LayerWeightsData;

namespace {

// The one-layer tiny network of test_spide_reference.cpp (theta = 100, T_f = T_b = 4,
// logits o / 4, g = (O^T err) / 2^10, shifts F 1, W 2, O 3) with a layer H of 2 neurons
// before it: delta_h = m_h round(e_h / 8), dV = round(-delta_h p / 4).
SpideOptions tiny_options() {
  SpideOptions o;
  o.inputs = 2;
  o.feedforward = 2;
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
  o.feedforward_delta_shift = 3;
  o.feedforward_lr_shift = 2;
  return o;
}

// V = identity x theta: neuron h fires exactly when pixel h does, in the same step, so the
// recurrent layer sees the one-layer test's input spikes and its forward and backward
// stages are that test's, step for step.
SpideMatrices tiny_matrices() {
  SpideMatrices m;
  m.feedforward = LayerWeightsData{2, 2, {100, 0,     // pixel 0 -> layer H neurons 0, 1
                                          0, 100}};   // pixel 1
  m.input = LayerWeightsData{2, 2, {70, 30,     // H neuron 0 -> recurrent neurons 0, 1
                                    20, 40}};   // H neuron 1
  m.recurrent = LayerWeightsData{2, 2, {0, 20, -10, 0}};
  m.readout = LayerWeightsData{2, 2, {300, -100, -200, 500}};
  return m;
}

const uint8_t kPixels[2] = {255, 128};

}  // namespace

TEST_CASE("spide feedforward reference: 2-2-2-2 by hand (label 0)", "[spide]") {
  SpideReference ref(tiny_options(), tiny_matrices());
  REQUIRE(ref.train(kPixels, 0, 0) == 1);
  // Encoder: pixel 0 fires every step, pixel 1 at steps 0 and 2: p = [4, 2]. Layer H:
  // q += 100 per pixel spike, fires at once: r[t] = x[t], c = [4, 2], q = [0, 0].
  // m_h = (0 < c < 4) = [0, 1]: neuron 0 fires every step, its rate is clamped.
  REQUIRE(ref.pixel_counts() == std::vector<uint32_t>{4, 2});
  REQUIRE(ref.input_counts() == std::vector<uint32_t>{4, 2});
  REQUIRE(ref.feedforward_potentials() == std::vector<int32_t>{0, 0});
  REQUIRE(ref.feedforward_mask() == std::vector<uint8_t>{0, 1});
  // The recurrent layer is the one-layer test's (same-step input): a = [3, 2],
  // o = [500, 700], err = [-140, 140], g = [-55, 96], b[t] = [-1,+1], [0,+1], [0,+1],
  // [-1,+1], beta = [-2, 4].
  REQUIRE(ref.hidden_counts() == std::vector<uint32_t>{3, 2});
  REQUIRE(ref.outputs() == std::vector<int32_t>{500, 700});
  REQUIRE(ref.gradient() == std::vector<int32_t>{-55, 96});
  REQUIRE(ref.beta() == std::vector<int32_t>{-2, 4});
  // e = sum over the steps of F's column of every ternary spike, with the old F:
  // e_h = -2 F[h][0] + 4 F[h][1]: e_0 = -140 + 120 = -20, e_1 = -40 + 160 = 120.
  REQUIRE(ref.feedforward_error() == std::vector<int32_t>{-20, 120});
  // delta_h = m_h round(e_h / 8) = [0, 15].
  REQUIRE(ref.feedforward_delta() == std::vector<int64_t>{0, 15});
  // V[k][1] += round(-(15 p_k) / 4): k 0: -60 / 4 = -15; k 1: -30 / 4 = -7.5 -> -8.
  REQUIRE(ref.weights().feedforward.w == std::vector<int32_t>{100, -15, 0, 92});
  // F, W and O: the one-layer test's (x = c = [4, 2]).
  REQUIRE(ref.weights().input.w == std::vector<int32_t>{74, 22, 22, 36});
  REQUIRE(ref.weights().recurrent.w == std::vector<int32_t>{2, 17, -9, -2});
  REQUIRE(ref.weights().readout.w == std::vector<int32_t>{353, -153, -165, 465});
  const SampleCounts& c = ref.last_counts();
  REQUIRE(c.input_spikes == 6);        // pixel spikes
  REQUIRE(c.sops_feedforward == 12);   // 6 x H
  REQUIRE(c.feedforward_spikes == 6);  // layer H's spikes
  REQUIRE(c.sops_input == 12);         // 6 x N through F
  REQUIRE(c.forward_spikes == 5);
  REQUIRE(c.sops_recurrent == 6);
  REQUIRE(c.feedforward_active == 1);
  REQUIRE(c.backward_spikes == 6);
  REQUIRE(c.sops_feedforward_backward == 12);  // 6 ternary spikes x H
  // V: 2 rows x 1 nonzero delta, both written; then the one-layer test's 12 / 6 / 12 / 8.
  REQUIRE(c.update_ops == 14);
  REQUIRE(c.rows_written == 8);
  REQUIRE(c.weights_written == 14);
  REQUIRE(c.hidden_weights_written == 10);
}

TEST_CASE("spide feedforward reference: layer H integrates, fires and feeds the same step", "[spide]") {
  SpideOptions o = tiny_options();
  SpideMatrices m = tiny_matrices();
  // H neuron 0 gets 60 per pixel-0 spike: q0 = 60, 120 -> fires at t1 (20), 80, 140 ->
  // fires at t3 (40): r_0 at steps 1 and 3, c_0 = 2. H neuron 1 gets 50 + 70 per
  // pixel 0 / 1 spike: t0 120 -> fires (20); t1 70; t2 190 -> fires (90); t3 140 ->
  // fires (40): c_1 = 3.
  m.feedforward.w = {60, 50, 0, 70};
  // F = identity x theta: recurrent neuron j fires in the step H neuron j does.
  m.input.w = {100, 0, 0, 100};
  m.recurrent.w = {0, 0, 0, 0};
  SpideReference ref(o, m);
  ref.predict(kPixels, 0);
  REQUIRE(ref.feedforward_potentials() == std::vector<int32_t>{40, 40});
  REQUIRE(ref.input_counts() == std::vector<uint32_t>{2, 3});
  REQUIRE(ref.hidden_counts() == std::vector<uint32_t>{2, 3});
  REQUIRE(ref.feedforward_mask() == std::vector<uint8_t>{1, 1});
  // o = O^T a = [2 * 300 - 3 * 200, -2 * 100 + 3 * 500] = [0, 1300].
  REQUIRE(ref.outputs() == std::vector<int32_t>{0, 1300});
  REQUIRE(ref.last_counts().sops_feedforward == 12);
  REQUIRE(ref.last_counts().feedforward_spikes == 5);
  REQUIRE(ref.last_counts().sops_input == 10);
}

TEST_CASE("spide feedforward: V is matrix 3 of the weight stream, F has H rows", "[spide]") {
  SpideOptions o;
  o.feedforward = 12;
  o.hidden = 8;
  const SpideMatrices m = nmsim::spide::random_matrices(o);
  REQUIRE(m.feedforward.inputs == 784);
  REQUIRE(m.feedforward.outputs == 12);
  REQUIRE(m.input.inputs == 12);
  REQUIRE(m.input.outputs == 8);
  REQUIRE(m.feedforward.w[5] == nmsim::workloads::prng_uniform(o.seed, nmsim::workloads::Stream::kWeights,
                                                               (uint64_t{3} << 40) + 5, -o.feedforward_init_range,
                                                               o.feedforward_init_range));
  // A matrix of the wrong shape.
  SpideMatrices bad = m;
  bad.feedforward.w.pop_back();
  REQUIRE_THROWS_WITH(SpideReference(o, bad), Catch::Contains("V (feedforward)"));
}

TEST_CASE("spide feedforward: the saved state holds V and restores the same training", "[spide]") {
  SpideOptions o;
  o.feedforward = 16;
  o.hidden = 12;
  std::vector<uint8_t> pixels(784);
  for (uint32_t k = 0; k < pixels.size(); ++k) pixels[k] = static_cast<uint8_t>((k * 37) % 256);
  SpideReference a(o, nmsim::spide::random_matrices(o));
  a.train(pixels.data(), 3, 0);
  nmsim::ReferenceState state;
  a.save_state(state);
  SpideReference b(o, nmsim::spide::random_matrices(o));
  b.restore_state(state);
  REQUIRE(b.weights().feedforward.w == a.weights().feedforward.w);
  a.train(pixels.data(), 5, 1);
  b.train(pixels.data(), 5, 1);
  REQUIRE(b.weights().feedforward.w == a.weights().feedforward.w);
  REQUIRE(b.weights().input.w == a.weights().input.w);
  REQUIRE(b.feedforward_error() == a.feedforward_error());
}

TEST_CASE("spide feedforward: hidden_sizes [H, N] is read, three layers and too few cores are refused",
          "[spide]") {
  const nmsim::ChipConfig chip = nmsim::config::default_chip_config();
  nmsim::RunConfig run = nmsim::config::default_run_config();
  run.set_workload(nmsim::WORKLOAD_SPIDE);
  run.mutable_network()->clear_hidden_sizes();
  run.mutable_network()->add_hidden_sizes(50);
  run.mutable_network()->add_hidden_sizes(20);
  const SpideOptions o = nmsim::spide::options_from_config(run, chip);
  REQUIRE(o.feedforward == 50);
  REQUIRE(o.hidden == 20);
  REQUIRE(o.recurrent_inputs() == 50);
  REQUIRE(o.feedforward_delta_shift == run.spide().feedforward_delta_shift());
  REQUIRE(o.feedforward_lr_shift == run.spide().feedforward_lr_shift());
  REQUIRE(o.feedforward_init_range == run.spide().feedforward_init_range());
  const auto message = [&](const nmsim::RunConfig& r) {
    try {
      nmsim::spide::options_from_config(r, chip);
    } catch (const nmsim::ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  nmsim::RunConfig bad = run;
  bad.mutable_network()->add_hidden_sizes(10);
  REQUIRE_THAT(message(bad), Catch::Contains("run.network.hidden_sizes") && Catch::Contains("3 sizes given"));
  bad = run;
  bad.mutable_network()->set_hidden_sizes(0, 0);
  REQUIRE_THAT(message(bad), Catch::Contains("run.network.hidden_sizes[0] = 0"));
  bad = run;
  bad.mutable_network()->set_hidden_sizes(1, 5000);
  REQUIRE_THAT(message(bad), Catch::Contains("run.network.hidden_sizes[1]"));
  bad = run;
  bad.mutable_spide()->set_feedforward_delta_shift(41);
  REQUIRE_THAT(message(bad), Catch::Contains("run.spide.feedforward_delta_shift"));
  bad = run;
  bad.mutable_spide()->set_feedforward_lr_shift(33);
  REQUIRE_THAT(message(bad), Catch::Contains("run.spide.feedforward_lr_shift"));
  bad = run;
  bad.mutable_spide()->set_feedforward_init_range(40000);
  REQUIRE_THAT(message(bad), Catch::Contains("run.spide.feedforward_init_range"));

  // The chip runs 784-H-N-10 (test_spide_feedforward_chip.cpp), its readout over several cores
  // too (test_spide_readout_split.cpp); what it still refuses before any work: a chip with too
  // few cores. 784-50-200-10 on 128-axon cores: layer H ceil(784 / 128) = 7 groups, the
  // recurrent layer's 250 lines 2 groups, the readout's 200 lines 2 groups: 11 cores against 4.
  nmsim::job::JobOptions job;
  job.chip = chip;
  job.chip.mutable_core()->set_ternary_couples(true);
  job.chip.mutable_core()->set_transposed_read(nmsim::COLUMN_READ);
  job.chip.mutable_core()->set_max_axons(128);
  job.chip.set_mesh_width(2);
  job.chip.set_mesh_height(2);
  job.chip.set_cores_per_node(1);
  job.run = run;
  job.run.mutable_network()->set_hidden_sizes(1, 200);
  job.energy = nmsim::config::default_energy_table();
  nmsim::spide::SpideJob workload;
  REQUIRE_THROWS_WITH(nmsim::job::run_chip_job(workload, job), Catch::Contains("need 11 cores") &&
                                                                   Catch::Contains("the chip has 4") &&
                                                                   Catch::Contains("7 short"));
}

TEST_CASE("spide feedforward study: 784-100-50-10 on 800 MNIST samples learns", "[spide][study]") {
  const nmsim::workloads::DatasetSplit data = nmsim::workloads::load_mnist(
      nmsim::workloads::default_data_dir(nmsim::DATASET_MNIST, NMSIM_SOURCE_DIR));
  nmsim::RunConfig run = nmsim::config::default_run_config();
  run.set_workload(nmsim::WORKLOAD_SPIDE);
  run.mutable_network()->clear_hidden_sizes();
  run.mutable_network()->add_hidden_sizes(100);
  run.mutable_network()->add_hidden_sizes(50);
  run.mutable_training()->set_train_samples(800);
  run.set_samples(400);
  const nmsim::ChipConfig chip = nmsim::config::default_chip_config();
  SpideMatrices trained;
  const nmsim::StudyReport report = nmsim::spide::run_study(run, chip, data, {}, &trained);
  REQUIRE(report.epochs_size() == 1);
  const nmsim::EpochResult& e = report.epochs(0);
  // Chance is 10 %; the preset's shifts reach 63.5 % (400 test digits).
  REQUIRE(e.test_accuracy() > 0.5);
  REQUIRE(e.backward_spikes() > 0);
  // The feedforward layer learnt: V moved away from its initial draw.
  const SpideOptions o = nmsim::spide::options_from_config(run, chip);
  const SpideMatrices initial = nmsim::spide::random_matrices(o);
  uint64_t changed = 0;
  for (size_t k = 0; k < initial.feedforward.w.size(); ++k) changed += trained.feedforward.w[k] != initial.feedforward.w[k];
  REQUIRE(changed > 1000);
}
