#include "platform/config/unused_fields.h"

#include <algorithm>
#include <ostream>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/text_format.h>
#include <google/protobuf/util/message_differencer.h>

#include "models/base/errors.h"
#include "platform/config/loader.h"
#include "proto/options.pb.h"

namespace nmsim::config {

namespace {

namespace pb = google::protobuf;

std::string names(const std::vector<Workload>& workloads, const char* separator) {
  std::string text;
  for (std::size_t i = 0; i < workloads.size(); ++i) text += (i ? separator : "") + Workload_Name(workloads[i]);
  return text;
}

// The field's value as --set takes it: a list comma separated.
std::string value_text(const pb::Message& m, const pb::FieldDescriptor* f) {
  std::string text;
  const int count = f->is_repeated() ? m.GetReflection()->FieldSize(m, f) : 1;
  for (int i = 0; i < count; ++i) {
    std::string one;
    pb::TextFormat::PrintFieldValueToString(m, f, f->is_repeated() ? i : -1, &one);
    text += (i ? "," : "") + one;
  }
  return text;
}

bool same_field(const pb::Message& a, const pb::Message& b, const pb::FieldDescriptor* f) {
  pb::util::MessageDifferencer differencer;
  std::vector<const pb::FieldDescriptor*> only = {f};
  return differencer.CompareWithFields(a, b, only, only);
}

struct Walk {
  const std::vector<Workload>& workloads;
  std::vector<std::string> found;

  // `unread`: the part (and its readers) none of the workloads reads, empty while they do.
  void visit(const pb::Message& run, const pb::Message& defaults, const std::string& prefix,
             const std::string& unread, const std::vector<Workload>& readers) {
    const pb::Descriptor* d = run.GetDescriptor();
    for (int i = 0; i < d->field_count(); ++i) {
      const pb::FieldDescriptor* f = d->field(i);
      const std::string path = prefix + "." + f->name();
      std::string part = unread;
      std::vector<Workload> part_readers = readers;
      const pb::FieldOptions& o = f->options();
      if (part.empty() && o.ExtensionSize(nmsim::read_by) > 0) {
        part_readers.clear();
        for (int k = 0; k < o.ExtensionSize(nmsim::read_by); ++k) {
          part_readers.push_back(static_cast<Workload>(o.GetExtension(nmsim::read_by, k)));
        }
        const bool read = std::any_of(workloads.begin(), workloads.end(), [&](Workload w) {
          return std::find(part_readers.begin(), part_readers.end(), w) != part_readers.end();
        });
        if (!read) part = path;
      }
      if (same_field(run, defaults, f)) continue;
      if (f->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE && !f->is_repeated()) {
        visit(run.GetReflection()->GetMessage(run, f), defaults.GetReflection()->GetMessage(defaults, f), path,
              part, part_readers);
      } else if (!part.empty()) {
        found.push_back(path + " = " + value_text(run, f) + ": set, but " + names(workloads, " and ") +
                        (workloads.size() == 1 ? " does" : " do") + " not read " + part + " (read by " +
                        names(part_readers, ", ") + ")");
      }
    }
  }
};

}  // namespace

std::vector<std::string> unused_fields(const RunConfig& run, const std::vector<Workload>& workloads,
                                       const RunConfig& defaults) {
  Walk walk{workloads, {}};
  walk.visit(run, defaults, "run", "", {});
  return walk.found;
}

std::vector<std::string> unused_fields(const RunConfig& run, const std::vector<Workload>& workloads) {
  return unused_fields(run, workloads, default_run_config());
}

void check_unused_fields(const RunConfig& run, const std::vector<Workload>& workloads, bool allow_unused,
                         std::ostream& warnings) {
  check_unused_fields(run, workloads, allow_unused, warnings, default_run_config());
}

void check_unused_fields(const RunConfig& run, const std::vector<Workload>& workloads, bool allow_unused,
                         std::ostream& warnings, const RunConfig& defaults) {
  const std::vector<std::string> found = unused_fields(run, workloads, defaults);
  if (found.empty()) return;
  if (!allow_unused) {
    throw ConfigError(found.front() + "; leave it at its default, or pass --allow-unused to only warn");
  }
  for (const std::string& message : found) warnings << "nmsim: warning: " << message << " (ignored)\n";
}

}  // namespace nmsim::config
