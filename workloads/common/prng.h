// Counter-based hash PRNG shared by every functional reference and every firmware: a value
// is a pure function of (seed, stream, index), so any core can draw any value in any order
// and reproduce the reference bit for bit, with no generator state to keep or send.
//
// Specification (the contract between reference and chip):
//   mix64(z)   = the splitmix64 finaliser:
//                  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
//                  z = (z ^ (z >> 27)) * 0x94D049BB133111EB
//                  return z ^ (z >> 31)
//   G          = 0x9E3779B97F4A7C15 (splitmix64's increment, 2^64 / golden ratio)
//   F(x, i)    = mix64(x + (i + 1) * G): the i-th output of splitmix64 started in state x
//   prng_u64(seed, stream, index) = F(F(F(seed, 0), stream), index)
// All arithmetic is modulo 2^64. F(0, 0) = 0xE220A8397B1DCDAF is splitmix64's published
// first output for state 0.
//   prng_u8  = prng_u64 >> 56 (the top 8 bits, the best mixed ones)
//   prng_uniform(lo, hi), lo <= hi: lo + (((prng_u64 >> 32) * (hi - lo + 1)) >> 32), the
//   multiply-shift map of the top 32 bits onto hi - lo + 1 values (no division; bias below
//   (hi - lo + 1) / 2^32, irrelevant for weight ranges of a few thousand).
#pragma once

#include <cstdint>

#include "models/base/errors.h"

namespace nmsim::workloads {

// Named streams: each use of randomness draws from its own stream, so adding a use never
// shifts the values another use sees.
enum class Stream : uint64_t {
  kWeights = 1,         // initial weights; index in weights.h
  kEncoder = 2,         // Bernoulli input spikes; index in encoder.h
  kFeedback = 3,        // DFA feedback matrix (class and sign per hidden neuron)
  kWitness = 4,         // convex reconstruction: random hidden ("witness") weights
  kStochasticRound = 5, // stochastic rounding of learning-rate shifts
  kShuffle = 6,         // training sample order
  kWitness2 = 7,        // convex reconstruction, two hidden layers: the layer-2 witness weights
};

inline constexpr uint64_t kPrngIncrement = 0x9E3779B97F4A7C15ull;

inline constexpr uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// The i-th output of splitmix64 started in state x.
inline constexpr uint64_t splitmix64_at(uint64_t x, uint64_t i) {
  return mix64(x + (i + 1) * kPrngIncrement);
}

inline constexpr uint64_t prng_u64(uint64_t seed, uint64_t stream, uint64_t index) {
  return splitmix64_at(splitmix64_at(splitmix64_at(seed, 0), stream), index);
}

inline constexpr uint8_t prng_u8(uint64_t seed, uint64_t stream, uint64_t index) {
  return static_cast<uint8_t>(prng_u64(seed, stream, index) >> 56);
}

// Uniform in [lo, hi], both inclusive.
inline int32_t prng_uniform(uint64_t seed, uint64_t stream, uint64_t index, int32_t lo,
                            int32_t hi) {
  NMSIM_ASSERT(lo <= hi, "prng_uniform: empty range");
  const uint64_t span = static_cast<uint64_t>(int64_t{hi} - int64_t{lo} + 1);  // 1..2^32
  const uint64_t top = prng_u64(seed, stream, index) >> 32;
  return static_cast<int32_t>(int64_t{lo} + static_cast<int64_t>((top * span) >> 32));
}

inline constexpr uint64_t prng_u64(uint64_t seed, Stream stream, uint64_t index) {
  return prng_u64(seed, static_cast<uint64_t>(stream), index);
}
inline constexpr uint8_t prng_u8(uint64_t seed, Stream stream, uint64_t index) {
  return prng_u8(seed, static_cast<uint64_t>(stream), index);
}
inline int32_t prng_uniform(uint64_t seed, Stream stream, uint64_t index, int32_t lo,
                            int32_t hi) {
  return prng_uniform(seed, static_cast<uint64_t>(stream), index, lo, hi);
}

}  // namespace nmsim::workloads
