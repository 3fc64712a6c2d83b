// Sparse DFA trained on the chip against the functional reference: predictions, trained
// weights (read back from the synapse SRAMs), forward and feedback SOPs and weight writes,
// bit for bit; and the per-phase report.
#include <catch2/catch.hpp>

#include "models/arith/stochastic_rounding.h"
#include "platform/config/loader.h"
#include "platform/energy/energy_model.h"
#include "platform/report/report_builder.h"
#include "workloads/dfa/dfa_job.h"
#include "workloads/job/chip_run.h"

using namespace nmsim;

namespace {

job::JobOptions tiny(uint32_t samples) {
  job::JobOptions o;
  o.chip = config::default_chip_config();
  o.run = config::default_run_config();
  o.energy = config::default_energy_table();
  o.run.mutable_training()->set_train_samples(samples);
  o.run.set_samples(10);  // test samples after training
  o.run.mutable_network()->clear_hidden_sizes();
  o.run.mutable_network()->add_hidden_sizes(300);  // two hidden cores
  o.run.mutable_network()->set_init_weight_range(1000);
  return o;
}

void require_bit_exact(const job::JobResult& r, const dfa::DfaJob& workload) {
  INFO(r.mismatch);
  REQUIRE(r.reference_checked);
  REQUIRE(r.reference_matches);
  CHECK(workload.reference_counts().weights_written > 0);   // the weights did move
  CHECK(workload.reference_counts().sops_feedback > 0);
}

}  // namespace

TEST_CASE("dfa chip: 12 training samples on two hidden cores equal the reference bit for bit",
          "[dfa][equivalence]") {
  dfa::DfaJob workload;
  const auto r = job::run_chip_job(workload, tiny(12));
  require_bit_exact(r, workload);
  const Report& report = r.report;
  // Every phase did work: forward SOPs, feedback SOPs in backward, weight writes in update.
  const auto& phases = report.phases();
  CHECK(phases[static_cast<int>(Phase::kForward)].sops() == workload.reference_counts().sops_forward);
  CHECK(phases[static_cast<int>(Phase::kBackward)].sops() == workload.reference_counts().sops_feedback);
  CHECK(phases[static_cast<int>(Phase::kUpdate)].sram_writes() > 0);
  CHECK(phases[static_cast<int>(Phase::kBackward)].noc_flits() > 0);  // the errors
  CHECK(workload.chip_test_outcomes().size() == 10);
  // Per trained sample, from the training part of the run only: below the whole run's
  // energy per trained sample, which includes the 10 test inferences.
  CHECK(report.summary().energy_per_sample_pj() > 0);
  CHECK(report.summary().energy_per_sample_pj() < report.summary().energy_pj() / 12);
  const energy::EnergyModel model(config::default_energy_table());
  CHECK(report::recompute_energy_pj(report, model) == report.summary().energy_pj());
}

TEST_CASE("dfa chip: dense feedback, integer error, potential gate, two hidden layers, "
          "unicast equal the reference",
          "[dfa][equivalence]") {
  auto o = tiny(8);
  o.run.mutable_network()->add_hidden_sizes(64);
  o.run.mutable_dfa()->set_feedback(DFA_FEEDBACK_DENSE);
  o.run.mutable_dfa()->set_error(DFA_ERROR_INTEGER);
  o.run.mutable_dfa()->set_gate(DFA_GATE_POTENTIAL_BOXCAR);
  o.run.mutable_dfa()->set_gate_potential_min(-16384);
  o.run.mutable_dfa()->set_gate_potential_max(16384);
  o.run.mutable_dfa()->set_hidden_lr_shift(0);
  o.run.mutable_dfa()->set_output_lr_shift(2);
  o.chip.mutable_noc()->set_replication(REPLICATION_UNICAST);
  dfa::DfaJob workload;
  const auto r = job::run_chip_job(workload, o);
  require_bit_exact(r, workload);
}

TEST_CASE("dfa chip: stochastic rounding (a xorshift per neuron lane) equals the reference bit for bit",
          "[dfa][equivalence]") {
  auto o = tiny(12);
  o.run.mutable_dfa()->set_rounding(DFA_ROUNDING_STOCHASTIC);
  dfa::DfaJob workload;
  const auto r = job::run_chip_job(workload, o);
  require_bit_exact(r, workload);
  // Each draw is priced: the learning engines report their rounding work.
  double rounding_ops = 0;
  for (const auto& s : r.report.stats())
    if (s.name().size() > 13 && s.name().substr(s.name().size() - 13) == ".rounding_ops") rounding_ops += s.value();
  CHECK(rounding_ops > 0);
  // Unsplit: one draw per product of a spiking line and a non-zero factor, as the reference's.
  uint64_t draws = 0;
  for (uint64_t d : workload.reference_counts().rounding_draws) draws += d;
  CHECK(static_cast<uint64_t>(rounding_ops) == draws * arith::kStochasticRoundingOps);
}
