#include "workloads/common/softmax.h"

#include <cmath>

#include "models/base/errors.h"

namespace nmsim::workloads {

const std::array<uint32_t, kSoftmaxTableSize>& softmax_exp_table() {
  // Computed once; std::exp and std::lround are exact enough that every entry is the
  // correctly rounded value (checked against pinned entries in the tests).
  static const std::array<uint32_t, kSoftmaxTableSize> table = [] {
    std::array<uint32_t, kSoftmaxTableSize> t{};
    for (int i = 0; i < kSoftmaxTableSize; ++i) {
      t[i] = static_cast<uint32_t>(std::lround(65536.0 * std::exp(-i / 16.0)));
    }
    return t;
  }();
  return table;
}

void softmax_q8(const int32_t* z, uint32_t n, int32_t* p) {
  NMSIM_ASSERT(n >= 1, "softmax of nothing");
  const auto& table = softmax_exp_table();
  int32_t m = z[0];
  for (uint32_t k = 1; k < n; ++k) m = z[k] > m ? z[k] : m;
  uint64_t sum = 0;
  for (uint32_t k = 0; k < n; ++k) {
    const int64_t index = (int64_t{m} - z[k] + 8) >> 4;
    const uint32_t e = index < kSoftmaxTableSize ? table[static_cast<std::size_t>(index)] : 0;
    p[k] = static_cast<int32_t>(e);  // e_k kept in p until the reciprocal is known
    sum += e;
  }
  const uint64_t reciprocal = (uint64_t{1} << 40) / sum;  // sum >= 2^16: fits in 24 bits
  for (uint32_t k = 0; k < n; ++k) {
    p[k] = static_cast<int32_t>((static_cast<uint64_t>(p[k]) * reciprocal + (uint64_t{1} << 31)) >> 32);
  }
}

}  // namespace nmsim::workloads
