// Energy predicted, not fitted (platform/energy/PREDICTIONS.md): each energy preset has at
// most one free parameter, fitted on one published figure; these tests measure the figures it
// predicts from real runs' reports (event counts x the table + leakage x time, as the report
// states them), never by reading the table back.
//
// Where a prediction is within its bound the test asserts the bound. Where the model cannot
// reach it, the test asserts that the measured figure equals a hand derivation from the
// published table entries and the counted events, and that its error is the one
// PREDICTIONS.md documents (so the document cannot drift from the model); the comment says
// what in the model causes the error.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "models/core/neuron_core.h"
#include "platform/chip/chip.h"
#include "platform/config/loader.h"
#include "platform/config/run_adaptation.h"
#include "platform/config/validate.h"
#include "platform/energy/energy_model.h"
#include "platform/mapper/mapper.h"
#include "platform/report/report_builder.h"
#include "tests/models/core/testbench.h"
#include "tests/workloads/report_energy.h"
#include "workloads/dfa/dfa_job.h"
#include "workloads/job/chip_run.h"

using namespace nmsim;
using testing::dynamic_in_phase;
using testing::relative_error;
using testing::stats_in_phase;

namespace {

int phase_index(Phase p) { return static_cast<int>(p); }

// ---------------------------------------------------------------------------------------
// ODIN-like (chip_odin_like, energy_odin_28nm): fitted on the incremental 8.43 pJ/SOP.

// One ODIN-like chip at `clock_mhz`, its core holding 256 neurons with 256 axons, every weight
// 0 (no neuron fires: ODIN's "pre 1" row of FIDELITY.md), driven by `body` as its firmware;
// returns the report of the whole chip when the body ends.
Report run_odin_chip(double clock_mhz, const std::function<void(core::NeuronCore&, SimContext&)>& body) {
  ChipConfig config = config::chip_preset("odin_like");
  config.set_clock_mhz(clock_mhz);
  config::validate(config);
  SimContext ctx(config::clock_mhz(config));
  chip::Chip chip("chip", config, ctx);
  chip.configure(mapper::map_network(config, {256, 256}), arith::NeuronParams{});
  testing::LambdaProgram program([&](core::NeuronCore& c) { body(c, ctx); });
  chip.core(0).set_program(&program);
  sc_core::sc_start();
  chip.finish();
  const energy::EnergyModel model(config::energy_preset("odin_28nm"));
  Report report = report::build_report({&chip}, model, chip.phase_cycles(), ctx.clock);
  REQUIRE(report::recompute_energy_pj(report, model) == report.summary().energy_pj());
  return report;
}

struct SaturatedOdin {
  double sops = 0;
  double cycles = 0;          // of the saturated window
  double energy_pj = 0;       // all energy of the saturated window, leakage included
  double idle_energy_pj = 0;  // all energy of an idle window of the same length
};

// THE saturated measurement, through the core's AER event controller (the path `nmsim replay`
// drives; models/core/README.md "AER events"). "Saturated": the ODIN-like core takes neuron
// spike events back to back, each raised as soon as the previous handshake lets the sender
// (FIDELITY.md: 520 cycles for the first, 518 for each further one: PUSH 1 + the request's drop
// 3 + WAIT 2 + POP_NEUR 512, the next request synchronised during the sweep). Each event
// fetches one weight row and sweeps all 256 neurons in 2 cycles each (single-port state memory:
// read, then write) for 256 SOPs (one per mapped neuron, weight 0 included, as ODIN's
// POP_NEUR). `events` events take 2 + 518 x events cycles from the first request (the first
// request's 2-cycle synchroniser, then 518 working cycles an event) for 256 x events SOPs, as
// the report counts them (summary.sops).
// Windows, each a phase of its own (the driver switches the phase register as a barrier
// would, at no cost): forward leaves the core idle for as many cycles as the saturated window
// lasts (leakage and the clock that run anyway), backward is the saturated window, from the
// first request to the last event's idle.
SaturatedOdin measure_saturated_odin(double clock_mhz, uint32_t events) {
  const uint64_t window = 2 + 518 * uint64_t{events};
  uint64_t last_idle = 0;
  const Report r = run_odin_chip(clock_mhz, [&](core::NeuronCore& c, SimContext& ctx) {
    ctx.phase.set(Phase::kForward, ctx.clock.now());
    ctx.clock.wait_until(ctx.clock.now() + window);
    const Cycle first_request = ctx.clock.now();
    ctx.phase.set(Phase::kBackward, first_request);
    AerInputEvent event;
    event.set_kind(AER_NEURON_SPIKE);
    event.set_at(first_request.value());  // every request as early as the handshake allows
    for (uint32_t e = 0; e < events; ++e) {
      event.set_pre(e % 256);
      last_idle = c.process_event(event).idle();
    }
    REQUIRE(last_idle - first_request.value() == window);
  });
  const auto& idle = r.phases(phase_index(Phase::kForward));
  const auto& saturated = r.phases(phase_index(Phase::kBackward));
  REQUIRE(idle.cycles() == window);
  REQUIRE(saturated.cycles() == window);  // back to back: 518 cycles an event
  REQUIRE(idle.sops() == 0);
  REQUIRE(saturated.sops() == 256 * uint64_t{events});
  return {static_cast<double>(saturated.sops()), static_cast<double>(saturated.cycles()), saturated.energy_pj(),
          idle.energy_pj()};
}

// Idle power in uW of a run where the ODIN-like core does nothing for 10,000 cycles: its
// energy over its simulated time.
double odin_idle_power_uw(double clock_mhz) {
  const Report r = run_odin_chip(clock_mhz, [](core::NeuronCore&, SimContext& ctx) {
    ctx.clock.wait_until(ctx.clock.now() + 10000);
  });
  REQUIRE(r.summary().cycles() == 10000);
  REQUIRE(r.summary().sops() == 0);
  return r.summary().energy_pj() / r.summary().simulated_seconds() * 1e-6;  // pJ/s = 1e-6 uW
}

void check_odin_idle_power(double clock_mhz) {
  const double measured = odin_idle_power_uw(clock_mhz);
  const double published = 27.3 + 1.78 * clock_mhz;  // ODIN: 27.3 uW leakage + 1.78 uW/MHz
  std::printf("ODIN-like idle power at %g MHz: %.6f uW (ODIN: %.6f uW)\n", clock_mhz, measured, published);
  CHECK(measured == Approx(published).epsilon(1e-12));  // exact, to double rounding
}

}  // namespace

