// Weights: drawn from the seed, saved and loaded as nmsim.Weights, with clear errors.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "models/base/errors.h"
#include "proto/run.pb.h"
#include "workloads/common/prng.h"
#include "workloads/common/weights.h"

namespace fs = std::filesystem;
using namespace nmsim::workloads;

namespace {

fs::path scratch_dir() {
  std::string pattern = (fs::temp_directory_path() / "nmsim_wl_XXXXXX").string();
  REQUIRE(mkdtemp(pattern.data()) != nullptr);
  return fs::path(pattern);
}

void require_data_error(const std::string& path, const std::vector<uint32_t>& sizes,
                        uint32_t width, const std::string& reason) {
  try {
    load_weights(path, sizes, width);
    FAIL("no DataError");
  } catch (const nmsim::DataError& e) {
    const std::string what = e.what();
    INFO(what);
    REQUIRE(what.find(path) != std::string::npos);
    REQUIRE(what.find(reason) != std::string::npos);
  }
}

void write_message(const fs::path& path, const nmsim::Weights& m) {
  std::ofstream out(path, std::ios::binary);
  REQUIRE(m.SerializeToOstream(&out));
}

}  // namespace

TEST_CASE("random weights follow the documented PRNG index", "[weights]") {
  const NetworkWeights w = random_weights({5, 3, 2}, 2000, 11);
  REQUIRE(w.layers.size() == 2);
  REQUIRE(w.layers[0].inputs == 5);
  REQUIRE(w.layers[0].outputs == 3);
  REQUIRE(w.layers[0].w.size() == 15);
  REQUIRE(w.layers[1].inputs == 3);
  REQUIRE(w.layers[1].outputs == 2);
  for (uint32_t k = 0; k < 2; ++k)
    for (uint32_t i = 0; i < w.layers[k].inputs; ++i)
      for (uint32_t j = 0; j < w.layers[k].outputs; ++j) {
        const uint64_t index = (uint64_t{k} << 40) + i * w.layers[k].outputs + j;
        REQUIRE(w.layers[k].at(i, j) == prng_uniform(11, Stream::kWeights, index, -2000, 2000));
      }
  REQUIRE(random_weights({5, 3, 2}, 2000, 11).layers[1].w == w.layers[1].w);
  REQUIRE(random_weights({5, 3, 2}, 2000, 12).layers[0].w != w.layers[0].w);
  // Range 0 gives zeros; a negative range is a config error.
  const NetworkWeights zero = random_weights({4, 4}, 0, 1);
  for (int32_t v : zero.layers[0].w) REQUIRE(v == 0);
  REQUIRE_THROWS_AS(random_weights({4, 4}, -1, 1), nmsim::ConfigError);
  // Spread over a big layer: every value within +-2000 and both signs present.
  const NetworkWeights big = random_weights({784, 100}, 2000, 3);
  int32_t lo = 0, hi = 0;
  for (int32_t v : big.layers[0].w) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  REQUIRE(lo >= -2000);
  REQUIRE(hi <= 2000);
  // 78,400 draws from 4,001 values: the extremes come within 100 of the ends with
  // probability 1 - (3900/4001)^78400 ~ 1 - 1e-870.
  REQUIRE(lo < -1900);
  REQUIRE(hi > 1900);
}

TEST_CASE("weights save and load round trip", "[weights]") {
  const fs::path dir = scratch_dir();
  const std::string path = (dir / "w.pb").string();
  NetworkWeights w = random_weights({6, 4, 3}, 32767, 5);
  w.layers[0].w[0] = -32768;  // the int16 extremes survive
  w.layers[1].w[11] = 32767;
  save_weights(path, w);
  REQUIRE(fs::exists(path));
  REQUIRE_FALSE(fs::exists(path + ".tmp"));
  const NetworkWeights back = load_weights(path, {6, 4, 3}, 16);
  REQUIRE(back.layers.size() == 2);
  for (size_t k = 0; k < 2; ++k) {
    REQUIRE(back.layers[k].inputs == w.layers[k].inputs);
    REQUIRE(back.layers[k].outputs == w.layers[k].outputs);
    REQUIRE(back.layers[k].w == w.layers[k].w);
  }
  // Saving again replaces the file in one piece.
  w.layers[0].w[1] = 7;
  save_weights(path, w);
  REQUIRE(load_weights(path, {6, 4, 3}, 16).layers[0].w[1] == 7);
  fs::remove_all(dir);
}

TEST_CASE("weights load errors name the file and the mismatch", "[weights]") {
  const fs::path dir = scratch_dir();
  const std::string path = (dir / "w.pb").string();
  save_weights(path, random_weights({6, 4, 3}, 100, 5));
  require_data_error(path, {6, 5, 3}, 16, "layer 0 is 6x4, expected 6x5");
  require_data_error(path, {6, 4, 2}, 16, "layer 1 is 4x3, expected 4x2");
  require_data_error(path, {6, 4, 3, 2}, 16, "holds 2 layers, the network has 3");
  // 100 does not fit a signed 7-bit word (-64..63).
  require_data_error(path, {6, 4, 3}, 7, "does not fit 7 bits");
  require_data_error((dir / "none.pb").string(), {6, 4, 3}, 16, "cannot read: No such file or directory");

  // Damaged: the file cut in the middle of the packed weights.
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    bytes = s.str();
  }
  const std::string cut = (dir / "cut.pb").string();
  {
    std::ofstream out(cut, std::ios::binary);
    out << bytes.substr(0, bytes.size() / 2);
  }
  require_data_error(cut, {6, 4, 3}, 16, "damaged");

  // Well-formed message with the right sizes but too few weights.
  nmsim::Weights m;
  auto* layer = m.add_layers();
  layer->set_inputs(2);
  layer->set_outputs(2);
  layer->add_weights(1);
  const std::string short_path = (dir / "short.pb").string();
  write_message(short_path, m);
  require_data_error(short_path, {2, 2}, 16, "layer 0 has 1 weights, expected 4");
  fs::remove_all(dir);
}
