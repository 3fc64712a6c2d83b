// The order in which a training epoch visits the training split: the whole split shuffled
// from the seed (Fisher-Yates, k_i = prng_uniform(seed, kShuffle, (epoch << 32) + i, 0, i)
// for i = n-1 .. 1), or in file order without shuffling. A run that trains on the first N
// samples takes the first N of this order, so every class is present.
#pragma once

#include <cstdint>
#include <vector>

namespace nmsim::workloads {

void training_order(std::vector<uint32_t>& order, uint32_t count, uint64_t seed, uint32_t epoch,
                    bool shuffle);

}  // namespace nmsim::workloads
