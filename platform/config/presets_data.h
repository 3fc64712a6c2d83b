// The compiled-in preset files (presets_data.cpp, generated at build time by preset_encoder);
// use presets.h instead.
#pragma once

#include <cstddef>

namespace nmsim::config::detail {

struct PresetEntry {
  const char* name;         // file stem, e.g. "chip_default"
  const char* type;         // the message's full name, e.g. "nmsim.ChipConfig"
  const char* text;         // protobuf text format: the file as it is
  const char* binary;       // the message the text parses to, in protobuf's binary encoding
  std::size_t binary_size;  // bytes (the encoding may hold NULs)
};

extern const PresetEntry kPresets[];
extern const std::size_t kPresetCount;

}  // namespace nmsim::config::detail
