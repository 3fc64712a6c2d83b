#include "platform/config/loader.h"

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>

#include "models/base/errors.h"
#include "models/base/input_file.h"
#include "platform/config/presets.h"

namespace nmsim::config {

namespace {

namespace pb = google::protobuf;

// Keeps the parser's first error with its position (the parser reports 0-based).
class FirstErrorCollector : public pb::io::ErrorCollector {
 public:
  void AddError(int line, pb::io::ColumnNumber column, const std::string& message) override {
    if (!m_has_error) {
      m_has_error = true;
      m_line = line + 1;
      m_column = column + 1;
      m_message = message;
    }
  }
  void AddWarning(int, pb::io::ColumnNumber, const std::string&) override {}

  bool has_error() const { return m_has_error; }
  std::string describe(const std::string& origin) const {
    return origin + ":" + std::to_string(m_line) + ":" + std::to_string(m_column) + ": " + m_message;
  }

 private:
  bool m_has_error = false;
  int m_line = 0;
  int m_column = 0;
  std::string m_message;
};

// The presets are compiled in as protobuf's binary encoding (presets.h): reading one is a
// tenth of parsing its text, so each use reads it again.
template <typename Config>
Config from_preset(const std::string& name) {
  Config config;
  preset_message(name, config);
  return config;
}

template <typename Config>
Config load_over(const std::string& default_preset, const std::string& path) {
  Config config = from_preset<Config>(default_preset);
  if (path.empty()) return config;
  Config user;
  parse_file(path, user);
  merge_over(config, user);
  return config;
}

template <typename Config>
Config preset_over(const std::string& kind, const std::string& default_preset,
                   const std::string& name) {
  Config config = from_preset<Config>(default_preset);
  const std::string file = kind + "_" + name;
  if (file == default_preset || name == "default") return config;
  if (!has_preset(file)) {
    std::string known;
    for (const std::string& n : preset_names(kind)) known += (known.empty() ? "" : ", ") + n;
    throw ConfigError("unknown " + kind + " preset '" + name + "'; presets: " + known);
  }
  merge_over(config, from_preset<Config>(file));
  return config;
}

}  // namespace

void parse_text(const std::string& text, const std::string& origin, pb::Message& out,
                pb::TextFormat::ParseInfoTree* locations) {
  FirstErrorCollector errors;
  pb::TextFormat::Parser parser;
  parser.RecordErrorsTo(&errors);
  if (locations != nullptr) parser.WriteLocationsTo(locations);
  if (!parser.ParseFromString(text, &out)) {
    if (errors.has_error()) throw ConfigError(errors.describe(origin));
    throw ConfigError(origin + ": cannot parse as " + out.GetTypeName());
  }
}

void parse_file(const std::string& path, pb::Message& out) {
  std::string text, reason;
  if (!read_input_file(path, text, reason)) throw ConfigError("cannot read config file '" + path + "': " + reason);
  parse_text(text, path, out);
}

namespace {

// Clears every list of `base` that `overlay` sets, in nested messages too, so that the
// MergeFrom that follows replaces lists instead of appending to them.
void clear_lists_set_in(pb::Message& base, const pb::Message& overlay) {
  const pb::Reflection* base_reflection = base.GetReflection();
  const pb::Reflection* overlay_reflection = overlay.GetReflection();
  const pb::Descriptor* descriptor = base.GetDescriptor();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const pb::FieldDescriptor* field = descriptor->field(i);
    if (field->is_repeated()) {
      if (overlay_reflection->FieldSize(overlay, field) > 0) base_reflection->ClearField(&base, field);
    } else if (field->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE &&
               overlay_reflection->HasField(overlay, field) && base_reflection->HasField(base, field)) {
      clear_lists_set_in(*base_reflection->MutableMessage(&base, field),
                         overlay_reflection->GetMessage(overlay, field));
    }
  }
}

}  // namespace

void merge_over(pb::Message& base, const pb::Message& overlay) {
  NMSIM_ASSERT(base.GetDescriptor() == overlay.GetDescriptor(), "merge of different types");
  clear_lists_set_in(base, overlay);
  base.MergeFrom(overlay);
}

ChipConfig default_chip_config() { return from_preset<ChipConfig>("chip_default"); }
RunConfig default_run_config() { return from_preset<RunConfig>("run_default"); }
EnergyTable default_energy_table() { return from_preset<EnergyTable>("energy_28nm"); }
TrafficConfig default_traffic_config() { return from_preset<TrafficConfig>("traffic_default"); }

ChipConfig chip_preset(const std::string& name) {
  return preset_over<ChipConfig>("chip", "chip_default", name);
}
EnergyTable energy_preset(const std::string& name) {
  return preset_over<EnergyTable>("energy", "energy_28nm", name);
}

ChipConfig load_chip_config(const std::string& path) { return load_over<ChipConfig>("chip_default", path); }
RunConfig load_run_config(const std::string& path) { return load_over<RunConfig>("run_default", path); }
EnergyTable load_energy_table(const std::string& path) { return load_over<EnergyTable>("energy_28nm", path); }
TrafficConfig load_traffic_config(const std::string& path) {
  return load_over<TrafficConfig>("traffic_default", path);
}

namespace {

void collect_defaults(const pb::Message& table, const pb::Message& defaults, const std::string& prefix,
                      std::vector<std::string>& out) {
  const pb::Descriptor* d = table.GetDescriptor();
  const pb::Reflection* r = table.GetReflection();
  for (int i = 0; i < d->field_count(); ++i) {
    const pb::FieldDescriptor* f = d->field(i);
    if (f->cpp_type() != pb::FieldDescriptor::CPPTYPE_MESSAGE || f->is_repeated()) continue;
    const std::string path = prefix.empty() ? f->name() : prefix + "." + f->name();
    if (f->message_type() != Quantity::descriptor()) {
      collect_defaults(r->GetMessage(table, f), defaults.GetReflection()->GetMessage(defaults, f), path, out);
      continue;
    }
    const auto& q = static_cast<const Quantity&>(r->GetMessage(table, f));
    const auto& dq = static_cast<const Quantity&>(defaults.GetReflection()->GetMessage(defaults, f));
    if (q.has_value() && dq.has_value() && q.value() == dq.value() && q.source() == dq.source()) {
      out.push_back(path);
    }
  }
}

}  // namespace

std::vector<std::string> energy_defaults_used(const EnergyTable& table) {
  std::vector<std::string> used;
  collect_defaults(table, default_energy_table(), "", used);
  return used;
}

}  // namespace nmsim::config
