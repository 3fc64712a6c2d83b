// FF training end to end: determinism, the preset's config, and a short MNIST run.
#include <catch2/catch.hpp>

#include <vector>

#include "models/base/errors.h"
#include "platform/config/loader.h"
#include "platform/config/validate.h"
#include "workloads/common/dataset.h"
#include "workloads/common/prng.h"
#include "workloads/common/weights.h"
#include "workloads/ff/reference.h"
#include "workloads/ff/study.h"

using nmsim::ff::FfOptions;
using nmsim::ff::FfReference;

namespace {

// 16 inputs -> 20 neurons (groups of 2), T = 4: small but every neuron sees random input.
FfOptions small_options(uint64_t seed) {
  FfOptions o;
  o.layer_sizes = {16, 20};
  o.time_steps = 4;
  o.neuron.threshold = 1 << 14;
  o.seed = seed;
  o.lr_shift = 6;
  return o;
}

// 30 samples of 16 random pixels and random labels, fixed (seed 99).
std::vector<uint8_t> random_pixels() {
  std::vector<uint8_t> p(30 * 16);
  for (size_t i = 0; i < p.size(); ++i) p[i] = nmsim::workloads::prng_u8(99, 100, i);
  return p;
}

std::vector<int32_t> train_small(uint64_t seed, nmsim::ff::SampleCounts* totals) {
  const FfOptions o = small_options(seed);
  FfReference ref(o, nmsim::workloads::random_weights(o.layer_sizes, 6000, seed));
  const std::vector<uint8_t> pixels = random_pixels();
  for (uint32_t s = 0; s < 30; ++s) {
    ref.train(pixels.data() + s * 16, nmsim::workloads::prng_u8(99, 101, s) % 10, s);
    totals->sops_forward += ref.last_counts().sops_forward;
    totals->update_ops += ref.last_counts().update_ops;
    totals->weights_written += ref.last_counts().weights_written;
    totals->input_spikes += ref.last_counts().input_spikes;
  }
  return ref.weights().layers[0].w;
}

}  // namespace

TEST_CASE("ff reference: the same seed gives the same weights, another seed others", "[ff]") {
  nmsim::ff::SampleCounts a, b, c;
  const std::vector<int32_t> wa = train_small(7, &a);
  const std::vector<int32_t> wb = train_small(7, &b);
  const std::vector<int32_t> wc = train_small(8, &c);
  REQUIRE(wa == wb);
  REQUIRE(a.weights_written == b.weights_written);
  REQUIRE(a.update_ops == b.update_ops);
  REQUIRE(wa != wc);
  // Training changed something, and the counts are consistent: SOPs = input spikes x 20
  // neurons (one layer); every written weight was one update operation.
  REQUIRE(a.weights_written > 0);
  REQUIRE(a.sops_forward == a.input_spikes * 20);
  REQUIRE(a.weights_written <= a.update_ops);
}

TEST_CASE("ff: the default run preset has a complete ff block", "[ff]") {
  nmsim::RunConfig run = nmsim::config::default_run_config();
  run.set_workload(nmsim::WORKLOAD_FF);
  const nmsim::ChipConfig chip = nmsim::config::default_chip_config();
  REQUIRE_NOTHROW(nmsim::config::validate(run, chip));
  const FfOptions o = nmsim::ff::options_from_config(run, chip);
  REQUIRE(o.tau_divisor == 64);
  REQUIRE(o.lr_shift == 5);
  REQUIRE(o.lr_shift_per_epoch == 1);
  REQUIRE(o.gate);
  REQUIRE_FALSE(o.class_adaptation);
  REQUIRE(o.group_sizes.empty());
  REQUIRE(o.time_steps == run.time_steps());
  REQUIRE(o.weight_width_bits == chip.core().weight_width_bits());
}

TEST_CASE("ff study: 200 MNIST samples lift test accuracy well above chance", "[ff]") {
  const nmsim::workloads::DatasetSplit data = nmsim::workloads::load_mnist(
      nmsim::workloads::default_data_dir(nmsim::DATASET_MNIST, NMSIM_SOURCE_DIR));
  nmsim::RunConfig run = nmsim::config::default_run_config();
  run.set_workload(nmsim::WORKLOAD_FF);
  run.mutable_network()->clear_hidden_sizes();
  run.mutable_network()->add_hidden_sizes(200);
  run.mutable_training()->set_train_samples(200);
  run.mutable_ff()->set_lr_shift(6);  // independent of the preset's tuned default
  run.set_samples(200);
  const nmsim::ChipConfig chip = nmsim::config::default_chip_config();
  std::vector<nmsim::EpochResult> seen;
  const nmsim::StudyReport report =
      nmsim::ff::run_study(run, chip, data, [&](const nmsim::EpochResult& e) { seen.push_back(e); });
  REQUIRE(seen.size() == 1);
  REQUIRE(report.epochs_size() == 1);
  const nmsim::EpochResult& e = report.epochs(0);
  REQUIRE(e.train_samples() == 200);
  REQUIRE(e.test_per_class_size() == 10);
  // Chance is 10 %; the untrained network is near it. 200 samples reach ~70 %.
  REQUIRE(e.test_accuracy() > 0.5);
  REQUIRE(e.weight_writes() > 0);
  REQUIRE(e.hidden_weight_writes() == e.weight_writes());
  REQUIRE(e.sops_feedback() == 0);
  // Mini-batches are not implemented: a clear error.
  run.mutable_training()->set_batch_size(16);
  REQUIRE_THROWS_AS(nmsim::ff::run_study(run, chip, data, {}), nmsim::ConfigError);
}
