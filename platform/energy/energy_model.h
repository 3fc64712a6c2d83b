// Turns counted events (kind and size, models/base/energy_event.h) into pJ and leakage
// sources into uW, from an energy table (data, never constants in code: ENERGY.md).
#pragma once

#include <string>

#include "models/base/energy_event.h"
#include "proto/energy.pb.h"

namespace nmsim::energy {

class EnergyModel {
 public:
  // Validates the table: every entry present with a value >= 0, else ConfigError
  // naming the entry ("energy.sram.coefficient_pj: missing").
  explicit EnergyModel(const EnergyTable& table);

  // Energy of one event in pJ.
  double event_pj(const EnergyEvent& event) const;
  // Leakage power of one source in uW.
  double leakage_uw(const LeakageSource& source) const;
  // The same, power gated (chip.power_gating) or not: gated leaks the residual fraction.
  double leakage_uw(const LeakageSource& source, bool gated) const;

  const std::string& table_name() const { return m_table.name(); }
  // FNV-1a 64 of the table's text format, 16 hex digits: identifies the exact table.
  std::string table_hash() const;
  const EnergyTable& table() const { return m_table; }

 private:
  // SRAM read of one word: coefficient * size_kb^size_exponent * width^width_exponent.
  double sram_read_pj(double size_kb, uint32_t width_bits) const;

  const EnergyTable m_table;
};

// FNV-1a 64-bit of `bytes`, as 16 lower-case hex digits (also for data set hashes).
std::string fnv1a64_hex(const std::string& bytes);

// Name of an EnergyKind without its k ("SramRead") and of a LeakageKind ("Sram").
const char* energy_kind_name(EnergyKind kind);
const char* leakage_kind_name(LeakageKind kind);

}  // namespace nmsim::energy
