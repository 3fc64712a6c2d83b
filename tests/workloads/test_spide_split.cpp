// SPIDE's recurrent layer over several cores (workloads/spide/split_firmware.h) against the
// functional reference: neuron ranges, fan-in groups, recurrent rows in two groups, under
// TRANSPOSED_COPY and COLUMN_READ; predictions, outputs, hidden counts, the gradient drive,
// the masked ternary counts, backward spikes, every trained weight and the SOPs of both
// stages, bit for bit; and the ConfigErrors of a split SPIDE cannot run.
#include <catch2/catch.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "platform/chip/chip.h"
#include "platform/config/loader.h"
#include "platform/config/validate.h"
#include "platform/mapper/mapper.h"
#include "workloads/common/prng.h"
#include "workloads/job/chip_run.h"
#include "workloads/job/weights_io.h"
#include "tests/workloads/spide_job_options.h"
#include "workloads/spide/firmware.h"
#include "workloads/spide/matrices.h"
#include "workloads/spide/reference.h"
#include "workloads/spide/spide_job.h"
#include "workloads/spide/split_firmware.h"

using namespace nmsim;

namespace {

constexpr uint32_t kSamples = 6;
constexpr uint32_t kTests = 3;  // forward only, after training

uint64_t stat_total(const StatGroup& group, const std::string& name) {
  for (const auto& s : group.stats())
    if (s.name == name) return s.counter.value().total();
  return 0;
}

// The hidden layer's lines: W (recurrent, lines 0..N-1), then F (the pixels).
workloads::NetworkWeights chip_weights(const spide::SpideMatrices& m, const spide::SpideOptions& o) {
  workloads::NetworkWeights w;
  w.layers.resize(2);
  w.layers[0].inputs = o.hidden + o.inputs;
  w.layers[0].outputs = o.hidden;
  w.layers[0].w = m.recurrent.w;
  w.layers[0].w.insert(w.layers[0].w.end(), m.input.w.begin(), m.input.w.end());
  w.layers[1] = m.readout;
  return w;
}

// Synthetic images: about 1 pixel in 3 lit, uniform intensity.
std::vector<std::vector<uint8_t>> images(uint32_t count, uint32_t pixels) {
  std::vector<std::vector<uint8_t>> out(count, std::vector<uint8_t>(pixels, 0));
  for (uint32_t s = 0; s < count; ++s)
    for (uint32_t i = 0; i < pixels; ++i) {
      const uint64_t r = workloads::prng_uniform(11, static_cast<uint64_t>(workloads::Stream::kWeights), (uint64_t{s} << 20) + i, 0, 767);
      if (r < 256) out[s][i] = static_cast<uint8_t>(r);
    }
  return out;
}

struct Shape {
  uint32_t ranges;
  uint32_t groups;
  uint32_t groups_with_recurrent_rows;
};

// 100-pixel samples, N = 32, 24-neuron cores (two ranges of 16), T_f = T_b = 8.
void run_case(TransposedRead read, uint32_t max_axons, const Shape& shape) {
  spide::SpideOptions o;
  o.inputs = 100;
  o.hidden = 32;
  o.forward_steps = 8;
  o.backward_steps = 8;
  o.seed = 5;
  o.input_init_range = 4000;
  o.recurrent_init_range = 3000;
  o.gradient_shift = 2;
  ChipConfig config = config::default_chip_config();
  config.mutable_core()->set_neurons(24);
  config.mutable_core()->set_ternary_couples(true);
  config.mutable_core()->set_transposed_read(read);
  if (max_axons != 0) config.mutable_core()->set_max_axons(max_axons);
  config::validate(config);

  const spide::SpideMatrices initial = spide::random_matrices(o);
  spide::SpideReference reference(o, initial);
  const auto pixels = images(kSamples + kTests, o.inputs);
  spide::SpideSchedule schedule;
  schedule.options = o;
  for (uint32_t s = 0; s < kSamples; ++s) {
    schedule.pixels.push_back(pixels[s].data());
    schedule.labels.push_back(s % o.classes);
    schedule.encoder_indices.push_back(s);
  }
  for (uint32_t s = kSamples; s < kSamples + kTests; ++s) {
    schedule.test_pixels.push_back(pixels[s].data());
    schedule.test_labels.push_back(s % o.classes);
    schedule.test_encoder_indices.push_back(1000 + s);
  }

  SimContext ctx(config::clock_mhz(config));
  chip::Chip chip("chip", config, ctx);
  const mapper::Mapping mapping = mapper::map_network(config, {o.hidden + o.inputs, o.hidden, o.classes});
  REQUIRE(mapping.layers[0].size() == shape.ranges * shape.groups);
  REQUIRE(mapping.layers[0].front().fan_in_groups == shape.groups);
  REQUIRE(mapping.layers[1].size() == 1);
  arith::NeuronParams neuron;
  neuron.threshold = o.threshold;
  neuron.state_width_bits = o.state_width_bits;
  spide::configure_chip(chip, mapping, neuron, schedule);
  REQUIRE(schedule.split());
  REQUIRE(schedule.range_owner.size() == shape.ranges);
  uint32_t with_rows = 0;
  for (const auto& h : schedule.hidden_cores) with_rows += h.range == 0 && h.recurrent_rows > 0;
  REQUIRE(with_rows == shape.groups_with_recurrent_rows);
  const workloads::NetworkWeights start = chip_weights(initial, o);
  job::preload_weights(chip, start, o.weight_width_bits);

  std::vector<std::unique_ptr<spide::SpideSplitProgram>> programs;
  for (std::size_t k = 0; k < schedule.hidden_cores.size(); ++k) {
    const auto& h = schedule.hidden_cores[k];
    if (read == TRANSPOSED_COPY && h.recurrent_rows > 0) chip.core(h.core_index).load_transposed_copy();
    programs.push_back(std::make_unique<spide::SpideSplitProgram>(schedule, static_cast<int>(k)));
    chip.core(h.core_index).set_program(programs.back().get());
  }
  spide::SpideSplitProgram output_program(schedule, -1);
  chip.core(schedule.output_core).set_program(&output_program);
  spide::SpideHostProgram host(schedule, chip);
  chip.host().set_program(&host);
  sc_core::sc_start();
  chip.finish();

  std::vector<const spide::SpideSplitProgram*> owners;
  for (uint32_t k : schedule.range_owner) owners.push_back(programs[k].get());
  const std::vector<spide::SpideChipRecord> records = spide::combined_records(owners);
  REQUIRE(records.size() == kSamples);
  REQUIRE(host.predictions().size() == kSamples);
  spide::SampleCounts totals;
  uint64_t chip_backward_senders = 0, backward_spikes = 0;
  for (uint32_t s = 0; s < kSamples; ++s) {
    INFO("sample " << s);
    const uint32_t predicted = reference.train(pixels[s].data(), schedule.labels[s], s);
    const spide::SampleCounts& c = reference.last_counts();
    totals += c;
    const spide::SpideChipRecord& r = records[s];
    CHECK(host.predictions()[s] == predicted);
    CHECK(host.outputs()[s] == reference.outputs());
    CHECK(r.hidden_counts == reference.hidden_counts());
    CHECK(r.gradient == reference.gradient());
    std::vector<int32_t> delta(o.hidden);
    for (uint32_t j = 0; j < o.hidden; ++j) delta[j] = reference.mask()[j] ? reference.beta()[j] : 0;
    CHECK(r.delta == delta);
    CHECK(r.active == c.active_neurons);
    CHECK(r.backward_spikes == c.backward_spikes);
    CHECK(r.backward_senders * r.active == c.sops_backward);
    chip_backward_senders += r.backward_senders;
    backward_spikes += c.backward_spikes;
  }
  // The comparison compared something: spikes in both stages, senders across cores, weights moved.
  CHECK(totals.forward_spikes > 0);
  CHECK(backward_spikes > 0);
  CHECK(chip_backward_senders > 0);
  CHECK(totals.hidden_weights_written > 0);

  REQUIRE(host.test_predictions().size() == kTests);
  for (uint32_t s = 0; s < kTests; ++s) {
    CHECK(host.test_predictions()[s] == reference.predict(pixels[kSamples + s].data(), 1000 + kSamples + s));
    totals += reference.last_counts();
  }
  const workloads::NetworkWeights trained = job::read_back_weights(chip, start, o.weight_width_bits);
  const workloads::NetworkWeights expected = chip_weights(reference.weights(), o);
  CHECK(trained.layers[0].w == expected.layers[0].w);  // W and F
  CHECK(trained.layers[1].w == expected.layers[1].w);  // O
  // SOPs: every input or recurrent spike meets each of the N neurons once over the ranges'
  // cores; every transposed sender meets each of the N couples once over its block's rows.
  uint64_t hidden_sops = 0, partials_received = 0;
  for (const auto& h : schedule.hidden_cores) {
    hidden_sops += stat_total(chip.core(h.core_index), "sops");
    for (auto* child : chip.core(h.core_index).get_child_objects())
      if (std::string(child->basename()) == "couples")
        partials_received += stat_total(*dynamic_cast<const StatGroup*>(child), "partials_received");
  }
  CHECK(hidden_sops == totals.sops_input + totals.sops_recurrent + uint64_t{o.hidden} * chip_backward_senders);
  CHECK(stat_total(chip.core(schedule.output_core), "sops") == totals.sops_readout);
  CHECK(partials_received > 0);  // partial sums crossed the NoC
}

}  // namespace

