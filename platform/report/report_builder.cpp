#include "platform/report/report_builder.h"

#include "models/base/errors.h"
#include "models/base/stats.h"

namespace nmsim::report {

namespace {

// uW x ps = 1e-6 W x 1e-12 s = 1e-18 J = 1e-6 pJ.
constexpr double kPicojoulePerMicrowattPicosecond = 1e-6;

double leakage_pj(double power_uw, double time_ps) {
  return power_uw * time_ps * kPicojoulePerMicrowattPicosecond;
}

struct Totals {
  uint64_t sops = 0, sram_reads = 0, sram_writes = 0, noc_flits = 0, noc_hops = 0;
  double dynamic_pj = 0;
};

class Builder {
 public:
  Builder(Report& report, const energy::EnergyModel& model, double time_ps)
      : m_report(report), m_model(model), m_time_ps(time_ps) {}

  void visit(const sc_core::sc_object& object) {
    if (const auto* group = dynamic_cast<const StatGroup*>(&object)) add_group(object.name(), *group);
    for (const sc_core::sc_object* child : object.get_child_objects()) visit(*child);
  }

  Totals total;
  std::array<Totals, kPhaseCount> by_phase{};
  double leakage_total_pj = 0;
  std::vector<double> leakage_uw_by_component;  // summed power, for the phase split

 private:
  void add_group(const std::string& name, const StatGroup& group) {
    ComponentEnergy& component = *m_report.add_components();
    component.set_name(name);
    component.set_component_class(group.component_class());
    std::array<double, kPhaseCount> dynamic_by_phase{};
    double dynamic = 0;
    for (const StatEntry& entry : group.stats()) {
      const double per_event = m_model.event_pj(entry.energy);
      const double value = static_cast<double>(entry.counter->total());
      Stat& stat = *m_report.add_stats();
      stat.set_name(name + "." + entry.name);
      stat.set_unit(entry.unit);
      stat.set_description(entry.description);
      stat.set_value(value);
      stat.set_energy_pj(value * per_event);
      stat.set_energy_kind(energy::energy_kind_name(entry.energy.kind));
      stat.set_size_kb(entry.energy.size_kb);
      stat.set_width_bits(entry.energy.width_bits);
      dynamic += stat.energy_pj();
      total.dynamic_pj += stat.energy_pj();  // the order recompute_energy_pj repeats
      for (std::size_t p = 0; p < kPhaseCount; ++p) {
        const uint64_t count = entry.counter->by_phase[p];
        stat.add_by_phase(static_cast<double>(count));
        const double energy = static_cast<double>(count) * per_event;
        dynamic_by_phase[p] += energy;
        by_phase[p].dynamic_pj += energy;
        count_into(by_phase[p], entry, count);
      }
      count_into(total, entry, entry.counter->total());
    }
    component.set_dynamic_pj(dynamic);
    for (double e : dynamic_by_phase) component.add_dynamic_by_phase_pj(e);

    double leakage = 0;
    for (const LeakageSource& source : group.leakage()) {
      const double power = m_model.leakage_uw(source);
      LeakageEntry& entry = *component.add_leakage();
      entry.set_kind(energy::leakage_kind_name(source.kind));
      entry.set_size_kb(source.size_kb);
      entry.set_power_uw(power);
      const double energy = leakage_pj(power, m_time_ps);
      leakage += energy;
      leakage_total_pj += energy;  // the order recompute_energy_pj repeats
    }
    component.set_leakage_pj(leakage);
    leakage_uw_by_component.push_back(0);
    for (const LeakageEntry& entry : component.leakage()) leakage_uw_by_component.back() += entry.power_uw();
  }

  static void count_into(Totals& t, const StatEntry& entry, uint64_t count) {
    if (entry.name == "sops") t.sops += count;
    if (entry.name == "flits_injected") t.noc_flits += count;
    switch (entry.energy.kind) {
      case EnergyKind::kSramRead: t.sram_reads += count; break;
      case EnergyKind::kSramWrite: t.sram_writes += count; break;
      case EnergyKind::kFlitHop: t.noc_hops += count; break;
      default: break;
    }
  }

