// `nmsim compare` as a user meets it: one table row per algorithm whose figures are those of
// the same job run alone by `nmsim run` with the same configs, and clear errors for bad input.
#include <catch2/catch.hpp>

#include "tests/tools/cli_harness.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>

#include "proto/compare.pb.h"
#include "proto/report.pb.h"

namespace {

using nmsim::testing::exists;
using nmsim::testing::from_json;
using nmsim::testing::Outcome;
using nmsim::testing::run_nmsim;
using nmsim::testing::slurp;
using nmsim::testing::TempDir;

double sum_of(const nmsim::Report& report, const std::string& suffix) {
  double sum = 0;
  for (const auto& s : report.stats()) {
    const std::string& n = s.name();
    if (n.size() >= suffix.size() && n.compare(n.size() - suffix.size(), suffix.size(), suffix) == 0) sum += s.value();
  }
  return sum;
}

// The training cycles per sample the job wrote in its per-phase note.
double noted_cycles(const nmsim::Report& report) {
  const std::string prefix = "Per trained sample by phase (training part of the run):";
  for (const std::string& note : report.notes()) {
    if (note.compare(0, prefix.size(), prefix) != 0) continue;
    double total = 0, cycles = 0, uj = 0;
    char name[64];
    std::istringstream in(note.substr(prefix.size()));
    std::string item;
    while (std::getline(in, item, ';')) {
      REQUIRE(std::sscanf(item.c_str(), " %63s %lf cycles, %lf uJ", name, &cycles, &uj) == 3);
      total += cycles;
    }
    return total;
  }
  FAIL("no per-phase training note");
  return 0;
}

}  // namespace

TEST_CASE("compare: one row per algorithm, each equal to the job run alone", "[cli][compare]") {
  TempDir dir;
  const auto r = run_nmsim(dir, "compare --quiet --algorithms dfa,ff,spide,convex --json c.json "
                                "--set training.train_samples=6 --set samples=6 --set dfa:network.hidden_sizes=32 "
                                "--set ff:network.hidden_sizes=20 --set spide:network.hidden_sizes=32 "
                                "--set convex:network.hidden_sizes=20");
  INFO(r.err);
  REQUIRE(r.status == 0);
  for (const std::string name : {"| sparse DFA |", "| FF |", "| SPIDE |", "| convex |"}) {
    const std::size_t at = r.out.find(name);
    CHECK(at != std::string::npos);
    CHECK(r.out.find(name, at + 1) == std::string::npos);
  }
  CHECK(r.out.find("bit-exact") != std::string::npos);
  const auto compared = from_json<nmsim::CompareReport>(dir.file("c.json"));
  REQUIRE(compared.rows_size() == 4);
  REQUIRE(compared.reports_size() == 4);
  CHECK(compared.table() == r.out.substr(0, compared.table().size()));
  std::string chip_text;
  for (int i = 0; i < 4; ++i) {
    const nmsim::CompareRow& row = compared.rows(i);
    const nmsim::Report& in_compare = compared.reports(i);
    INFO(row.algorithm());
    // One chip for all: the same resolved chip config in every report.
    if (i == 0) chip_text = in_compare.provenance().chip_config();
    CHECK(in_compare.provenance().chip_config() == chip_text);
    std::ofstream(dir.file("chip.textproto")) << in_compare.provenance().chip_config();
    std::ofstream(dir.file("run.textproto")) << in_compare.provenance().run_config();
    const auto alone_run = run_nmsim(dir, "run --quiet --no-table --chip chip.textproto --run run.textproto --json alone.json");
    INFO(alone_run.err);
    REQUIRE(alone_run.status == 0);
    const auto alone = from_json<nmsim::Report>(dir.file("alone.json"));
    CHECK(google::protobuf::util::MessageDifferencer::Equals(alone.summary(), in_compare.summary()));
    CHECK(alone.phases_size() == in_compare.phases_size());
    // The row's figures are the job's own.
    const nmsim::Summary& s = alone.summary();
    CHECK(row.samples_trained() == 6);
    CHECK(row.samples_trained() == s.samples());
    CHECK(row.samples_tested() == 6);
    CHECK(row.test_accuracy() == s.accuracy());
    CHECK(row.energy_per_trained_sample_pj() == s.energy_per_sample_pj());
    CHECK(row.energy_per_trained_sample_pj() > 0);
    // pJ/SOP of the training part alone (report.training), not diluted by the test pass.
    REQUIRE(alone.has_training());
    CHECK(row.pj_per_sop() == alone.training().pj_per_sop());
    CHECK(alone.training().energy_pj() == Approx(s.energy_per_sample_pj() * 6).epsilon(1e-12));
    const double writes = sum_of(alone, "weight_updates");
    CHECK(writes > 0);
    CHECK(row.weight_writes_per_trained_sample() == writes / 6);
    double training_cycles = 0;
    for (const auto& p : alone.training_phases()) training_cycles += static_cast<double>(p.cycles());
    CHECK(row.cycles_per_trained_sample() == Approx(training_cycles / 6).epsilon(1e-12));
    CHECK(row.cycles_per_trained_sample() == Approx(noted_cycles(alone)).margin(1.0));  // the note rounds
    CHECK(row.cycles_per_trained_sample() > 0);
    double backward = 0, update = 0;
    for (const auto& p : alone.phases()) {
      if (p.phase() == "backward") backward = p.energy_pj();
      if (p.phase() == "update") update = p.energy_pj();
    }
    CHECK(row.backward_energy_share() == backward / (s.energy_per_sample_pj() * 6));
    CHECK(row.update_energy_share() == update / (s.energy_per_sample_pj() * 6));
    CHECK(row.update_energy_share() > 0);
    CHECK(row.backward_energy_share() > 0);
    CHECK(row.backward_energy_share() < 1);
    CHECK(row.spide_memory_leakage_pj_per_trained_sample() > 0);
    CHECK(row.reference_checked());
    CHECK(row.reference_matches());
    if (i == 0) {
      // The SPIDE-only memories cost DFA exactly their leakage: the same job on a chip without
      // them takes the same cycles and that much less energy (the row's figure uses the
      // note's cycles per sample, rounded to whole cycles per phase: 1e-3 covers that).
      const auto plain_run = run_nmsim(dir, "run --quiet --no-table --chip chip.textproto --run run.textproto "
                                            "--set core.ternary_couples=false --set core.transposed_read=TRANSPOSED_READ_NONE "
                                            "--json plain.json");
      INFO(plain_run.err);
      REQUIRE(plain_run.status == 0);
      const auto plain = from_json<nmsim::Report>(dir.file("plain.json"));
      CHECK(plain.summary().cycles() == s.cycles());
      CHECK(row.spide_memory_leakage_pj_per_trained_sample() ==
            Approx(s.energy_per_sample_pj() - plain.summary().energy_per_sample_pj()).epsilon(1e-3));
    }
  }
  CHECK(compared.rows(0).network() == "784-32-10");
  CHECK(compared.rows(2).time_steps() == "16 + 16");
}

