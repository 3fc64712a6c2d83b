// Validation before elaboration: every field set, the limits of every field option of
// proto/*.proto held (platform/config/field_limits.h), enums named, and the consistency
// rules between fields (the (rule) options say them in words). Messages name the
// field as the user writes it: "chip.noc.buffer_depth_flits = 0: must be >= 1".
#pragma once

#include <cstdint>

#include "platform/mapper/mapper.h"
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

// The rules of a chip job that need the mapped network, checked before the chip is
// elaborated. WORKLOAD_CONVEX: on each core of the (one) hidden layer, the readout (units x
// run.time_steps rows of 10 int32 weights, as many of 10 int64 gradient accumulators, each
// row padded to whole SRAM words) fits the synapse SRAM above the witness rows (none when
// run.convex.witness_weights = CONVEX_WITNESS_REGENERATED).
void validate(const RunConfig& run, const ChipConfig& chip, const mapper::Mapping& mapping);

// The clock frequencies the simulation kernel represents: a period of 1 ps (its resolution)
// to 2^24 ps (so its 64-bit time holds 2^40 cycles). Any frequency in between works (75,
// 333, 1000/3 MHz): the kernel rounds the period to whole ps only to order events.
constexpr double kMaxClockMhz = 1e6;
constexpr double kMinClockMhz = 1e6 / 16777216.0;  // 2^24 ps
// chip.clock_mhz, checked: ConfigError naming the field, the value and the range.
double clock_mhz(const ChipConfig& chip);

}  // namespace nmsim::config
