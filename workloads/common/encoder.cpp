#include "workloads/common/encoder.h"

#include <string>

#include "models/base/errors.h"
#include "workloads/common/prng.h"

namespace nmsim::workloads {
namespace {

constexpr uint16_t kIfStart = 128;
constexpr uint16_t kIfThreshold = 256;

}  // namespace

RateEncoder::RateEncoder(::nmsim::Encoder kind, uint64_t seed, uint32_t time_steps)
    : m_kind(kind), m_seed(seed), m_time_steps(time_steps) {
  if (kind != ::nmsim::ENCODER_INTEGRATE_AND_FIRE && kind != ::nmsim::ENCODER_BERNOULLI)
    throw ConfigError("run.encoder: unspecified or unknown encoder (" +
                      std::to_string(static_cast<int>(kind)) + ")");
  if (time_steps == 0) throw ConfigError("run.time_steps: must be >= 1");
}

void RateEncoder::start(const uint8_t* pixels, uint32_t n, uint64_t sample_index, uint32_t first,
                        uint32_t total) {
  NMSIM_ASSERT(total == 0 || first + n <= total, "RateEncoder: pixels outside the sample");
  m_pixels.assign(pixels, pixels + n);
  m_first = first;
  m_total = total == 0 ? n : total;
  m_acc.assign(n, kIfStart);
  m_sample_index = sample_index;
  m_next_step = 0;
}

void RateEncoder::step(uint32_t t, SpikeBitmap& out) {
  NMSIM_ASSERT(t == m_next_step && t < m_time_steps, "RateEncoder: steps out of order");
  ++m_next_step;
  const uint32_t n = static_cast<uint32_t>(m_pixels.size());
  if (out.size() != n) {
    out.resize(n);
  } else {
    out.clear();
  }
  if (m_kind == ::nmsim::ENCODER_INTEGRATE_AND_FIRE) {
    for (uint32_t i = 0; i < n; ++i) {
      uint16_t acc = static_cast<uint16_t>(m_acc[i] + m_pixels[i]);
      if (acc >= kIfThreshold) {
        out.set(i);
        acc = static_cast<uint16_t>(acc - kIfThreshold);
      }
      m_acc[i] = acc;
    }
  } else {
    const uint64_t base = (m_sample_index * m_time_steps + t) * m_total + m_first;
    for (uint32_t i = 0; i < n; ++i)
      if (prng_u8(m_seed, Stream::kEncoder, base + i) < m_pixels[i]) out.set(i);
  }
}

}  // namespace nmsim::workloads
