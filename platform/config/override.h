// `--set path=value` overrides, applied after the files are merged over the presets.
#pragma once

#include <string>

#include "proto/chip.pb.h"
#include "proto/energy.pb.h"
#include "proto/run.pb.h"
#include "proto/traffic.pb.h"

namespace nmsim::config {

// Sets one field from "path=value". The path is dotted field names; its first component
// picks the message: an explicit "chip.", "run.", "energy." or "traffic." prefix, or the
// one message that has a field of that name (a name in two messages is an error listing
// both paths). Repeated fields are replaced by the comma-separated list (empty value:
// empty list); enums take value names (ROUTING_YX); bools true/false/1/0.
// Errors (ConfigError) name the override; an unknown name lists the valid ones at that
// level, a bad value names the field and the expected type.
void apply_override(ChipConfig& chip, RunConfig& run, EnergyTable& energy, TrafficConfig& traffic,
                    const std::string& assignment);

}  // namespace nmsim::config
