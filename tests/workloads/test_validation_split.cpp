// A validation split held out of the training split (DATASET_MNIST_FULL_VALIDATION).
#include <catch2/catch.hpp>

#include "workloads/common/dataset.h"
#include "workloads/common/validation_split.h"

using namespace nmsim;

namespace {

// Ten training samples of 2 pixels: sample i is {i, 100 + i} with label i % 10; one test sample.
workloads::DatasetSplit tiny_split() {
  workloads::DatasetSplit split;
  split.train.name = "tiny/train";
  split.train.count = 10;
  split.train.pixels_per_sample = 2;
  split.train.content_hash = "0123456789abcdef";
  for (uint8_t i = 0; i < 10; ++i) {
    split.train.pixels.push_back(i);
    split.train.pixels.push_back(static_cast<uint8_t>(100 + i));
    split.train.labels.push_back(i);
  }
  split.test = split.train;
  split.test.count = 1;
  split.test.pixels.resize(2);
  split.test.labels.resize(1);
  return split;
}

}  // namespace

TEST_CASE("validation split: evenly strided samples held out, the rest trains in order", "[validation]") {
  // floor(k * 10 / 4) for k = 0..3: samples 0, 2, 5, 7 validate; 1, 3, 4, 6, 8, 9 train.
  const workloads::DatasetSplit v = workloads::validation_split(tiny_split(), 4);
  REQUIRE(v.test.count == 4);
  REQUIRE(v.train.count == 6);
  CHECK(v.test.labels == std::vector<uint8_t>{0, 2, 5, 7});
  CHECK(v.train.labels == std::vector<uint8_t>{1, 3, 4, 6, 8, 9});
  CHECK(v.test.pixels == std::vector<uint8_t>{0, 100, 2, 102, 5, 105, 7, 107});
  CHECK(v.train.sample(5)[1] == 109);
  CHECK(v.test.pixels_per_sample == 2);
  CHECK(v.test.name == "tiny/train (4 validation samples)");
  CHECK(v.train.name == "tiny/train without 4 validation samples");
  CHECK(v.test.content_hash == "0123456789abcdef");
}

TEST_CASE("validation split of the full MNIST: 50,000 / 10,000 of its training digits", "[validation][mnist_full]") {
  const std::string dir = workloads::default_data_dir(DATASET_MNIST_FULL, NMSIM_SOURCE_DIR);
  const workloads::DatasetSplit v = workloads::load_dataset(DATASET_MNIST_FULL_VALIDATION, dir);
  REQUIRE(v.train.count == 50000);
  REQUIRE(v.test.count == 10000);
  // Every 6th training digit validates: the standard split's training labels 5 0 4 1 9 2 1 3
  // 1 4 3 5 3 ... give validation labels 5 (digit 0), 1 (digit 6), 3 (digit 12), and training
  // labels 0 4 1 9 2 3 1 4 3 5 ...
  CHECK(v.test.labels[0] == 5);
  CHECK(v.test.labels[1] == 1);
  CHECK(v.test.labels[2] == 3);
  CHECK(std::vector<uint8_t>(v.train.labels.begin(), v.train.labels.begin() + 5) == std::vector<uint8_t>{0, 4, 1, 9, 2});
  CHECK(v.test.name == "mnist-full/train (10000 validation samples)");
}
