#include "models/base/stats.h"

#include <utility>

namespace nmsim {

void StatGroup::add_stat(std::string name, std::string unit, std::string description,
                         PhaseCounterRef counter, EnergyEvent energy) {
  m_stats.push_back({std::move(name), std::move(unit), std::move(description), counter, energy});
}

}  // namespace nmsim
