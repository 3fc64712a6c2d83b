// The FF host's class-adaptation window (workloads/ff/class_window.h): alpha by hand from
// reference.h step 8, the interval, and entries leaving the window.
#include <catch2/catch.hpp>

#include "workloads/ff/class_window.h"

using nmsim::ff::ClassWindow;

TEST_CASE("ff class window: alpha from the window's error rates, every interval", "[ff][adaptation]") {
  ClassWindow w(2, 2);
  CHECK_FALSE(w.record(0, true));  // 1 of 2: alpha not recomputed yet
  CHECK(w.alpha(0) == 256);
  // Window: (0, wrong), (1, right). r_0 = 2^16, R = 2^16: a_0 = clamp(2560) = 512, the
  // other nine clamp(0) = 128; A = 512 + 9 x 128 = 1664;
  // alpha_0 = (512 x 2560 + 832) / 1664 = 788, the others (128 x 2560 + 832) / 1664 = 197.
  CHECK(w.record(1, false));
  CHECK(w.alpha(0) == 788);
  for (uint32_t c = 1; c < 10; ++c) CHECK(w.alpha(c) == 197);
  // Two right answers push both entries out: every rate is 0, alpha returns to 1.0.
  CHECK_FALSE(w.record(2, false));
  CHECK(w.alpha(0) == 788);
  CHECK(w.record(3, false));
  for (uint32_t c = 0; c < 10; ++c) CHECK(w.alpha(c) == 256);
}