// 32 axons a core: the 132 lines split into 5 groups (27, 27, 26, 26, 26): recurrent rows
// 0..26 in group 0, 27..31 in group 1 with pixels 0..21; the readout's 32 lines fit one core.
// The copy array holds 24 x 24 weights (1,152 bytes); group 0's block needs 16 x 56.
TEST_CASE("spide split: 100-32-10 over 2 ranges x 5 fan-in groups with the transposed copy equals the reference",
          "[spide][split][equivalence]") {
  run_case(TRANSPOSED_COPY, 32, {2, 5, 2});
}

TEST_CASE("spide split: 100-32-10 over 2 ranges x 5 fan-in groups with column reads equals the reference",
          "[spide][split][equivalence]") {
  run_case(COLUMN_READ, 32, {2, 5, 2});
}

// The default 1,024 axons: the 132 lines fit one core, the 32 neurons do not fit one 24-neuron core.
TEST_CASE("spide split: 100-32-10 over 2 neuron ranges with the transposed copy equals the reference",
          "[spide][split][equivalence]") {
  run_case(TRANSPOSED_COPY, 0, {2, 1, 1});
}

TEST_CASE("spide split: 100-32-10 over 2 neuron ranges with column reads equals the reference",
          "[spide][split][equivalence]") {
  run_case(COLUMN_READ, 0, {2, 1, 1});
}

