// SPIDE with a feedforward layer before the recurrent one (784-H-N-10) on the chip
// (workloads/spide/feedforward_firmware.h) against the functional reference: predictions, V,
// F, W, O, layer H's spikes and mask, backward spikes and the SOPs of both stages, bit for bit
// (the job's check), on one core per layer and with both layers split over 64-axon cores;
// figures derived by hand from the firmware's schedule.
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>

#include "platform/config/loader.h"
#include "platform/mapper/mapper.h"
#include "tests/workloads/report_energy.h"
#include "tests/workloads/spide_job_options.h"
#include "workloads/job/chip_run.h"
#include "workloads/spide/spide_job.h"

using namespace nmsim;

namespace {

job::JobOptions feedforward_job(uint32_t h, uint32_t n, uint32_t train, uint32_t test) {
  return testing::spide_job_options({h, n}, TRANSPOSED_COPY, train, test);
}

void require_bit_exact(const job::JobResult& r, const spide::SpideJob& workload) {
  testing::require_matches_reference(r);
  // Something was learnt and crossed layer H: the comparison is not of untouched weights.
  CHECK(workload.reference_counts().feedforward_spikes > 0);
  CHECK(workload.reference_counts().feedforward_active > 0);
  CHECK(workload.reference_counts().backward_spikes > 0);
  CHECK(workload.reference_counts().hidden_weights_written > 0);
}

}  // namespace

TEST_CASE("spide feedforward chip: 784-20-16-10 on one core per layer equals the reference, figures by hand",
          "[spide][feedforward][equivalence]") {
  const job::JobOptions o = feedforward_job(20, 16, 4, 4);
  spide::SpideJob workload;
  const job::JobResult r = job::run_chip_job(workload, o);
  require_bit_exact(r, workload);
  // Cores 0 (layer H), 1 (the recurrent layer, 16 + 20 rows), 2 (the readout), one per node.
  // Only layer H's core encodes: T_f = 16 loads a sample of ceil(784 / encoder_lanes) cycles,
  // 8 samples (4 trained, 4 tested); the recurrent core drops stale spikes instead.
  const uint32_t lanes = o.chip.core().encoder_lanes();
  const double per_load = (784 + lanes - 1) / lanes;
  CHECK(testing::stat(r.report, "chip.core_0_0_0.encode_cycles").count == 8 * 16 * per_load);
  CHECK(testing::stat(r.report, "chip.core_1_0_0.encode_cycles").count == 0);
  // Backward stage: every masked ternary spike of every step reads its W column (N = 16
  // couples) and its F column (H = 20 partial sums of e): 36 SOPs a spike.
  CHECK(r.totals.sops[Phase::kBackward] == 36 * workload.reference_counts().backward_spikes);
}

TEST_CASE("spide feedforward chip: the mapper gives the recurrent layer fan-in N + H", "[spide][feedforward]") {
  ChipConfig chip = config::default_chip_config();
  chip.mutable_core()->set_neurons(32);
  chip.mutable_core()->set_max_axons(64);
  chip.set_mesh_width(8);
  chip.set_mesh_height(8);
  // Layer H: ceil(48 / 32) = 2 ranges of 24 x ceil(784 / 64) = 13 groups (784 = 13 x 60 + 4:
  // the first 4 groups take 61 lines, the others 60); the recurrent layer:
  // 2 ranges of 20 x ceil((40 + 48) / 64) = 2 groups of 44 lines; the readout: 1 core.
  const mapper::Mapping m = mapper::map_network(chip, {784, 48, 40, 10}, {784, 40 + 48, 40});
  REQUIRE(m.layers.size() == 3);
  CHECK(m.layers[0].size() == 26);
  CHECK(m.layers[0].front().fan_in_groups == 13);
  CHECK(m.layers[0].front().fan_in == 61);
  CHECK(m.layers[0].back().fan_in == 60);
  REQUIRE(m.layers[1].size() == 4);
  CHECK(m.layers[1].front().fan_in_groups == 2);
  CHECK(m.layers[1][1].first_axon == 44);
  CHECK(m.layers[1][1].fan_in == 44);
  CHECK(m.layers[2].size() == 1);
  CHECK(m.cores_used == 31);
  // The chain (no fan-ins) would give the recurrent layer 48 lines; a wrong count is refused.
  CHECK(mapper::map_network(chip, {784, 48, 40, 10}).layers[1].front().fan_in_groups == 1);
  CHECK_THROWS_WITH(mapper::map_network(chip, {784, 48, 40, 10}, {784, 88}),
                    Catch::Contains("2 fan-ins for 3 layers"));
}

// One SystemC design per process: one job per test case.
void run_split_case(TransposedRead read) {
  job::JobOptions o = feedforward_job(48, 40, 6, 4);
  o.chip.mutable_core()->set_neurons(32);
  o.chip.mutable_core()->set_max_axons(64);
  o.chip.mutable_core()->set_transposed_read(read);
  o.chip.set_mesh_width(8);
  o.chip.set_mesh_height(8);
  spide::SpideJob workload;
  const job::JobResult r = job::run_chip_job(workload, o);
  require_bit_exact(r, workload);
  // N + H = 88 SOPs per backward spike, spread over the recurrent layer's 4 cores.
  CHECK(r.totals.sops[Phase::kBackward] == 88 * workload.reference_counts().backward_spikes);
}

TEST_CASE("spide feedforward chip: 784-48-40-10, both layers split over 64-axon cores, transposed copy",
          "[spide][feedforward][split][equivalence]") {
  run_split_case(TRANSPOSED_COPY);
}

TEST_CASE("spide feedforward chip: 784-48-40-10, both layers split over 64-axon cores, column reads",
          "[spide][feedforward][split][equivalence]") {
  run_split_case(COLUMN_READ);
}

TEST_CASE("spide feedforward chip: 784-100-60-10 on 128-axon cores (layer H split, recurrent layer in 2 groups) "
          "equals the reference",
          "[spide][feedforward][split][equivalence]") {
  job::JobOptions o = feedforward_job(100, 60, 6, 4);
  o.chip.mutable_core()->set_max_axons(128);
  o.chip.mutable_core()->set_transposed_read(COLUMN_READ);
  spide::SpideJob workload;
  const job::JobResult r = job::run_chip_job(workload, o);
  require_bit_exact(r, workload);
}
