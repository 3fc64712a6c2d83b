// Prediction tie-breaking and accuracy bookkeeping.
#include <catch2/catch.hpp>

#include "workloads/common/metrics.h"

using namespace nmsim::workloads;

TEST_CASE("predict takes the argmax of counts, ties by potential, then index", "[metrics]") {
  REQUIRE(predict({0, 3, 1, 2}, {9, 0, 9, 9}) == 1);        // count decides
  REQUIRE(predict({2, 3, 3, 1}, {0, 5, 7, 100}) == 2);      // tie 1 vs 2: potential 7 > 5
  REQUIRE(predict({2, 3, 3, 1}, {0, 7, 5, 100}) == 1);
  REQUIRE(predict({3, 3, 3}, {-4, -4, -4}) == 0);           // full tie: lowest index
  REQUIRE(predict({0, 1, 1}, {50, -2, -2}) == 1);           // potential of a lower count ignored
  REQUIRE(predict({0, 0, 0, 0}, {-10, -3, -3, -20}) == 1);  // silent outputs: potentials decide
  REQUIRE(predict({5}, {0}) == 0);
}

TEST_CASE("accuracy meter counts overall and per class", "[metrics]") {
  AccuracyMeter m(3);
  REQUIRE(m.accuracy() == 0.0);
  m.add(0, 0);
  m.add(0, 1);
  m.add(1, 1);
  m.add(1, 1);
  m.add(1, 0);
  m.add(0, 0);
  // class 0: 2 of 3; class 1: 2 of 3; class 2: none seen.
  REQUIRE(m.total() == 6);
  REQUIRE(m.correct() == 4);
  REQUIRE(m.accuracy() == Approx(4.0 / 6.0).epsilon(1e-15));
  const std::vector<double> pc = m.per_class();
  REQUIRE(pc.size() == 3);
  REQUIRE(pc[0] == Approx(2.0 / 3.0).epsilon(1e-15));
  REQUIRE(pc[1] == Approx(2.0 / 3.0).epsilon(1e-15));
  REQUIRE(pc[2] == 0.0);
  REQUIRE(m.class_total() == std::vector<uint64_t>{3, 3, 0});
  REQUIRE(m.class_correct() == std::vector<uint64_t>{2, 2, 0});
}
