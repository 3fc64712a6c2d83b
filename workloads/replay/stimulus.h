// A stimulus file of AER events (proto/stimulus.proto) for `nmsim replay`: read and checked
// against the chip it runs on. Every bad value throws DataError
// "FILE:LINE: FIELD = VALUE: REASON" (the line of the field, or of its event when unset).
#pragma once

#include <string>

#include "proto/chip.pb.h"
#include "proto/stimulus.pb.h"

namespace nmsim::replay {

// Reads and checks `path`; neurons and axons left unset become the core's.
Stimulus load_stimulus(const std::string& path, const ChipConfig& chip);
// The same from text; `origin` names it in errors.
Stimulus parse_stimulus(const std::string& text, const std::string& origin, const ChipConfig& chip);

}  // namespace nmsim::replay
