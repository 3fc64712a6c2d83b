// Convex's witness weights regenerated on the fly (ALGORITHMS.md section 3, step 1 "or
// regenerated on the fly instead of stored"): the neuron core's weight generator
// (models/core/weight_generator.h) for a core holding the units [first_unit, first_unit + n).
// Weight of local neuron j for the core's axon a (input i = first_input + a: a fan-in group
// core holds the inputs from first_input on) = witness_weight(seed, sigma, first_unit + j, i)
// of reference.h step 1, bit for bit.
//
// The hardware, per lane and weight (what cost() states; the derivation is in the .cpp):
// the per-run key K = F(F(seed, 0), kWitness) (kWitness2 for layer 2 of two) sits in a register, so the per-weight part of
// prng_u64 is one splitmix step on the index, z = K + (index + 1) * G, held incrementally
// (the next weight of a lane is `lanes` units further: z += lanes * 784 * G, a 64-bit add;
// P1 instead of 784 on layer 2),
// then mix64(z), the sum of its four 16-bit fields, centring, the multiply by the per-run
// constant sigma * 113512 and the rounding shift.
#pragma once

#include <cstdint>

#include "models/core/weight_generator.h"
#include "workloads/common/prng.h"

namespace nmsim::convex {

class WitnessGenerator final : public core::WeightGenerator {
 public:
  // Per weight: 7 32-bit multiplies, 20 32-bit adds (xors priced as adds), 8 pipeline stages.
  static constexpr core::GeneratorCost kCost{7, 20, 8};

  // The units of one core: local neuron j is unit first_unit + j, axon a is input
  // first_input + a. sigma as run.convex.witness_sigma (checked by convex::check_options).
  WitnessGenerator(uint64_t seed, uint32_t sigma, uint32_t first_unit, uint32_t first_input = 0);
  // Two hidden layers (reference.h step 9): a core of layer 2, local neuron j = unit first_unit
  // + j, axon a = layer-1 unit first_input + a; weights = witness2_weight, bit for bit (the
  // same hardware with another key and a unit stride of P1 instead of 784).
  static WitnessGenerator layer2(uint64_t seed, uint32_t sigma, uint32_t layer1_units, uint32_t first_unit,
                                 uint32_t first_input);

  // weights[j] = witness_weight(seed, sigma, first_unit + j, first_input + axon), j = 0..n-1.
  void generate_row(uint32_t axon, uint32_t n, int32_t* weights) const override;
  core::GeneratorCost cost() const override { return kCost; }

 private:
  WitnessGenerator(uint64_t seed, uint32_t sigma, uint32_t first_unit, uint32_t first_input, workloads::Stream stream,
                   uint32_t lines);

  const uint64_t m_key;    // F(F(seed, 0), kWitness): per run
  const int64_t m_scale;   // sigma * 113512: per run
  const uint32_t m_first_unit;
  const uint32_t m_first_input;
  const uint32_t m_lines;  // the layer's input lines: 784, or P1 for layer 2
};

}  // namespace nmsim::convex
