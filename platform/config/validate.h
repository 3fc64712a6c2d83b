// Validation before elaboration: every field set, every (range) option of proto/*.proto
// held, enums not UNSPECIFIED, and the consistency rules between fields. Messages name the
// field as the user writes it: "chip.noc.buffer_depth_flits = 0: must be >= 1".
#pragma once

#include <cstdint>

#include "proto/chip.pb.h"
#include "proto/run.pb.h"
#include "proto/traffic.pb.h"

namespace nmsim::config {

void validate(const ChipConfig& chip);
void validate(const RunConfig& run);
// The run's own rules plus those that need the chip (threshold fits the state width,
// initial weights fit the weight width).
void validate(const RunConfig& run, const ChipConfig& chip);
void validate(const TrafficConfig& traffic, const ChipConfig& chip);

// The chip clock period in ps (1e6 / clock_mhz); ConfigError unless a whole number.
uint64_t clock_period_ps(const ChipConfig& chip);

}  // namespace nmsim::config
