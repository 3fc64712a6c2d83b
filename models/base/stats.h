// Statistics registered by the models themselves (gem5's ADD_STAT): each has a name, a unit,
// a description and, where it costs energy, the event it counts. Counters stay plain
// integers on the hot path; ratios are derived when the report is written.
#pragma once

#include <string>
#include <vector>

#include "models/base/energy_event.h"
#include "models/base/phase.h"
#include "proto/component.pb.h"  // the enum alone, not the report

namespace nmsim {

struct StatEntry {
  std::string name;  // local to the owning object, e.g. "reads"
  std::string unit;
  std::string description;
  PhaseCounterRef counter;
  EnergyEvent energy;
};

// Mixin for sc_objects that own statistics; the report writer finds it by walking the
// SystemC hierarchy and names each stat <object name>.<stat name>.
class StatGroup {
 public:
  virtual ~StatGroup() = default;
  void add_stat(std::string name, std::string unit, std::string description,
                PhaseCounterRef counter, EnergyEvent energy = {});
  void add_leakage(LeakageSource source) { m_leakage.push_back(source); }
  const std::vector<StatEntry>& stats() const { return m_stats; }
  const std::vector<LeakageSource>& leakage() const { return m_leakage; }
  // The kind of hardware this is (the report's energy by component class).
  virtual ComponentClass component_class() const = 0;
  // True for a block the run gives nothing to hold (a core the mapping leaves empty): the
  // report counts its leakage, and that of every object under it, as unused (power gating).
  virtual bool holds_nothing() const { return false; }
  // KB of this group's SRAM leakage in banks that hold nothing (never read or written).
  virtual double unused_sram_kb() const { return 0; }

 private:
  std::vector<StatEntry> m_stats;
  std::vector<LeakageSource> m_leakage;
};

}  // namespace nmsim