  Report& m_report;
  const energy::EnergyModel& m_model;
  const double m_time_ps;
};

}  // namespace

Report build_report(const std::vector<const sc_core::sc_object*>& roots, const energy::EnergyModel& model,
                    const std::array<uint64_t, kPhaseCount>& phase_cycles, const Clock& clock) {
  Report report;
  uint64_t cycles = 0;
  for (uint64_t c : phase_cycles) cycles += c;
  const double time_ps = clock.picoseconds(cycles);

  Builder builder(report, model, time_ps);
  for (const sc_core::sc_object* root : roots) {
    NMSIM_ASSERT(root != nullptr, "null report root");
    builder.visit(*root);
  }

  // Leakage by phase, in proportion to the phase's cycles.
  std::array<double, kPhaseCount> leakage_by_phase{};
  for (int c = 0; c < report.components_size(); ++c) {
    ComponentEnergy& component = *report.mutable_components(c);
    for (std::size_t p = 0; p < kPhaseCount; ++p) {
      const double energy = leakage_pj(builder.leakage_uw_by_component[c], clock.picoseconds(phase_cycles[p]));
      component.add_leakage_by_phase_pj(energy);
      leakage_by_phase[p] += energy;
    }
  }

  Summary& summary = *report.mutable_summary();
  summary.set_cycles(cycles);
  summary.set_clock_period_ps(clock.period_ps());
  summary.set_clock_mhz(clock.frequency_mhz());
  summary.set_simulated_seconds(time_ps * 1e-12);
  summary.set_sops(builder.total.sops);
  summary.set_sram_reads(builder.total.sram_reads);
  summary.set_sram_writes(builder.total.sram_writes);
  summary.set_noc_flits(builder.total.noc_flits);
  summary.set_noc_hops(builder.total.noc_hops);
  summary.set_dynamic_energy_pj(builder.total.dynamic_pj);
  summary.set_leakage_energy_pj(builder.leakage_total_pj);
  summary.set_energy_pj(builder.total.dynamic_pj + builder.leakage_total_pj);
  summary.set_pj_per_sop(summary.sops() ? summary.energy_pj() / static_cast<double>(summary.sops()) : 0.0);

  for (std::size_t p = 0; p < kPhaseCount; ++p) {
    const Totals& t = builder.by_phase[p];
    report.add_phase_names(phase_name(static_cast<Phase>(p)));
    PhaseSummary& phase = *report.add_phases();
    phase.set_phase(phase_name(static_cast<Phase>(p)));
    phase.set_cycles(phase_cycles[p]);
    phase.set_sops(t.sops);
    phase.set_sram_reads(t.sram_reads);
    phase.set_sram_writes(t.sram_writes);
    phase.set_noc_flits(t.noc_flits);
    phase.set_noc_hops(t.noc_hops);
    phase.set_energy_pj(t.dynamic_pj + leakage_by_phase[p]);
  }
  return report;
}

double recompute_energy_pj(const Report& report, const energy::EnergyModel& model) {
  double dynamic = 0;
  for (const Stat& stat : report.stats()) {
    EnergyEvent event;
    event.kind = parse_energy_kind(stat.energy_kind());
    event.size_kb = stat.size_kb();
    event.width_bits = stat.width_bits();
    dynamic += stat.value() * model.event_pj(event);
  }
  const double time_ps = Clock(report.summary().clock_mhz()).picoseconds(report.summary().cycles());
  double leakage = 0;
  for (const ComponentEnergy& component : report.components()) {
    for (const LeakageEntry& entry : component.leakage()) {
      const LeakageSource source{parse_leakage_kind(entry.kind()), entry.size_kb()};
      leakage += leakage_pj(model.leakage_uw(source), time_ps);
    }
  }
  return dynamic + leakage;
}

EnergyKind parse_energy_kind(const std::string& name) {
  for (int k = 0; k <= static_cast<int>(EnergyKind::kActiveCycle); ++k) {
    if (name == energy::energy_kind_name(static_cast<EnergyKind>(k))) return static_cast<EnergyKind>(k);
  }
  throw DataError("unknown energy kind '" + name + "' in report");
}

LeakageKind parse_leakage_kind(const std::string& name) {
  for (int k = 0; k <= static_cast<int>(LeakageKind::kRouter); ++k) {
    if (name == energy::leakage_kind_name(static_cast<LeakageKind>(k))) return static_cast<LeakageKind>(k);
  }
  throw DataError("unknown leakage kind '" + name + "' in report");
}

}  // namespace nmsim::report
