#include "workloads/job/chip_totals.h"

#include "models/base/stats.h"

namespace nmsim::job {

namespace {

// Each total and the local name its models register it under (one per model kind, so a name
// finds its counter in every core).
struct Source {
  const char* stat;
  PhaseCounter ChipTotals::*total;
};
constexpr Source kSources[] = {
    {"sops", &ChipTotals::sops},
    {"weight_updates", &ChipTotals::weight_updates},
    {"rows_updated", &ChipTotals::rows_updated},
    {"multiplies", &ChipTotals::update_multiplies},
    {"readout_value_adds", &ChipTotals::readout_value_adds},
    {"readout_weight_updates", &ChipTotals::readout_weight_updates},
};

void add(ChipTotals& totals, const sc_core::sc_object& object) {
  if (const auto* group = dynamic_cast<const StatGroup*>(&object)) {
    for (const StatEntry& entry : group->stats()) {
      for (const Source& source : kSources) {
        if (entry.name != source.stat) continue;
        PhaseCounter& total = totals.*source.total;
        for (std::size_t p = 0; p < kPhaseCount; ++p) total.by_phase[p] += entry.counter->by_phase[p];
      }
    }
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
