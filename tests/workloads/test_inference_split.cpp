// Inference with layers whose fan-in is split over cores (mapper.h, models/core/README.md
// "Fan-in split") against the functional reference, which integrates every input line of a
// neuron in one chain: spikes of every layer at every step, outputs, potentials, SOPs, bit for
// bit; a 16-bit state makes chains saturate, so the merge's order rule is exercised.
#include <catch2/catch.hpp>

#include <string>

#include "models/base/errors.h"
#include "platform/config/loader.h"
#include "platform/energy/energy_model.h"
#include "platform/mapper/mapper.h"
#include "platform/report/report_builder.h"
#include "workloads/dfa/dfa_job.h"
#include "workloads/ff/ff_job.h"
#include "workloads/inference/inference_job.h"
#include "workloads/job/chip_run.h"
#include "tests/common/report_stats.h"

using namespace nmsim;

namespace {

job::JobOptions split_options(uint32_t max_axons, uint32_t samples) {
  job::JobOptions o;
  o.chip = config::default_chip_config();
  o.run = config::default_run_config();
  o.energy = config::default_energy_table();
  o.run.set_samples(samples);
  o.chip.mutable_core()->set_max_axons(max_axons);
  o.chip.mutable_core()->set_state_width_bits(16);
  return o;
}

void require_bit_exact(const job::JobResult& result, const inference::InferenceJob& workload) {
  REQUIRE(result.reference_checked);
  INFO(result.mismatch);
  REQUIRE(result.reference_matches);
  uint64_t reference_spikes = 0;
  for (const auto& r : workload.reference_outcomes())
    for (uint64_t v : r.spikes_per_layer) reference_spikes += v;
  CHECK(stat_sum(result.report, ".spikes_fired") == reference_spikes);
}

}  // namespace

TEST_CASE("fan-in split: inference on cores of 64 axons equals the reference bit for bit",
          "[inference][fan-in split][equivalence]") {
  // 784-100-10 on 64 axons: layer 1 in 13 fan-in groups (60 or 61 lines), layer 2 in 2 groups
  // of 50: 13 + 2 = 15 of the 4 x 4 cores.
  auto options = split_options(64, 8);
  options.run.mutable_network()->clear_hidden_sizes();
  options.run.mutable_network()->add_hidden_sizes(100);
  inference::SpikeRecord record;
  inference::InferenceJob workload(&record);
  const auto result = job::run_chip_job(workload, options);
  require_bit_exact(result, workload);
  CHECK(mapper::map_network(options.chip, {784, 100, 10}).cores_used == 15);
  uint64_t hidden = 0;
  for (const auto& sample : record)
    for (const auto& step : sample) hidden += step[1].count();
  CHECK(hidden > 0);
  // Every group core that integrated a row sent its neurons' partials: the owners received
  // them, and merged them.
  CHECK(stat_sum(result.report, ".partials.partials_received") > 0);
  CHECK(stat_sum(result.report, ".partials.merge_ops") == 3 * stat_sum(result.report, ".partials.buffer_reads"));
  const energy::EnergyModel model(options.energy);
  CHECK(report::recompute_energy_pj(result.report, model) == result.report.summary().energy_pj());
}

TEST_CASE("fan-in split: two hidden layers, neuron ranges straddling fan-in groups, 2 cores per node, "
          "Bernoulli input, leak and refractory equal the reference",
          "[inference][fan-in split][equivalence]") {
  // 784-300-40-10, 128 neurons and 160 axons a core: layer 1: 3 ranges of 100 x 5 groups
  // (157 or 156 lines) = 15 cores; layer 2: 1 range x 2 groups of 150 lines, so the hidden
  // range 100..199 feeds both groups (two spike trees); layer 3: fan-in 40, unsplit: 1 core.
  auto options = split_options(160, 8);
  options.chip.set_cores_per_node(2);
  options.chip.mutable_core()->set_neurons(128);
  options.run.mutable_network()->clear_hidden_sizes();
  options.run.mutable_network()->add_hidden_sizes(300);
  options.run.mutable_network()->add_hidden_sizes(40);
  auto& neuron = *options.run.mutable_network()->mutable_neuron();
  neuron.set_leak_mode(LEAK_SHIFT);
  neuron.set_leak_amount(3);
  neuron.set_refractory_steps(1);
  neuron.set_threshold(6000);
  options.run.set_encoder(ENCODER_BERNOULLI);
  options.run.set_seed(7);
  inference::SpikeRecord record;
  inference::InferenceJob workload(&record);
  const auto result = job::run_chip_job(workload, options);
  require_bit_exact(result, workload);
  CHECK(mapper::map_network(options.chip, {784, 300, 40, 10}).cores_used == 18);
  uint64_t layer2 = 0;
  for (const auto& sample : record)
    for (const auto& step : sample) layer2 += step[2].count();
  CHECK(layer2 > 0);
}

TEST_CASE("fan-in split: DFA training on cores of 128 axons equals the reference bit for bit",
          "[dfa][fan-in split][equivalence]") {
  // 784-300-40-10 on 128 neurons and 128 axons a core: layer 1: 3 ranges x 7 groups = 21 cores;
  // layer 2: 1 range x 3 groups (100 lines each); layer 3: 1 core: 25 of 32 (2 per node). The
  // owners send their factors (e, deltas) to their group cores, which update their own rows.
  auto options = split_options(128, 6);
  options.chip.set_cores_per_node(2);
  options.chip.mutable_core()->set_neurons(128);
  options.chip.mutable_core()->set_state_width_bits(24);
  options.run.set_workload(WORKLOAD_DFA);
  options.run.mutable_training()->set_train_samples(10);
  options.run.mutable_network()->clear_hidden_sizes();
  options.run.mutable_network()->add_hidden_sizes(300);
  options.run.mutable_network()->add_hidden_sizes(40);
  options.run.mutable_network()->set_init_weight_range(1000);
  dfa::DfaJob workload;
  const auto result = job::run_chip_job(workload, options);
  INFO(result.mismatch);
  REQUIRE(result.reference_checked);
  REQUIRE(result.reference_matches);
  CHECK(workload.reference_counts().weights_written > 0);
  CHECK(mapper::map_network(options.chip, {784, 300, 40, 10}).cores_used == 25);
  CHECK(stat_sum(result.report, ".partials.merge_ops") > 0);
}

TEST_CASE("fan-in split: FF training on cores of 128 axons equals the reference bit for bit",
          "[ff][fan-in split][equivalence]") {
  // 784-60-40 on 32 neurons and 128 axons a core: layer 1: 2 ranges x 7 groups = 14 cores;
  // layer 2: 2 ranges of 20 x 1 group (fan-in 60): 16 of the 16 cores. Class groups span
  // cores; the owners send their factors to their group cores.
  auto options = split_options(128, 4);
  options.chip.mutable_core()->set_neurons(32);
  options.chip.mutable_core()->set_state_width_bits(24);
  options.run.set_workload(WORKLOAD_FF);
  options.run.mutable_training()->set_train_samples(8);
  options.run.mutable_network()->clear_hidden_sizes();
  options.run.mutable_network()->add_hidden_sizes(60);
  options.run.mutable_network()->add_hidden_sizes(40);
  options.run.mutable_network()->set_init_weight_range(3000);
  ff::FfJob workload;
  const auto result = job::run_chip_job(workload, options);
  INFO(result.mismatch);
  REQUIRE(result.reference_checked);
  REQUIRE(result.reference_matches);
  CHECK(workload.reference_totals().weights_written > 0);
  CHECK(stat_sum(result.report, ".partials.merge_ops") > 0);
}
