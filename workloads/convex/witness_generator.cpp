#include "workloads/convex/witness_generator.h"

#include "models/arith/rounding.h"
#include "models/base/errors.h"
#include "workloads/common/prng.h"
#include "workloads/convex/reference.h"

namespace nmsim::convex {
namespace {

// reference.h step 1 (the test compares every generated weight with witness_weight).
constexpr int64_t kUniformSumMean = 131070;  // 4 * 65535 / 2
constexpr int64_t kSqrt3Q16 = 113512;        // round(sqrt(3) * 2^16)

// Cost of one weight in one lane, 64-bit operations stated as 32-bit ones (a 64-bit add or
// xor = 2 32-bit ones: low word, then high word with the carry; a 64 x 64 -> low-64 multiply
// = 3 32-bit multiplies, lo*lo (full 64-bit product), lo*hi and hi*lo (low halves), + 2 adds
// folding the cross terms into the high word). Shifts by constants are wiring. The energy
// table has no xor: a 32-bit xor is priced as a 32-bit add (an adder is an xor plus a carry
// chain, so this is an upper bound).
//                                                       multiplies   adds
//   index step z += lanes * 784 * G (64-bit add)             0         2
//   mix64: z ^= z >> 30                                      0         2
//          z *= 0xBF58476D1CE4E5B9 (64 x 64 -> low 64)        3         2
//          z ^= z >> 27                                      0         2
//          z *= 0x94D049BB133111EB                           3         2
//          z ^= z >> 31                                      0         2
//   S = sum of the four 16-bit fields (adder tree)           0         3
//   d = S - 131070                                           0         1
//   |d| (round_shift rounds the magnitude: sign-magnitude)   0         1
//   p = |d| * (sigma * 113512), 18 x 30 bits -> 48 bits      1         0
//   (p + 2^31) >> 32 (the add spans both words)              0         2
//   restore the sign                                         0         1
//   total                                                    7        20
// The key K and sigma * 113512 are per-run constants (registers loaded once), not per weight.
// Latency 8 stages, at most one 32 x 32 multiply or a short add/xor chain each, registered
// between them as the core's other datapaths are at the 200 MHz default clock: index add |
// xor-shift, partial products of multiply 1 | cross-term adds, xor-shift | partial products of
// multiply 2 | cross-term adds, xor-shift, four-field adder tree | centre, magnitude | scaling
// multiply | round, shift, sign.
static_assert(WitnessGenerator::kCost.multiplies_32bit == 3 + 3 + 1, "the table above");
static_assert(WitnessGenerator::kCost.adds_32bit == 2 + 5 * 2 + 3 + 1 + 1 + 2 + 1, "the table above");
static_assert(WitnessGenerator::kCost.latency_cycles == 8, "the stages above");

}  // namespace

WitnessGenerator::WitnessGenerator(uint64_t seed, uint32_t sigma, uint32_t first_unit, uint32_t first_input)
    : WitnessGenerator(seed, sigma, first_unit, first_input, workloads::Stream::kWitness, kInputs) {}

WitnessGenerator WitnessGenerator::layer2(uint64_t seed, uint32_t sigma, uint32_t layer1_units, uint32_t first_unit,
                                          uint32_t first_input) {
  return WitnessGenerator(seed, sigma, first_unit, first_input, workloads::Stream::kWitness2, layer1_units);
}

WitnessGenerator::WitnessGenerator(uint64_t seed, uint32_t sigma, uint32_t first_unit, uint32_t first_input,
                                   workloads::Stream stream, uint32_t lines)
    : m_key(workloads::splitmix64_at(workloads::splitmix64_at(seed, 0), static_cast<uint64_t>(stream))),
      m_scale(int64_t{sigma} * kSqrt3Q16),
      m_first_unit(first_unit),
      m_first_input(first_input),
      m_lines(lines) {}

void WitnessGenerator::generate_row(uint32_t axon, uint32_t n, int32_t* weights) const {
  const uint32_t input = m_first_input + axon;
  NMSIM_ASSERT(input < m_lines, "witness weights exist for the layer's input lines only");
  // splitmix64_at(K, index) = mix64(K + (index + 1) * G): the state steps by `lines` G per unit
  // (784 for layer 1, P1 for layer 2).
  uint64_t z = m_key + (uint64_t{m_first_unit} * m_lines + input + 1) * workloads::kPrngIncrement;
  const uint64_t unit_step = uint64_t{m_lines} * workloads::kPrngIncrement;
  for (uint32_t j = 0; j < n; ++j, z += unit_step) {
    const uint64_t r = workloads::mix64(z);
    const int64_t s = static_cast<int64_t>((r & 0xFFFF) + ((r >> 16) & 0xFFFF) + ((r >> 32) & 0xFFFF) +
                                           (r >> 48));
    weights[j] = static_cast<int32_t>(arith::round_shift((s - kUniformSumMean) * m_scale, 32));
  }
}

}  // namespace nmsim::convex
