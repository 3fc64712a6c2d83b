// The weight generator unit: a datapath beside the integrate unit that computes a spiking
// axon's weight row from its address (weight_generator.h: the function, which the workload
// owns) instead of fetching it from the synapse SRAM. One lane per accumulate lane, one row
// at a time, two row buffers; its timing is stated at the top of neuron_core.h. Exists only
// on a core with a generator (set_weight_generator), so other reports do not change.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include <systemc>

#include "models/base/cycle.h"
#include "models/base/sim_context.h"
#include "models/base/stats.h"
#include "models/core/weight_generator.h"

namespace nmsim::core {

class WeightGeneratorUnit : public sc_core::sc_object, public StatGroup {
 public:
  ComponentClass component_class() const override { return COMPONENT_CORE; }
  // `generator` is not owned and outlives the run; rows of up to `neurons` weights.
  WeightGeneratorUnit(const char* name, const WeightGenerator& generator, SimContext& ctx, uint32_t neurons);

  // Starts an integrate pass at `start`: the lanes are free.
  void begin_pass(Cycle start) { m_free = start; }
  // Generates axon's row of n weights into row buffer `buffer`, beginning no earlier than
  // `request` and after the previous row has left the lanes (row_cycles = ceil(n / lanes));
  // returns the cycle the row is ready. Counts n weights and their operations.
  Cycle generate(uint32_t axon, uint32_t n, std::size_t buffer, Cycle request, uint64_t row_cycles);
  const int32_t* row(std::size_t buffer) const { return m_rows[buffer].data(); }

 private:
  const WeightGenerator& m_generator;
  const GeneratorCost m_cost;
  SimContext& m_ctx;
  std::array<std::vector<int32_t>, 2> m_rows;
  Cycle m_free{};
  PhaseCounter m_generated_weights;
  PhaseCounter m_multiplies;
  PhaseCounter m_adds;
};

}  // namespace nmsim::core
