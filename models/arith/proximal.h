// The learned readout's update arithmetic (convex reconstruction's group-Lasso readout,
// ALGORITHMS.md section 3; the specification is step 5 of workloads/convex/reference.h): the
// gradient step of one weight, the proximal step of one unit group, its norm and the dual
// norm that gives beta_max. The readout unit (models/core/readout_unit.h) and the functional
// reference both call these, so they agree bit for bit; each prices the work itself.
#pragma once

#include <algorithm>
#include <cstdint>

#include "models/arith/neuron_datapath.h"
#include "models/arith/rounding.h"

namespace nmsim::arith {

// The group norm N of the penalty: l1 (sum of |v|) or l_inf (max |v|).
enum class GroupNorm : uint8_t { kL1, kLinf };

inline int64_t magnitude(int32_t v) { return v < 0 ? -int64_t{v} : v; }

// v = sat32(v - round_shift(g, shift)) where g != 0 (a zero gradient leaves v as it is).
inline void gradient_step(int32_t& v, int64_t g, int shift) {
  if (g != 0) v = saturate(int64_t{v} - round_shift(g, shift), 32);
}

// l1 prox: v = sign(v) * max(|v| - tau, 0) for each of the n weights; tau <= 0 changes nothing.
inline void prox_l1(int32_t* v, uint32_t n, int64_t tau) {
  if (tau <= 0) return;
  for (uint32_t i = 0; i < n; ++i) {
    const int64_t x = v[i];
    v[i] = static_cast<int32_t>(x > tau ? x - tau : (x < -tau ? x + tau : 0));
  }
}

// l_inf prox: with A = sum |v|, the group becomes 0 if A <= tau; otherwise theta = the largest
// integer in 0..max|v| with sum max(|v| - theta, 0) >= tau, found by bisection (lo = 0,
// hi = max|v|; mid = lo + (hi - lo + 1) / 2), and every v = sign(v) min(|v|, theta). No divider.
// Returns the bisection iterations (0 when tau <= 0 or the group became 0).
inline uint64_t prox_linf(int32_t* v, uint32_t n, int64_t tau) {
  if (tau <= 0) return 0;
  int64_t sum = 0, top = 0;
  for (uint32_t i = 0; i < n; ++i) {
    sum += magnitude(v[i]);
    top = std::max(top, magnitude(v[i]));
  }
  if (sum <= tau) {
    std::fill(v, v + n, 0);
    return 0;
  }
  uint64_t iterations = 0;
  int64_t lo = 0, hi = top;
  while (lo < hi) {
    const int64_t mid = lo + (hi - lo + 1) / 2;
    int64_t excess = 0;
    for (uint32_t i = 0; i < n; ++i)
      if (magnitude(v[i]) > mid) excess += magnitude(v[i]) - mid;
    if (excess >= tau) lo = mid;
    else hi = mid - 1;
    ++iterations;
  }
  for (uint32_t i = 0; i < n; ++i) {
    if (v[i] > lo) v[i] = static_cast<int32_t>(lo);
    else if (v[i] < -lo) v[i] = static_cast<int32_t>(-lo);
  }
  return iterations;
}

// The prox of one group under `norm`; returns the l_inf bisection iterations (0 for l1).
inline uint64_t prox(int32_t* v, uint32_t n, int64_t tau, GroupNorm norm) {
  if (norm == GroupNorm::kL1) {
    prox_l1(v, n, tau);
    return 0;
  }
  return prox_linf(v, n, tau);
}

// N(v) of one group of n weights.
inline int64_t group_norm(const int32_t* v, uint32_t n, GroupNorm norm) {
  int64_t r = 0;
  for (uint32_t i = 0; i < n; ++i) r = norm == GroupNorm::kL1 ? r + magnitude(v[i]) : std::max(r, magnitude(v[i]));
  return r;
}

// The dual norm of a group's counts, one count at a time: l1's dual is the max, l_inf's the sum.
inline uint64_t dual_norm_add(uint64_t dual, uint64_t count, GroupNorm norm) {
  return norm == GroupNorm::kL1 ? std::max(dual, count) : dual + count;
}

}  // namespace nmsim::arith
