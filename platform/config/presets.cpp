#include "platform/config/presets.h"

#include <algorithm>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include "models/base/errors.h"
#include "platform/config/presets_data.h"

namespace nmsim::config {

std::vector<std::string> preset_names() {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < detail::kPresetCount; ++i) names.emplace_back(detail::kPresets[i].name);
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::string> preset_names(const std::string& kind) {
  const std::string prefix = kind + "_";
  std::vector<std::string> names;
  for (const std::string& name : preset_names()) {
    if (name.compare(0, prefix.size(), prefix) == 0) names.push_back(name.substr(prefix.size()));
  }
  return names;
}

bool has_preset(const std::string& name) {
  for (std::size_t i = 0; i < detail::kPresetCount; ++i) {
    if (name == detail::kPresets[i].name) return true;
  }
  return false;
}

namespace {

const detail::PresetEntry& entry(const std::string& name) {
  for (std::size_t i = 0; i < detail::kPresetCount; ++i) {
    if (name == detail::kPresets[i].name) return detail::kPresets[i];
  }
  std::string known;
  for (const std::string& n : preset_names()) known += (known.empty() ? "" : ", ") + n;
  throw ConfigError("unknown preset '" + name + "'; presets: " + known);
}

}  // namespace

std::string preset_text(const std::string& name) { return entry(name).text; }

void preset_message(const std::string& name, google::protobuf::Message& out) {
  const detail::PresetEntry& preset = entry(name);
  NMSIM_ASSERT(out.GetDescriptor()->full_name() == preset.type, "preset read as another type");
  out.Clear();
  const bool parsed = out.ParseFromArray(preset.binary, static_cast<int>(preset.binary_size));
  NMSIM_ASSERT(parsed, "a compiled-in preset's encoding does not parse");
}

}  // namespace nmsim::config
