// The neuron datapath's arithmetic, in plain C++ (no SystemC): the core model and the
// functional reference models both execute exactly these functions, so they agree by
// construction on every bit of neuron arithmetic; what the equivalence tests check is
// everything around it (mapping, routing, ordering, timing, counting).
#pragma once

#include <cstdint>

namespace nmsim::arith {

enum class Leak : uint8_t { kNone, kShift, kSubtract };
enum class Reset : uint8_t { kSubtract, kZero };

struct NeuronParams {
  int32_t threshold = 1 << 14;
  Leak leak = Leak::kNone;
  uint32_t leak_amount = 0;
  Reset reset = Reset::kSubtract;
  uint32_t refractory_steps = 0;
  uint32_t state_width_bits = 24;
};

// Saturates v to a signed two's-complement word of `bits` bits.
inline int32_t saturate(int64_t v, uint32_t bits) {
  const int64_t hi = (int64_t{1} << (bits - 1)) - 1;
  const int64_t lo = -(int64_t{1} << (bits - 1));
  return static_cast<int32_t>(v > hi ? hi : (v < lo ? lo : v));
}

// One accumulate lane: u += w, saturating.
inline int32_t accumulate(int32_t u, int32_t w, uint32_t state_width_bits) {
  return saturate(int64_t{u} + w, state_width_bits);
}

// One leak of one neuron: fire_step's first step, and what an AER time reference or leak
// event does alone.
inline void leak_step(int32_t& u, const NeuronParams& p) {
  switch (p.leak) {
    case Leak::kNone: break;
    case Leak::kShift: u -= u >> p.leak_amount; break;  // arithmetic shift: decays toward 0
    case Leak::kSubtract: {
      const int32_t a = static_cast<int32_t>(p.leak_amount);
      u = u > a ? u - a : (u < -a ? u + a : 0);
      break;
    }
  }
}

// The threshold test and reset: fire_step's second step, and what an AER event's sweep does
// in a neuron's write cycle. Returns true if the neuron fires.
inline bool threshold_step(int32_t& u, const NeuronParams& p) {
  if (u < p.threshold) return false;
  u = p.reset == Reset::kSubtract ? u - p.threshold : 0;
  return true;
}

// The fire/leak scan of one neuron for one time step: leak, then threshold and reset.
// `refractory` counts the steps left in which the neuron neither leaks nor fires (and the
// integrate unit masks its input). Returns true if the neuron fires.
inline bool fire_step(int32_t& u, uint8_t& refractory, const NeuronParams& p) {
  if (refractory > 0) {
    --refractory;
    return false;
  }
  leak_step(u, p);
  if (!threshold_step(u, p)) return false;
  refractory = static_cast<uint8_t>(p.refractory_steps);
  return true;
}

// SPIDE's ternary neuron couple (ALGORITHMS.md section 4): a positive and a negative partner
// sharing one potential v, so the couple emits +1, 0 or -1 per step. The threshold is half
// the reset step: theta_b = theta / 2, reset by 2 theta_b, which halves the rate's
// quantisation error (the paper's modified reset).
inline int32_t couple_threshold(const NeuronParams& p) { return p.threshold / 2; }

// One accumulate lane for a signed (ternary) spike: v += w or v -= w, saturating. The lane
// negates the weight (invert and carry-in of the same adder), so it costs what an add does.
inline int32_t accumulate_signed(int32_t v, int32_t w, bool negative, uint32_t state_width_bits) {
  return saturate(negative ? int64_t{v} - w : int64_t{v} + w, state_width_bits);
}

// The couple's fire step: two compares. +1 when v >= theta_b (v -= 2 theta_b), -1 when
// v <= -theta_b (v += 2 theta_b), else 0. Neither reset can leave the state word's range.
inline int couple_fire_step(int32_t& v, int32_t theta_b) {
  if (v >= theta_b) {
    v -= 2 * theta_b;
    return 1;
  }
  if (v <= -theta_b) {
    v += 2 * theta_b;
    return -1;
  }
  return 0;
}

}  // namespace nmsim::arith
