// nmsim sweep --slurm on a real single-node Slurm (tools/slurm/local_cluster.sh): a sweep
// submitted as a job array gives the same CSV as the same sweep run here, the simulator's wall
// time aside; --no-wait then --collect gives it too. (The 50-point example of the README is the
// same check at full size: a benchmark, not a test.)
#include <catch2/catch.hpp>

#include <signal.h>

#include <fstream>
#include <sstream>
#include <string>

#include "tests/tools/local_cluster.h"

namespace {

using nmsim::testing::exists;
using nmsim::testing::LocalCluster;
using nmsim::testing::run_nmsim;
using nmsim::testing::shell;
using nmsim::testing::slurp;
using nmsim::testing::start_nmsim;
using nmsim::testing::TempDir;
using nmsim::testing::wait_for;

std::string without_wall_time(const std::string& csv) {
  std::istringstream in(csv);
  std::string out;
  for (std::string line; std::getline(in, line);) out += line.substr(0, line.rfind(',')) + "\n";
  return out;
}

// 20 points (5 buffer depths x 4 bank counts) of one-digit inference.
const char* kSweep = R"(name: "twenty"
set: "workload=WORKLOAD_INFERENCE"
set: "samples=1"
axes { field { path: "noc.buffer_depth_flits" values: ["1", "2", "4", "8", "16"] } }
axes { field { path: "core.synapse_sram.banks" values: ["1", "2", "4", "16"] } }
)";

}  // namespace

TEST_CASE("sweep on Slurm: the same CSV as the local run", "[sweep][slurm]") {
  TempDir dir;
  std::ofstream(dir.file("twenty.textproto")) << kSweep;
  const auto local = run_nmsim(dir, "sweep twenty.textproto --out local --quiet");
  INFO(local.err);
  REQUIRE(local.status == 0);

  LocalCluster cluster(dir);
  INFO(cluster.start_log());
  REQUIRE(cluster.started());
  const std::string env = "SLURM_CONF='" + cluster.conf() + "' ";
  REQUIRE(setenv("SLURM_CONF", cluster.conf().c_str(), 1) == 0);

  const auto slurm = run_nmsim(dir, "sweep twenty.textproto --out on_slurm --slurm --tasks 2 --quiet");
  INFO(slurm.err);
  REQUIRE(slurm.status == 0);
  CHECK(exists(dir.file("on_slurm/slurm/array.sh")));
  CHECK(without_wall_time(slurp(dir.file("on_slurm/twenty.csv"))) == without_wall_time(slurp(dir.file("local/twenty.csv"))));

  // Submitted in 4 tasks without waiting; collected once the array has ended.
  const auto submitted = run_nmsim(dir, "sweep twenty.textproto --out later --slurm --tasks 4 --no-wait");
  INFO(submitted.err);
  REQUIRE(submitted.status == 0);
  CHECK(submitted.err.find("4 task(s) for 20 point(s)") != std::string::npos);
  CHECK_FALSE(exists(dir.file("later/twenty.csv")));
  const std::string job = slurp(dir.file("later/slurm/job_id"));
  REQUIRE_FALSE(job.empty());
  for (int i = 0; i < 600; ++i) {  // until squeue no longer lists the job (at most 5 minutes)
    if (shell(env + "squeue --noheader --array --jobs=" + job.substr(0, job.size() - 1) +
              " | grep -q . ") != 0) break;
    usleep(500000);
  }
  const auto collected = run_nmsim(dir, "sweep twenty.textproto --out later --collect");
  INFO(collected.err);
  REQUIRE(collected.status == 0);
  CHECK(without_wall_time(slurp(dir.file("later/twenty.csv"))) == without_wall_time(slurp(dir.file("local/twenty.csv"))));
}

TEST_CASE("sweep on Slurm: SIGTERM while waiting cancels the array (scancel)", "[sweep][slurm][interrupt]") {
  TempDir dir;
  // Points long enough to be running when the signal comes.
  std::ofstream(dir.file("long.textproto")) << R"(name: "long"
set: "workload=WORKLOAD_INFERENCE"
set: "samples=3000"
axes { field { path: "noc.buffer_depth_flits" values: ["1", "2", "4", "8"] } }
)";
  LocalCluster cluster(dir);
  INFO(cluster.start_log());
  REQUIRE(cluster.started());
  REQUIRE(setenv("SLURM_CONF", cluster.conf().c_str(), 1) == 0);
  const std::string env = "SLURM_CONF='" + cluster.conf() + "' ";

  const pid_t pid = start_nmsim(dir, {"sweep", "long.textproto", "--out", "long", "--slurm", "--tasks", "2"},
                                dir.file("log"));
  for (int i = 0; i < 600 && !exists(dir.file("long/slurm/job_id")); ++i) usleep(100000);
  REQUIRE(exists(dir.file("long/slurm/job_id")));
  const std::string job_line = slurp(dir.file("long/slurm/job_id"));
  const std::string job = job_line.substr(0, job_line.size() - 1);
  usleep(500000);
  kill(pid, SIGTERM);
  const int status = wait_for(pid);
  const std::string log = slurp(dir.file("log"));
  INFO(log);
  CHECK(status == 128 + SIGTERM);
  CHECK(log.find("nmsim: interrupted (SIGTERM): Slurm job " + job + " cancelled (scancel)") != std::string::npos);
  bool gone = false;  // squeue no longer lists a task of the array (at most 30 s)
  for (int i = 0; i < 60 && !gone; ++i) {
    gone = shell(env + "squeue --noheader --array --jobs=" + job + " | grep -q . ") != 0;
    if (!gone) usleep(500000);
  }
  CHECK(gone);
  CHECK_FALSE(exists(dir.file("long/long.csv")));
}
