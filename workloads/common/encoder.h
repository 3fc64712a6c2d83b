// Rate encoders: one sample's 8-bit pixels -> input spikes over T time steps.
//
// Integrate-and-fire (ENCODER_INTEGRATE_AND_FIRE, the default): per pixel an accumulator
// starts at 128; each step acc += pixel; if acc >= 256 { spike; acc -= 256 }. A pixel p
// fires floor((128 + p * (t + 1)) / 256) times in steps 0..t: 255 fires every step, 128
// every other step (steps 0, 2, 4, ...), 0 never. Deterministic, no PRNG.
//
// Bernoulli (ENCODER_BERNOULLI): pixel i spikes in step t iff
//   prng_u8(seed, Stream::kEncoder, (sample_index * T + t) * n + i) < pixel
// with n the pixels per sample (784): one PRNG index per (sample, step, pixel), unique for
// every sample of a data set, so P(spike) = pixel / 256 exactly and any core can draw any
// pixel's spike in any order.
#pragma once

#include <cstdint>
#include <vector>

#include "models/base/spike_bitmap.h"
#include "proto/run.pb.h"

namespace nmsim::workloads {

class RateEncoder {
 public:
  // ConfigError for an unspecified or unknown encoder or time_steps == 0.
  RateEncoder(::nmsim::Encoder kind, uint64_t seed, uint32_t time_steps);

  // Begins a sample; copies the n pixels. Steps must then be asked for in order 0..T-1.
  // A core holding only the pixels first..first + n - 1 of a sample of `total` pixels (a
  // fan-in split; total 0 = n) draws exactly those pixels' spikes of the whole sample.
  void start(const uint8_t* pixels, uint32_t n, uint64_t sample_index, uint32_t first = 0, uint32_t total = 0);

  // The input spikes of step t: `out` is resized to n lines if needed and overwritten.
  void step(uint32_t t, SpikeBitmap& out);

  ::nmsim::Encoder kind() const { return m_kind; }
  uint32_t time_steps() const { return m_time_steps; }

 private:
  const ::nmsim::Encoder m_kind;
  const uint64_t m_seed;
  const uint32_t m_time_steps;
  std::vector<uint8_t> m_pixels;
  std::vector<uint16_t> m_acc;  // integrate-and-fire accumulators, 0..255 between steps
  uint64_t m_sample_index = 0;
  uint32_t m_first = 0;
  uint32_t m_total = 0;
  uint32_t m_next_step = 0;
};

}  // namespace nmsim::workloads
