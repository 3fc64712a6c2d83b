// nmsim sweep end to end: the CSV against each point's report, a failing point, a sweep killed
// and run again, and a bad point refused before anything runs.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <google/protobuf/util/json_util.h>

#include "proto/report.pb.h"
#include "tests/tools/cli_harness.h"

namespace {

using nmsim::testing::exists;
using nmsim::testing::run_nmsim;
using nmsim::testing::slurp;
using nmsim::testing::TempDir;

void write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<std::string> cells_of(const std::string& line) {  // no quoted commas in these rows
  std::vector<std::string> cells;
  std::istringstream in(line);
  for (std::string cell; std::getline(in, cell, ',');) cells.push_back(cell);
  if (!line.empty() && line.back() == ',') cells.emplace_back();
  return cells;
}

std::string cell(const std::vector<std::string>& header, const std::vector<std::string>& row, const std::string& name) {
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) return row.at(i);
  }
  FAIL("no column " << name);
  return "";
}

// The CSV without its last column (the simulator's wall time, which no two runs share).
std::string without_wall_time(const std::string& csv) {
  std::string out;
  for (const auto& line : lines_of(csv)) out += line.substr(0, line.rfind(',')) + "\n";
  return out;
}

nmsim::Report report_of(const std::string& path) {
  nmsim::Report report;
  REQUIRE(google::protobuf::util::JsonStringToMessage(slurp(path), &report).ok());
  return report;
}

// 2 x 2 points of three-digit inference.
const char* kSmallSweep = R"(name: "small"
set: "workload=WORKLOAD_INFERENCE"
set: "samples=3"
axes { field { path: "noc.buffer_depth_flits" values: ["2", "4"] } }
axes { field { path: "core.synapse_sram.banks" values: ["1", "4"] } }
)";

}  // namespace

TEST_CASE("sweep CSV: the header, and a row equal to its point's report", "[sweep][cli]") {
  TempDir dir;
  write(dir.file("small.textproto"), kSmallSweep);
  const auto outcome = run_nmsim(dir, "sweep small.textproto --out results -j 2 --quiet");
  INFO(outcome.err);
  REQUIRE(outcome.status == 0);
  const auto lines = lines_of(slurp(dir.file("results/small.csv")));
  REQUIRE(lines.size() == 5);
  const auto header = cells_of(lines[0]);
  REQUIRE(header.size() >= 10);
  CHECK(std::vector<std::string>(header.begin(), header.begin() + 10) ==
        std::vector<std::string>{"point", "noc.buffer_depth_flits", "core.synapse_sram.banks", "status", "exit_status",
                                 "error", "cycles", "simulated_time_s", "sops", "samples"});
  CHECK(header.back() == "wall_s");

  const auto row = cells_of(lines[3]);  // point 2: depth 4, one bank
  REQUIRE(row.size() == header.size());
  CHECK(cell(header, row, "point") == "2");
  CHECK(cell(header, row, "noc.buffer_depth_flits") == "4");
  CHECK(cell(header, row, "core.synapse_sram.banks") == "1");
  CHECK(cell(header, row, "status") == "ok");
  const nmsim::Report report = report_of(dir.file("results/points/p000002.json"));
  CHECK(report.provenance().chip_config().find("buffer_depth_flits: 4") != std::string::npos);
  CHECK(cell(header, row, "cycles") == std::to_string(report.summary().cycles()));
  CHECK(cell(header, row, "sops") == std::to_string(report.summary().sops()));
  CHECK(cell(header, row, "sram_reads") == std::to_string(report.summary().sram_reads()));
  CHECK(cell(header, row, "noc_hops") == std::to_string(report.summary().noc_hops()));
  CHECK(std::stod(cell(header, row, "energy_pJ")) == report.summary().energy_pj());
  CHECK(std::stod(cell(header, row, "leakage_energy_pJ")) == report.summary().leakage_energy_pj());
  CHECK(std::stod(cell(header, row, "energy_per_sop_pJ")) == report.summary().pj_per_sop());
  CHECK(std::stod(cell(header, row, "forward_energy_pJ")) == report.phases(1).energy_pj());
  CHECK(std::stod(cell(header, row, "accuracy")) == report.summary().accuracy());
  CHECK(std::stod(cell(header, row, "wall_s")) == report.speed().wall_seconds());

  // Energy by component class: each class's components summed, the classes adding up to the total.
  double cores = 0, classes = 0;
  for (const auto& component : report.components()) {
    if (component.component_class() == nmsim::COMPONENT_CORE) cores += component.leakage_pj() + component.dynamic_pj();
  }
  CHECK(std::stod(cell(header, row, "core_energy_pJ")) == cores);
  for (const char* name : {"core", "sram", "router", "network_interface", "host_link", "barrier"}) {
    classes += std::stod(cell(header, row, std::string(name) + "_energy_pJ"));
  }
  CHECK(classes == Approx(report.summary().energy_pj()).epsilon(1e-12));  // the same terms, summed in another order
  CHECK(std::stod(cell(header, row, "sram_leakage_pJ")) > 0);
}

