// Checkpoint and resume of `nmsim study` (workloads/job/study_checkpoint.h): for DFA, FF and
// SPIDE a small study run whole, the same study writing checkpoints (its report must not
// change), and a new process resuming the last checkpoint, taken in the middle of the second
// epoch: its report (wall times and command line aside) and DFA's saved weights must equal
// the uninterrupted study's. Then the refusals: a missing, a damaged and a mismatched
// checkpoint, and the convex study, each with its exit status, a message naming the culprit
// and nothing written.
#include <catch2/catch.hpp>

#include <fstream>
#include <string>

#include <google/protobuf/util/message_differencer.h>

#include "proto/checkpoint.pb.h"
#include "proto/training.pb.h"
#include "tests/tools/cli_harness.h"

using nmsim::testing::exists;
using nmsim::testing::from_json;
using nmsim::testing::Outcome;
using nmsim::testing::run_nmsim;
using nmsim::testing::slurp;
using nmsim::testing::TempDir;
using nmsim::testing::temporaries_in;

namespace {

constexpr int kUsage = 2;
constexpr int kData = 3;

// Two epochs of 60 training samples (100 test samples): a checkpoint every 50 samples is
// last taken after sample 100, the 40th of the second epoch.
const std::string kStudy = "study --set training.epochs=2 --set training.train_samples=60 --set samples=100 ";
constexpr uint32_t kEvery = 50;
constexpr uint32_t kEpochSamples = 60;

// The report without what differs between two runs of one study: wall times and the command.
nmsim::StudyReport comparable(nmsim::StudyReport report) {
  for (auto& epoch : *report.mutable_epochs()) epoch.clear_wall_seconds();
  auto& notes = *report.mutable_notes();
  for (int i = notes.size() - 1; i >= 0; --i) {
    if (notes.Get(i).rfind("command: ", 0) == 0) notes.DeleteSubrange(i, 1);
  }
  return report;
}

void require_same(const std::string& a, const std::string& b) {
  google::protobuf::util::MessageDifferencer differencer;
  std::string differences;
  differencer.ReportDifferencesToString(&differences);
  const bool same = differencer.Compare(comparable(from_json<nmsim::StudyReport>(a)),
                                        comparable(from_json<nmsim::StudyReport>(b)));
  INFO(a << " vs " << b << ": " << differences);
  REQUIRE(same);
}

Outcome run_ok(const TempDir& dir, const std::string& args) {
  const Outcome outcome = run_nmsim(dir, args);
  INFO("nmsim " << args << "\nstderr: " << outcome.err);
  REQUIRE(outcome.status == 0);
  return outcome;
}

// Whole, checkpointed and resumed runs of one workload's study (`workload` its options).
void check_resume_equals_whole(const std::string& workload, bool weights) {
  TempDir dir;
  const std::string study = kStudy + workload;
  run_ok(dir, study + " --json whole.json" + (weights ? " --save-weights whole.weights" : ""));
  run_ok(dir, study + " --json checkpointed.json --checkpoint ck.bin --checkpoint-every " + std::to_string(kEvery));
  require_same(dir.file("whole.json"), dir.file("checkpointed.json"));  // checkpoints change nothing

  nmsim::StudyCheckpoint checkpoint;
  REQUIRE(checkpoint.ParseFromString(slurp(dir.file("ck.bin"))));
  CHECK(checkpoint.epoch() == 1);  // the second epoch, in its middle
  CHECK(checkpoint.sample() == 2 * kEvery - kEpochSamples);
  CHECK(checkpoint.report().epochs_size() == 1);
  CHECK(checkpoint.predictions_size() == static_cast<int>(checkpoint.sample()));

  const Outcome resumed =
      run_ok(dir, study + " --json resumed.json --resume ck.bin" + (weights ? " --save-weights resumed.weights" : ""));
  require_same(dir.file("whole.json"), dir.file("resumed.json"));
  CHECK(resumed.out.find("    1  ") != std::string::npos);  // the restored epoch is shown too
  if (weights) CHECK(slurp(dir.file("whole.weights")) == slurp(dir.file("resumed.weights")));
  CHECK(temporaries_in(dir.path()).empty());
}

}  // namespace

