// Which samples a study trains and tests, shared by every algorithm's study and chip job.
#include <catch2/catch.hpp>

#include "models/base/errors.h"
#include "workloads/common/study_setup.h"

using namespace nmsim;

namespace {

workloads::DatasetSplit split_of(uint32_t train, uint32_t test) {
  workloads::DatasetSplit split;
  split.train.count = train;
  split.test.count = test;
  return split;
}

}  // namespace

TEST_CASE("study setup: test samples are strided evenly, 0 means all", "[study]") {
  // floor(k * 10 / 4) for k = 0..3: 0, 2, 5, 7.
  CHECK(workloads::evenly_strided(4, 10) == std::vector<uint32_t>{0, 2, 5, 7});
  CHECK(workloads::evenly_strided(0, 3) == std::vector<uint32_t>{0, 1, 2});
  CHECK(workloads::evenly_strided(3, 3) == std::vector<uint32_t>{0, 1, 2});
  CHECK_THROWS_WITH(workloads::evenly_strided(4, 3), Catch::Contains("run.samples = 4"));
}

TEST_CASE("study setup: training samples per epoch, and too many of either is a config error", "[study]") {
  RunConfig run;
  run.mutable_training()->set_train_samples(0);
  run.set_samples(2);
  const auto all = workloads::study_samples(run, split_of(50, 10));
  CHECK(all.train_per_epoch == 50);
  CHECK(all.test_indices == std::vector<uint32_t>{0, 5});
  run.mutable_training()->set_train_samples(20);
  CHECK(workloads::study_samples(run, split_of(50, 10)).train_per_epoch == 20);
  run.mutable_training()->set_train_samples(51);
  CHECK_THROWS_AS(workloads::study_samples(run, split_of(50, 10)), ConfigError);
  CHECK_THROWS_WITH(workloads::study_samples(run, split_of(50, 10)),
                    Catch::Contains("run.training.train_samples = 51"));
}
