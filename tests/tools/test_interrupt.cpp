// SIGINT and SIGTERM stop nmsim cleanly: one line on stderr, exit 128 + the signal, no output
// and no temporary left; `compare` and `sweep` take their children down with them, and an
// interrupted sweep resumes where it stopped.
#include <catch2/catch.hpp>

#include <dirent.h>
#include <signal.h>
#include <sys/types.h>
#include <unistd.h>

#include "tests/tools/cli_harness.h"

using nmsim::testing::exists;
using nmsim::testing::run_nmsim;
using nmsim::testing::slurp;
using nmsim::testing::start_nmsim;
using nmsim::testing::TempDir;
using nmsim::testing::temporaries_in;
using nmsim::testing::wait_for;

namespace {

// The processes whose parent is `parent` (from /proc/PID/stat).
std::vector<pid_t> children_of(pid_t parent) {
  std::vector<pid_t> children;
  DIR* proc = opendir("/proc");
  while (const dirent* entry = proc ? readdir(proc) : nullptr) {
    const pid_t pid = static_cast<pid_t>(std::atoi(entry->d_name));
    if (pid <= 0) continue;
    const std::string stat = slurp("/proc/" + std::to_string(pid) + "/stat");
    const std::size_t close = stat.rfind(')');  // the name may hold spaces
    if (close == std::string::npos) continue;
    char state = 0;
    int ppid = 0;
    if (std::sscanf(stat.c_str() + close + 1, " %c %d", &state, &ppid) == 2 && ppid == parent) children.push_back(pid);
  }
  if (proc) closedir(proc);
  return children;
}

bool running(pid_t pid) { return kill(pid, 0) == 0; }

// Waits (up to 60 s) until `ready` holds.
template <typename Ready>
bool wait_until(Ready ready) {
  for (int i = 0; i < 6000; ++i) {
    if (ready()) return true;
    usleep(10000);
  }
  return false;
}

// A run long enough to be interrupted, with a report and a trace being written.
std::vector<std::string> long_run() {
  return {"run", "--quiet", "--no-table", "--set", "workload=WORKLOAD_INFERENCE", "--set", "samples=2000",
          "--json", "r.json", "--vcd", "t.vcd", "--trace", "chip.core_0_0_0.*"};
}

void interrupt_a_run(int signal, const std::string& name) {
  TempDir dir;
  const pid_t pid = start_nmsim(dir, long_run(), dir.file("log"));
  // The trace's temporary exists from just before elaboration: then let the kernel run a while.
  REQUIRE(wait_until([&] { return !temporaries_in(dir.path()).empty(); }));
  usleep(500000);
  REQUIRE(running(pid));
  kill(pid, signal);
  const int status = wait_for(pid);
  const std::string log = slurp(dir.file("log"));
  INFO(log);
  CHECK(status == 128 + signal);
  CHECK(log == "nmsim: interrupted (" + name + ")\n");
  CHECK_FALSE(exists(dir.file("r.json")));
  CHECK_FALSE(exists(dir.file("t.vcd")));
  CHECK(temporaries_in(dir.path()).empty());
}

}  // namespace

TEST_CASE("interrupt: SIGINT stops a run: exit 130, one line, nothing left", "[interrupt][cli]") {
  interrupt_a_run(SIGINT, "SIGINT");
}

TEST_CASE("interrupt: SIGTERM stops a run: exit 143, one line, nothing left", "[interrupt][cli]") {
  interrupt_a_run(SIGTERM, "SIGTERM");
}

TEST_CASE("interrupt: SIGTERM to compare stops its running child too", "[interrupt][cli]") {
  TempDir dir;
  const pid_t pid = start_nmsim(dir, {"compare", "--quiet", "--algorithms", "dfa,spide", "--set",
                                      "training.train_samples=4000", "--set", "samples=100", "--json", "c.json"},
                                dir.file("log"));
  std::vector<pid_t> children;
  REQUIRE(wait_until([&] { return !(children = children_of(pid)).empty(); }));
  usleep(300000);
  REQUIRE(running(children.front()));
  kill(pid, SIGTERM);  // to the parent alone, as a batch system or `kill` does
  const int status = wait_for(pid);
  const std::string log = slurp(dir.file("log"));
  INFO(log);
  CHECK(status == 128 + SIGTERM);
  CHECK(log == "nmsim: interrupted (SIGTERM)\n");
  for (const pid_t child : children) CHECK_FALSE(running(child));
  CHECK_FALSE(exists(dir.file("c.json")));
  CHECK(temporaries_in(dir.path()).empty());
}

