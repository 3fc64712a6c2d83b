// FF (FFGAF) trained on the chip against the functional reference: predictions, every
// layer's goodness sums, logits and class errors per sample, the trained weights (read back
// from the synapse SRAMs), forward SOPs, weights and rows written and the learning engines'
// multiplies, bit for bit; class groups span cores (16 neurons per core, groups of 4).
#include <catch2/catch.hpp>

#include <algorithm>

#include "models/base/errors.h"
#include "platform/config/loader.h"
#include "platform/energy/energy_model.h"
#include "platform/report/report_builder.h"
#include "workloads/ff/ff_job.h"
#include "workloads/job/chip_run.h"

using namespace nmsim;

namespace {

job::JobOptions tiny(uint32_t samples, std::initializer_list<uint32_t> hidden) {
  job::JobOptions o;
  o.chip = config::default_chip_config();
  o.run = config::default_run_config();
  o.energy = config::default_energy_table();
  o.chip.mutable_core()->set_neurons(16);  // 40 neurons: 3 cores of 14, 13, 13
  o.run.set_workload(WORKLOAD_FF);
  o.run.mutable_training()->set_train_samples(samples);
  o.run.set_samples(10);  // test samples after training
  o.run.mutable_network()->clear_hidden_sizes();
  for (uint32_t h : hidden) o.run.mutable_network()->add_hidden_sizes(h);
  o.run.mutable_network()->set_init_weight_range(3000);
  return o;
}

void require_bit_exact(const job::JobResult& r, const ff::FfJob& workload, uint32_t samples) {
  INFO(r.mismatch);
  REQUIRE(r.reference_checked);
  REQUIRE(r.reference_matches);
  CHECK(workload.reference_totals().weights_written > 0);  // the weights did move
  CHECK(workload.reference_totals().core_rows_written > workload.reference_totals().rows_written);  // groups span cores
  for (const auto& records : workload.chip_records()) REQUIRE(records.size() == samples + 10);
  CHECK(workload.chip_test_outcomes().size() == 10);
}

// Some layer had a non-zero logit and some sample a non-zero class error: the comparison of
// records compared something.
bool learned_something(const ff::FfJob& workload) {
  bool logit = false, error = false;
  for (const auto& records : workload.chip_records()) {
    for (const auto& rec : records) {
      logit = logit || std::any_of(rec.logits.begin(), rec.logits.end(), [](int32_t z) { return z != 0; });
      error = error || std::any_of(rec.class_error.begin(), rec.class_error.end(), [](int32_t e) { return e != 0; });
    }
  }
  return logit && error;
}

}  // namespace

TEST_CASE("ff chip: 12 samples, groups spanning 3 cores, equal the reference bit for bit", "[ff][equivalence]") {
  ff::FfJob workload;
  const auto r = job::run_chip_job(workload, tiny(12, {40}));
  require_bit_exact(r, workload, 12);
  CHECK(learned_something(workload));
  const Report& report = r.report;
  const auto& phases = report.phases();
  CHECK(phases[static_cast<int>(Phase::kForward)].sops() == workload.reference_totals().sops_forward);
  CHECK(phases[static_cast<int>(Phase::kBackward)].sops() == 0);  // nothing goes backward
  CHECK(phases[static_cast<int>(Phase::kBackward)].noc_flits() > 0);  // sums and class errors
  CHECK(phases[static_cast<int>(Phase::kUpdate)].sram_writes() > 0);
  CHECK(report.summary().energy_per_sample_pj() > 0);
  CHECK(report.summary().energy_per_sample_pj() < report.summary().energy_pj() / 12);
  const energy::EnergyModel model(config::default_energy_table());
  CHECK(report::recompute_energy_pj(report, model) == report.summary().energy_pj());
}

TEST_CASE("ff chip: class adaptation with alpha recomputed every 3 samples equals the reference",
          "[ff][equivalence]") {
  auto o = tiny(12, {40});
  o.run.mutable_ff()->set_class_adaptation(true);
  o.run.mutable_ff()->set_adaptation_window(5);
  o.run.mutable_ff()->set_adaptation_interval(3);
  ff::FfJob workload;
  const auto r = job::run_chip_job(workload, o);
  require_bit_exact(r, workload, 12);
  // alpha moved away from 1.0 during the run, so the class errors compared carried it.
  const std::vector<uint32_t>& alpha = workload.reference_alpha();
  REQUIRE(alpha.size() == 10);
  CHECK(std::any_of(alpha.begin(), alpha.end(), [](uint32_t a) { return a != 256; }));
}

TEST_CASE("ff chip: two layers, gate off, unequal groups, 32-bit potentials, unicast equal the reference",
          "[ff][equivalence]") {
  auto o = tiny(8, {30, 30});
  o.run.mutable_ff()->set_gate(false);
  for (uint32_t n : {2, 3, 4, 3, 2, 4, 3, 3, 2, 4}) o.run.mutable_ff()->add_group_sizes(n);
  o.run.mutable_ff()->set_lr_shift(3);
  o.chip.mutable_core()->set_state_width_bits(32);  // potential sums travel as two words
  o.chip.mutable_noc()->set_replication(REPLICATION_UNICAST);
  ff::FfJob workload;
  const auto r = job::run_chip_job(workload, o);
  require_bit_exact(r, workload, 8);
  CHECK(learned_something(workload));
}

TEST_CASE("ff chip: options the firmware cannot run are configuration errors", "[ff][errors]") {
  auto batch = tiny(4, {40});
  batch.run.mutable_training()->set_batch_size(16);
  ff::FfJob batch_job, small_job;
  CHECK_THROWS_AS(job::run_chip_job(batch_job, batch), ConfigError);
  auto small = tiny(4, {8});  // fewer neurons than classes
  CHECK_THROWS_AS(job::run_chip_job(small_job, small), ConfigError);
}
