// The layout of one synapse SRAM row: weight j of a row occupies bits [j * w, j * w + w) in
// little-endian order (w = weight_width_bits, 1..16), two's complement. Shared by the integrate
// unit, the learning engine and whatever preloads weights, so they cannot disagree.
#pragma once

#include <cstdint>
#include <cstring>

namespace nmsim::core {

inline int32_t read_weight(const uint8_t* row, uint32_t j, uint32_t width_bits) {
  if (width_bits == 16) {
    int16_t w;
    std::memcpy(&w, row + 2 * j, sizeof w);
    return w;
  }
  if (width_bits == 8) return static_cast<int8_t>(row[j]);
  const uint64_t bit = uint64_t{j} * width_bits;
  const uint32_t bytes = static_cast<uint32_t>((bit % 8 + width_bits + 7) / 8);  // 1..3 for w <= 16
  uint32_t bits = 0;
  for (uint32_t b = 0; b < bytes; ++b) bits |= uint32_t{row[bit / 8 + b]} << (8 * b);
  bits = (bits >> (bit % 8)) & ((1u << width_bits) - 1);
  const uint32_t sign = 1u << (width_bits - 1);
  return static_cast<int32_t>(bits ^ sign) - static_cast<int32_t>(sign);
}

inline void write_weight(uint8_t* row, uint32_t j, uint32_t width_bits, int32_t value) {
  if (width_bits == 16) {
    const int16_t w = static_cast<int16_t>(value);
    std::memcpy(row + 2 * j, &w, sizeof w);
    return;
  }
  if (width_bits == 8) {
    row[j] = static_cast<uint8_t>(value);
    return;
  }
  const uint64_t bit = uint64_t{j} * width_bits;
  const uint32_t mask = ((1u << width_bits) - 1) << (bit % 8);
  const uint32_t field = (static_cast<uint32_t>(value) << (bit % 8)) & mask;
  for (uint32_t b = 0; b < 3; ++b) {
    const uint32_t byte_mask = (mask >> (8 * b)) & 0xFF;
    if (byte_mask == 0) continue;
    uint8_t& byte = row[bit / 8 + b];
    byte = static_cast<uint8_t>((byte & ~byte_mask) | ((field >> (8 * b)) & byte_mask));
  }
}

// Bytes a row of `weights` weights needs, rounded up to whole SRAM words.
inline uint64_t row_bytes(uint32_t weights, uint32_t width_bits, uint32_t word_bits) {
  const uint64_t words = (uint64_t{weights} * width_bits + word_bits - 1) / word_bits;
  return words * (word_bits / 8);
}

}  // namespace nmsim::core
