// The inference firmware on the chip against the functional reference: spikes of every
// layer at every step, outputs, potentials and counts, bit for bit; and the conservation
// laws of the run's statistics.
#include <catch2/catch.hpp>

#include <map>
#include <string>

#include "platform/config/loader.h"
#include "platform/energy/energy_model.h"
#include "platform/report/report_builder.h"
#include "workloads/inference/inference_job.h"
#include "workloads/job/chip_run.h"

using namespace nmsim;

namespace {

job::JobOptions options_for(uint32_t samples) {
  job::JobOptions o;
  o.chip = config::default_chip_config();
  o.run = config::default_run_config();
  o.energy = config::default_energy_table();
  o.run.set_samples(samples);
  return o;
}

// Sum of the stats whose name ends with `suffix`.
double sum_of(const Report& r, const std::string& suffix) {
  double sum = 0;
  for (const auto& s : r.stats()) {
    if (s.name().size() >= suffix.size() &&
        s.name().compare(s.name().size() - suffix.size(), suffix.size(), suffix) == 0) {
      sum += s.value();
    }
  }
  return sum;
}

void require_bit_exact(const job::JobResult& result, const inference::InferenceJob& workload, uint32_t samples) {
  REQUIRE(result.reference_checked);
  INFO(result.mismatch);
  REQUIRE(result.reference_matches);
  REQUIRE(workload.chip_outcomes().size() == samples);
  uint64_t reference_spikes = 0, reference_sops = 0;
  for (const auto& r : workload.reference_outcomes()) {
    for (uint64_t v : r.spikes_per_layer) reference_spikes += v;
    for (uint64_t v : r.sops_per_layer) reference_sops += v;
  }
  CHECK(sum_of(result.report, ".spikes_fired") == reference_spikes);
  CHECK(result.report.summary().sops() == reference_sops);
}

}  // namespace

TEST_CASE("inference: 20 MNIST digits on the default chip equal the reference bit for bit",
          "[inference][equivalence]") {
  inference::SpikeRecord record;
  auto options = options_for(20);
  inference::InferenceJob workload(&record);
  const auto result = job::run_chip_job(workload, options);
  require_bit_exact(result, workload, 20);
  // The spike trains were compared step by step (compare() walks the record); make sure
  // the record is not trivially empty: the hidden layer fired.
  uint64_t hidden = 0;
  for (const auto& sample : record)
    for (const auto& step : sample) hidden += step[1].count();
  CHECK(hidden > 0);
}

TEST_CASE("inference: two hidden layers, 2 cores per node, unicast, YX, leak, refractory, "
          "Bernoulli input equal the reference",
          "[inference][equivalence]") {
  inference::SpikeRecord record;
  auto options = options_for(20);
  options.chip.set_cores_per_node(2);
  options.chip.mutable_core()->set_neurons(128);
  options.chip.mutable_core()->mutable_synapse_sram()->set_size_bytes(1024 * 256);
  options.chip.mutable_noc()->set_replication(REPLICATION_UNICAST);
  options.chip.mutable_noc()->set_routing(ROUTING_YX);
  options.run.mutable_network()->clear_hidden_sizes();
  options.run.mutable_network()->add_hidden_sizes(300);
  options.run.mutable_network()->add_hidden_sizes(100);
  options.run.mutable_network()->mutable_neuron()->set_leak_mode(LEAK_SHIFT);
  options.run.mutable_network()->mutable_neuron()->set_leak_amount(3);
  options.run.mutable_network()->mutable_neuron()->set_refractory_steps(1);
  options.run.mutable_network()->mutable_neuron()->set_threshold(6000);
  options.run.set_encoder(ENCODER_BERNOULLI);
  options.run.set_seed(7);
  inference::InferenceJob workload(&record);
  const auto result = job::run_chip_job(workload, options);
  require_bit_exact(result, workload, 20);
  uint64_t layer2 = 0;
  for (const auto& sample : record)
    for (const auto& step : sample) layer2 += step[2].count();
  CHECK(layer2 > 0);
}

TEST_CASE("inference: conservation of spikes, SOPs and energy", "[inference][conservation]") {
  auto options = options_for(10);
  inference::InferenceJob workload;
  const auto result = job::run_chip_job(workload, options);
  const Report& r = result.report;
  REQUIRE(result.reference_matches);
  // Every spike packet a core handed to its NI entered the network, and every one reached
  // each core of the next layer exactly once: the default network [784, 512, 10] maps the
  // hidden layer on two cores and the output layer on one, so each hidden spike is one
  // packet delivered once.
  const double sent = sum_of(r, ".packets_sent");
  CHECK(sent > 0);
  CHECK(sum_of(r, ".packets_injected") == sent);
  CHECK(sum_of(r, ".packets_delivered") == sent);
  CHECK(sum_of(r, ".spikes_received") == sent);
  CHECK(r.summary().noc_flits() == sent);  // single-flit spikes
  // SOPs = sum over cores of (input rows integrated) x (neurons held): the hidden cores
  // integrate the encoder's spikes (256 neurons each), the output core 10 per received spike.
  double hidden_rows = 0;
  for (const auto& s : r.stats()) {
    if (s.name() == "chip.core_0_0_0.rows_fetched" || s.name() == "chip.core_1_0_0.rows_fetched") {
      hidden_rows += s.value();
    }
  }
  const double output_rows = sum_of(r, "core_2_0_0.rows_fetched");
  CHECK(output_rows == sent);
  CHECK(r.summary().sops() == hidden_rows * 256 + output_rows * 10);
  // SRAM words read = rows x words per row (64 for 256 x 16 bits, 3 for 10 x 16 bits).
  CHECK(r.summary().sram_reads() == hidden_rows * 64 + output_rows * 3);
  // Energy recomputed from counts x table + leakage x time equals the reported total.
  const energy::EnergyModel model(options.energy);
  CHECK(report::recompute_energy_pj(r, model) == r.summary().energy_pj());
  // Phases add up to the run.
  uint64_t phase_cycles = 0;
  for (const auto& p : r.phases()) phase_cycles += p.cycles();
  CHECK(phase_cycles == r.summary().cycles());
}
