#include "workloads/dfa/rule.h"

#include "workloads/common/fixed_point.h"
#include "workloads/common/prng.h"
#include "workloads/common/softmax.h"

namespace nmsim::dfa {

uint32_t rounding_seed(uint64_t seed, uint32_t layer, uint32_t neuron) {
  const uint64_t r = workloads::prng_u64(seed, static_cast<uint64_t>(workloads::Stream::kStochasticRound),
                                         (uint64_t{layer} << 32) + neuron);
  return static_cast<uint32_t>(r >> 32) | 1u;
}

namespace {

bool top_bit(uint64_t v) { return (v >> 63) != 0; }

}  // namespace

FeedbackMatrix make_feedback(const DfaParams& params, uint64_t seed, uint32_t hidden_index,
                             uint32_t neurons, uint32_t classes) {
  FeedbackMatrix f;
  f.classes = classes;
  f.sparse_sign.resize(neurons);
  f.sparse_class.resize(neurons);
  f.dense_sign.resize(size_t{neurons} * classes);
  const uint64_t base = uint64_t{hidden_index} << 40;
  for (uint32_t j = 0; j < neurons; ++j) {
    f.sparse_sign[j] =
        top_bit(workloads::prng_u64(seed, workloads::Stream::kFeedback, base + 2 * uint64_t{j})) ? -1 : 1;
    f.sparse_class[j] = static_cast<uint8_t>(
        params.assignment == Assignment::kRandom
            ? workloads::prng_uniform(seed, workloads::Stream::kFeedback, base + 2 * uint64_t{j} + 1,
                                      0, static_cast<int32_t>(classes) - 1)
            : j % classes);
    for (uint32_t k = 0; k < classes; ++k) {
      const uint64_t index = base + (uint64_t{1} << 39) + uint64_t{j} * classes + k;
      f.dense_sign[size_t{j} * classes + k] =
          top_bit(workloads::prng_u64(seed, workloads::Stream::kFeedback, index)) ? -1 : 1;
    }
  }
  return f;
}

void output_error(const DfaParams& params, const arith::NeuronParams& neuron, uint32_t time_steps,
                  const uint32_t* o, const int32_t* u, uint32_t classes, uint32_t label,
                  int32_t* logits, int32_t* probabilities, int32_t* error) {
  if (params.error == ErrorKind::kInteger) {
    const int32_t target = static_cast<int32_t>(time_steps);
    for (uint32_t k = 0; k < classes; ++k) error[k] = (k == label ? target : 0) - static_cast<int32_t>(o[k]);
    return;
  }
  for (uint32_t k = 0; k < classes; ++k) {
    const int64_t z = params.softmax_logits == Logits::kCounts
                          ? workloads::round_shift(int64_t{o[k]} * 256, params.softmax_tau_shift)
                          : workloads::round_shift(int64_t{o[k]} * neuron.threshold + u[k],
                                                   params.softmax_potential_shift);
    logits[k] = arith::saturate(z, 31);  // only a shift near 0 with a huge theta reaches it
  }
  workloads::softmax_q8(logits, classes, probabilities);
  for (uint32_t k = 0; k < classes; ++k) error[k] = (k == label ? 256 : 0) - probabilities[k];
}

uint64_t hidden_deltas(const DfaParams& params, const FeedbackMatrix& feedback, const int32_t* error,
                       uint32_t time_steps, uint32_t first, uint32_t count, const uint32_t* a,
                       const int32_t* u, int32_t* delta) {
  const uint32_t classes = feedback.classes;
  uint64_t sops = 0;
  if (params.feedback == Feedback::kSparse) {
    for (uint32_t i = 0; i < count; ++i) {
      const int32_t e = error[feedback.sparse_class[first + i]];
      sops += e != 0;
      delta[i] = feedback.sparse_sign[first + i] * e;
    }
  } else {
    uint32_t nonzero_errors = 0;
    for (uint32_t k = 0; k < classes; ++k) nonzero_errors += error[k] != 0;
    sops += uint64_t{count} * nonzero_errors;
    for (uint32_t i = 0; i < count; ++i) {
      const int8_t* b = feedback.dense_sign.data() + size_t{first + i} * classes;
      int32_t sum = 0;
      for (uint32_t k = 0; k < classes; ++k) sum += b[k] * error[k];
      delta[i] = sum;
    }
  }
  for (uint32_t i = 0; i < count; ++i) {
    switch (params.gate) {
      case Gate::kRateBoxcar:
        if (a[i] == 0 || a[i] >= time_steps) delta[i] = 0;
        break;
      case Gate::kPotentialBoxcar:
        if (u[i] < params.gate_potential_min || u[i] > params.gate_potential_max) delta[i] = 0;
        break;
      case Gate::kNone: break;
    }
  }
  return sops;
}

}  // namespace nmsim::dfa
