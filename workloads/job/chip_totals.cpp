#include "workloads/job/chip_totals.h"

#include "models/core/learning_engine.h"
#include "models/core/neuron_core.h"
#include "models/core/readout_unit.h"

namespace nmsim::job {

namespace {

void add(PhaseCounter& total, const PhaseCounter& counter) {
  for (std::size_t p = 0; p < kPhaseCount; ++p) total.by_phase[p] += counter.by_phase[p];
}

// Every core, learning engine and readout unit under `object`, found by its type (never by a
// statistic's name) and read through its own accessors.
void add(ChipTotals& totals, const sc_core::sc_object& object) {
  if (const auto* core = dynamic_cast<const core::NeuronCore*>(&object)) {
    add(totals.sops, core->sops());
  } else if (const auto* learning = dynamic_cast<const core::LearningEngine*>(&object)) {
    add(totals.weight_updates, learning->weight_updates());
    add(totals.rows_updated, learning->rows_updated());
    add(totals.update_multiplies, learning->multiplies());
  } else if (const auto* readout = dynamic_cast<const core::ReadoutUnit*>(&object)) {
    add(totals.readout_value_adds, readout->value_adds());
    add(totals.readout_weight_updates, readout->weight_updates());
  }
  for (const sc_core::sc_object* child : object.get_child_objects()) add(totals, *child);
}

}  // namespace

ChipTotals chip_totals(const chip::Chip& chip) {
  ChipTotals totals;
  add(totals, chip);
  return totals;
}

}  // namespace nmsim::job