TEST_CASE("sweep: a failing point records its error and the others run", "[sweep][cli]") {
  TempDir dir;
  write(dir.file("f.textproto"), R"(name: "f"
set: "workload=WORKLOAD_INFERENCE"
set: "samples=2"
axes { field { path: "data_dir" values: ["", "/nonexistent-nmsim-data"] } })");
  const auto outcome = run_nmsim(dir, "sweep f.textproto --out r -j 1");
  CHECK(outcome.status == 6);
  const auto lines = lines_of(slurp(dir.file("r/f.csv")));
  REQUIRE(lines.size() == 3);
  const auto header = cells_of(lines[0]);
  const auto ok = cells_of(lines[1]), failed = cells_of(lines[2]);
  CHECK(cell(header, ok, "status") == "ok");
  CHECK(cell(header, failed, "status") == "failed");
  CHECK(cell(header, failed, "exit_status") == "3");
  CHECK(cell(header, failed, "error").find("/nonexistent-nmsim-data") != std::string::npos);
  CHECK(cell(header, failed, "cycles").empty());
  CHECK(outcome.err.find("2 point(s) run (1 failed)") != std::string::npos);

  // Run again: nothing runs (a failed point is finished) unless failed points are retried.
  const auto again = run_nmsim(dir, "sweep f.textproto --out r");
  CHECK(again.err.find("0 point(s) run (0 failed), 2 recorded before") != std::string::npos);
  const auto retry = run_nmsim(dir, "sweep f.textproto --out r --retry-failed");
  CHECK(retry.err.find("1 point(s) run (1 failed), 1 recorded before") != std::string::npos);
}

TEST_CASE("sweep killed and run again: finished points are kept, none is half-written", "[sweep][cli]") {
  TempDir dir;
  write(dir.file("k.textproto"), R"(name: "k"
set: "workload=WORKLOAD_INFERENCE"
set: "samples=20"
axes { field { path: "noc.buffer_depth_flits" values: ["1", "2", "3", "4", "5", "6"] } })");
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    REQUIRE(chdir(dir.path().c_str()) == 0);
    freopen("/dev/null", "w", stderr);
    execl(NMSIM_BINARY, NMSIM_BINARY, "sweep", "k.textproto", "--out", "r", "-j", "1", nullptr);
    _exit(127);
  }
  // Stop it once two points have ended.
  for (int i = 0; i < 1200 && !exists(dir.file("r/points/p000001.row")); ++i) usleep(50000);
  REQUIRE(exists(dir.file("r/points/p000001.row")));
  kill(pid, SIGTERM);
  int raw = 0;
  REQUIRE(waitpid(pid, &raw, 0) == pid);
  REQUIRE(WIFEXITED(raw));
  CHECK(WEXITSTATUS(raw) == 128 + SIGTERM);

  const auto partial = lines_of(slurp(dir.file("r/k.csv")));
  REQUIRE(partial.size() >= 3);  // the header and at least the two finished points
  CHECK(partial.size() < 7);
  for (std::size_t i = 1; i < partial.size(); ++i) CHECK(cells_of(partial[i]).size() == cells_of(partial[0]).size());
  const std::size_t finished = partial.size() - 1;

  const auto resumed = run_nmsim(dir, "sweep k.textproto --out r -j 2");
  INFO(resumed.err);
  REQUIRE(resumed.status == 0);
  CHECK(resumed.err.find(std::to_string(6 - finished) + " point(s) run (0 failed), " + std::to_string(finished) +
                         " recorded before") != std::string::npos);

  const auto whole = run_nmsim(dir, "sweep k.textproto --out whole -j 2 --quiet");
  REQUIRE(whole.status == 0);
  CHECK(without_wall_time(slurp(dir.file("r/k.csv"))) == without_wall_time(slurp(dir.file("whole/k.csv"))));
}

TEST_CASE("sweep: a bad point is refused before any point runs", "[sweep][cli]") {
  TempDir dir;
  write(dir.file("b.textproto"), R"(name: "b"
set: "workload=WORKLOAD_INFERENCE"
axes { field { path: "noc.buffer_depth_flits" values: ["4", "0"] } })");
  const auto outcome = run_nmsim(dir, "sweep b.textproto --out r");
  CHECK(outcome.status == 2);
  CHECK(outcome.err.find("b.textproto: point 1 (noc.buffer_depth_flits = 0)") != std::string::npos);
  CHECK(outcome.err.find("noc.buffer_depth_flits") != std::string::npos);
  CHECK_FALSE(exists(dir.file("r")));

  write(dir.file("other.textproto"), R"(name: "b" axes { field { path: "samples" values: ["1"] } })");
  write(dir.file("first.textproto"), R"(name: "b" set: "workload=WORKLOAD_INFERENCE" set: "samples=1")");
  REQUIRE(run_nmsim(dir, "sweep first.textproto --out r2 -q").status == 0);
  const auto mixed = run_nmsim(dir, "sweep other.textproto --out r2 -q");
  CHECK(mixed.status == 2);
  CHECK(mixed.err.find("holds the results of a different sweep") != std::string::npos);
}
