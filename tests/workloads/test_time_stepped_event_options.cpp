// The event-timing options of chip.core (event_fire_in_sweep, event_sweep_all_neurons,
// aer_out_stall_cycles) in a time-stepped workload: inference on a few digits stays bit-exact
// with its functional reference (the spikes of every layer at every step, outputs, potentials,
// SOPs) with each option on; the cycles and state-memory counts of every core are derived from
// its mapping and counts (neuron_core.h, "The same options in the time-stepped passes"; the
// hand-derived core timings are in tests/models/core/test_core_event_timing.cpp). One run per
// test: the SystemC kernel elaborates once per process.
#include <catch2/catch.hpp>

#include <cstdio>
#include <string>
#include <vector>

#include "platform/config/loader.h"
#include "tests/common/report_stats.h"
#include "tests/workloads/report_energy.h"
#include "workloads/inference/inference_job.h"
#include "workloads/job/chip_run.h"

using namespace nmsim;
using testing::ends_with;
using testing::stat;

namespace {

constexpr uint32_t kSamples = 3;
constexpr uint64_t kLanes = 16;  // the default core: 16 lanes, 256 neurons, fill 2, 2 state ports
constexpr uint64_t kFill = 2;
constexpr uint64_t kAllWords = 256 / kLanes;

// Two hidden layers (300 and 100 neurons on 256-neuron cores, and 10 outputs: no core has all
// 256 mapped, so sweeping all neurons changes every layer's passes), leak and refractory on,
// so a fire folded into the last integrate sweep must leak, mask and reset exactly as the scan.
job::JobOptions options_for() {
  job::JobOptions o;
  o.chip = config::default_chip_config();
  o.run = config::default_run_config();
  o.energy = config::default_energy_table();
  o.run.set_samples(kSamples);
  o.run.mutable_network()->clear_hidden_sizes();
  o.run.mutable_network()->add_hidden_sizes(300);
  o.run.mutable_network()->add_hidden_sizes(100);
  o.run.mutable_network()->mutable_neuron()->set_leak_mode(LEAK_SHIFT);
  o.run.mutable_network()->mutable_neuron()->set_leak_amount(3);
  o.run.mutable_network()->mutable_neuron()->set_refractory_steps(1);
  o.run.mutable_network()->mutable_neuron()->set_threshold(6000);
  return o;
}

// A core that holds neurons of its own, with its counts.
struct OwnerCore {
  std::string name;
  double mapped = 0;  // neurons mapped (SOPs per row)
  double rows = 0, state_reads = 0, scan_cycles = 0, integrate_cycles = 0, neuron_updates = 0, fired = 0;
};

std::vector<OwnerCore> owner_cores(const Report& r) {
  std::vector<OwnerCore> cores;
  for (const auto& s : r.stats()) {
    if (!ends_with(s.name(), ".neuron_updates") || s.value() == 0) continue;
    OwnerCore c;
    c.name = s.name().substr(0, s.name().size() - std::string(".neuron_updates").size());
    c.rows = stat(r, c.name + ".rows_fetched").count;
    c.mapped = c.rows > 0 ? stat(r, c.name + ".sops").count / c.rows : 0;
    c.state_reads = stat(r, c.name + ".state_reads").count;
    c.scan_cycles = stat(r, c.name + ".scan_cycles").count;
    c.integrate_cycles = stat(r, c.name + ".integrate_cycles").count;
    c.neuron_updates = s.value();
    c.fired = stat(r, c.name + ".spikes_fired").count;
    cores.push_back(c);
  }
  return cores;
}

// Runs inference with `options`; requires it bit-exact with its reference, the spikes of every
// layer compared at every step, and that the hidden layers fired.
Report run_bit_exact(const job::JobOptions& options, uint64_t* steps) {
  inference::SpikeRecord record;
  inference::InferenceJob workload(&record);
  const auto result = job::run_chip_job(workload, options);
  REQUIRE(result.reference_checked);
  INFO(result.mismatch);
  REQUIRE(result.reference_matches);
  REQUIRE(workload.chip_outcomes().size() == kSamples);
  uint64_t reference_sops = 0;
  for (const auto& outcome : workload.reference_outcomes()) {
    for (uint64_t v : outcome.sops_per_layer) reference_sops += v;
  }
  CHECK(result.report.summary().sops() == reference_sops);
  uint64_t hidden = 0;
  for (const auto& sample : record) {
    for (const auto& step : sample) hidden += step[1].count() + step[2].count();
  }
  CHECK(hidden > 0);
  *steps = uint64_t{kSamples} * options.run.time_steps();  // fire() calls of each owner core
  std::printf("%llu cycles, %.0f spikes\n", static_cast<unsigned long long>(result.report.summary().cycles()),
              stat_sum(result.report, ".spikes_fired"));
  return result.report;
}

uint64_t words_of(double neurons) { return (static_cast<uint64_t>(neurons) + kLanes - 1) / kLanes; }

}  // namespace

