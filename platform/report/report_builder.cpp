#include "platform/report/report_builder.h"

#include <cstdio>
#include <map>
#include <tuple>

#include "models/base/errors.h"
#include "models/base/stats.h"

namespace nmsim::report {

namespace {

// uW x ps = 1e-6 W x 1e-12 s = 1e-18 J = 1e-6 pJ.
constexpr double kPicojoulePerMicrowattPicosecond = 1e-6;

double leakage_pj(double power_uw, double time_ps) {
  return power_uw * time_ps * kPicojoulePerMicrowattPicosecond;
}

// A note on what holds nothing and its leakage, and what power gating did (none when all
// is used).
void add_usage_note(Report& report, uint32_t empty_cores, double unused_bank_kb, double saved_pj,
                    const PowerGatingConfig& gating) {
  if (empty_cores == 0 && unused_bank_kb == 0) return;
  double unused_leakage = 0, wakeup = 0;
  for (const EnergyCell& cell : report.breakdown()) {
    if (cell.usage() == "unused" && cell.kind() == "leakage") unused_leakage += cell.energy_pj();
    if (cell.event() == "SramWakeup" || cell.event() == "CoreWakeup") wakeup += cell.energy_pj();
  }
  const double total = report.summary().energy_pj();
  char line[512];
  std::snprintf(line, sizeof line,
                "Unused: %u cores hold nothing (no neurons mapped) and %.6g KB of SRAM banks of used cores are "
                "never touched; their leakage %.3f uJ is %.1f %% of the energy (breakdown usage 'unused'). "
                "Power gating (chip.power_gating): unused cores %s, unused SRAM banks %s; leakage saved %.3f uJ, "
                "wake-ups (once per run, host_io) %.6f uJ.",
                empty_cores, unused_bank_kb, unused_leakage * 1e-6, total > 0 ? 100 * unused_leakage / total : 0.0,
                gating.unused_cores() ? "gated" : "not gated", gating.unused_sram_banks() ? "gated" : "not gated", saved_pj * 1e-6,
                wakeup * 1e-6);
  report.add_notes(line);
}

// A breakdown cell's key: phase, component class, usage, kind, event (the order of the cells).
using CellKey = std::tuple<std::size_t, ComponentClass, std::string, std::string, std::string>;

constexpr const char* kUsed = "used";
constexpr const char* kUnused = "unused";

// One part of a leakage source: the whole source, or the used or unused banks of an SRAM.
// unused_kb: KB of an ungated part that hold nothing (its breakdown cells are split).
struct LeakagePart {
  LeakageSource source;
  bool unused;
  bool gated;
  double unused_kb = 0;
};

struct Totals {
  uint64_t sops = 0, sram_reads = 0, sram_writes = 0, noc_flits = 0, noc_hops = 0;
  double dynamic_pj = 0;
};

class Builder {
 public:
  Builder(Report& report, const energy::EnergyModel& model, const std::array<uint64_t, kPhaseCount>& phase_cycles,
          const Clock& clock, const PowerGatingConfig& gating)
      : m_report(report),
        m_model(model),
        m_phase_cycles(phase_cycles),
        m_clock(clock),
        m_time_ps(clock.picoseconds(total_cycles(phase_cycles))),
        m_gating(gating) {}

  // `unused`: an ancestor holds nothing (everything under a core the mapping leaves empty).
  void visit(const sc_core::sc_object& object, bool unused) {
    const auto* group = dynamic_cast<const StatGroup*>(&object);
    if (group != nullptr) {
      if (group->holds_nothing() && !unused) ++empty_blocks;
      unused = unused || group->holds_nothing();
      add_group(object.name(), *group, unused);
    }
    for (const sc_core::sc_object* child : object.get_child_objects()) visit(*child, unused);
  }

  static uint64_t total_cycles(const std::array<uint64_t, kPhaseCount>& phase_cycles) {
    uint64_t cycles = 0;
    for (uint64_t c : phase_cycles) cycles += c;
    return cycles;
  }

  Totals total;
  std::array<Totals, kPhaseCount> by_phase{};
  double leakage_total_pj = 0;
  std::vector<double> leakage_uw_by_component;  // summed power, for the phase split
  std::map<CellKey, double> cells;              // the energy breakdown
  uint32_t empty_blocks = 0;                    // groups that hold nothing (cores)
  double unused_bank_kb = 0;                    // SRAM banks of used blocks that hold nothing
  double gating_saved_pj = 0;                   // leakage power gating saved