TEST_CASE("checkpoint: a resumed DFA study ends as the whole one, weights too", "[cli][checkpoint]") {
  check_resume_equals_whole("--workload dfa --set network.hidden_sizes=64", true);
}

TEST_CASE("checkpoint: a resumed FF study ends as the whole one", "[cli][checkpoint]") {
  check_resume_equals_whole("--workload ff --set network.hidden_sizes=60 --set ff.class_adaptation=true --set ff.adaptation_window=20 --set ff.adaptation_interval=7", false);
}

TEST_CASE("checkpoint: a resumed SPIDE study ends as the whole one", "[cli][checkpoint]") {
  check_resume_equals_whole("--workload spide --set network.hidden_sizes=64", false);
}

TEST_CASE("checkpoint: each epoch by default; a finished study resumes to the same report", "[cli][checkpoint]") {
  TempDir dir;
  const std::string study = kStudy + "--workload dfa --set network.hidden_sizes=32";
  run_ok(dir, study + " --json whole.json --checkpoint ck.bin");
  nmsim::StudyCheckpoint checkpoint;
  REQUIRE(checkpoint.ParseFromString(slurp(dir.file("ck.bin"))));
  CHECK(checkpoint.epoch() == 2);  // after the last epoch
  CHECK(checkpoint.sample() == 0);
  run_ok(dir, study + " --json resumed.json --resume ck.bin");
  require_same(dir.file("whole.json"), dir.file("resumed.json"));
}

TEST_CASE("checkpoint: bad checkpoints and options are refused, nothing written", "[cli][checkpoint]") {
  TempDir dir;
  const std::string study = kStudy + "--workload dfa --set network.hidden_sizes=32";
  run_ok(dir, study + " --json made.json --checkpoint ck.bin");
  const std::string good = slurp(dir.file("ck.bin"));
  std::ofstream(dir.file("damaged.bin"), std::ios::binary) << good.substr(0, good.size() / 2);
  std::ofstream(dir.file("text.bin")) << "not a checkpoint\n";

  struct Case {
    std::string args;
    int status;
    std::string message;
  };
  const Case cases[] = {
      {study + " --resume missing.bin", kData, "missing.bin: cannot read (No such file or directory)"},
      {study + " --resume damaged.bin", kData, "damaged.bin: not an nmsim study checkpoint, or damaged"},
      {study + " --resume text.bin", kData, "text.bin: not an nmsim study checkpoint, or damaged"},
      {study + " --resume .", kData, ".: cannot read (Is a directory)"},
      {kStudy + "--workload dfa --set network.hidden_sizes=33 --resume ck.bin", kUsage,
       "ck.bin: the checkpoint was made with another run config"},
      {study + " --set core.neurons=128 --resume ck.bin", kUsage,
       "ck.bin: the checkpoint was made with another chip config"},
      {kStudy + "--workload ff --set network.hidden_sizes=30 --resume ck.bin", kUsage, "another run config"},
      {study + " --checkpoint-every 10", kUsage, "--checkpoint-every: needs --checkpoint FILE"},
      {study + " --checkpoint new.bin --checkpoint-every 0", kUsage, "--checkpoint-every 0: must be at least 1"},
      {study + " --checkpoint new.bin --checkpoint-every -5", kUsage, "checkpoint-every"},
      {study + " --checkpoint missing_folder/new.bin", kUsage, "missing_folder"},
      {kStudy + "--workload convex --set network.hidden_sizes=32 --checkpoint new.bin", kUsage,
       "the convex study does not take checkpoints"},
  };
  for (const Case& c : cases) {
    INFO("nmsim " << c.args);
    const Outcome outcome = run_nmsim(dir, c.args + " --json out.json");
    INFO("stderr: " << outcome.err);
    CHECK(outcome.status == c.status);
    CHECK(outcome.err.find(c.message) != std::string::npos);
    CHECK(!exists(dir.file("out.json")));
    CHECK(!exists(dir.file("new.bin")));
    CHECK(temporaries_in(dir.path()).empty());
  }
  CHECK(slurp(dir.file("ck.bin")) == good);  // a refused resume leaves its checkpoint as it was
}
