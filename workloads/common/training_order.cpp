#include "workloads/common/training_order.h"

#include <numeric>
#include <utility>

#include "workloads/common/prng.h"

namespace nmsim::workloads {

void training_order(std::vector<uint32_t>& order, uint32_t count, uint64_t seed, uint32_t epoch,
                    bool shuffle) {
  order.resize(count);
  std::iota(order.begin(), order.end(), 0u);
  if (!shuffle) return;
  for (uint32_t i = count; i-- > 1;) {
    const uint64_t index = (uint64_t{epoch} << 32) + i;
    const auto k = static_cast<uint32_t>(prng_uniform(seed, Stream::kShuffle, index, 0, static_cast<int32_t>(i)));
    std::swap(order[i], order[k]);
  }
}

}  // namespace nmsim::workloads
