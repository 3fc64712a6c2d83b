#include "platform/config/describe.h"

#include <algorithm>
#include <vector>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/text_format.h>

#include "platform/config/field_limits.h"
#include "platform/config/loader.h"
#include "platform/config/presets.h"
#include "proto/options.pb.h"

namespace nmsim::config {

namespace {

namespace pb = google::protobuf;

struct Row {
  std::string path, type, unit, value, range, help;
};

std::string type_name(const pb::FieldDescriptor* f) {
  std::string name = f->cpp_type() == pb::FieldDescriptor::CPPTYPE_ENUM ? f->enum_type()->name() : f->type_name();
  return f->is_repeated() ? "list of " + name : name;
}

std::string default_text(const pb::Message& m, const pb::FieldDescriptor* f) {
  const pb::Reflection* r = m.GetReflection();
  std::string text;
  if (f->is_repeated()) {
    for (int i = 0; i < r->FieldSize(m, f); ++i) {
      std::string one;
      pb::TextFormat::PrintFieldValueToString(m, f, i, &one);
      text += (i ? "," : "") + one;
    }
    return text;
  }
  if (!r->HasField(m, f)) return "(none)";
  pb::TextFormat::PrintFieldValueToString(m, f, -1, &text);
  return text;
}

// "read by WORKLOAD_FF" for a field whose (read_by) option names the workloads that read it.
std::string readers(const pb::FieldOptions& o) {
  std::string text;
  for (int k = 0; k < o.ExtensionSize(nmsim::read_by); ++k) {
    text += (k ? ", " : "read by ") + Workload_Name(static_cast<Workload>(o.GetExtension(nmsim::read_by, k)));
  }
  return text;
}

// `read_by`: the readers of the enclosing part, shown after each field's help.
void collect(const pb::Message& defaults, const std::string& prefix, const std::string& read_by,
             std::vector<Row>& rows) {
  const pb::Descriptor* d = defaults.GetDescriptor();
  const pb::Reflection* r = defaults.GetReflection();
  for (int i = 0; i < d->field_count(); ++i) {
    const pb::FieldDescriptor* f = d->field(i);
    const std::string path = prefix + "." + f->name();
    const pb::FieldOptions& o = f->options();
    const std::string field_read_by = o.ExtensionSize(nmsim::read_by) > 0 ? readers(o) : read_by;
    if (f->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE && !f->is_repeated()) {
      collect(r->GetMessage(defaults, f), path, field_read_by, rows);
      continue;
    }
    const std::string help = o.GetExtension(nmsim::help);
    rows.push_back({path, type_name(f), o.GetExtension(nmsim::unit), default_text(defaults, f), allowed_values(*f),
                    field_read_by.empty() ? help : help + " (" + field_read_by + ")"});
    if (f->cpp_type() == pb::FieldDescriptor::CPPTYPE_ENUM) {
      std::string values;
      for (int k = 1; k < f->enum_type()->value_count(); ++k) {
        values += (k > 1 ? ", " : "") + f->enum_type()->value(k)->name();
      }
      rows.back().range = "one of " + values;
    }
  }
}

}  // namespace

std::string describe_fields() {
  std::vector<Row> rows;
  collect(default_chip_config(), "chip", "", rows);
  collect(default_run_config(), "run", "", rows);
  // The traffic preset belongs to the traffic generator; without it, no defaults shown.
  collect(has_preset("traffic_default") ? default_traffic_config() : TrafficConfig(), "traffic", "", rows);
  std::size_t path_width = 0, type_width = 0, value_width = 0;
  for (const Row& row : rows) {
    path_width = std::max(path_width, row.path.size());
    type_width = std::max(type_width, row.type.size());
    value_width = std::max(value_width, row.value.size() + (row.unit.empty() ? 0 : row.unit.size() + 1));
  }
  auto pad = [](std::string s, std::size_t width) { return s.append(width > s.size() ? width - s.size() : 0, ' '); };
  std::string out = "Config fields (set with --set path=value; a real value may be a fraction, e.g. "
                    "--set chip.clock_mhz=1000/3; defaults from the built-in presets)\n\n";
  out += pad("field", path_width) + "  " + pad("type", type_width) + "  " + pad("default", value_width) +
         "  range; help\n";
  for (const Row& row : rows) {
    const std::string value = row.unit.empty() ? row.value : row.value + " " + row.unit;
    out += pad(row.path, path_width) + "  " + pad(row.type, type_width) + "  " + pad(value, value_width) + "  ";
    out += row.range.empty() ? row.help : row.range + "; " + row.help;
    out += "\n";
  }
  return out;
}

}  // namespace nmsim::config