TEST_CASE("predictions: the ODIN-like preset fitted on 8.43 pJ/SOP incremental predicts 12.7 pJ/SOP "
          "global at 75 MHz saturated (within 5 %)",
          "[predictions][energy][odin]") {
  const SaturatedOdin m = measure_saturated_odin(75, 256);
  // The fit: what the SOPs add on top of an idle core over the same cycles.
  const double incremental = (m.energy_pj - m.idle_energy_pj) / m.sops;
  // The prediction: everything the chip spends while saturated, per SOP.
  const double global = m.energy_pj / m.sops;
  std::printf("ODIN-like saturated at 75 MHz: %.0f SOPs in %.0f cycles; incremental %.4f pJ/SOP (fitted on 8.43, "
              "%+.2f %%), global %.4f pJ/SOP (ODIN: 12.7, %+.2f %%)\n",
              m.sops, m.cycles, incremental, 100 * relative_error(incremental, 8.43), global,
              100 * relative_error(global, 12.7));
  // The one free parameter (core_active_cycle) is rounded to 4 digits: the fit lands within 0.1 %.
  CHECK(incremental == Approx(8.43).epsilon(0.001));
  CHECK(global == Approx(12.7).epsilon(0.05));
}

TEST_CASE("predictions: the ODIN-like preset's idle power is 27.3 uW + 1.78 uW/MHz at 10 MHz",
          "[predictions][energy][odin]") {
  check_odin_idle_power(10);
}

TEST_CASE("predictions: the ODIN-like preset's idle power is 27.3 uW + 1.78 uW/MHz at 75 MHz",
          "[predictions][energy][odin]") {
  check_odin_idle_power(75);
}

TEST_CASE("predictions: the ODIN-like preset's idle power is 27.3 uW + 1.78 uW/MHz at 100 MHz",
          "[predictions][energy][odin]") {
  check_odin_idle_power(100);
}

namespace {

// ---------------------------------------------------------------------------------------
// Loihi-like (chip_loihi_like, energy_loihi_14nm): fitted on 23.6 pJ per SOP
// (tests/workloads/test_energy_anchors.cpp). Hand derivations use the table's published
// entries: core_active_cycle 23.2 pJ, idle_clock_per_cycle 0 (a working cycle: 23.2 pJ),
// noc_per_bit_hop 0.109375 pJ/bit, add_32bit 0.025488 and add_8bit 0.0070313 pJ,
// multiply_16bit 0.21973 pJ (x 2 control overhead), SRAM 0.047241 x KB^0.545 x bits^0.346
// pJ per read, writes x 1.2.
constexpr double kLoihiCycle = 23.2;
constexpr double kLoihiControl = 2;

double loihi_sram_read(double kb, double bits) { return 0.047241 * std::pow(kb, 0.545) * std::pow(bits, 0.346); }

// Energy per hop of a Loihi-like inference run (testing::loihi_inference_report) of 2 digits on
// a `width` x `height` mesh of Loihi-like nodes: every hidden spike crosses the one link
// between node 0 and node 1; dimension-order routing on a 2 x 1 mesh crosses it east-west, on
// a 1 x 2 mesh north-south.
double loihi_pj_per_hop(uint32_t width, uint32_t height) {
  job::JobOptions o;
  o.chip = config::chip_preset("loihi_like");
  o.chip.set_mesh_width(width);
  o.chip.set_mesh_height(height);
  o.run = config::default_run_config();
  o.run.set_samples(2);
  o.energy = config::energy_preset("loihi_14nm");
  return testing::pj_per_hop(testing::loihi_inference_report(o));
}

}  // namespace