TEST_CASE("spide split job: 8 MNIST samples of 784-48-10 on 32-neuron cores with 512 axons equal the reference",
          "[spide][split][equivalence]") {
  job::JobOptions o = testing::spide_job_options({48}, COLUMN_READ, 8, 8);
  o.chip.mutable_core()->set_neurons(32);
  o.chip.mutable_core()->set_max_axons(512);
  spide::SpideJob workload;
  const job::JobResult r = job::run_chip_job(workload, o);
  testing::require_matches_reference(r);
  CHECK(workload.reference_counts().hidden_weights_written > 0);
  CHECK(workload.reference_counts().backward_spikes > 0);
}

TEST_CASE("spide split job: a block too large for the transposed copy is a ConfigError with the numbers",
          "[spide][split]") {
  // 892 recurrent rows x 250 neurons on core 0.
  const job::JobOptions o = testing::spide_job_options({1000}, TRANSPOSED_COPY, 1, 1);
  spide::SpideJob too_large;
  // 250 x ceil(892 x 16 / 64) words x 8 bytes = 446,000; the copy holds 256 x 256 x 2 = 131,072.
  CHECK_THROWS_WITH(job::run_chip_job(too_large, o), Catch::Contains("TRANSPOSED_COPY") &&
                                                         Catch::Contains("446000") && Catch::Contains("131072"));
}

TEST_CASE("spide split job: a readout split over cores runs, too few cores is a ConfigError with the numbers",
          "[spide][split]") {
  job::JobOptions o = testing::spide_job_options({200}, COLUMN_READ, 1, 1);
  o.chip.mutable_core()->set_max_axons(128);
  o.chip.set_mesh_width(2);
  o.chip.set_mesh_height(2);
  o.chip.set_cores_per_node(1);
  spide::SpideJob too_few;
  // The recurrent layer's 984 lines in ceil(984 / 128) = 8 groups, the readout's 200 lines in
  // 2 (test_spide_readout_split.cpp runs such a readout): 10 cores against 2 x 2 x 1 = 4.
  CHECK_THROWS_WITH(job::run_chip_job(too_few, o),
                    Catch::Contains("need 10 cores") && Catch::Contains("the chip has 4") && Catch::Contains("6 short"));
}