TEST_CASE("interrupt: SIGTERM to sweep -j2 stops its points, and a rerun resumes", "[interrupt][cli][sweep]") {
  TempDir dir;
  std::ofstream(dir.file("s.textproto")) << R"(name: "s"
set: "workload=WORKLOAD_INFERENCE"
set: "samples=30"
axes { field { path: "noc.buffer_depth_flits" values: ["1", "2", "3", "4", "5", "6", "7", "8"] } })";
  const pid_t pid = start_nmsim(dir, {"sweep", "s.textproto", "--out", "r", "-j", "2", "--quiet"}, dir.file("log"));
  std::vector<pid_t> points;
  REQUIRE(wait_until([&] { return exists(dir.file("r/points/p000000.row")) && (points = children_of(pid)).size() == 2; }));
  kill(pid, SIGTERM);
  const int status = wait_for(pid);
  const std::string log = slurp(dir.file("log"));
  INFO(log);
  CHECK(status == 128 + SIGTERM);
  CHECK(log.find("nmsim: interrupted (SIGTERM): the sweep stopped after") != std::string::npos);
  for (const pid_t point : points) CHECK_FALSE(running(point));
  CHECK(temporaries_in(dir.file("r")).empty());
  CHECK(temporaries_in(dir.file("r/points")).empty());
  // Every recorded row is whole: a point stopped midway has none, and no report.
  uint32_t recorded = 0;
  for (int i = 0; i < 8; ++i) {
    const std::string stem = dir.file("r/points/p00000" + std::to_string(i));
    if (!exists(stem + ".row")) {
      CHECK_FALSE(exists(stem + ".json"));
      continue;
    }
    ++recorded;
    const std::string row = slurp(stem + ".row");
    CHECK((!row.empty() && row.back() == '\n'));
  }
  CHECK(recorded < 8);

  const auto resumed = run_nmsim(dir, "sweep s.textproto --out r -j 2");
  INFO(resumed.err);
  CHECK(resumed.status == 0);
  CHECK(resumed.err.find(std::to_string(8 - recorded) + " point(s) run (0 failed), " + std::to_string(recorded) +
                         " recorded before") != std::string::npos);
}

TEST_CASE("interrupt: a second signal ends compare at once, its child killed", "[interrupt][cli]") {
  TempDir dir;
  const pid_t pid = start_nmsim(dir, {"compare", "--quiet", "--algorithms", "dfa", "--set",
                                      "training.train_samples=4000", "--set", "samples=100", "--json", "c.json"},
                                dir.file("log"));
  std::vector<pid_t> children;
  REQUIRE(wait_until([&] { return !(children = children_of(pid)).empty(); }));
  usleep(300000);
  // The child is stopped from handling the first signal, so only the second can end the wait.
  kill(children.front(), SIGSTOP);
  kill(pid, SIGTERM);
  usleep(300000);
  REQUIRE(running(pid));  // still waiting for its stopped child
  kill(pid, SIGINT);
  const int status = wait_for(pid);
  INFO(slurp(dir.file("log")));
  CHECK(status == 128 + SIGINT);
  CHECK(wait_until([&] { return !running(children.front()) || slurp("/proc/" + std::to_string(children.front()) + "/stat").find(") Z") != std::string::npos; }));
  CHECK_FALSE(exists(dir.file("c.json")));
  CHECK(temporaries_in(dir.path()).empty());
}

TEST_CASE("interrupt: SIGTERM to bench stops its child and removes the child's report file", "[interrupt][cli]") {
  TempDir dir;
  const pid_t pid = start_nmsim(dir, {"bench", "--measure-cycles", "100000000"}, dir.file("log"));
  std::vector<pid_t> children;
  // The child's report goes to the temporary named after its --json; until the child has
  // exec'd, its command line is still the parent's.
  std::string cmdline;
  std::size_t at = std::string::npos;
  REQUIRE(wait_until([&] {
    if ((children = children_of(pid)).empty()) return false;
    cmdline = slurp("/proc/" + std::to_string(children.front()) + "/cmdline");
    for (char& c : cmdline) c = c == '\0' ? ' ' : c;
    return (at = cmdline.find("/tmp/nmsim-bench-")) != std::string::npos;
  }));
  const std::string report = cmdline.substr(at, cmdline.find(' ', at) - at);
  REQUIRE(wait_until([&] { return exists(report); }));  // the child opens it first thing
  kill(pid, SIGTERM);  // to the parent alone
  const int status = wait_for(pid);
  const std::string log = slurp(dir.file("log"));
  INFO(log);
  CHECK(status == 128 + SIGTERM);
  CHECK(log.find("nmsim: interrupted (SIGTERM)\n") != std::string::npos);
  CHECK(log.find("failed") == std::string::npos);
  for (const pid_t child : children) {
    CHECK(wait_until([&] { return !running(child) || slurp("/proc/" + std::to_string(child) + "/stat").find(") Z") != std::string::npos; }));
  }
  CHECK_FALSE(exists(report));
}