TEST_CASE("time-stepped event options: unset, each core scans its mapped neurons once a step",
          "[inference][event_options]") {
  uint64_t steps = 0;
  const Report r = run_bit_exact(options_for(), &steps);
  const auto cores = owner_cores(r);
  REQUIRE(cores.size() == 4);  // 300 = 150 + 150, 100, 10
  for (const auto& c : cores) {
    INFO(c.name);
    const uint64_t w = words_of(c.mapped);
    // kSamples resets + `steps` fire scans, each w words + fill.
    CHECK(c.scan_cycles == (kSamples + steps) * (w + kFill));
    CHECK(c.state_reads == c.rows * w + steps * w);
    CHECK(c.neuron_updates == steps * c.mapped);
  }
}

TEST_CASE("time-stepped event options: fire in the last integrate sweep, bit-exact, fewer scans",
          "[inference][event_options]") {
  auto options = options_for();
  options.chip.mutable_core()->set_event_fire_in_sweep(true);
  uint64_t steps = 0;
  const Report r = run_bit_exact(options, &steps);
  const auto cores = owner_cores(r);
  REQUIRE(cores.size() == 4);
  double fused = 0;
  for (const auto& c : cores) {
    INFO(c.name);
    const uint64_t w = words_of(c.mapped);
    // The fire scans left (steps without a row, or whose last row started before the encoder
    // finished) each cost w words + fill and w state reads; the rest cost nothing.
    const double scans = (c.scan_cycles - kSamples * (w + kFill)) / (w + kFill);
    CHECK(scans == static_cast<double>(static_cast<uint64_t>(scans)));
    CHECK(c.state_reads == c.rows * w + scans * w);
    CHECK(c.neuron_updates == steps * c.mapped);  // leaked and thresholded either way
    CHECK(scans <= steps);
    fused += steps - scans;
  }
  CHECK(fused > 0);
}

TEST_CASE("time-stepped event options: sweep all 256 neurons, bit-exact, every pass 16 words",
          "[inference][event_options]") {
  auto options = options_for();
  options.chip.mutable_core()->set_event_sweep_all_neurons(true);
  uint64_t steps = 0;
  const Report r = run_bit_exact(options, &steps);
  const auto cores = owner_cores(r);
  REQUIRE(cores.size() == 4);
  for (const auto& c : cores) {
    INFO(c.name);
    REQUIRE(c.mapped < 256);
    const uint64_t w = words_of(c.mapped);
    // Resets write the mapped words; each fire scan sweeps all 16 words.
    CHECK(c.scan_cycles == kSamples * (w + kFill) + steps * (kAllWords + kFill));
    CHECK(c.state_reads == c.rows * kAllWords + steps * kAllWords);
    CHECK(c.neuron_updates == steps * 256);
  }
}

TEST_CASE("time-stepped event options: the AER-out stall, bit-exact, 6 cycles more a spike",
          "[inference][event_options]") {
  auto options = options_for();
  options.chip.mutable_core()->set_aer_out_stall_cycles(6);
  uint64_t steps = 0;
  const Report r = run_bit_exact(options, &steps);
  const auto cores = owner_cores(r);
  REQUIRE(cores.size() == 4);
  double fired = 0;
  for (const auto& c : cores) {
    INFO(c.name);
    const uint64_t w = words_of(c.mapped);
    CHECK(c.scan_cycles == (kSamples + steps) * (w + kFill) + 6 * c.fired);
    fired += c.fired;
  }
  CHECK(fired > 0);
}

TEST_CASE("time-stepped event options: all three as ODIN sets them, bit-exact", "[inference][event_options]") {
  auto options = options_for();
  options.chip.mutable_core()->set_event_fire_in_sweep(true);
  options.chip.mutable_core()->set_event_sweep_all_neurons(true);
  options.chip.mutable_core()->set_aer_out_stall_cycles(6);
  uint64_t steps = 0;
  const Report r = run_bit_exact(options, &steps);
  for (const auto& c : owner_cores(r)) {
    INFO(c.name);
    const uint64_t w = words_of(c.mapped);
    const double scans = (c.scan_cycles - kSamples * (w + kFill) - 6 * c.fired) / (kAllWords + kFill);
    CHECK(scans == static_cast<double>(static_cast<uint64_t>(scans)));
    CHECK(scans <= steps);
    CHECK(c.state_reads == c.rows * kAllWords + scans * kAllWords);
    CHECK(c.neuron_updates == steps * 256);
  }
}
