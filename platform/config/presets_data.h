// The compiled-in preset files (generated presets_data.cpp); use presets.h instead.
#pragma once

#include <cstddef>

namespace nmsim::config::detail {

struct PresetEntry {
  const char* name;  // file stem, e.g. "chip_default"
  const char* text;  // protobuf text format
};

extern const PresetEntry kPresets[];
extern const std::size_t kPresetCount;

}  // namespace nmsim::config::detail
