// Convex reconstruction trained on the chip (workloads/convex/firmware.h) against the
// functional reference: P units over several cores, a few epochs of proximal steps on real
// MNIST samples; beta_max, every training prediction, the objective's L and R per epoch,
// every readout weight, the test predictions and the counts, bit for bit.
#include <catch2/catch.hpp>

#include <string>

#include "platform/config/loader.h"
#include "platform/mapper/mapper.h"
#include "workloads/convex/convex_job.h"
#include "workloads/job/chip_run.h"
#include "tests/common/report_stats.h"

using namespace nmsim;

namespace {

job::JobOptions tiny_job(uint32_t units, uint32_t neurons_per_core) {
  job::JobOptions o;
  o.chip = config::default_chip_config();
  o.chip.mutable_core()->set_neurons(neurons_per_core);
  o.run = config::default_run_config();
  o.run.set_workload(WORKLOAD_CONVEX);
  o.run.mutable_network()->clear_hidden_sizes();
  o.run.mutable_network()->add_hidden_sizes(units);
  o.run.set_time_steps(4);
  o.run.mutable_training()->set_train_samples(24);
  o.run.mutable_training()->set_epochs(3);
  o.run.set_samples(6);
  ConvexConfig& c = *o.run.mutable_convex();
  c.set_batch_size(4);
  c.set_batch_growth_epochs(1);  // batches of 4, 8, 16
  c.set_eta_shift(10);           // few active features: a large step still converges
  c.set_beta_fraction(0.05);
  c.set_tolerance(0);            // every epoch
  c.set_readout_fraction_bits(16);
  o.energy = config::default_energy_table();
  return o;
}

// Two hidden layers 784 -> p1 -> p2, the readout on layer 2 (firmware.h). sigma2 for a small
// P1: a layer-2 unit sums ~P1 / 3 binary inputs a step (the preset's 120 is for P1 = 1000).
job::JobOptions two_layer_job(uint32_t p1, uint32_t p2, uint32_t neurons_per_core, uint32_t sigma2) {
  job::JobOptions o = tiny_job(p2, neurons_per_core);
  o.run.mutable_network()->clear_hidden_sizes();
  o.run.mutable_network()->add_hidden_sizes(p1);
  o.run.mutable_network()->add_hidden_sizes(p2);
  o.run.mutable_convex()->set_witness2_sigma(sigma2);
  return o;
}

void require_match(const job::JobResult& r) {
  INFO(r.mismatch);
  REQUIRE(r.reference_checked);
  REQUIRE(r.reference_matches);
}

}  // namespace

TEST_CASE("convex chip job: 3 epochs of a 784-24 (3 cores) readout, stored witness weights, l1, match the reference",
          "[convex][equivalence]") {
  convex::ConvexJob workload;
  const job::JobResult r = job::run_chip_job(workload, tiny_job(24, 8));
  require_match(r);
  const convex::ConvexOutcome& out = workload.outcome();
  REQUIRE(out.epochs.size() == 3);
  CHECK(out.epochs[0].predictions.size() == 24);
  CHECK(out.beta_max > 0);
  CHECK(out.epochs[2].objective < out.epochs[0].objective);
  CHECK(out.test_predictions.size() == 6);
  CHECK(r.report.summary().samples() == 72);  // 3 epochs x 24 visits
  CHECK(r.report.summary().energy_per_sample_pj() > 0);
}

TEST_CASE("convex chip job: l_inf, regenerated witness weights and the stop rule match the reference",
          "[convex][equivalence]") {
  job::JobOptions o = tiny_job(20, 8);  // 8 + 6 + 6 units
  o.run.mutable_convex()->set_group_norm(CONVEX_GROUP_NORM_LINF);
  o.run.mutable_convex()->set_beta_fraction(0.2);
  o.run.mutable_convex()->set_witness_weights(CONVEX_WITNESS_REGENERATED);
  o.run.mutable_training()->set_epochs(6);
  o.run.mutable_convex()->set_tolerance(0.2);  // stops once an epoch changes J by < 20 %
  convex::ConvexJob workload;
  const job::JobResult r = job::run_chip_job(workload, o);
  require_match(r);
  const convex::ConvexOutcome& out = workload.outcome();
  REQUIRE(out.converged);
  CHECK(out.epochs.size() < 6);
  CHECK(out.epochs.back().relative_change < 0.2);
  CHECK(out.kept_units.size() < 20);  // the penalty pruned some units
  CHECK(out.pruned_inference_sops_per_sample < out.inference_sops_per_sample);
  CHECK(out.pruned_inference_sops_per_sample > 0);
}

