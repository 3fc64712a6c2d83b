#include "platform/config/override.h"

#include <cerrno>
#include <cstdlib>
#include <limits>
#include <vector>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include "models/base/errors.h"

namespace nmsim::config {

namespace {

namespace pb = google::protobuf;

struct Target {
  const char* prefix;
  pb::Message* message;
};

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::string::size_type start = 0;
  while (true) {
    const auto end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) return parts;
    start = end + 1;
  }
}

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  const auto last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

std::string field_names(const pb::Descriptor* descriptor) {
  std::string names;
  for (int i = 0; i < descriptor->field_count(); ++i) {
    names += (i ? ", " : "") + descriptor->field(i)->name();
  }
  return names;
}

std::string type_description(const pb::FieldDescriptor* field) {
  switch (field->cpp_type()) {
    case pb::FieldDescriptor::CPPTYPE_INT32: return "a signed 32-bit integer";
    case pb::FieldDescriptor::CPPTYPE_INT64: return "a signed 64-bit integer";
    case pb::FieldDescriptor::CPPTYPE_UINT32: return "an unsigned 32-bit integer";
    case pb::FieldDescriptor::CPPTYPE_UINT64: return "an unsigned 64-bit integer";
    case pb::FieldDescriptor::CPPTYPE_DOUBLE:
    case pb::FieldDescriptor::CPPTYPE_FLOAT: return "a number or a fraction A/B";
    case pb::FieldDescriptor::CPPTYPE_BOOL: return "true or false";
    case pb::FieldDescriptor::CPPTYPE_STRING: return "a string";
    case pb::FieldDescriptor::CPPTYPE_ENUM: {
      std::string names;
      const pb::EnumDescriptor* e = field->enum_type();
      for (int i = 0; i < e->value_count(); ++i) names += (i ? ", " : "") + e->value(i)->name();
      return "one of " + names;
    }
    case pb::FieldDescriptor::CPPTYPE_MESSAGE: return "a message";
  }
  return "?";
}

// A number (strtod's syntax) or a fraction of two, "1000/3": a clock whose period is a
// third of a ns needs no 17-digit decimal. A zero denominator is not a number.
bool parse_real(const std::string& text, double& value) {
  const std::size_t slash = text.find('/');
  const auto number = [](const std::string& part, double& v) {
    char* end = nullptr;
    errno = 0;
    v = std::strtod(part.c_str(), &end);
    return !part.empty() && errno == 0 && *end == '\0';
  };
  if (slash == std::string::npos) return number(text, value);
  double numerator = 0, denominator = 0;
  if (!number(text.substr(0, slash), numerator) || !number(text.substr(slash + 1), denominator) || denominator == 0) {
    return false;
  }
  value = numerator / denominator;
  return true;
}

// Parses one element of `field`'s type and stores it (set, or add for repeated fields).
// Returns false if the text is not a value of that type.
bool store(pb::Message& message, const pb::FieldDescriptor* field, const std::string& text) {
  const pb::Reflection* r = message.GetReflection();
  const bool list = field->is_repeated();
  if (text.empty() && field->cpp_type() != pb::FieldDescriptor::CPPTYPE_STRING) return false;
  char* end = nullptr;
  errno = 0;
  switch (field->cpp_type()) {
    case pb::FieldDescriptor::CPPTYPE_INT32:
    case pb::FieldDescriptor::CPPTYPE_INT64: {
      const long long v = std::strtoll(text.c_str(), &end, 10);
      if (errno || *end) return false;
      if (field->cpp_type() == pb::FieldDescriptor::CPPTYPE_INT32) {
        if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max()) return false;
        list ? r->AddInt32(&message, field, static_cast<int32_t>(v))
             : r->SetInt32(&message, field, static_cast<int32_t>(v));
      } else {
        list ? r->AddInt64(&message, field, v) : r->SetInt64(&message, field, v);
      }
      return true;
    }
    case pb::FieldDescriptor::CPPTYPE_UINT32:
    case pb::FieldDescriptor::CPPTYPE_UINT64: {
      if (text[0] == '-') return false;  // strtoull would wrap it around
      const unsigned long long v = std::strtoull(text.c_str(), &end, 10);
      if (errno || *end) return false;
      if (field->cpp_type() == pb::FieldDescriptor::CPPTYPE_UINT32) {
        if (v > std::numeric_limits<uint32_t>::max()) return false;
        list ? r->AddUInt32(&message, field, static_cast<uint32_t>(v))
             : r->SetUInt32(&message, field, static_cast<uint32_t>(v));
      } else {
        list ? r->AddUInt64(&message, field, v) : r->SetUInt64(&message, field, v);
      }
      return true;
    }
    case pb::FieldDescriptor::CPPTYPE_DOUBLE:
    case pb::FieldDescriptor::CPPTYPE_FLOAT: {
      double v = 0;
      if (!parse_real(text, v)) return false;
      if (field->cpp_type() == pb::FieldDescriptor::CPPTYPE_DOUBLE) {
        list ? r->AddDouble(&message, field, v) : r->SetDouble(&message, field, v);
      } else {
        list ? r->AddFloat(&message, field, static_cast<float>(v))
             : r->SetFloat(&message, field, static_cast<float>(v));
      }
      return true;
    }
    case pb::FieldDescriptor::CPPTYPE_BOOL: {
      bool v;
      if (text == "true" || text == "1") {
        v = true;
      } else if (text == "false" || text == "0") {
        v = false;
      } else {
        return false;
      }
      list ? r->AddBool(&message, field, v) : r->SetBool(&message, field, v);
      return true;
    }
    case pb::FieldDescriptor::CPPTYPE_STRING:
      list ? r->AddString(&message, field, text) : r->SetString(&message, field, text);
      return true;
    case pb::FieldDescriptor::CPPTYPE_ENUM: {
      const pb::EnumValueDescriptor* v = field->enum_type()->FindValueByName(text);
      if (v == nullptr) return false;
      list ? r->AddEnum(&message, field, v) : r->SetEnum(&message, field, v);
      return true;
    }
    case pb::FieldDescriptor::CPPTYPE_MESSAGE: return false;
  }
  return false;
}

}  // namespace

