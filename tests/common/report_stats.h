// What tests read from a report's statistics by name.
#pragma once

#include <string>

#include "proto/report.pb.h"

// The sum of the values of every stat whose name ends with `suffix` (e.g. ".spikes_fired": all cores).
inline double stat_sum(const nmsim::Report& r, const std::string& suffix) {
  double sum = 0;
  for (const auto& s : r.stats()) {
    if (s.name().size() >= suffix.size() && s.name().compare(s.name().size() - suffix.size(), suffix.size(), suffix) == 0)
      sum += s.value();
  }
  return sum;
}