TEST_CASE("convex chip job: a fan-in split (64-axon cores), stored witness weights, l1, matches the reference",
          "[convex][fan-in split][equivalence]") {
  // 784-20 on 10 units and 64 axons a core: 2 ranges x 13 fan-in groups (60 or 61 lines) = 26
  // cores of 32 (2 per node). The owners (group 0) hold the readout; the other 12 cores of each
  // range only send them partial sums.
  job::JobOptions o = tiny_job(20, 10);
  o.chip.mutable_core()->set_max_axons(64);
  o.chip.set_cores_per_node(2);
  convex::ConvexJob workload;
  const job::JobResult r = job::run_chip_job(workload, o);
  require_match(r);
  const mapper::Mapping mapping = mapper::map_network(o.chip, {784, 20});
  CHECK(mapping.cores_used == 26);
  CHECK(mapping.layers.front().front().fan_in_groups == 13);
  const convex::ConvexOutcome& out = workload.outcome();
  REQUIRE(out.epochs.size() == 3);
  CHECK(out.beta_max > 0);
  CHECK(out.epochs[2].objective < out.epochs[0].objective);
  // Every owner merges 12 partial-sum packets per step: the split ran.
  CHECK(stat_sum(r.report, ".partials.merge_ops") > 0);
}

TEST_CASE("convex chip job: a fan-in split (128-axon cores), regenerated witness weights, l_inf and the stop "
          "rule match the reference",
          "[convex][fan-in split][equivalence]") {
  // 784-20 on 8 units and 128 axons a core: 3 ranges (8, 6, 6 units) x 7 fan-in groups (112
  // lines) = 21 cores of 32 (2 per node). Every core regenerates the weights of its own lines
  // (group g: inputs 112 g ..), the group cores into their partial sums.
  job::JobOptions o = tiny_job(20, 8);
  o.chip.mutable_core()->set_max_axons(128);
  o.chip.set_cores_per_node(2);
  o.run.mutable_convex()->set_group_norm(CONVEX_GROUP_NORM_LINF);
  o.run.mutable_convex()->set_beta_fraction(0.2);
  o.run.mutable_training()->set_epochs(6);
  o.run.mutable_convex()->set_tolerance(0.2);
  o.run.mutable_convex()->set_witness_weights(CONVEX_WITNESS_REGENERATED);
  convex::ConvexJob workload;
  const job::JobResult r = job::run_chip_job(workload, o);
  require_match(r);
  CHECK(mapper::map_network(o.chip, {784, 20}).cores_used == 21);
  CHECK(stat_sum(r.report, ".weight_generator.weights") > 0);
  const convex::ConvexOutcome& out = workload.outcome();
  REQUIRE(out.converged);
  CHECK(out.epochs.size() < 6);
  CHECK(out.kept_units.size() < 20);
  CHECK(stat_sum(r.report, ".partials.merge_ops") > 0);
}

TEST_CASE("convex chip job: two hidden layers 784-30-20 (4 + 3 cores), stored witness weights, l1, match the "
          "reference",
          "[convex][equivalence]") {
  // Layer 1: 30 units on 4 cores of 8 (forward pass only); layer 2: 20 units on 3 cores (8, 6, 6)
  // holding the readout, the leader the core of layer-2 unit 0.
  const job::JobOptions o = two_layer_job(30, 20, 8, 1500);
  convex::ConvexJob workload;
  const job::JobResult r = job::run_chip_job(workload, o);
  require_match(r);
  const mapper::Mapping mapping = mapper::map_network(o.chip, {784, 30, 20});
  CHECK(mapping.layers.size() == 2);
  CHECK(mapping.cores_used == 7);
  const convex::ConvexOutcome& out = workload.outcome();
  REQUIRE(out.epochs.size() == 3);
  CHECK(out.readout.size() == 20 * 4 * 10);  // P2 x T x 10
  CHECK(out.beta_max > 0);
  CHECK(out.epochs[2].objective < out.epochs[0].objective);
  CHECK(out.test_predictions.size() == 6);
}

