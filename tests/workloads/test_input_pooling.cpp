// run.input_pooling: k x k blocks of the 28 x 28 image, their mean rounded down.
#include <catch2/catch.hpp>

#include <string>

#include "models/base/errors.h"
#include "platform/config/loader.h"
#include "workloads/common/input_pooling.h"

namespace {
namespace wl = nmsim::workloads;
}  // namespace

TEST_CASE("input pooling: each block's mean, rounded down, in row-major order", "[pooling]") {
  wl::Dataset data;
  data.count = 2;
  data.pixels.resize(2 * wl::kImagePixels);
  data.labels = {3, 7};
  for (uint32_t p = 0; p < wl::kImagePixels; ++p) {
    data.pixels[p] = static_cast<uint8_t>(p % 28);                      // image 0: pixel = its column
    data.pixels[wl::kImagePixels + p] = static_cast<uint8_t>(p / 28);   // image 1: pixel = its row
  }
  const wl::Dataset pooled = wl::pooled(data, 2);
  REQUIRE(pooled.pixels_per_sample == 196);
  REQUIRE(pooled.count == 2);
  REQUIRE(pooled.labels == data.labels);
  // Block (y, x) of image 0 holds columns 2x and 2x + 1: mean 2x + 0.5, rounded down 2x.
  for (uint32_t y = 0; y < 14; ++y) {
    for (uint32_t x = 0; x < 14; ++x) {
      REQUIRE(pooled.sample(0)[y * 14 + x] == 2 * x);
      REQUIRE(pooled.sample(1)[y * 14 + x] == 2 * y);
    }
  }
  // k = 7: 4 x 4 blocks; block x of image 0 holds columns 7x .. 7x + 6, mean 7x + 3.
  const wl::Dataset coarse = wl::pooled(data, 7);
  REQUIRE(coarse.pixels_per_sample == 16);
  REQUIRE(coarse.sample(0)[5] == 7 + 3);  // row 1, column 1
}

TEST_CASE("input pooling: the network's inputs follow it, a k that does not divide 28 is refused", "[pooling]") {
  nmsim::RunConfig run = nmsim::config::default_run_config();
  REQUIRE(wl::input_pixels(run) == 784);
  run.set_input_pooling(2);
  REQUIRE(wl::input_pixels(run) == 196);
  run.set_input_pooling(3);
  try {
    wl::input_pixels(run);
    FAIL("no ConfigError");
  } catch (const nmsim::ConfigError& e) {
    REQUIRE(std::string(e.what()) == "run.input_pooling = 3: must divide the image side 28 (1, 2, 4, 7, 14 or 28)");
  }
}