// Not held out: noc_per_bit_hop is the mean of Loihi's 3.0 and 4.0 pJ per hop over a 32-bit
// flit, one energy for both directions (nmsim's mesh links are all alike; Loihi's north-south
// links are longer). So a hop costs 3.5 pJ either way: east-west +16.7 %, over 15 %: the test
// asserts the hand derivation and that documented error.
TEST_CASE("predictions: the Loihi-like preset's east-west hop costs 3.5 pJ (Loihi: 3.0 pJ so +16.7 %)",
          "[predictions][energy][loihi]") {
  const double measured = loihi_pj_per_hop(2, 1);
  std::printf("Loihi-like hop east-west: %.4f pJ (Loihi: 3.0, %+.1f %%)\n", measured,
              100 * relative_error(measured, 3.0));
  CHECK(measured == Approx(0.109375 * 32).epsilon(1e-12));  // 32-bit flits x 0.109375 pJ/bit
  CHECK(relative_error(measured, 3.0) == Approx(1.0 / 6).margin(0.001));
}

TEST_CASE("predictions: the Loihi-like preset's north-south hop is within 15 % of Loihi's 4.0 pJ",
          "[predictions][energy][loihi]") {
  const double measured = loihi_pj_per_hop(1, 2);
  std::printf("Loihi-like hop north-south: %.4f pJ (Loihi: 4.0, %+.1f %%)\n", measured,
              100 * relative_error(measured, 4.0));
  CHECK(measured == Approx(4.0).epsilon(0.15));
  CHECK(measured == Approx(0.109375 * 32).epsilon(1e-12));
}

// Neuron updates, from one Loihi-like core (128 neurons, 1 lane, 24-bit state, 2 state
// ports) driven alone: a fire scan in which no neuron fires (phase forward), then one input
// spike whose weights (127) lift every potential over the threshold (100; phase backward),
// then a fire scan and send in which every neuron fires (phase update). Per neuron update:
// the dynamic energy of the core (its units and memories) in that phase / the neurons updated.
// Hand derivation: a scan is 128 state words x 1 cycle + 2 fill = 130 working cycles; each
// neuron one 24-bit add (the 32-bit entry) and one state read and write (0.375 KB of 24-bit
// words); a firing neuron one more working cycle to hand its spike to the network.
// Errors, over 15 % (-54 % inactive, -42 % active): nmsim updates a neuron in one working
// cycle of the 1-lane pipeline, costed as one SOP's cycle (the fitted core_active_cycle), with
// one state word and one add; Loihi's compartment update reads and decays both the current
// and the voltage, checks refractoriness and the threshold and updates traces, about 2.2
// SOPs' worth (52 / 23.6).
TEST_CASE("predictions: the Loihi-like preset's neuron update (Loihi: 52 pJ inactive and 81 pJ active)",
          "[predictions][energy][loihi]") {
  const ChipConfig config = config::chip_preset("loihi_like");
  config::validate(config);
  testing::CoreBench bench(config, 1, 128, testing::with_threshold(100));
  std::vector<uint8_t> row(128, 127);  // axon 0: weight 127 to each neuron, 8 bits each
  testing::write_row(bench.core, 0, row);
  testing::LambdaProgram program([&](core::NeuronCore& c) {
    bench.ctx.phase.set(Phase::kForward, bench.ctx.clock.now());
    REQUIRE(c.fire() == 0);
    bench.ctx.phase.set(Phase::kBackward, bench.ctx.clock.now());
    SpikeBitmap spike(1);
    spike.set(0);
    c.set_input_spikes(spike);
    c.integrate();
    bench.ctx.phase.set(Phase::kUpdate, bench.ctx.clock.now());
    REQUIRE(c.fire() == 128);
    c.send_spikes();
  });
  bench.core.set_program(&program);
  sc_core::sc_start();
  const auto cycles = bench.ctx.phase.cycles(bench.ctx.clock.now());
  bench.core.finalize(cycles);
  const energy::EnergyModel model(config::energy_preset("loihi_14nm"));
  const Report r = report::build_report({&bench.core}, model, cycles, bench.ctx.clock);
  const auto all = [](const std::string&) { return true; };
  const double updates_inactive = stats_in_phase(r, ".neuron_updates", Phase::kForward).count;
  const double updates_active = stats_in_phase(r, ".neuron_updates", Phase::kUpdate).count;
  REQUIRE(updates_inactive == 128);
  REQUIRE(updates_active == 128);
  const double inactive = dynamic_in_phase(r, Phase::kForward, all) / updates_inactive;
  const double active = dynamic_in_phase(r, Phase::kUpdate, all) / updates_active;
  std::printf("Loihi-like neuron update: inactive %.3f pJ (Loihi: 52, %+.1f %%), active %.3f pJ (Loihi: 81, %+.1f %%)\n",
              inactive, 100 * relative_error(inactive, 52), active, 100 * relative_error(active, 81));

  const double state_read = loihi_sram_read(128 * 24 / 8 / 1024.0, 24);
  const double per_neuron = 0.025488 * kLoihiControl + state_read * (1 + 1.2);
  const double hand_inactive = (130 * kLoihiCycle + 128 * per_neuron) / 128;
  CHECK(inactive == Approx(hand_inactive).epsilon(1e-12));
  CHECK(active == Approx(hand_inactive + kLoihiCycle).epsilon(1e-12));
  CHECK(relative_error(inactive, 52) == Approx(-0.54).margin(0.005));
  CHECK(relative_error(active, 81) == Approx(-0.42).margin(0.005));
}

