// The run settings a chip preset needs: a chip with narrower weights or state than the
// default chip cannot run the default run (init_weight_range = 2000 does not fit 8-bit
// weights), so each such preset has a companion run overlay, platform/presets/
// run_for_<chip preset>.textproto, merged between run_default and the user's run file.
// Everything the user gives (--run, --workload, --dataset, --set) still wins; the report
// notes each field the overlay changed, with the reason its preset file gives.
#pragma once

#include <string>

#include "proto/run.pb.h"

namespace nmsim::config {

// The chip preset a --chip argument names ("loihi_like"), or "" for a chip file, the default
// or no argument (those take the run as it is).
std::string chip_preset_name(const std::string& chip_argument);

// run_default, the chip preset's run overlay (if it has one), then the user's file (empty
// path: none): load_run_config(path) adapted to the chip preset.
RunConfig load_run_config_for_chip(const std::string& path, const std::string& chip_preset);

// The report's note on what the overlay of `chip_preset` changed: every field whose value in
// `adapted` differs from `plain` (the same run without the overlay), as
// "path old -> new (reason)", the reason being the comment after the field in the overlay.
// Empty when nothing differs (no overlay, or the user set every field it touches).
std::string run_adaptation_note(const std::string& chip_preset, const RunConfig& plain, const RunConfig& adapted);

}  // namespace nmsim::config
