// The integer softmax shared by FF, sparse DFA and SPIDE (and by their chip firmware):
// logits in Q8, a 256-entry exp(-d) look-up table in steps of 1/16, one reciprocal per
// sample, probabilities in Q8.
//
//   m    = max_k z_k                      (z in Q8: value x 256)
//   i_k  = (m - z_k + 8) >> 4             (d = m - z_k rounded to steps of 1/16)
//   e_k  = i_k < 256 ? kExpTable[i_k] : 0  (kExpTable[i] = round(2^16 exp(-i / 16)), Q16)
//   S    = sum_k e_k                       (>= 2^16: the maximum contributes exp(0))
//   R    = floor(2^40 / S)                 (the one reciprocal per sample)
//   p_k  = (e_k R + 2^31) >> 32            (Q8; the sum is 256 up to rounding)
// The table spans d in [0, 16); its entries are 0 from d = 11.8 on (below half an LSB of
// Q16), far below Q8's resolution of the result.
#pragma once

#include <array>
#include <cstdint>

namespace nmsim::workloads {

inline constexpr int kSoftmaxTableSize = 256;

// kExpTable[i] = round(65536 * exp(-i / 16)).
const std::array<uint32_t, kSoftmaxTableSize>& softmax_exp_table();

// p[k] (Q8) for k < n from z[k] (Q8). n >= 1. No allocation.
void softmax_q8(const int32_t* z, uint32_t n, int32_t* p);

}  // namespace nmsim::workloads
