// The integer softmax: table entries, exact probabilities for hand-computed logits.
#include <catch2/catch.hpp>

#include <vector>

#include "workloads/common/softmax.h"

using namespace nmsim::workloads;

TEST_CASE("softmax: the exp table holds round(2^16 exp(-i/16))", "[softmax]") {
  const auto& t = softmax_exp_table();
  CHECK(t[0] == 65536);
  CHECK(t[16] == 24109);  // 65536 / e = 24109.3
  CHECK(t[188] == 1);     // 65536 exp(-11.75) = 0.52
  CHECK(t[189] == 0);     // 65536 exp(-11.8125) = 0.49: the table is 0 from here on
  CHECK(t[255] == 0);
  for (int i = 1; i < kSoftmaxTableSize; ++i) CHECK(t[i] <= t[i - 1]);
}

TEST_CASE("softmax: equal logits give equal shares, one dominant logit takes all", "[softmax]") {
  int32_t z[4] = {100, 100, 100, 100};
  int32_t p[4];
  softmax_q8(z, 4, p);
  // e = 65536 each, S = 2^18, R = 2^22, p = 2^16 2^22 / 2^32 = 64.
  for (int32_t v : p) CHECK(v == 64);
  int32_t far[3] = {5000, 0, -100};  // d = 5000/256 = 19.5 > 16: the others are 0
  softmax_q8(far, 3, p);
  CHECK(p[0] == 256);
  CHECK(p[1] == 0);
  CHECK(p[2] == 0);
}

TEST_CASE("softmax: two logits one unit apart", "[softmax]") {
  // z = {256, 0}: d = 256 (Q8) -> i = (256 + 8) >> 4 = 16 -> e1 = t[16].
  const auto& t = softmax_exp_table();
  int32_t z[2] = {256, 0};
  int32_t p[2];
  softmax_q8(z, 2, p);
  const uint64_t sum = 65536 + t[16];
  const uint64_t r = (uint64_t{1} << 40) / sum;
  CHECK(p[0] == static_cast<int32_t>((65536 * r + (uint64_t{1} << 31)) >> 32));
  CHECK(p[1] == static_cast<int32_t>((t[16] * r + (uint64_t{1} << 31)) >> 32));
  // 1 / (1 + e^-1) = 0.7311 -> 187.2 in Q8; e^-1 / (1 + e^-1) = 0.2689 -> 68.8.
  CHECK(p[0] == 187);
  CHECK(p[1] == 69);
}
