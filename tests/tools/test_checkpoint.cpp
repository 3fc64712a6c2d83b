// Checkpoint and resume of `nmsim study` (workloads/job/study_checkpoint.h): for DFA, FF,
// SPIDE and convex a small study run whole, the same study writing checkpoints (its report
// must not change), and a new process resuming the last checkpoint, taken in the middle of
// the second epoch (convex: also in the middle of its first refit epoch): its report (wall
// times and command line aside), DFA's saved weights and convex's final readout must equal
// the uninterrupted study's. Then the refusals: a missing, a damaged and a mismatched
// checkpoint, and a convex state that does not fit, each with its exit status, a message
// naming the culprit and nothing written.
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

// The report without what differs between two runs of one study: wall times, the command and
// convex's note of the time its spike trains took.
nmsim::StudyReport comparable(nmsim::StudyReport report) {
  for (auto& epoch : *report.mutable_epochs()) epoch.clear_wall_seconds();
  auto& notes = *report.mutable_notes();
  for (int i = notes.size() - 1; i >= 0; --i) {
    const std::string& note = notes.Get(i);
    if (note.rfind("command: ", 0) == 0 || note.find(" computed once in ") != std::string::npos)
      notes.DeleteSubrange(i, 1);
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

// A refused study: its exit status, a message naming the culprit, nothing written.
struct Case {
  std::string args;
  int status;
  std::string message;
};

template <std::size_t n>
void check_refused(const TempDir& dir, const Case (&cases)[n]) {
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
}

nmsim::StudyCheckpoint checkpoint_in(const std::string& path) {
  nmsim::StudyCheckpoint checkpoint;
  REQUIRE(checkpoint.ParseFromString(slurp(path)));
  return checkpoint;
}

// What a study ends with besides its report, compared too: nothing, the saved weights (DFA),
// or the reference's state in the checkpoint taken after the last epoch (convex: v, A_tau,
// the refit's units, the solver's phase and last objective).
enum class Trained { kNone, kWeightsFile, kFinalState };

// Whole, checkpointed (every `every` samples) and resumed runs of one study; the last
// checkpoint must be taken after sample `sample` of epoch `epoch` (0-based).
void check_resume_equals_whole(const std::string& study, uint32_t every, uint32_t epoch, uint32_t sample,
                               Trained trained) {
  TempDir dir;
  const std::string whole_outputs = trained == Trained::kWeightsFile ? " --save-weights whole.weights"
                                    : trained == Trained::kFinalState ? " --checkpoint whole_end.bin"
                                                                      : "";
  const std::string resumed_outputs = trained == Trained::kWeightsFile ? " --save-weights resumed.weights"
                                      : trained == Trained::kFinalState ? " --checkpoint resumed_end.bin"
                                                                        : "";
  run_ok(dir, study + " --json whole.json" + whole_outputs);
  run_ok(dir, study + " --json checkpointed.json --checkpoint ck.bin --checkpoint-every " + std::to_string(every));
  require_same(dir.file("whole.json"), dir.file("checkpointed.json"));  // checkpoints change nothing

  const nmsim::StudyCheckpoint checkpoint = checkpoint_in(dir.file("ck.bin"));
  CHECK(checkpoint.epoch() == epoch);
  CHECK(checkpoint.sample() == sample);
  CHECK(checkpoint.report().epochs_size() == static_cast<int>(epoch));
  CHECK(checkpoint.predictions_size() == static_cast<int>(sample));

  const Outcome resumed = run_ok(dir, study + " --json resumed.json --resume ck.bin" + resumed_outputs);
  require_same(dir.file("whole.json"), dir.file("resumed.json"));
  CHECK(resumed.out.find("    1  ") != std::string::npos);  // the restored epoch is shown too
  if (trained == Trained::kWeightsFile) CHECK(slurp(dir.file("whole.weights")) == slurp(dir.file("resumed.weights")));
  if (trained == Trained::kFinalState) {
    CHECK(checkpoint_in(dir.file("whole_end.bin")).reference().SerializeAsString() ==
          checkpoint_in(dir.file("resumed_end.bin")).reference().SerializeAsString());
  }
  CHECK(temporaries_in(dir.path()).empty());
}

// The DFA, FF and SPIDE studies, online: the last checkpoint is after sample 100, the 40th of
// the second epoch.
void check_online_resume(const std::string& workload, Trained trained) {
  check_resume_equals_whole(kStudy + workload, kEvery, 1, 2 * kEvery - kEpochSamples, trained);
}

// A small convex study that learns and prunes in two epochs (beta 30 % of beta_max; the
// tolerance 0 so every epoch runs), in batches of 8: an epoch's batches end after samples
// 8, 16, ..., 56 and 60.
const std::string kConvexStudy =
    kStudy + "--workload convex --set network.hidden_sizes=40 --set convex.batch_size=8 --set convex.eta_shift=10 "
             "--set convex.beta_fraction=0.3 --set convex.tolerance=0";

}  // namespace

TEST_CASE("checkpoint: a resumed DFA study ends as the whole one, weights too", "[cli][checkpoint]") {
  check_online_resume("--workload dfa --set network.hidden_sizes=64", Trained::kWeightsFile);
}

TEST_CASE("checkpoint: a resumed FF study ends as the whole one", "[cli][checkpoint]") {
  check_online_resume("--workload ff --set network.hidden_sizes=60 --set ff.class_adaptation=true --set ff.adaptation_window=20 --set ff.adaptation_interval=7", Trained::kNone);
}

TEST_CASE("checkpoint: a resumed SPIDE study ends as the whole one", "[cli][checkpoint]") {
  check_online_resume("--workload spide --set network.hidden_sizes=64", Trained::kNone);
}

TEST_CASE("checkpoint: a resumed convex study ends as the whole one, its readout too", "[cli][checkpoint][convex]") {
  // Every 45 samples: the multiple 90 is passed by the batch ending after sample 92 of the
  // study, the 32nd of the second epoch (135 is beyond the 120 samples of the study).
  check_resume_equals_whole(kConvexStudy, 45, 1, 32, Trained::kFinalState);
}

TEST_CASE("checkpoint: a convex study resumed in its first refit epoch ends as the whole one", "[cli][checkpoint][convex]") {
  // Two solve and two refit epochs (240 samples); every 130: the multiple 130 is passed by the
  // batch ending after sample 136 of the study, the 16th of epoch 2, the first refit epoch.
  check_resume_equals_whole(kConvexStudy + " --set convex.refit_epochs=2", 130, 2, 16, Trained::kFinalState);
}

TEST_CASE("checkpoint: each epoch by default, a finished study resumes to the same report", "[cli][checkpoint]") {
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
      {kConvexStudy + " --resume ck.bin", kUsage, "ck.bin: the checkpoint was made with another run config"},
      {kConvexStudy + " --save-weights new.bin", kUsage, "--save-weights: convex's readout"},
      {kStudy + "--workload spide --set network.hidden_sizes=32 --save-weights new.bin", kUsage,
       "--save-weights: SPIDE's recurrent network"},
  };
  check_refused(dir, cases);
  CHECK(slurp(dir.file("ck.bin")) == good);  // a refused resume leaves its checkpoint as it was
}

