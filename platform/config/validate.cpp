#include "platform/config/validate.h"

#include <cmath>
#include <cstdlib>
#include <sstream>
#include <string>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/text_format.h>

#include "models/base/errors.h"
#include "proto/options.pb.h"

namespace nmsim::config {

namespace {

namespace pb = google::protobuf;

// The numeric part of a (range) option: ">= 1", "> 0", "1..64", "(0, 1]", "[0, 1]",
// optionally followed by ", <rule in words>" that validate() checks by hand.
struct Range {
  bool parsed = false;
  bool has_low = false, low_inclusive = true;
  bool has_high = false, high_inclusive = true;
  double low = 0, high = 0;
  std::string text;  // the numeric clause, for messages
};

bool parse_number(const std::string& text, double& out) {
  const auto first = text.find_first_not_of(' ');
  const auto last = text.find_last_not_of(' ');
  if (first == std::string::npos) return false;
  const std::string t = text.substr(first, last - first + 1);
  char* end = nullptr;
  out = std::strtod(t.c_str(), &end);
  return end != t.c_str() && *end == '\0';
}

Range parse_range(const std::string& option) {
  Range range;
  if (option.empty()) return range;
  std::string clause;
  if (option[0] == '(' || option[0] == '[') {  // interval: its comma is not a separator
    const auto close = option.find_first_of(")]");
    if (close == std::string::npos) return range;
    clause = option.substr(0, close + 1);
    const auto comma = clause.find(',');
    if (comma == std::string::npos) return range;
    if (!parse_number(clause.substr(1, comma - 1), range.low) ||
        !parse_number(clause.substr(comma + 1, clause.size() - comma - 2), range.high)) {
      return range;
    }
    range.has_low = range.has_high = true;
    range.low_inclusive = clause.front() == '[';
    range.high_inclusive = clause.back() == ']';
  } else {
    clause = option.substr(0, option.find(','));
    const auto dots = clause.find("..");
    if (dots != std::string::npos) {
      if (!parse_number(clause.substr(0, dots), range.low) ||
          !parse_number(clause.substr(dots + 2), range.high)) {
        return range;
      }
      range.has_low = range.has_high = true;
    } else if (clause.compare(0, 2, ">=") == 0 || clause.compare(0, 2, "<=") == 0) {
      double v;
      if (!parse_number(clause.substr(2), v)) return range;
      (clause[0] == '>' ? range.has_low : range.has_high) = true;
      (clause[0] == '>' ? range.low : range.high) = v;
    } else if (clause.compare(0, 1, ">") == 0 || clause.compare(0, 1, "<") == 0) {
      double v;
      if (!parse_number(clause.substr(1), v)) return range;
      (clause[0] == '>' ? range.has_low : range.has_high) = true;
      (clause[0] == '>' ? range.low : range.high) = v;
      (clause[0] == '>' ? range.low_inclusive : range.high_inclusive) = false;
    } else {
      return range;
    }
  }
  range.parsed = true;
  range.text = clause;
  return range;
}

bool in_range(const Range& r, double v) {
  if (r.has_low && (r.low_inclusive ? v < r.low : v <= r.low)) return false;
  if (r.has_high && (r.high_inclusive ? v > r.high : v >= r.high)) return false;
  return true;
}

std::string must_be(const Range& r) {
  return (r.text[0] == '>' || r.text[0] == '<') ? "must be " + r.text : "must be in " + r.text;
}

double numeric_value(const pb::Message& m, const pb::FieldDescriptor* f, int index) {
  const pb::Reflection* r = m.GetReflection();
  const bool list = index >= 0;
  switch (f->cpp_type()) {
    case pb::FieldDescriptor::CPPTYPE_INT32:
      return list ? r->GetRepeatedInt32(m, f, index) : r->GetInt32(m, f);
    case pb::FieldDescriptor::CPPTYPE_INT64:
      return static_cast<double>(list ? r->GetRepeatedInt64(m, f, index) : r->GetInt64(m, f));
    case pb::FieldDescriptor::CPPTYPE_UINT32:
      return list ? r->GetRepeatedUInt32(m, f, index) : r->GetUInt32(m, f);
    case pb::FieldDescriptor::CPPTYPE_UINT64:
      return static_cast<double>(list ? r->GetRepeatedUInt64(m, f, index) : r->GetUInt64(m, f));
    case pb::FieldDescriptor::CPPTYPE_DOUBLE:
      return list ? r->GetRepeatedDouble(m, f, index) : r->GetDouble(m, f);
    case pb::FieldDescriptor::CPPTYPE_FLOAT:
      return list ? r->GetRepeatedFloat(m, f, index) : r->GetFloat(m, f);
    default: return 0;
  }
}

bool is_numeric(const pb::FieldDescriptor* f) {
  switch (f->cpp_type()) {
    case pb::FieldDescriptor::CPPTYPE_INT32:
    case pb::FieldDescriptor::CPPTYPE_INT64:
    case pb::FieldDescriptor::CPPTYPE_UINT32:
    case pb::FieldDescriptor::CPPTYPE_UINT64:
    case pb::FieldDescriptor::CPPTYPE_DOUBLE:
    case pb::FieldDescriptor::CPPTYPE_FLOAT: return true;
    default: return false;
  }
}

std::string value_text(const pb::Message& m, const pb::FieldDescriptor* f, int index) {
  std::string text;
  pb::TextFormat::PrintFieldValueToString(m, f, index, &text);
  return text;
}

// Every field present, enums named, numbers within their (range).
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
    const Range range = parse_range(f->options().GetExtension(nmsim::range));
    for (int j = 0; j < count; ++j) {
      const int index = f->is_repeated() ? j : -1;
      const std::string shown = f->is_repeated() ? path + "[" + std::to_string(j) + "]" : path;
      if (f->cpp_type() == pb::FieldDescriptor::CPPTYPE_ENUM) {
        const int v = f->is_repeated() ? r->GetRepeatedEnumValue(message, f, j) : r->GetEnumValue(message, f);
        if (v == 0) {
          std::string names;
          for (int k = 1; k < f->enum_type()->value_count(); ++k) {
            names += (k > 1 ? ", " : "") + f->enum_type()->value(k)->name();
          }
          throw ConfigError(shown + " = " + value_text(message, f, index) + ": must be one of " + names);
        }
      } else if (range.parsed && is_numeric(f) && !in_range(range, numeric_value(message, f, index))) {
        throw ConfigError(shown + " = " + value_text(message, f, index) + ": " + must_be(range));
      }
    }
  }
}

