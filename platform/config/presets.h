// Preset config files compiled into the binary (platform/presets/*.textproto), by file
// stem: "chip_default", "run_default", "energy_28nm", "traffic_default", ...
#pragma once

#include <string>
#include <vector>

namespace google::protobuf { class Message; }

namespace nmsim::config {

// Every preset's name, sorted.
std::vector<std::string> preset_names();
// The names of one kind's presets without the kind prefix: preset_names("chip") gives
// {"default", "odin_like", ...} for the files chip_default, chip_odin_like, ...
std::vector<std::string> preset_names(const std::string& kind);
bool has_preset(const std::string& name);
// The preset's text; ConfigError listing the names if there is none.
std::string preset_text(const std::string& name);
// The message the preset's text parses to, read from its binary encoding made at build time
// (the same message: tests/platform/test_config.cpp; a tenth of the text parser's cost).
// ConfigError as preset_text if there is none; `out` must be the preset's type.
void preset_message(const std::string& name, google::protobuf::Message& out);

}  // namespace nmsim::config
