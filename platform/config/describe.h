// `nmsim describe`: every config field with its type, unit, default, range and help.
#pragma once

#include <string>

namespace nmsim::config {

// One line per field of ChipConfig, RunConfig and TrafficConfig, as --set paths
// (chip.noc.buffer_depth_flits), with the default from the compiled-in presets and
// unit, range and help from the field options of proto/*.proto.
std::string describe_fields();

}  // namespace nmsim::config
