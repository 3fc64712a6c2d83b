// The convex readout's place in a core's synapse SRAM: per (unit, group row) one row of int32
// weights and one row of int64 gradient accumulators, each padded to whole SRAM words, the
// weight rows first. The config check (platform/config/validate.cpp) and the readout unit
// (models/core/readout_unit.cpp) both size it here.
#pragma once

#include <cstdint>

namespace nmsim::arith {

struct ReadoutFootprint {
  uint64_t rows = 0;                // units x group rows
  uint64_t weight_row_bytes = 0;    // values int32, padded to words
  uint64_t gradient_row_bytes = 0;  // values int64, padded to words
  uint64_t weight_bytes() const { return rows * weight_row_bytes; }
  uint64_t gradient_bytes() const { return rows * gradient_row_bytes; }
  uint64_t bytes() const { return weight_bytes() + gradient_bytes(); }
};

inline ReadoutFootprint readout_footprint(uint32_t units, uint32_t group_rows, uint32_t values, uint64_t word_bytes) {
  const auto padded = [word_bytes](uint64_t bytes) { return (bytes + word_bytes - 1) / word_bytes * word_bytes; };
  ReadoutFootprint f;
  f.rows = uint64_t{units} * group_rows;
  f.weight_row_bytes = padded(uint64_t{4} * values);
  f.gradient_row_bytes = padded(uint64_t{8} * values);
  return f;
}

}  // namespace nmsim::arith
