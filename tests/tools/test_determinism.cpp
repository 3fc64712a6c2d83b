// Determinism: the same configs and seed give byte-identical reports, whether run once after
// another or at the same time. Only what the host decides may differ: wall time, the speeds
// derived from it, and the command line (it names the output file).
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>

#include "tests/tools/cli_harness.h"

using nmsim::testing::slurp;
using nmsim::testing::TempDir;

namespace {

// The report's text without the lines of host-dependent fields (one field per line: the
// JSON is indented).
std::string without_host_fields(const std::string& json) {
  static const char* const kHostFields[] = {"\"command_line\"", "\"wall_seconds\"", "\"reference_wall_seconds\"",
                                            "\"simulated_cycles_per_second\"", "\"sops_per_second\""};
  std::istringstream in(json);
  std::string line, kept;
  while (std::getline(in, line)) {
    bool host = false;
    for (const char* field : kHostFields) host = host || line.find(field) != std::string::npos;
    if (!host) kept += line + "\n";
  }
  return kept;
}

// Runs `nmsim ARGS --json a.json` alone, then twice at the same time (b.json, c.json), and
// requires the three reports to be equal byte for byte, host fields aside.
void check_deterministic(const std::string& args) {
  TempDir dir;
  const auto command = [&](const std::string& json) {
    return "'" NMSIM_BINARY "' " + args + " --quiet --json " + json + " > " + json + ".out 2>&1";
  };
  std::ofstream(dir.file("runs.sh")) << "cd '" << dir.path() << "' || exit 1\n"
                                     << command("a.json") << " || exit 1\n"
                                     << command("b.json") << " & b=$!\n"
                                     << command("c.json") << " & c=$!\n"
                                     << "wait $b && wait $c\n";
  INFO("nmsim " << args);
  REQUIRE(std::system(("bash '" + dir.file("runs.sh") + "'").c_str()) == 0);
  const std::string a = slurp(dir.file("a.json"));
  REQUIRE(a.size() > 1000);
  REQUIRE(without_host_fields(a) == without_host_fields(slurp(dir.file("b.json"))));
  REQUIRE(without_host_fields(a) == without_host_fields(slurp(dir.file("c.json"))));
  // The host fields are there and the filter removed only them.
  REQUIRE(a.find("\"wall_seconds\"") != std::string::npos);
}

}  // namespace

TEST_CASE("determinism: inference reports are identical run after run and side by side", "[cli][determinism]") {
  check_deterministic("run --workload inference --set samples=20");
}

TEST_CASE("determinism: every training workload, shuffled and stochastic parts included", "[cli][determinism]") {
  check_deterministic(
      "run --workload dfa --set training.train_samples=30 --set samples=10 --set dfa.rounding=DFA_ROUNDING_STOCHASTIC");
  check_deterministic("run --workload ff --set training.train_samples=20 --set samples=10");
  check_deterministic(
      "run --workload spide --set core.ternary_couples=true --set core.transposed_read=TRANSPOSED_COPY "
      "--set network.hidden_sizes=64 --set training.train_samples=10 --set samples=5");
  check_deterministic(
      "run --workload convex --set network.hidden_sizes=100 --set training.train_samples=64 --set samples=10 "
      "--set training.epochs=1");
}

TEST_CASE("determinism: synthetic traffic with random destinations", "[cli][determinism]") {
  check_deterministic("traffic --set traffic.pattern=TRAFFIC_UNIFORM_RANDOM --set traffic.injection=INJECTION_POISSON --set traffic.measure_cycles=2000");
}
