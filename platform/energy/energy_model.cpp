#include "platform/energy/energy_model.h"

#include <cmath>
#include <cstdio>
#include <string>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/text_format.h>

#include "models/base/errors.h"

namespace nmsim::energy {

namespace {

namespace pb = google::protobuf;

// Every Quantity in the table (nested ones too) must be present with a value >= 0.
void check_quantities(const pb::Message& message, const std::string& prefix) {
  const pb::Descriptor* d = message.GetDescriptor();
  const pb::Reflection* r = message.GetReflection();
  for (int i = 0; i < d->field_count(); ++i) {
    const pb::FieldDescriptor* f = d->field(i);
    if (f->cpp_type() != pb::FieldDescriptor::CPPTYPE_MESSAGE || f->is_repeated()) continue;
    const std::string path = prefix + "." + f->name();
    if (!r->HasField(message, f)) throw ConfigError(path + ": missing");
    const pb::Message& child = r->GetMessage(message, f);
    if (f->message_type() != Quantity::descriptor()) {
      check_quantities(child, path);
      continue;
    }
    const auto& q = static_cast<const Quantity&>(child);
    if (!q.has_value()) throw ConfigError(path + ": missing value");
    if (!(std::isfinite(q.value()) && q.value() >= 0)) {  // an inf or NaN would make every energy NaN
      char text[64];
      std::snprintf(text, sizeof text, "%g", q.value());
      throw ConfigError(path + ".value = " + text + ": must be a finite number >= 0");
    }
  }
}

}  // namespace

EnergyModel::EnergyModel(const EnergyTable& table) : m_table(table) {
  check_quantities(m_table, "energy");
  if (!m_table.has_clock_gating()) throw ConfigError("energy.clock_gating: missing");
  const double residual = m_table.power_gate_residual_leakage_fraction().value();
  if (residual > 1) {
    char text[64];
    std::snprintf(text, sizeof text, "%g", residual);
    throw ConfigError(std::string("energy.power_gate_residual_leakage_fraction.value = ") + text +
                      ": must be <= 1 (a gated block leaks at most what it leaks ungated)");
  }
}

double EnergyModel::sram_read_pj(double size_kb, uint32_t width_bits) const {
  const SramEnergyFit& fit = m_table.sram();
  return fit.coefficient_pj().value() * std::pow(size_kb, fit.size_exponent().value()) *
         std::pow(static_cast<double>(width_bits), fit.width_exponent().value());
}

double EnergyModel::event_pj(const EnergyEvent& event) const {
  const double control = m_table.control_overhead_factor().value();
  const uint32_t w = event.width_bits;
  switch (event.kind) {
    case EnergyKind::kNone: return 0;
    case EnergyKind::kSramRead: return sram_read_pj(event.size_kb, w);
    case EnergyKind::kSramWrite:
      return sram_read_pj(event.size_kb, w) * m_table.sram().write_to_read_ratio().value();
    case EnergyKind::kStateRead:
      return sram_read_pj(event.size_kb, w) * m_table.register_file_access_factor().value();
    case EnergyKind::kStateWrite:
      return sram_read_pj(event.size_kb, w) * m_table.sram().write_to_read_ratio().value() *
             m_table.register_file_access_factor().value();
    case EnergyKind::kAdd: {
      const Quantity& q = w <= 8 ? m_table.add_8bit() : w <= 16 ? m_table.add_16bit() : m_table.add_32bit();
      // A wider add is a chain of 32-bit adds (a 64-bit accumulator: two).
      const double words = w <= 32 ? 1.0 : static_cast<double>((w + 31) / 32);
      return q.value() * control * words;
    }
    case EnergyKind::kMultiply: {
      const Quantity& q =
          w <= 8 ? m_table.multiply_8bit() : w <= 16 ? m_table.multiply_16bit() : m_table.multiply_32bit();
      return q.value() * control;
    }
    case EnergyKind::kFlitHop: return m_table.noc_per_bit_hop().value() * w;
    case EnergyKind::kLocalDelivery: return m_table.noc_local_delivery().value();
    case EnergyKind::kBarrier: return m_table.barrier_per_core().value();
    case EnergyKind::kHostByte: return m_table.host_link_per_byte().value();
    // The clock tree runs in every working cycle, and in idle ones unless gated (energy.proto).
    case EnergyKind::kIdleCycle: return m_table.clock_gating() ? 0 : m_table.idle_clock_per_cycle().value();
    case EnergyKind::kActiveCycle: return m_table.idle_clock_per_cycle().value() + m_table.core_active_cycle().value();
    case EnergyKind::kSramWakeup: return m_table.power_gate_wakeup_per_kb().value() * event.size_kb;
    case EnergyKind::kCoreWakeup: return m_table.power_gate_wakeup_per_core().value();
  }
  NMSIM_ASSERT(false, "unknown EnergyKind");
}

double EnergyModel::leakage_uw(const LeakageSource& source) const {
  switch (source.kind) {
    case LeakageKind::kSram: return m_table.sram_leakage_per_kb().value() * source.size_kb;
    case LeakageKind::kCoreLogic: return m_table.core_logic_leakage().value();
    case LeakageKind::kRouter: return m_table.router_leakage().value();
  }
  NMSIM_ASSERT(false, "unknown LeakageKind");
}

double EnergyModel::leakage_uw(const LeakageSource& source, bool gated) const {
  const double power = leakage_uw(source);
  return gated ? power * m_table.power_gate_residual_leakage_fraction().value() : power;
}

std::string EnergyModel::table_hash() const {
  std::string text;
  pb::TextFormat::PrintToString(m_table, &text);
  return fnv1a64_hex(text);
}

std::string fnv1a64_hex(const std::string& bytes) {
  uint64_t hash = 14695981039346656037ull;  // FNV-1a 64 offset basis
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 1099511628211ull;  // FNV-1a 64 prime
  }
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash));
  return text;
}

const char* energy_kind_name(EnergyKind kind) {
  switch (kind) {
    case EnergyKind::kNone: return "None";
    case EnergyKind::kSramRead: return "SramRead";
    case EnergyKind::kSramWrite: return "SramWrite";
    case EnergyKind::kStateRead: return "StateRead";
    case EnergyKind::kStateWrite: return "StateWrite";
    case EnergyKind::kAdd: return "Add";
    case EnergyKind::kMultiply: return "Multiply";
    case EnergyKind::kFlitHop: return "FlitHop";
    case EnergyKind::kLocalDelivery: return "LocalDelivery";
    case EnergyKind::kBarrier: return "Barrier";
    case EnergyKind::kHostByte: return "HostByte";
    case EnergyKind::kIdleCycle: return "IdleCycle";
    case EnergyKind::kActiveCycle: return "ActiveCycle";
    case EnergyKind::kSramWakeup: return "SramWakeup";
    case EnergyKind::kCoreWakeup: return "CoreWakeup";
  }
  return "?";
}

const char* leakage_kind_name(LeakageKind kind) {
  switch (kind) {
    case LeakageKind::kSram: return "Sram";
    case LeakageKind::kCoreLogic: return "CoreLogic";
    case LeakageKind::kRouter: return "Router";
  }
  return "?";
}

}  // namespace nmsim::energy
