// Port masks of one router step, computed without branches: which input asks which output
// depends on random traffic, so loops and tests over it are mispredicted (README.md, "Speed").
// A router's requests are a 5 x 5 bit matrix kept as one word, a byte per input (bit o of
// byte i: input i asks output o); an output's column of it is the mask of its requesters.
#pragma once

#include <cstdint>

#include "models/noc/routing.h"

namespace nmsim::noc {

// Byte `input` of a request matrix holding `outputs`.
constexpr uint64_t request_row(unsigned input, uint8_t outputs) {
  return uint64_t{outputs} << (8 * input);
}

// Column `output` of the matrix: bit i set if byte i has bit `output` (i < kPortCount). The
// column's bits sit at 8 i; the multiplier moves bit 8 i to 56 + i (a shift by 56 - 7 i). No
// two (bit, shift) pairs meet at one position, so nothing carries; the other products fall
// below bit 56 or above bit 63.
constexpr uint8_t request_column(uint64_t matrix, unsigned output) {
  constexpr uint64_t kColumnBits = 0x0000000101010101ull;  // bit 0 of bytes 0-4
  constexpr uint64_t kGather = (1ull << 56) | (1ull << 49) | (1ull << 42) | (1ull << 35) | (1ull << 28);
  static_assert(kPortCount == 5, "the gather moves five bytes");
  return static_cast<uint8_t>((((matrix >> output) & kColumnBits) * kGather) >> 56);
}

// The union of the rows: every output some input asks for.
constexpr uint8_t request_union(uint64_t matrix) {
  matrix |= matrix >> 32;
  matrix |= matrix >> 16;
  matrix |= matrix >> 8;
  return static_cast<uint8_t>(matrix);
}

// The inputs allowed to take an output locked to `locked_input` (-1: none): those whose front
// flit is a head if it is free, else the lock holder only. No lock shifts a bit out of the
// byte (1 << (-1 & 15)).
constexpr uint8_t lock_allows(int locked_input, uint8_t head_inputs) {
  return static_cast<uint8_t>((head_inputs & -static_cast<unsigned>(locked_input < 0)) |
                              (1u << (static_cast<unsigned>(locked_input) & 15u)));
}

}  // namespace nmsim::noc
