// Builds the report from the statistics the models registered (StatGroup), walking the
// SystemC hierarchy; energy = sum(count x energy per event) + leakage x time.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include <systemc>

#include "models/base/cycle.h"
#include "models/base/phase.h"
#include "platform/energy/energy_model.h"
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
Report build_report(const std::vector<const sc_core::sc_object*>& roots, const energy::EnergyModel& model,
                     const std::array<uint64_t, kPhaseCount>& phase_cycles, const Clock& clock);

// Total energy recomputed from the report's stat counts and leakage sources alone, with
// the table: sum over stats, in report order, of value x event_pj, plus sum over
// components and their leakage sources, in order, of leakage_uw x simulated ps x 1e-6.
// build_report sums the same products in the same order, so the two are bit-identical
// (IEEE double arithmetic is deterministic given the order; counts below 2^53 are exact).
double recompute_energy_pj(const Report& report, const energy::EnergyModel& model);

// The EnergyKind / LeakageKind whose energy_kind_name() / leakage_kind_name() is `name`;
// DataError if none (a damaged report).
EnergyKind parse_energy_kind(const std::string& name);
LeakageKind parse_leakage_kind(const std::string& name);

}  // namespace nmsim::report