void apply_override(ChipConfig& chip, RunConfig& run, EnergyTable& energy, TrafficConfig& traffic,
                    const std::string& assignment) {
  const Target targets[] = {{"chip", &chip}, {"run", &run}, {"energy", &energy}, {"traffic", &traffic}};
  const std::string where = "--set '" + assignment + "'";
  const auto equals = assignment.find('=');
  if (equals == std::string::npos) throw ConfigError(where + ": expected path=value");
  const std::vector<std::string> path = split(trim(assignment.substr(0, equals)), '.');
  const std::string value = trim(assignment.substr(equals + 1));

  // Which message: an explicit prefix, or the only message with that first field.
  const Target* target = nullptr;
  std::size_t first = 0;
  for (const Target& t : targets) {
    if (path[0] == t.prefix) {
      target = &t;
      first = 1;
    }
  }
  if (target == nullptr) {
    std::vector<const Target*> found;
    for (const Target& t : targets) {
      if (t.message->GetDescriptor()->FindFieldByName(path[0]) != nullptr) found.push_back(&t);
    }
    if (found.size() > 1) {
      std::string both;
      for (const Target* t : found) both += (both.empty() ? "" : " and ") + std::string(t->prefix) + "." + path[0];
      throw ConfigError(where + ": '" + path[0] + "' is ambiguous: " + both + "; write the prefix");
    }
    if (found.empty()) {
      std::string valid = "chip., run., energy., traffic. or a field of one of them: ";
      for (std::size_t i = 0; i < 4; ++i) {
        valid += std::string(i ? "; " : "") + targets[i].prefix + ": " +
                 field_names(targets[i].message->GetDescriptor());
      }
      throw ConfigError(where + ": unknown field '" + path[0] + "'; valid: " + valid);
    }
    target = found[0];
  }
  if (first == path.size()) throw ConfigError(where + ": no field after '" + path[0] + "'");

  // Walk down to the field, through singular messages.
  pb::Message* message = target->message;
  std::string field_path = target->prefix;
  for (std::size_t i = first; i < path.size(); ++i) {
    const pb::Descriptor* descriptor = message->GetDescriptor();
    const pb::FieldDescriptor* field = descriptor->FindFieldByName(path[i]);
    if (field == nullptr) {
      throw ConfigError(where + ": unknown field '" + path[i] + "' in " + field_path + "; valid: " +
                        field_names(descriptor));
    }
    field_path += "." + path[i];
    const bool last = i + 1 == path.size();
    if (field->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE) {
      if (last || field->is_repeated()) {
        throw ConfigError(where + ": " + field_path + " is a message; set one of its fields: " +
                          field_names(field->message_type()));
      }
      message = message->GetReflection()->MutableMessage(message, field);
      continue;
    }
    if (!last) throw ConfigError(where + ": " + field_path + " has no fields (it is not a message)");
    if (field->is_repeated()) {
      message->GetReflection()->ClearField(message, field);
      if (value.empty()) return;
      for (const std::string& element : split(value, ',')) {
        if (!store(*message, field, trim(element))) {
          throw ConfigError(where + ": " + field_path + " expects a comma-separated list of " +
                            type_description(field) + ", got '" + trim(element) + "'");
        }
      }
    } else if (!store(*message, field, value)) {
      throw ConfigError(where + ": " + field_path + " expects " + type_description(field) + ", got '" +
                        value + "'");
    }
  }
}

}  // namespace nmsim::config
