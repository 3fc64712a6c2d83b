#include "platform/config/validate.h"

#include <cmath>
#include <sstream>
#include <string>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/text_format.h>

#include "models/arith/readout_footprint.h"
#include "models/base/errors.h"
#include "platform/config/field_limits.h"

namespace nmsim::config {

namespace {

namespace pb = google::protobuf;

std::string value_text(const pb::Message& m, const pb::FieldDescriptor* f, int index) {
  std::string text;
  pb::TextFormat::PrintFieldValueToString(m, f, index, &text);
  return text;
}

// Every field present, enums named, numbers within their limits (field_limits.h).
void check_fields(const pb::Message& message, const std::string& prefix) {
  const pb::Descriptor* descriptor = message.GetDescriptor();
  const pb::Reflection* r = message.GetReflection();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const pb::FieldDescriptor* f = descriptor->field(i);
    const std::string path = prefix + "." + f->name();
    if (f->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE) {
      if (f->is_repeated()) continue;  // none in the configs
      if (!r->HasField(message, f)) throw ConfigError(path + ": not set (and no default)");
      check_fields(r->GetMessage(message, f), path);
      continue;
    }
    const int count = f->is_repeated() ? r->FieldSize(message, f) : 1;
    if (!f->is_repeated() && !r->HasField(message, f)) throw ConfigError(path + ": not set (and no default)");
    for (int j = 0; j < count; ++j) {
      const int index = f->is_repeated() ? j : -1;
      const std::string shown = f->is_repeated() ? path + "[" + std::to_string(j) + "]" : path;
      if (f->cpp_type() == pb::FieldDescriptor::CPPTYPE_ENUM) {
        const int v = f->is_repeated() ? r->GetRepeatedEnumValue(message, f, j) : r->GetEnumValue(message, f);
        // 0 is UNSPECIFIED; an unknown number can come from a proto3 (open) enum.
        if (v == 0 || f->enum_type()->FindValueByNumber(v) == nullptr) {
          std::string names;
          for (int k = 1; k < f->enum_type()->value_count(); ++k) {
            names += (k > 1 ? ", " : "") + f->enum_type()->value(k)->name();
          }
          throw ConfigError(shown + " = " + value_text(message, f, index) + ": must be one of " + names);
        }
        continue;
      }
      const std::string rule = violation(message, *f, index);
      if (!rule.empty()) throw ConfigError(shown + " = " + value_text(message, f, index) + ": " + rule);
    }
  }
}

std::string num(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

}  // namespace

double clock_mhz(const ChipConfig& chip) {
  const double mhz = chip.clock_mhz();
  // The kernel period (1e6 / mhz rounded to a whole ps) must be at least 1 ps, and 2^64 ps of
  // kernel time must hold at least 2^40 cycles (a period of at most 2^24 ps).
  if (!(mhz >= kMinClockMhz && mhz <= kMaxClockMhz)) {
    throw ConfigError("chip.clock_mhz = " + num(mhz) + ": must be within [" + num(kMinClockMhz) + ", " +
                      num(kMaxClockMhz) + "] MHz (a clock period of 1 ps to 2^24 ps; the simulation kernel counts " +
                      "whole picoseconds in 64 bits)");
  }
  return mhz;
}

namespace {

// Fields that came after the default preset, filled with the value that keeps the behaviour
// from before they existed (the models read them the same way). True if one was missing.
bool fill_later_defaults(ChipConfig& chip) {
  bool filled = false;
  const auto fill = [&filled](bool has, auto set) {
    if (!has) {
      set();
      filled = true;
    }
  };
  CoreConfig& core = *chip.mutable_core();
  fill(core.has_state_memory_ports(), [&] { core.set_state_memory_ports(2); });
  fill(core.has_event_fire_in_sweep(), [&] { core.set_event_fire_in_sweep(false); });
  fill(core.has_event_sweep_all_neurons(), [&] { core.set_event_sweep_all_neurons(false); });
  fill(core.has_aer_out_stall_cycles(), [&] { core.set_aer_out_stall_cycles(0); });
  fill(core.has_aer_input_sync_cycles(), [&] { core.set_aer_input_sync_cycles(0); });
  fill(core.has_aer_ack_cycles(), [&] { core.set_aer_ack_cycles(0); });
  fill(core.has_event_queue_depth(), [&] { core.set_event_queue_depth(0); });
  fill(core.has_event_queue_pop_cycles(), [&] { core.set_event_queue_pop_cycles(0); });
  fill(core.has_event_queue_accepts_during_sweep(), [&] { core.set_event_queue_accepts_during_sweep(false); });
  if (!chip.has_noc()) return filled;  // check_fields names the missing message
  NocConfig& noc = *chip.mutable_noc();
  fill(noc.has_virtual_channels(), [&] { noc.set_virtual_channels(1); });
  fill(noc.has_vc_alloc_delay_cycles(), [&] { noc.set_vc_alloc_delay_cycles(0); });
  fill(noc.has_routing_delay_cycles(), [&] { noc.set_routing_delay_cycles(0); });
  fill(noc.has_credit_delay_cycles(), [&] { noc.set_credit_delay_cycles(0); });
  fill(noc.has_input_speedup(), [&] { noc.set_input_speedup(1); });
  fill(noc.has_wait_for_tail_credit(), [&] { noc.set_wait_for_tail_credit(false); });
  fill(noc.has_injection_latency_cycles(), [&] { noc.set_injection_latency_cycles(0); });
  fill(noc.has_ejection_latency_cycles(), [&] { noc.set_ejection_latency_cycles(0); });
  return filled;
}

// The options only the virtual-channel router (vc_alloc_delay_cycles >= 1) models.
void validate_noc(const NocConfig& noc) {
  if (noc.vc_alloc_delay_cycles() > 0) return;
  const auto refuse = [](const std::string& field, const std::string& value) {
    throw ConfigError("chip.noc." + field + " = " + value +
                      ": only the virtual-channel router models it; needs chip.noc.vc_alloc_delay_cycles >= 1");
  };
  if (noc.virtual_channels() > 1) refuse("virtual_channels", std::to_string(noc.virtual_channels()));
  if (noc.routing_delay_cycles() > 0) refuse("routing_delay_cycles", std::to_string(noc.routing_delay_cycles()));
  if (noc.input_speedup() > 1) refuse("input_speedup", std::to_string(noc.input_speedup()));
  if (noc.wait_for_tail_credit()) refuse("wait_for_tail_credit", "true");
}

}  // namespace

void validate(const ChipConfig& chip) {
  ChipConfig filled = chip;
  if (fill_later_defaults(filled)) {
    validate(filled);
    return;
  }
  check_fields(chip, "chip");
  validate_noc(chip.noc());
  clock_mhz(chip);
  const CoreConfig& core = chip.core();
  const SramConfig& sram = core.synapse_sram();
  const uint32_t word_bits = sram.word_width_bits();  // a multiple of 8 (its option)
  if (word_bits % core.weight_width_bits() != 0) {
    throw ConfigError("chip.core.weight_width_bits = " + std::to_string(core.weight_width_bits()) +
                      ": must divide chip.core.synapse_sram.word_width_bits (" + std::to_string(word_bits) +
                      ")");
  }
  const uint64_t word_bytes = word_bits / 8;
  const uint64_t stripe = uint64_t{sram.banks()} * word_bytes;
  if (sram.size_bytes() < stripe || sram.size_bytes() % stripe != 0) {
    throw ConfigError("chip.core.synapse_sram.size_bytes = " + std::to_string(sram.size_bytes()) +
                      ": must be a non-zero multiple of banks x word size = " + std::to_string(sram.banks()) +
                      " x " + std::to_string(word_bytes) + " = " + std::to_string(stripe) + " bytes");
  }
  // One row per axon holding every neuron's weight, rows padded to whole words.
  const uint64_t row_words = (uint64_t{core.neurons()} * core.weight_width_bits() + word_bits - 1) / word_bits;
  const uint64_t needed = uint64_t{core.max_axons()} * row_words * word_bytes;
  if (needed > sram.size_bytes()) {
    throw ConfigError("chip.core.synapse_sram.size_bytes = " + std::to_string(sram.size_bytes()) +
                      ": must hold max_axons x neurons weights = " + std::to_string(core.max_axons()) + " rows x " +
                      std::to_string(row_words * word_bytes) + " bytes = " + std::to_string(needed) + " bytes");
  }
  if (core.transposed_read() != TRANSPOSED_READ_NONE && !core.ternary_couples()) {
    throw ConfigError("chip.core.transposed_read = " + TransposedRead_Name(core.transposed_read()) +
                      ": the transposed read feeds the couples; needs chip.core.ternary_couples = true");
  }
  if (core.event_queue_accepts_during_sweep() && core.event_queue_depth() == 0) {
    throw ConfigError("chip.core.event_queue_accepts_during_sweep = true: needs a scheduler, "
                      "chip.core.event_queue_depth >= 1 (it is 0)");
  }
}

void validate(const RunConfig& run) {
  check_fields(run, "run");
  // Inference and DFA take a network without hidden layers (the output layer alone, as on
  // odin_like); FF's goodness lives in hidden layers, SPIDE and convex check their one layer.
  if (run.workload() == WORKLOAD_FF && run.network().hidden_sizes().empty()) {
    throw ConfigError("run.network.hidden_sizes is empty: FF trains hidden layers, it needs at least one");
  }
  const DfaConfig& dfa = run.dfa();
  if (dfa.gate_potential_max() < dfa.gate_potential_min()) {
    throw ConfigError("run.dfa.gate_potential_max = " + std::to_string(dfa.gate_potential_max()) +
                      ": must be >= run.dfa.gate_potential_min = " + std::to_string(dfa.gate_potential_min()));
  }
}

void validate(const RunConfig& run, const ChipConfig& chip) {
  validate(run);
  const NeuronConfig& neuron = run.network().neuron();
  const uint32_t state_bits = chip.core().state_width_bits();
  const int64_t state_max = (int64_t{1} << (state_bits - 1)) - 1;  // signed, saturating
  if (neuron.threshold() > state_max) {
    throw ConfigError("run.network.neuron.threshold = " + std::to_string(neuron.threshold()) +
                      ": must fit chip.core.state_width_bits = " + std::to_string(state_bits) + " (<= " +
                      std::to_string(state_max) + ")");
  }
  if (neuron.leak_mode() == LEAK_SHIFT && neuron.leak_amount() >= state_bits) {
    throw ConfigError("run.network.neuron.leak_amount = " + std::to_string(neuron.leak_amount()) +
                      ": a shift must be < chip.core.state_width_bits = " + std::to_string(state_bits));
  }
  const uint32_t weight_bits = chip.core().weight_width_bits();
  const int64_t weight_max = (int64_t{1} << (weight_bits - 1)) - 1;
  if (run.network().init_weight_range() > weight_max) {
    throw ConfigError("run.network.init_weight_range = " + std::to_string(run.network().init_weight_range()) +
                      ": must fit chip.core.weight_width_bits = " + std::to_string(weight_bits) + " (<= " +
                      std::to_string(weight_max) + ")");
  }
}

void validate(const RunConfig& run, const ChipConfig& chip, const mapper::Mapping& mapping) {
  if (run.workload() != WORKLOAD_CONVEX) return;
  constexpr uint64_t kClasses = 10;  // one readout weight (int32) and accumulator (int64) per class
  const SramConfig& sram = chip.core().synapse_sram();
  const bool regenerated = run.convex().witness_weights() == CONVEX_WITNESS_REGENERATED;
  for (const mapper::CoreSlot& slot : mapping.layers.back()) {  // the readout's layer (layer 2 of two)
    if (!slot.owns_neurons()) continue;  // a fan-in group core holds no readout
    const uint64_t base = regenerated ? 0 : uint64_t{slot.fan_in} * slot.row_bytes;
    const arith::ReadoutFootprint readout =
        arith::readout_footprint(slot.neuron_count, run.time_steps(), kClasses, sram.word_width_bits() / 8);
    const uint64_t end = base + readout.bytes();
    if (end > sram.size_bytes()) {
      throw ConfigError(
          "chip.core.synapse_sram.size_bytes = " + std::to_string(sram.size_bytes()) + ": the convex readout of " +
          std::to_string(slot.neuron_count) + " units on one core (units " + std::to_string(slot.first_neuron) + ".." +
          std::to_string(slot.first_neuron + slot.neuron_count - 1) + ": " + std::to_string(readout.weight_bytes()) +
          " bytes of weights and " + std::to_string(readout.gradient_bytes()) + " of gradient accumulators) does not fit "
          "above the " + std::to_string(base) + " bytes of synapse rows (needs " + std::to_string(end) +
          "): fewer units per core (chip.core.neurons), a larger SRAM, or run.convex.witness_weights = "
          "CONVEX_WITNESS_REGENERATED");
    }
  }
}

void validate(const TrafficConfig& traffic, const ChipConfig& chip) {
  // traffic.uniform_to_self came after the default preset: unset means false.
  if (!traffic.has_uniform_to_self()) {
    TrafficConfig filled = traffic;
    filled.set_uniform_to_self(false);
    validate(filled, chip);
    return;
  }
  check_fields(traffic, "traffic");
  if (traffic.hotspot_x() >= chip.mesh_width()) {
    throw ConfigError("traffic.hotspot_x = " + std::to_string(traffic.hotspot_x()) + ": must be < chip.mesh_width = " +
                      std::to_string(chip.mesh_width()));
  }
  if (traffic.hotspot_y() >= chip.mesh_height()) {
    throw ConfigError("traffic.hotspot_y = " + std::to_string(traffic.hotspot_y()) +
                      ": must be < chip.mesh_height = " + std::to_string(chip.mesh_height()));
  }
  const bool random = traffic.pattern() == TRAFFIC_UNIFORM_RANDOM || traffic.pattern() == TRAFFIC_HOTSPOT;
  if (random && chip.mesh_width() * chip.mesh_height() < 2) {
    throw ConfigError("traffic.pattern = " + TrafficPattern_Name(traffic.pattern()) +
                      ": sends to other nodes, needs at least 2, chip is 1 x 1");
  }
  if (traffic.pattern() == TRAFFIC_TRANSPOSE && chip.mesh_width() != chip.mesh_height()) {
    throw ConfigError("traffic.pattern = TRAFFIC_TRANSPOSE: needs a square mesh, chip is " +
                      std::to_string(chip.mesh_width()) + " x " + std::to_string(chip.mesh_height()));
  }
}

}  // namespace nmsim::config