TEST_CASE("convex chip job: two hidden layers with a fan-in split of both (64-axon cores) match the reference",
          "[convex][fan-in split][equivalence]") {
  // 784-72-20 on 40 units and 64 axons a core: layer 1 is 2 ranges (40, 32 units) x 13 fan-in
  // groups = 26 cores; layer 2 (72 input lines) is 1 range x 2 groups (36 lines each) = 2 cores:
  // 28 of 32 (2 per node). Layer 2's owner merges its group core's partial sums and holds the
  // readout.
  job::JobOptions o = two_layer_job(72, 20, 40, 1200);
  o.chip.mutable_core()->set_max_axons(64);
  o.chip.set_cores_per_node(2);
  convex::ConvexJob workload;
  const job::JobResult r = job::run_chip_job(workload, o);
  require_match(r);
  const mapper::Mapping mapping = mapper::map_network(o.chip, {784, 72, 20});
  CHECK(mapping.cores_used == 28);
  CHECK(mapping.layers[0].front().fan_in_groups == 13);
  CHECK(mapping.layers[1].front().fan_in_groups == 2);
  const convex::ConvexOutcome& out = workload.outcome();
  REQUIRE(out.epochs.size() == 3);
  CHECK(out.beta_max > 0);
  CHECK(out.epochs[2].objective < out.epochs[0].objective);
  CHECK(stat_sum(r.report, ".partials.merge_ops") > 0);
}

TEST_CASE("convex chip job: two hidden layers, regenerated witness weights of both, a 128-axon split, l_inf and "
          "the stop rule match the reference",
          "[convex][fan-in split][equivalence]") {
  // 784-136-20 on 70 units and 128 axons a core: layer 1 is 2 ranges x 7 fan-in groups = 14
  // cores, layer 2 (136 lines) 1 range x 2 groups (68 lines) = 2 cores; every core generates
  // the weights of its own lines (layer 2 from the kWitness2 stream, its group's layer-1 units).
  job::JobOptions o = two_layer_job(136, 20, 70, 900);
  o.chip.mutable_core()->set_max_axons(128);
  o.chip.set_cores_per_node(2);
  o.run.mutable_convex()->set_group_norm(CONVEX_GROUP_NORM_LINF);
  o.run.mutable_convex()->set_beta_fraction(0.2);
  o.run.mutable_training()->set_epochs(6);
  o.run.mutable_convex()->set_tolerance(0.2);
  o.run.mutable_convex()->set_witness_weights(CONVEX_WITNESS_REGENERATED);
  convex::ConvexJob workload;
  const job::JobResult r = job::run_chip_job(workload, o);
  require_match(r);
  CHECK(mapper::map_network(o.chip, {784, 136, 20}).cores_used == 16);
  CHECK(stat_sum(r.report, ".weight_generator.weights") > 0);
  const convex::ConvexOutcome& out = workload.outcome();
  REQUIRE(out.converged);
  CHECK(out.epochs.size() < 6);
  CHECK(out.kept_units.size() < 20);
  CHECK(stat_sum(r.report, ".partials.merge_ops") > 0);
}

TEST_CASE("convex chip job: what the chip cannot run is a ConfigError naming the field", "[convex]") {
  // A fresh workload per run: each keeps its run's state.
  const auto run = [](const job::JobOptions& options) {
    convex::ConvexJob workload;
    return job::run_chip_job(workload, options);
  };
  job::JobOptions o = tiny_job(24, 8);
  o.run.mutable_convex()->set_features(CONVEX_FEATURES_COUNT);
  CHECK_THROWS_WITH(run(o), Catch::Contains("run.convex.features"));
  o = tiny_job(24, 8);
  o.run.mutable_convex()->set_witness_weights(CONVEX_WITNESS_UNSPECIFIED);
  CHECK_THROWS_WITH(run(o), Catch::Contains("run.convex.witness_weights"));
  o = two_layer_job(30, 20, 8, 1500);
  o.run.mutable_network()->add_hidden_sizes(10);  // three hidden layers
  CHECK_THROWS_WITH(run(o), Catch::Contains("run.network.hidden_sizes") && Catch::Contains("got 3 layers"));
  o = tiny_job(24, 8);
  o.run.mutable_convex()->set_refit_epochs(2);
  CHECK_THROWS_WITH(run(o), Catch::Contains("run.convex.refit_epochs"));
  // 256 units a core: 392 KB of witness rows + 80 KB readout + 160 KB gradients > 512 KB.
  o = tiny_job(256, 256);
  o.run.set_time_steps(8);
  CHECK_THROWS_WITH(run(o), Catch::Contains("chip.core.synapse_sram.size_bytes") &&
                                                   Catch::Contains("CONVEX_WITNESS_REGENERATED"));
}