// Synaptic update (learning), from a DFA training run on the Loihi-like chip (its run
// overlay, run_for_loihi_like, as `nmsim run --chip loihi_like`): the energy the cores, their
// learning engines and synapse SRAMs spend in the update phase / the synapses the learning
// engines process there (their `multiplies`: one factor x scale product per synapse of each
// row they update). Hand derivation from the counted events of that phase: learn cycles x
// 23.2 pJ, products x 16-bit multiply, weights through the update adders x 8-bit add,
// stochastic rounding ops x 32-bit add, synapse SRAM reads and writes (32 KB banks, 64-bit
// words). Error, over 15 % (-59 %): nmsim's DFA update is one multiply and one add per
// synapse, 2 working cycles (one multiply pass and one update pass of the 1-lane row);
// Loihi's learning engine evaluates a programmed sum-of-products rule over pre- and
// post-synaptic traces and updates the synapse's weight, delay and tag.
TEST_CASE("predictions: the Loihi-like preset's synaptic update in a DFA run (Loihi: 120 pJ)",
          "[predictions][energy][loihi]") {
  job::JobOptions o;
  o.chip = config::chip_preset("loihi_like");
  o.run = config::load_run_config_for_chip("", "loihi_like");
  o.energy = config::energy_preset("loihi_14nm");
  o.run.mutable_training()->set_train_samples(4);
  o.run.set_samples(1);
  dfa::DfaJob workload;
  const auto result = job::run_chip_job(workload, o);
  INFO(result.mismatch);
  REQUIRE(result.reference_matches);
  const Report& r = result.report;
  const auto cores = [](const std::string& name) { return name.find(".core") != std::string::npos; };
  const double synapses = stats_in_phase(r, ".learning.multiplies", Phase::kUpdate).count;
  REQUIRE(synapses > 0);
  const double measured = dynamic_in_phase(r, Phase::kUpdate, cores) / synapses;
  std::printf("Loihi-like synaptic update: %.0f synapses, %.3f pJ each (Loihi: 120, %+.1f %%)\n", synapses, measured,
              100 * relative_error(measured, 120));

  const auto in_update = [&](const std::string& suffix) { return stats_in_phase(r, suffix, Phase::kUpdate).count; };
  const double sram_read = loihi_sram_read(32, 64);  // 128 KB in 4 banks, 64-bit words
  const double hand = in_update(".learn_cycles") * kLoihiCycle + in_update(".learning.multiplies") * 0.21973 * kLoihiControl +
                      in_update(".learning.modify_ops") * 0.0070313 * kLoihiControl +
                      in_update(".learning.rounding_ops") * 0.025488 * kLoihiControl +
                      in_update(".sram.reads") * sram_read + in_update(".sram.writes") * sram_read * 1.2;
  CHECK(measured == Approx(hand / synapses).epsilon(1e-12));
  CHECK(relative_error(measured, 120) == Approx(-0.59).margin(0.005));
}