TEST_CASE("checkpoint: a convex checkpoint of another config, or whose state does not fit, is refused", "[cli][checkpoint][convex]") {
  TempDir dir;
  run_ok(dir, kConvexStudy + " --json made.json --checkpoint ck.bin --checkpoint-every 45");
  const nmsim::StudyCheckpoint good = checkpoint_in(dir.file("ck.bin"));
  REQUIRE(good.reference().arrays_size() == 4);  // readout, tau_accumulator, refit_units, solver_phase
  const auto write_changed = [&dir, &good](const std::string& name, const auto& change) {
    nmsim::StudyCheckpoint checkpoint = good;
    change(*checkpoint.mutable_reference());
    std::ofstream(dir.file(name), std::ios::binary) << checkpoint.SerializeAsString();
  };
  write_changed("short_readout.bin", [](nmsim::ReferenceState& s) { s.mutable_arrays(0)->mutable_values()->RemoveLast(); });
  write_changed("late_epoch.bin", [](nmsim::ReferenceState& s) { s.mutable_arrays(3)->set_values(1, 2); });
  write_changed("refit_units.bin", [](nmsim::ReferenceState& s) { s.mutable_arrays(2)->add_values(1); });
  write_changed("no_objective.bin", [](nmsim::ReferenceState& s) { s.clear_reals(); });

  const Case cases[] = {
      {kConvexStudy + " --set convex.beta_fraction=0.2 --resume ck.bin", kUsage,
       "ck.bin: the checkpoint was made with another run config"},
      {kStudy + "--workload dfa --set network.hidden_sizes=40 --resume ck.bin", kUsage, "another run config"},
      {kConvexStudy + " --resume short_readout.bin", kData, "state array `readout` holds"},
      // A study of two epochs cannot be in its third (epoch 2 of the solve).
      {kConvexStudy + " --resume late_epoch.bin", kData, "state array `solver_phase` is out of its range"},
      {kConvexStudy + " --resume refit_units.bin", kData, "state array `refit_units` holds 1 values, the study's 40"},
      {kConvexStudy + " --resume no_objective.bin", kData, "state value 0 is not `previous_objective`"},
  };
  check_refused(dir, cases);
}
