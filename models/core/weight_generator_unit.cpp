#include "models/core/weight_generator_unit.h"

namespace nmsim::core {

WeightGeneratorUnit::WeightGeneratorUnit(const char* name, const WeightGenerator& generator, SimContext& ctx,
                                         uint32_t neurons)
    : sc_object(name), m_generator(generator), m_cost(generator.cost()), m_ctx(ctx) {
  for (auto& row : m_rows) row.assign(neurons, 0);
  add_stat("weights", "weights", "weights computed by the weight generator (n per row)",
           m_generated_weights);
  add_stat("multiplies", "multiplies", "32-bit multiplies of the weight generator", m_multiplies,
           {EnergyKind::kMultiply, 0, 32});
  add_stat("adds", "adds", "32-bit adds (and add-sized logic ops) of the weight generator", m_adds,
           {EnergyKind::kAdd, 0, 32});
}

Cycle WeightGeneratorUnit::generate(uint32_t axon, uint32_t n, std::size_t buffer, Cycle request,
                                    uint64_t row_cycles) {
  m_generator.generate_row(axon, n, m_rows[buffer].data());
  const Phase phase = m_ctx.phase.current();
  m_generated_weights.add(phase, n);
  m_multiplies.add(phase, uint64_t{n} * m_cost.multiplies_32bit);
  m_adds.add(phase, uint64_t{n} * m_cost.adds_32bit);
  const Cycle begin = max(request, m_free);
  m_free = begin + row_cycles;
  return m_free + m_cost.latency_cycles;
}

}  // namespace nmsim::core