 private:
  void add_group(const std::string& name, const StatGroup& group, bool unused) {
    ComponentEnergy& component = *m_report.add_components();
    component.set_name(name);
    component.set_component_class(group.component_class());
    const char* usage = unused ? kUnused : kUsed;
    std::array<double, kPhaseCount> dynamic_by_phase{};
    double dynamic = 0;
    // One stat: its report entry, energy, phase split, counts and breakdown cells.
    const auto add = [&](const std::string& stat_name, const std::string& unit, const std::string& description,
                         const std::array<uint64_t, kPhaseCount>& counts, const EnergyEvent& event,
                         const char* cell_usage) {
      const double per_event = m_model.event_pj(event);
      uint64_t count_total = 0;
      for (uint64_t c : counts) count_total += c;
      const double value = static_cast<double>(count_total);
      Stat& stat = *m_report.add_stats();
      stat.set_name(name + "." + stat_name);
      stat.set_unit(unit);
      stat.set_description(description);
      stat.set_value(value);
      stat.set_energy_pj(value * per_event);
      stat.set_energy_kind(energy::energy_kind_name(event.kind));
      stat.set_size_kb(event.size_kb);
      stat.set_width_bits(event.width_bits);
      dynamic += stat.energy_pj();
      total.dynamic_pj += stat.energy_pj();  // the order recompute_energy_pj repeats
      for (std::size_t p = 0; p < kPhaseCount; ++p) {
        stat.add_by_phase(static_cast<double>(counts[p]));
        const double energy = static_cast<double>(counts[p]) * per_event;
        dynamic_by_phase[p] += energy;
        by_phase[p].dynamic_pj += energy;
        add_cell(p, group.component_class(), cell_usage, "dynamic", stat.energy_kind(), energy);
      }
    };
    for (const StatEntry& entry : group.stats()) {
      const PhaseCounter counts = entry.counter.value();
      add(entry.name, entry.unit, entry.description, counts.by_phase, entry.energy, usage);
      for (std::size_t p = 0; p < kPhaseCount; ++p) count_into(by_phase[p], entry, counts.by_phase[p]);
      count_into(total, entry, counts.total());
    }

    double leakage = 0;
    double power_sum = 0;
    for (const LeakagePart& part : leakage_parts(group, unused)) {
      const double power = m_model.leakage_uw(part.source, part.gated);
      LeakageEntry& entry = *component.add_leakage();
      entry.set_kind(energy::leakage_kind_name(part.source.kind));
      entry.set_size_kb(part.source.size_kb);
      entry.set_power_uw(power);
      entry.set_gated(part.gated);
      const double energy = leakage_pj(power, m_time_ps);
      leakage += energy;
      leakage_total_pj += energy;  // the order recompute_energy_pj repeats
      power_sum += power;
      unused_bank_kb += part.unused && !unused ? part.source.size_kb : part.unused_kb;
      if (part.gated) {
        gating_saved_pj += leakage_pj(m_model.leakage_uw(part.source) - power, m_time_ps);
        // Woken once per run, at configuration (host_io): its stat carries the energy.
        const bool sram = part.source.kind == LeakageKind::kSram;
        const EnergyEvent wakeup{sram ? EnergyKind::kSramWakeup : EnergyKind::kCoreWakeup, sram ? part.source.size_kb : 0, 0};
        add("power_gate_wakeup[" + std::to_string(component.leakage_size() - 1) + "]", "wake-ups",
            std::string("wake-up of the power-gated ") + entry.kind() + " leakage entry " +
                std::to_string(component.leakage_size() - 1) + " (once per run)",
            {1, 0, 0, 0}, wakeup, kUnused);
      }
      // The powers of the breakdown's used and unused shares of this part.
      std::vector<std::pair<const char*, double>> shares = {{part.unused ? kUnused : kUsed, power}};
      if (part.unused_kb > 0) {
        shares = {{kUsed, m_model.leakage_uw({LeakageKind::kSram, part.source.size_kb - part.unused_kb})},
                  {kUnused, m_model.leakage_uw({LeakageKind::kSram, part.unused_kb})}};
      }
      for (const auto& [share_usage, share_power] : shares) {
        for (std::size_t p = 0; p < kPhaseCount; ++p) {
          add_cell(p, group.component_class(), share_usage, "leakage", entry.kind(),
                   leakage_pj(share_power, m_clock.picoseconds(m_phase_cycles[p])));
        }
      }
    }
    component.set_dynamic_pj(dynamic);
    for (double e : dynamic_by_phase) component.add_dynamic_by_phase_pj(e);
    component.set_leakage_pj(leakage);
    leakage_uw_by_component.push_back(power_sum);
  }

