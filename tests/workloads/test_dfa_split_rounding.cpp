// DFA with stochastic rounding on layers whose fan-in is split over cores
// (workloads/dfa/split_rounding.h): every group core's copy of a neuron's generator steps past
// the other groups' draws, so each product gets the draw of the unsplit lane. Predictions,
// trained weights, SOPs and weight writes equal the functional reference bit for bit, for
// several group layouts; the generator steps are counted exactly.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "models/arith/stochastic_rounding.h"
#include "platform/config/loader.h"
#include "platform/energy/energy_model.h"
#include "platform/mapper/mapper.h"
#include "platform/report/report_builder.h"
#include "workloads/dfa/dfa_job.h"
#include "workloads/job/chip_run.h"
#include "tests/common/report_stats.h"

using namespace nmsim;

namespace {

job::JobOptions stochastic_dfa(uint32_t max_axons, uint32_t train_samples, const std::vector<uint32_t>& hidden) {
  job::JobOptions o;
  o.chip = config::default_chip_config();
  o.run = config::default_run_config();
  o.energy = config::default_energy_table();
  o.chip.mutable_core()->set_max_axons(max_axons);
  o.chip.mutable_core()->set_state_width_bits(24);
  o.run.set_workload(WORKLOAD_DFA);
  o.run.set_samples(4);  // test samples after training
  o.run.mutable_training()->set_train_samples(train_samples);
  o.run.mutable_network()->clear_hidden_sizes();
  for (uint32_t h : hidden) o.run.mutable_network()->add_hidden_sizes(h);
  o.run.mutable_network()->set_init_weight_range(1000);
  o.run.mutable_dfa()->set_rounding(DFA_ROUNDING_STOCHASTIC);
  return o;
}

void require_bit_exact(const job::JobResult& r, const dfa::DfaJob& workload) {
  INFO(r.mismatch);
  REQUIRE(r.reference_checked);
  REQUIRE(r.reference_matches);
  CHECK(workload.reference_counts().weights_written > 0);
  CHECK(workload.reference_counts().sops_feedback > 0);
}

// The rounding work (draws x 4 + generator steps x 3) of layer l's cores.
double layer_rounding_ops(const Report& report, const mapper::Mapping& mapping, const ChipConfig& chip, uint32_t l) {
  double ops = 0;
  for (const auto& slot : mapping.layers[l - 1]) {
    const std::string core = "core_" + std::to_string(slot.node % chip.mesh_width()) + "_" +
                             std::to_string(slot.node / chip.mesh_width()) + "_" +
                             std::to_string(slot.core_in_node) + ".";
    for (const auto& s : report.stats()) {
      const std::string& name = s.name();
      if (name.find(core) != std::string::npos && name.size() > 13 && name.substr(name.size() - 13) == ".rounding_ops")
        ops += s.value();
    }
  }
  return ops;
}

}  // namespace

TEST_CASE("dfa split rounding: 64-axon cores (13 and 2 fan-in groups) equal the reference and count every step",
          "[dfa][fan-in split][equivalence]") {
  // 784-100-10 on 64-axon cores: layer 1 in 13 groups, the output layer in 2 groups of 50.
  auto split = stochastic_dfa(64, 8, {100});
  dfa::DfaJob workload;
  const auto r = job::run_chip_job(workload, split);
  require_bit_exact(r, workload);
  const auto split_mapping = mapper::map_network(split.chip, {784, 100, 10});
  REQUIRE(split_mapping.layers[0].front().fan_in_groups == 13);
  REQUIRE(split_mapping.layers[1].front().fan_in_groups == 2);
  const energy::EnergyModel model(split.energy);
  CHECK(report::recompute_energy_pj(r.report, model) == r.report.summary().energy_pj());

  // The reference's draws D_l of layer l (one per product of a spiking line and a non-zero
  // factor, as the unsplit lane makes them: 4 ops each). Split over G_l groups, a drawing
  // lane's N draws of a sample are made across the groups and each of the G_l copies steps
  // past the N - k_g draws of the others: (G_l - 1) N steps of 3 ops in all.
  const std::vector<uint64_t>& draws = workload.reference_counts().rounding_draws;
  REQUIRE(draws.size() == 2);
  for (uint32_t l = 1; l <= 2; ++l) {
    const uint32_t groups = split_mapping.layers[l - 1].front().fan_in_groups;
    INFO("layer " << l);
    CHECK(draws[l - 1] > 0);
    CHECK(layer_rounding_ops(r.report, split_mapping, split.chip, l) ==
          draws[l - 1] * (arith::kStochasticRoundingOps + (groups - 1) * arith::kXorshiftStepOps));
  }
}

TEST_CASE("dfa split rounding: two hidden layers, 128-axon cores, 2 cores per node, equal the reference",
          "[dfa][fan-in split][equivalence]") {
  // 784-300-40-10 on 128 neurons and 128 axons a core: layer 1: 3 ranges x 7 groups; layer 2:
  // 1 range x 3 groups (100 lines each); layer 3: unsplit.
  auto o = stochastic_dfa(128, 8, {300, 40});
  o.chip.set_cores_per_node(2);
  o.chip.mutable_core()->set_neurons(128);
  dfa::DfaJob workload;
  const auto r = job::run_chip_job(workload, o);
  require_bit_exact(r, workload);
  const auto mapping = mapper::map_network(o.chip, {784, 300, 40, 10});
  CHECK(mapping.layers[0].size() == 21);
  CHECK(mapping.layers[1].size() == 3);
  CHECK(mapping.layers[2].size() == 1);
}

TEST_CASE("dfa split rounding: neuron ranges straddling fan-in groups (160-axon cores) equal the reference",
          "[dfa][fan-in split][equivalence]") {
  // 784-300-40-10 on 128 neurons and 160 axons a core: layer 1: 3 ranges of 100 x 5 groups;
  // layer 2: 1 range x 2 groups of 150 lines, so the hidden range 100..199 feeds both groups.
  auto o = stochastic_dfa(160, 8, {300, 40});
  o.chip.set_cores_per_node(2);
  o.chip.mutable_core()->set_neurons(128);
  o.run.set_seed(7);
  dfa::DfaJob workload;
  const auto r = job::run_chip_job(workload, o);
  require_bit_exact(r, workload);
  const auto mapping = mapper::map_network(o.chip, {784, 300, 40, 10});
  CHECK(mapping.layers[0].size() == 15);
  CHECK(mapping.layers[1].size() == 2);
}
