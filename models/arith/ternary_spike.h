// How a couple's +1 / -1 spike travels: one single-flit AER spike packet whose address word
// carries the sign in its top bit (the bit above the address field on the wire). The
// alternative, two axons per sender (one for +1, one for -1), would double the receiver's
// spike bitmap and its row count or need a row-to-axon map; a sign bit costs one bit of a
// flit whose address field is far from full (max_axons <= 2^16 in every preset, flits of 32
// bits), so flits, hops and NoC energy per spike stay those of a binary spike.
#pragma once

#include <cstdint>

namespace nmsim::arith {

constexpr uint32_t kSpikeSignBit = 1u << 31;

inline uint32_t encode_ternary_spike(uint32_t address, bool negative) {
  return negative ? (address | kSpikeSignBit) : address;
}
inline bool spike_is_negative(uint32_t payload) { return (payload & kSpikeSignBit) != 0; }
inline uint32_t spike_address(uint32_t payload) { return payload & ~kSpikeSignBit; }

}  // namespace nmsim::arith
