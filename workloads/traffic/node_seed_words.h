// The seed words of kLanes consecutive nodes' generators, computed side by side: for node
// first + l, the words std::seed_seq{seed, first + l} generates (the algorithm of
// [rand.util.seedseq], its indices walked with wrapping counters instead of seed_seq's run-time
// modulo, the values taken mod 2^32 as seed_seq stores them), so each node draws exactly what
// it drew when seeded by std::seed_seq. The nodes' sequences differ in one input word (the
// node), never in their indices, so one pass over the words updates a row of kLanes nodes
// with the same few operations, which the compiler vectorises (node_seed_words.cpp). lane(l)
// hands node first + l's words to a generator's seed(). tests/workloads/test_node_seed_words.cpp
// checks them against std::seed_seq's for many seeds, nodes and lengths.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "models/base/errors.h"

namespace nmsim::traffic {

class NodeSeedWords {
 public:
  static constexpr std::size_t kLanes = 16;

  // Words of `length` (what the generator's seed() asks for: 624 for std::mt19937_64) for
  // seed `seed`; the storage is sized once and reused by every compute().
  NodeSeedWords(uint64_t seed, std::size_t length)
      : m_seed(static_cast<uint32_t>(seed)), m_words(length) {
    NMSIM_ASSERT(length >= 1, "seed words of length 0");
  }

  // Computes the words of nodes first .. first + kLanes - 1.
  void compute(uint64_t first);

  // A seed sequence (as std::mt19937_64's seed() takes one) giving lane `l`'s words.
  class Lane {
   public:
    using result_type = uint32_t;
    Lane(const NodeSeedWords& words, std::size_t lane) : m_words(words), m_lane(lane) {}
    static std::size_t size() { return 2; }
    template <typename It>
    void generate(It begin, It end) const {
      NMSIM_ASSERT(static_cast<std::size_t>(end - begin) == m_words.m_words.size(),
                   "seed words asked for another length than computed");
      for (const Row& row : m_words.m_words) *begin++ = row[m_lane];
    }

   private:
    const NodeSeedWords& m_words;
    std::size_t m_lane;
  };
  Lane lane(std::size_t l) const {
    NMSIM_ASSERT(l < kLanes, "seed lane out of range");
    return Lane(*this, l);
  }

 private:
  using Row = std::array<uint32_t, kLanes>;  // one word index, every lane

  const uint32_t m_seed;
  std::vector<Row> m_words;  // [word][lane]
};

}  // namespace nmsim::traffic
