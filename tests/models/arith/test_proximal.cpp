// The readout's update arithmetic (models/arith/proximal.h), by hand: what the readout unit and
// the convex reference both execute.
#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include "models/arith/proximal.h"

using nmsim::arith::GroupNorm;
namespace arith = nmsim::arith;

TEST_CASE("proximal step: l1 soft threshold and l_inf clip, by hand", "[arith]") {
  int32_t a[] = {100, -50, 3, 0, -10};
  arith::prox_l1(a, 5, 10);
  REQUIRE(std::vector<int32_t>(a, a + 5) == std::vector<int32_t>{90, -40, 0, 0, 0});

  // sum max(|v| - theta, 0) = 5 at theta = 5.5: the largest integer level keeping the sum
  // >= 5 is 5, so the group is clipped to [-5, 5]; the bisection over 0..10 takes 3 steps.
  int32_t b[] = {10, -6, 3, 1};
  CHECK(arith::prox_linf(b, 4, 5) == 3);
  REQUIRE(std::vector<int32_t>(b, b + 4) == std::vector<int32_t>{5, -5, 3, 1});
  // A group whose l1 norm is within the threshold becomes zero (the unit is pruned).
  int32_t c[] = {2, -1, 0};
  CHECK(arith::prox(c, 3, 3, GroupNorm::kLinf) == 0);
  REQUIRE(std::vector<int32_t>(c, c + 3) == std::vector<int32_t>{0, 0, 0});
  // A zero threshold changes nothing.
  int32_t d[] = {7, -7};
  CHECK(arith::prox(d, 2, 0, GroupNorm::kLinf) == 0);
  CHECK(arith::prox(d, 2, 0, GroupNorm::kL1) == 0);
  REQUIRE(d[0] == 7);
  REQUIRE(d[1] == -7);
  REQUIRE(arith::group_norm(b, 4, GroupNorm::kL1) == 14);
  REQUIRE(arith::group_norm(b, 4, GroupNorm::kLinf) == 5);
}

TEST_CASE("proximal step: the gradient step rounds to nearest and saturates at 32 bits", "[arith]") {
  int32_t v = 10;
  arith::gradient_step(v, 0, 1);  // a zero gradient is skipped
  CHECK(v == 10);
  arith::gradient_step(v, 5, 1);  // 10 - round(2.5) = 10 - 3
  CHECK(v == 7);
  arith::gradient_step(v, -6, 2);  // 7 + round(1.5) = 7 + 2
  CHECK(v == 9);
  int32_t top = INT32_MAX - 1;
  arith::gradient_step(top, -8, 0);
  CHECK(top == INT32_MAX);
}

TEST_CASE("proximal step: the dual norm of counts is their max (l1) or their sum (l_inf)", "[arith]") {
  const uint64_t counts[] = {3, 9, 4};
  uint64_t l1 = 0, linf = 0;
  for (uint64_t c : counts) {
    l1 = arith::dual_norm_add(l1, c, GroupNorm::kL1);
    linf = arith::dual_norm_add(linf, c, GroupNorm::kLinf);
  }
  CHECK(l1 == 9);
  CHECK(linf == 16);
}
