// Regenerated ("on the fly") synapse weights: instead of fetching a spiking axon's weight row
// from the synapse SRAM, the integrate unit takes it from a weight generator, a datapath that
// computes each weight from its (axon, neuron) address, e.g. a counter-based PRNG for fixed
// random weights. The core only knows this interface; the workload that owns the weights'
// definition provides the implementation (models/ must not depend on workloads/).
// Generated weights are read-only: a core with a generator does no learning on them.
#pragma once

#include <cstdint>

namespace nmsim::core {

// The hardware price of the generator: per generated weight (what each of its lanes does for
// one weight) and the depth of its pipeline. Priced by the energy model as 32-bit operations.
struct GeneratorCost {
  uint32_t multiplies_32bit = 0;  // 32-bit multiplies per weight
  uint32_t adds_32bit = 0;        // 32-bit adds (and add-sized logic ops) per weight
  uint32_t latency_cycles = 0;    // pipeline depth: a weight's address in to its value out
};

class WeightGenerator {
 public:
  virtual ~WeightGenerator() = default;
  // The n weights of axon `axon`'s row (weight j for the core's local neuron j). Called once
  // per spiking axon, so it must not allocate; a pure function of its arguments.
  virtual void generate_row(uint32_t axon, uint32_t n, int32_t* weights) const = 0;
  virtual GeneratorCost cost() const = 0;
};

}  // namespace nmsim::core
