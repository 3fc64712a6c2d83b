// The DFA study on real MNIST data: a fast training smoke test (not the benchmark),
// determinism, and the config checks of run_study.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <string>

#include "models/base/errors.h"
#include "platform/config/loader.h"
#include "workloads/common/dataset.h"
#include "workloads/common/weights.h"
#include "workloads/dfa/study.h"

namespace {

// `train` samples of MNIST's training split and `test` of its test split, evenly strided
// (the splits are ordered by class).
nmsim::workloads::DatasetSplit small_mnist(uint32_t train, uint32_t test) {
  const char* env = std::getenv("NMSIM_SOURCE_DIR");
  const std::string source = env ? env : NMSIM_SOURCE_DIR;
  nmsim::workloads::DatasetSplit all = nmsim::workloads::load_mnist(
      nmsim::workloads::default_data_dir(nmsim::DATASET_MNIST, source));
  auto cut = [](nmsim::workloads::Dataset& d, uint32_t n) {
    nmsim::workloads::Dataset out = d;
    out.count = n;
    out.pixels.resize(size_t{n} * d.pixels_per_sample);
    out.labels.resize(n);
    for (uint32_t k = 0; k < n; ++k) {
      const uint32_t from = static_cast<uint32_t>(uint64_t{k} * d.count / n);
      std::copy(d.sample(from), d.sample(from) + d.pixels_per_sample,
                out.pixels.begin() + size_t{k} * d.pixels_per_sample);
      out.labels[k] = d.labels[from];
    }
    d = std::move(out);
  };
  cut(all.train, train);
  cut(all.test, test);
  return all;
}

nmsim::RunConfig small_run() {
  nmsim::RunConfig run = nmsim::config::default_run_config();
  run.set_workload(nmsim::WORKLOAD_DFA);
  run.mutable_network()->clear_hidden_sizes();
  run.mutable_network()->add_hidden_sizes(128);
  run.mutable_training()->set_epochs(2);
  return run;
}

}  // namespace

// 400 training samples (shuffled, two epochs with the default shifts, 128 hidden neurons),
// 500 test samples. Chance is 10 %; the run is deterministic and measures 66.8 %: it must
// pass 60 % (a real learning check, not the benchmark).
TEST_CASE("dfa study: accuracy rises far above chance on 400 MNIST samples", "[dfa][study]") {
  const nmsim::workloads::DatasetSplit data = small_mnist(400, 500);
  nmsim::RunConfig run = small_run();
  const nmsim::ChipConfig chip = nmsim::config::default_chip_config();
  int calls = 0;
  const nmsim::StudyReport report =
      nmsim::dfa::run_study(run, chip, data, [&](const nmsim::EpochResult&) { ++calls; });
  REQUIRE(calls == 2);
  REQUIRE(report.epochs_size() == 2);
  const nmsim::EpochResult& last = report.epochs(1);
  CHECK(last.test_accuracy() > 0.6);
  CHECK(last.train_samples() == 400);
  CHECK(last.test_per_class_size() == 10);
  CHECK(last.sops_forward() > 0);
  CHECK(last.hidden_weight_writes() > 0);
  CHECK(last.weight_writes() >= last.hidden_weight_writes());
  CHECK(report.network() == "784-128-10, T = 8");
  CHECK(report.workload() == "dfa");
}

TEST_CASE("dfa study: same seed gives the same weights and counts, another seed differs", "[dfa][study]") {
  const nmsim::workloads::DatasetSplit data = small_mnist(60, 20);
  nmsim::RunConfig run = small_run();
  const nmsim::ChipConfig chip = nmsim::config::default_chip_config();
  nmsim::workloads::NetworkWeights a, b, c;
  const nmsim::StudyReport ra = nmsim::dfa::run_study(run, chip, data, nullptr, &a);
  const nmsim::StudyReport rb = nmsim::dfa::run_study(run, chip, data, nullptr, &b);
  run.set_seed(2);
  nmsim::dfa::run_study(run, chip, data, nullptr, &c);
  REQUIRE(a.layers.size() == 2);
  CHECK(a.layers[0].w == b.layers[0].w);
  CHECK(a.layers[1].w == b.layers[1].w);
  CHECK(a.layers[0].w != c.layers[0].w);
  CHECK(ra.epochs(1).weight_writes() == rb.epochs(1).weight_writes());
  CHECK(ra.epochs(1).sops_forward() == rb.epochs(1).sops_forward());
  CHECK(ra.epochs(1).test_accuracy() == rb.epochs(1).test_accuracy());
}

TEST_CASE("dfa study: configs it cannot run are ConfigErrors", "[dfa][study]") {
  const nmsim::workloads::DatasetSplit data = small_mnist(10, 10);
  const nmsim::ChipConfig chip = nmsim::config::default_chip_config();
  nmsim::RunConfig batch = small_run();
  batch.mutable_training()->set_batch_size(16);
  CHECK_THROWS_AS(nmsim::dfa::run_study(batch, chip, data, nullptr), nmsim::ConfigError);
  nmsim::RunConfig unset = small_run();
  unset.mutable_dfa()->clear_gate();
  CHECK_THROWS_AS(nmsim::dfa::run_study(unset, chip, data, nullptr), nmsim::ConfigError);
  nmsim::RunConfig too_many = small_run();
  too_many.set_samples(11);
  CHECK_THROWS_AS(nmsim::dfa::run_study(too_many, chip, data, nullptr), nmsim::ConfigError);
}
