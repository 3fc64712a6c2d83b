// The chip's totals that jobs compare with their references' counts and that `nmsim compare`
// tabulates, read through the models' own counters (found by type: cores, learning engines,
// readout units), the same values the report carries under their hierarchical names.
#pragma once

#include "models/base/phase.h"
#include "platform/chip/chip.h"

namespace nmsim::job {

struct ChipTotals {
  PhaseCounter sops;                    // the cores' synaptic operations
  PhaseCounter weight_updates;          // the learning engines' weights changed
  PhaseCounter rows_updated;            // the learning engines' rows written back
  PhaseCounter update_multiplies;       // the learning engines' multiplies
  PhaseCounter readout_value_adds;      // the readout units' 64-bit adds
  PhaseCounter readout_weight_updates;  // the readout units' weights changed
};

// Sums each total over every stat group of the chip.
ChipTotals chip_totals(const chip::Chip& chip);

}  // namespace nmsim::job
