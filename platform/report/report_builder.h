// Builds the report from the statistics the models registered (StatGroup), walking the
// SystemC hierarchy; energy = sum(count x energy per event) + leakage x time.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <systemc>

#include "models/base/cycle.h"
#include "models/base/phase.h"
#include "platform/energy/energy_model.h"
#include "proto/chip.pb.h"
#include "proto/report.pb.h"

namespace nmsim::report {

// Visits every object under `roots` depth first (each root, then its children in
// get_child_objects() order); every nmsim::StatGroup contributes its stats, named
// "<sc_object::name()>.<stat name>", and one ComponentEnergy. Fills summary (cycles,
// simulated time, sops, sram_reads/writes, noc_flits/hops, energies, pJ/SOP), one
// PhaseSummary per phase and phase_names. The caller fills kind, provenance, accuracy,
// samples, energy per sample, speed and notes.
// Conventions: sops = stats whose local name is "sops"; sram_reads/writes = stats
// counting kSramRead/kSramWrite; noc_hops = kFlitHop stats; noc_flits = stats named
// "flits_injected". Simulated time = cycles / the clock's frequency (Clock::picoseconds, not
// the kernel's rounded period); leakage = sum of leakage_uw x that time, split over phases in
// proportion to their cycles.
// Usage: a StatGroup that holds_nothing() and every object under it is unused, and so are the
// unused_sram_kb() of a group's SRAM leakage. `gating` (chip.power_gating) gates them: a
// gated leakage entry (gated = true; an SRAM's unused banks become an entry of their own)
// leaks the table's residual fraction, and one stat "<object>.power_gate_wakeup[i]" charges
// its wake-up once, in host_io.
// Breakdown: one EnergyCell per non-zero (phase, class, usage, kind, event), all of `part`,
// in that order; dynamic cells sum count x energy per event by phase, leakage cells power x
// phase time; they add up to the summary's energy (to rounding).
Report build_report(const std::vector<const sc_core::sc_object*>& roots, const energy::EnergyModel& model,
                    const std::array<uint64_t, kPhaseCount>& phase_cycles, const Clock& clock,
                    const std::string& part = "test", const PowerGatingConfig& gating = PowerGatingConfig());
// The same into `report`, which must be empty: a report on a protobuf Arena (its thousands of
// small messages and strings allocated from a few blocks and freed at once) for a caller that
// keeps it to the end, as `nmsim traffic` does.
void build_report_into(Report& report, const std::vector<const sc_core::sc_object*>& roots,
                       const energy::EnergyModel& model, const std::array<uint64_t, kPhaseCount>& phase_cycles,
                       const Clock& clock, const std::string& part = "test",
                       const PowerGatingConfig& gating = PowerGatingConfig());

// Splits a training run's breakdown: `training` (built when training ended) becomes the
// "training" part, the report's own cells minus those the "test" part (zero cells dropped).
void split_training_part(Report& report, const Report& training);

// Total energy recomputed from the report's stat counts and leakage sources alone, with
// the table: sum over stats, in report order, of value x event_pj, plus sum over
// components and their leakage sources, in order, of leakage_uw (gated or not) x simulated
// ps x 1e-6.
// build_report sums the same products in the same order, so the two are bit-identical
// (IEEE double arithmetic is deterministic given the order; counts below 2^53 are exact).
double recompute_energy_pj(const Report& report, const energy::EnergyModel& model);

// The EnergyKind / LeakageKind whose energy_kind_name() / leakage_kind_name() is `name`;
// DataError if none (a damaged report).
EnergyKind parse_energy_kind(const std::string& name);
LeakageKind parse_leakage_kind(const std::string& name);

}  // namespace nmsim::report