  // The group's leakage sources, each split where part of it holds nothing and is gated
  // (then the report lists the parts as separate entries). A part that holds nothing but is
  // not gated stays one entry; only its breakdown cells are split.
  std::vector<LeakagePart> leakage_parts(const StatGroup& group, bool unused) const {
    std::vector<LeakagePart> parts;
    for (const LeakageSource& source : group.leakage()) {
      if (unused) {
        parts.push_back({source, true, m_gating.unused_cores()});
        continue;
      }
      const double unused_kb = source.kind == LeakageKind::kSram ? group.unused_sram_kb() : 0;
      NMSIM_ASSERT(unused_kb <= source.size_kb, "more unused SRAM than the SRAM holds");
      if (unused_kb == 0) {
        parts.push_back({source, false, false});
      } else if (m_gating.unused_sram_banks()) {
        if (unused_kb < source.size_kb) parts.push_back({{LeakageKind::kSram, source.size_kb - unused_kb}, false, false});
        parts.push_back({{LeakageKind::kSram, unused_kb}, true, true});
      } else {
        parts.push_back({source, false, false, unused_kb});
      }
    }
    return parts;
  }

  void add_cell(std::size_t phase, ComponentClass component_class, const char* usage, const char* kind,
                const std::string& event, double energy) {
    if (energy != 0) cells[CellKey{phase, component_class, usage, kind, event}] += energy;
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
  const std::array<uint64_t, kPhaseCount> m_phase_cycles;
  const Clock m_clock;
  const double m_time_ps;
  const PowerGatingConfig m_gating;
};

}  // namespace

Report build_report(const std::vector<const sc_core::sc_object*>& roots, const energy::EnergyModel& model,
                    const std::array<uint64_t, kPhaseCount>& phase_cycles, const Clock& clock,
                    const std::string& part, const PowerGatingConfig& gating) {
  Report report;
  build_report_into(report, roots, model, phase_cycles, clock, part, gating);
  return report;
}

void build_report_into(Report& report, const std::vector<const sc_core::sc_object*>& roots,
                       const energy::EnergyModel& model, const std::array<uint64_t, kPhaseCount>& phase_cycles,
                       const Clock& clock, const std::string& part, const PowerGatingConfig& gating) {
  NMSIM_ASSERT(report.ByteSizeLong() == 0, "a report built into a message that holds something");
  const uint64_t cycles = Builder::total_cycles(phase_cycles);
  const double time_ps = clock.picoseconds(cycles);

  Builder builder(report, model, phase_cycles, clock, gating);
  for (const sc_core::sc_object* root : roots) {
    NMSIM_ASSERT(root != nullptr, "null report root");
    builder.visit(*root, false);
  }
  for (const auto& [key, energy] : builder.cells) {
    EnergyCell& cell = *report.add_breakdown();
    cell.set_part(part);
    cell.set_phase(phase_name(static_cast<Phase>(std::get<0>(key))));
    cell.set_component_class(std::get<1>(key));
    cell.set_usage(std::get<2>(key));
    cell.set_kind(std::get<3>(key));
    cell.set_event(std::get<4>(key));
    cell.set_energy_pj(energy);
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
  add_usage_note(report, builder.empty_blocks, builder.unused_bank_kb, builder.gating_saved_pj, gating);
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
      leakage += leakage_pj(model.leakage_uw(source, entry.gated()), time_ps);
    }
  }
  return dynamic + leakage;
}

EnergyKind parse_energy_kind(const std::string& name) {
  for (int k = 0; k <= static_cast<int>(EnergyKind::kCoreWakeup); ++k) {
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

namespace nmsim::report {

void split_training_part(Report& report, const Report& training) {
  // Cells are keyed by all but the part and energy; the test part is what the run added.
  const auto key = [](const EnergyCell& c) {
    return std::make_tuple(c.phase(), static_cast<int>(c.component_class()), c.usage(), c.kind(), c.event());
  };
  std::map<decltype(key(EnergyCell())), double> trained;
  for (const EnergyCell& cell : training.breakdown()) trained[key(cell)] += cell.energy_pj();
  google::protobuf::RepeatedPtrField<EnergyCell> cells;
  for (EnergyCell cell : training.breakdown()) {
    cell.set_part("training");
    *cells.Add() = cell;
  }
  for (EnergyCell cell : report.breakdown()) {
    const auto found = trained.find(key(cell));
    if (found != trained.end()) {
      cell.set_energy_pj(cell.energy_pj() - found->second);
      trained.erase(found);
    }
    cell.set_part("test");
    if (cell.energy_pj() != 0) *cells.Add() = cell;
  }
  // A cell of training the end of the run no longer has (a bank first touched after
  // training moves its leakage from unused to used): the test part takes it back.
  for (const EnergyCell& cell : training.breakdown()) {
    if (trained.count(key(cell)) == 0) continue;
    EnergyCell& back = *cells.Add();
    back = cell;
    back.set_part("test");
    back.set_energy_pj(-cell.energy_pj());
    trained.erase(key(cell));
  }
  report.mutable_breakdown()->Swap(&cells);
}

}  // namespace nmsim::report
