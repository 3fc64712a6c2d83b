#include "platform/config/presets.h"

#include <algorithm>

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

std::string preset_text(const std::string& name) {
  for (std::size_t i = 0; i < detail::kPresetCount; ++i) {
    if (name == detail::kPresets[i].name) return detail::kPresets[i].text;
  }
  std::string known;
  for (const std::string& n : preset_names()) known += (known.empty() ? "" : ", ") + n;
  throw ConfigError("unknown preset '" + name + "'; presets: " + known);
}

}  // namespace nmsim::config
