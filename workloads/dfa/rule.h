// The sparse-DFA learning rule as stateless functions (reference.h's steps 2 and 3): the
// functional reference and the chip firmware both call them, so the rule's arithmetic is
// one definition; what the chip-vs-reference tests check is everything around it.
#pragma once

#include <cstdint>
#include <vector>

#include "models/arith/neuron_datapath.h"
#include "workloads/dfa/options.h"

namespace nmsim::dfa {

// The fixed random feedback of one hidden layer h' = h - 1 (0-based), n neurons, from the
// seed (reference.h step 3 gives the PRNG indices).
struct FeedbackMatrix {
  std::vector<int8_t> sparse_sign;   // s_j
  std::vector<uint8_t> sparse_class; // k(j)
  std::vector<int8_t> dense_sign;    // B_jk at [j * classes + k]
  uint32_t classes = 0;
};
FeedbackMatrix make_feedback(const DfaParams& params, uint64_t seed, uint32_t hidden_index,
                             uint32_t neurons, uint32_t classes);

// The stochastic-rounding state of neuron j of layer l (1..L) at the start of a run: the top
// 32 bits of prng_u64(seed, kStochasticRound, (l << 32) + j) with bit 0 set (never 0).
uint32_t rounding_seed(uint64_t seed, uint32_t layer, uint32_t neuron);

// Step 2: the output error e (Q8 for softmax, spike counts for integer) from the output
// counts o and final potentials u, for `label`. logits and probabilities are scratch of
// `classes` entries (no allocation).
void output_error(const DfaParams& params, const arith::NeuronParams& neuron, uint32_t time_steps,
                  const uint32_t* o, const int32_t* u, uint32_t classes, uint32_t label,
                  int32_t* logits, int32_t* probabilities, int32_t* error);

// Step 3 for neurons [first, first + count) of one hidden layer: delta[j - first], gated by
// the neuron's count a and potential u (indexed j - first). Returns the feedback SOPs of the
// range (errors accumulated into neurons: zero errors are not sent).
uint64_t hidden_deltas(const DfaParams& params, const FeedbackMatrix& feedback, const int32_t* error,
                       uint32_t time_steps, uint32_t first, uint32_t count, const uint32_t* a,
                       const int32_t* u, int32_t* delta);

}  // namespace nmsim::dfa