std::string num(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

}  // namespace

uint64_t clock_period_ps(const ChipConfig& chip) {
  const double mhz = chip.clock_mhz();
  if (!(mhz > 0)) throw ConfigError("chip.clock_mhz = " + num(mhz) + ": must be > 0");
  // Whole ps: 1e6 / mhz rounds to an integer p with p * mhz == 1e6 (to double precision).
  const double period = 1e6 / mhz;
  const double whole = std::round(period);
  if (whole < 1 || std::fabs(period - whole) > 1e-9 * period) {
    throw ConfigError("chip.clock_mhz = " + num(mhz) + ": the clock period 1e6 / " + num(mhz) + " = " +
                      num(period) + " ps must be a whole number of picoseconds");
  }
  return static_cast<uint64_t>(whole);
}

void validate(const ChipConfig& chip) {
  // chip.core.state_memory_ports came after the default preset: unset means 2 (the
  // behaviour before it existed), so it is checked with that default filled in.
  if (!chip.core().has_state_memory_ports()) {
    ChipConfig filled = chip;
    filled.mutable_core()->set_state_memory_ports(2);
    validate(filled);
    return;
  }
  check_fields(chip, "chip");
  clock_period_ps(chip);
  const CoreConfig& core = chip.core();
  const SramConfig& sram = core.synapse_sram();
  const uint32_t word_bits = sram.word_width_bits();
  if (word_bits % 8 != 0) {
    throw ConfigError("chip.core.synapse_sram.word_width_bits = " + std::to_string(word_bits) +
                      ": must be a multiple of 8");
  }
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
}

void validate(const RunConfig& run) {
  check_fields(run, "run");
  const NeuronConfig& neuron = run.network().neuron();
  if (neuron.threshold() < 1) {
    throw ConfigError("run.network.neuron.threshold = " + std::to_string(neuron.threshold()) + ": must be >= 1");
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

void validate(const TrafficConfig& traffic, const ChipConfig& chip) {
  check_fields(traffic, "traffic");
  if (traffic.hotspot_x() >= chip.mesh_width()) {
    throw ConfigError("traffic.hotspot_x = " + std::to_string(traffic.hotspot_x()) + ": must be < chip.mesh_width = " +
                      std::to_string(chip.mesh_width()));
  }
  if (traffic.hotspot_y() >= chip.mesh_height()) {
    throw ConfigError("traffic.hotspot_y = " + std::to_string(traffic.hotspot_y()) +
                      ": must be < chip.mesh_height = " + std::to_string(chip.mesh_height()));
  }
  if (traffic.pattern() == TRAFFIC_TRANSPOSE && chip.mesh_width() != chip.mesh_height()) {
    throw ConfigError("traffic.pattern = TRAFFIC_TRANSPOSE: needs a square mesh, chip is " +
                      std::to_string(chip.mesh_width()) + " x " + std::to_string(chip.mesh_height()));
  }
}

}  // namespace nmsim::config
