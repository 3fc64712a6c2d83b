#include "workloads/common/input_pooling.h"

#include <string>

#include "models/base/errors.h"

namespace nmsim::workloads {

namespace {
constexpr uint32_t kImageSide = 28;
}  // namespace

uint32_t input_pixels(const RunConfig& run) {
  const uint32_t k = run.input_pooling();
  if (k == 0 || kImageSide % k != 0) {
    throw ConfigError("run.input_pooling = " + std::to_string(k) + ": must divide the image side 28 (1, 2, 4, 7, 14 or 28)");
  }
  return kImagePixels / (k * k);
}

Dataset pooled(const Dataset& data, uint32_t k) {
  NMSIM_ASSERT(k > 0 && kImageSide % k == 0 && data.pixels_per_sample == kImagePixels, "pooling a checked image");
  if (k == 1) return data;
  const uint32_t side = kImageSide / k;
  Dataset out = data;
  out.pixels_per_sample = side * side;
  out.pixels.assign(size_t{data.count} * out.pixels_per_sample, 0);
  for (uint32_t i = 0; i < data.count; ++i) {
    const uint8_t* image = data.sample(i);
    uint8_t* target = out.pixels.data() + size_t{i} * out.pixels_per_sample;
    for (uint32_t y = 0; y < side; ++y) {
      for (uint32_t x = 0; x < side; ++x) {
        uint32_t sum = 0;
        for (uint32_t dy = 0; dy < k; ++dy) {
          for (uint32_t dx = 0; dx < k; ++dx) sum += image[(y * k + dy) * kImageSide + x * k + dx];
        }
        target[y * side + x] = static_cast<uint8_t>(sum / (k * k));
      }
    }
  }
  return out;
}

}  // namespace nmsim::workloads
