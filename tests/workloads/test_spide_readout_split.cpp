// SPIDE's readout split over cores (workloads/spide/split_firmware.h): the 10 outputs' N lines in
// fan-in groups whose partial sums are merged on the owner every forward step, the output error
// sent to the group cores behind one more barrier, each core's gradient and update of its O rows.
// Bit-exact with the reference (the job's check: predictions, V, F, W, O, backward spikes, SOPs)
// for 784-N-10 and 784-H-N-10 on 64-axon cores; the mapping derived by hand; what is still
// refused (too few cores, with the numbers).
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

job::JobOptions spide_job(std::initializer_list<uint32_t> hidden, uint32_t max_axons, uint32_t train, uint32_t test) {
  job::JobOptions o = testing::spide_job_options(hidden, COLUMN_READ, train, test);
  o.chip.mutable_core()->set_max_axons(max_axons);
  return o;
}

void require_bit_exact(const job::JobResult& r, const spide::SpideJob& workload) {
  testing::require_matches_reference(r);
  // Errors crossed the split readout and something was learnt: O, W and F were written.
  CHECK(workload.reference_counts().backward_spikes > 0);
  CHECK(workload.reference_counts().hidden_weights_written > 0);
}

}  // namespace

TEST_CASE("spide readout split: the mapper's cores and groups for 784-100-10 and 784-48-140-10 on 64-axon cores",
          "[spide][readout]") {
  ChipConfig chip = config::default_chip_config();
  chip.mutable_core()->set_max_axons(64);
  // 784-100-10: the recurrent layer's 100 + 784 = 884 lines in ceil(884 / 64) = 14 groups
  // (884 = 14 x 63 + 2: the first 2 take 64 lines), one range (100 neurons fit a core); the
  // readout's 100 lines in ceil(100 / 64) = 2 groups of 50: 14 + 2 = 16 cores (the default
  // 4 x 4 mesh, one core a node: exactly full).
  const mapper::Mapping one = mapper::map_network(chip, {784, 100, 10}, {784 + 100, 100});
  REQUIRE(one.layers.size() == 2);
  CHECK(one.layers[0].size() == 14);
  CHECK(one.layers[0][1].fan_in == 64);
  CHECK(one.layers[0][2].fan_in == 63);
  REQUIRE(one.layers[1].size() == 2);
  CHECK(one.layers[1][0].fan_in_groups == 2);
  CHECK(one.layers[1][0].fan_in == 50);
  CHECK(one.layers[1][1].first_axon == 50);
  CHECK(one.cores_used == 16);
  // 784-48-140-10 on 32-neuron cores: layer H 2 ranges x ceil(784 / 64) = 13 groups = 26 cores;
  // the recurrent layer ceil(140 / 32) = 5 ranges of 28 x ceil(188 / 64) = 3 groups (188 =
  // 3 x 62 + 2: 63, 63, 62 lines) = 15 cores; the readout ceil(140 / 64) = 3 groups (140 =
  // 3 x 46 + 2: 47, 47, 46 lines): 26 + 15 + 3 = 44 cores.
  chip.mutable_core()->set_neurons(32);
  chip.set_mesh_width(8);  // the default 4 x 4 mesh has 16
  chip.set_mesh_height(8);
  const mapper::Mapping two = mapper::map_network(chip, {784, 48, 140, 10}, {784, 140 + 48, 140});
  REQUIRE(two.layers.size() == 3);
  CHECK(two.layers[0].size() == 26);
  CHECK(two.layers[1].size() == 15);
  CHECK(two.layers[1][0].neuron_count == 28);
  CHECK(two.layers[1][0].fan_in == 63);
  CHECK(two.layers[1][2].fan_in == 62);
  REQUIRE(two.layers[2].size() == 3);
  CHECK(two.layers[2][1].first_axon == 47);
  CHECK(two.layers[2][2].first_axon == 94);
  CHECK(two.layers[2][2].fan_in == 46);
  CHECK(two.cores_used == 44);
}

TEST_CASE("spide readout split: 784-100-10 on 64-axon cores (readout in 2 groups), transposed copy, equals the reference",
          "[spide][readout][split][equivalence]") {
  job::JobOptions o = spide_job({100}, 64, 6, 4);
  o.chip.mutable_core()->set_transposed_read(TRANSPOSED_COPY);
  spide::SpideJob workload;
  const job::JobResult r = job::run_chip_job(workload, o);
  require_bit_exact(r, workload);
  CHECK(workload.reference_counts().sops_readout > 0);
  // Barriers by hand (T_f = T_b = 16): a trained sample 1 (load) + 2 T_f + 1 (the readout
  // integrates s[T-1]) + 1 (err to the readout's group core: the split readout's extra one) + 1
  // + (T_b - 1) (backward) + 1 (update) + 1 (host_io) = 53; a tested one 1 + 2 T_f + 1 = 34.
  // 6 x 53 + 4 x 34 = 454, each with 16 cores and the host arriving.
  CHECK(testing::stat(r.report, "chip.barrier.barriers").count == 454);
  CHECK(testing::stat(r.report, "chip.barrier.arrivals").count == 454 * 17);
}

TEST_CASE("spide readout split: 784-48-140-10 on 32-neuron, 64-axon cores (readout in 3 groups) equals the reference",
          "[spide][readout][feedforward][split][equivalence]") {
  job::JobOptions o = spide_job({48, 140}, 64, 6, 4);
  o.chip.mutable_core()->set_neurons(32);  // 63 rows x 28 neurons: too large for the copy, column reads
  o.chip.set_mesh_width(8);
  o.chip.set_mesh_height(8);
  spide::SpideJob workload;
  const job::JobResult r = job::run_chip_job(workload, o);
  require_bit_exact(r, workload);
  // N + H = 188 SOPs per backward spike (every step's spikes read the W and F blocks).
  CHECK(r.totals.sops[Phase::kBackward] == 188 * workload.reference_counts().backward_spikes);
}
