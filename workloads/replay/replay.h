// Replays a stimulus of AER events (stimulus.h) on core 0 of a chip: the stimulus's network
// (its neurons and synapse blocks) is mapped as one layer onto the core, its weights loaded
// through the uncounted backdoor, and a program hands the events to the core's event
// controller (models/core/neuron_core.h "AER events") in file order. Any chip preset works;
// the core's chip.core.event_* and aer_* options decide the timing.
#pragma once

#include <memory>

#include "models/base/sim_context.h"
#include "platform/chip/chip.h"
#include "proto/chip.pb.h"
#include "proto/stimulus.pb.h"

namespace nmsim::replay {

struct ReplayRun {
  std::unique_ptr<chip::Chip> chip;  // its statistics for the report
  ReplaySummary summary;             // the per-event records (stimulus left empty)
};

// Elaborates the chip (named "chip"), runs the events and returns the chip and the records.
// `chip_config` was accepted by config::validate, `stimulus` by load_stimulus for it. One call
// per process (SystemC elaborates once); ctx's clock must match chip_config.clock_mhz.
ReplayRun run_replay(const ChipConfig& chip_config, const Stimulus& stimulus, SimContext& ctx);

}  // namespace nmsim::replay