TEST_CASE("compare: bad algorithms and per-algorithm data settings are refused before any run", "[cli][compare]") {
  TempDir dir;
  const auto unknown = run_nmsim(dir, "compare --quiet --algorithms dfa,bogus --json c.json");
  CHECK(unknown.status == 2);
  CHECK(unknown.err.find("--algorithms dfa,bogus: unknown algorithm 'bogus'") != std::string::npos);
  const auto twice = run_nmsim(dir, "compare --quiet --algorithms ff,ff --json c.json");
  CHECK(twice.status == 2);
  CHECK(twice.err.find("named twice") != std::string::npos);
  const auto samples = run_nmsim(dir, "compare --quiet --algorithms dfa,spide --set spide:samples=3 --json c.json");
  CHECK(samples.status == 2);
  CHECK(samples.err.find("run.samples") != std::string::npos);
  const auto chip = run_nmsim(dir, "compare --quiet --algorithms dfa --set dfa:core.neurons=128 --json c.json");
  CHECK(chip.status == 2);
  CHECK(chip.err.find("one chip") != std::string::npos);
  // A job's own config error names the algorithm and the field.
  const auto spide = run_nmsim(dir, "compare --quiet --algorithms spide --set spide:training.batch_size=2 "
                                    "--set training.train_samples=2 --set samples=2 --json c.json");
  CHECK(spide.status == 2);
  CHECK(spide.err.find("spide: run.training.batch_size = 2") != std::string::npos);
  // Fields no chosen algorithm reads: in the shared run, and behind another algorithm's prefix.
  const auto shared = run_nmsim(dir, "compare --quiet --algorithms dfa,ff --set spide.logit_shift=3 --json c.json");
  CHECK(shared.status == 2);
  CHECK(shared.err.find("run.spide.logit_shift = 3: set, but WORKLOAD_DFA and WORKLOAD_FF do not read run.spide") !=
        std::string::npos);
  const auto prefixed = run_nmsim(dir, "compare --quiet --algorithms dfa,ff --set ff:dfa.hidden_lr_shift=3 --json c.json");
  CHECK(prefixed.status == 2);
  CHECK(prefixed.err.find("run.dfa.hidden_lr_shift = 3: set, but WORKLOAD_FF does not read run.dfa") != std::string::npos);
  CHECK_FALSE(exists(dir.file("c.json")));
}
