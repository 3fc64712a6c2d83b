// Outputs and inputs as a careful user meets them: a report into a device, a FIFO or a symlink
// is written into (never replaced), a user's own FILE.tmp is untouched, runs sharing a report
// name all succeed, bad output paths are refused before any simulation, a run that fails at the
// end leaves none of its outputs, and unreadable inputs say why. Each case: the exit status, a
// message naming the culprit, and no output or temporary left behind.
#include <catch2/catch.hpp>

#include <atomic>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "tests/tools/cli_harness.h"

using nmsim::testing::exists;
using nmsim::testing::run_nmsim;
using nmsim::testing::slurp;
using nmsim::testing::start_nmsim;
using nmsim::testing::TempDir;
using nmsim::testing::temporaries_in;
using nmsim::testing::wait_for;

namespace {

// A run of a few milliseconds.
const std::string kTiny =
    "run --quiet --no-table --set workload=WORKLOAD_INFERENCE --set samples=1 --set network.hidden_sizes=16 ";

bool is_report(const std::string& text) {
  return text.size() > 100 && text.front() == '{' && text.find("\"summary\"") != std::string::npos;
}

mode_t type_of(const std::string& path) {
  struct stat st;
  return lstat(path.c_str(), &st) == 0 ? (st.st_mode & S_IFMT) : 0;
}

double seconds_of(const std::function<void()>& f) {
  const auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

}  // namespace

TEST_CASE("outputs: a report into a FIFO is written through it, the FIFO stays a FIFO", "[outputs][cli]") {
  TempDir dir;
  const std::string fifo = dir.file("pipe");
  REQUIRE(mkfifo(fifo.c_str(), 0644) == 0);
  std::string received;
  std::atomic<bool> read_all{false};
  std::thread reader([&] {  // opening blocks until nmsim opens it
    received = slurp(fifo);
    read_all = true;
  });
  const auto r = run_nmsim(dir, kTiny + "--json pipe");
  // nmsim has ended; the reader may still be before its open (nmsim failed first) or before its
  // last read. Open and close a writer of our own until it has read to the end: holding one open
  // while joining would keep the reader from its end of file.
  while (!read_all) {
    const int writer = open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
    if (writer >= 0) close(writer);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  reader.join();
  INFO(r.err);
  CHECK(r.status == 0);
  CHECK(is_report(received));
  CHECK(type_of(fifo) == S_IFIFO);
  CHECK(temporaries_in(dir.path()).empty());
}

TEST_CASE("outputs: --json /dev/null writes into the device and leaves it one", "[outputs][cli]") {
  TempDir dir;
  const auto r = run_nmsim(dir, kTiny + "--json /dev/null");
  INFO(r.err);
  CHECK(r.status == 0);
  CHECK(type_of("/dev/null") == S_IFCHR);
  CHECK(temporaries_in("/dev").empty());
}

TEST_CASE("outputs: a symlink stays a link and its target gets the report", "[outputs][cli]") {
  TempDir dir;
  REQUIRE(mkdir(dir.file("real").c_str(), 0755) == 0);
  write(dir.file("real/report.json"), "old");
  REQUIRE(symlink("real/report.json", dir.file("link.json").c_str()) == 0);
  // A dangling link: its target is created.
  REQUIRE(symlink("real/new.json", dir.file("dangling.json").c_str()) == 0);
  const auto r = run_nmsim(dir, kTiny + "--json link.json");
  INFO(r.err);
  CHECK(r.status == 0);
  CHECK(type_of(dir.file("link.json")) == S_IFLNK);
  CHECK(is_report(slurp(dir.file("real/report.json"))));
  CHECK(run_nmsim(dir, kTiny + "--json dangling.json").status == 0);
  CHECK(type_of(dir.file("dangling.json")) == S_IFLNK);
  CHECK(is_report(slurp(dir.file("real/new.json"))));
  CHECK(temporaries_in(dir.path()).empty());
  CHECK(temporaries_in(dir.file("real")).empty());
}

TEST_CASE("outputs: a user's own FILE.tmp is untouched", "[outputs][cli]") {
  TempDir dir;
  write(dir.file("r.json.tmp"), "mine");
  write(dir.file("t.vcd.tmp"), "mine too");
  const auto r = run_nmsim(dir, kTiny + "--json r.json --vcd t.vcd");
  INFO(r.err);
  CHECK(r.status == 0);
  CHECK(slurp(dir.file("r.json.tmp")) == "mine");
  CHECK(slurp(dir.file("t.vcd.tmp")) == "mine too");
  CHECK(is_report(slurp(dir.file("r.json"))));
  CHECK(temporaries_in(dir.path()).empty());
}

TEST_CASE("outputs: concurrent runs with the same report name all succeed", "[outputs][cli]") {
  TempDir dir;
  std::vector<pid_t> runs;
  for (int i = 0; i < 4; ++i) {
    // The default report name, nmsim-report.json, in every run.
    runs.push_back(start_nmsim(dir, {"run", "--quiet", "--no-table", "--set", "workload=WORKLOAD_INFERENCE", "--set",
                                     "samples=1", "--set", "network.hidden_sizes=16"},
                               dir.file("log" + std::to_string(i))));
  }
  for (std::size_t i = 0; i < runs.size(); ++i) {
    INFO(slurp(dir.file("log" + std::to_string(i))));
    CHECK(wait_for(runs[i]) == 0);
  }
  CHECK(is_report(slurp(dir.file("nmsim-report.json"))));
  CHECK(temporaries_in(dir.path()).empty());
}

TEST_CASE("outputs: two options naming the same file are refused before the run", "[outputs][cli]") {
  TempDir dir;
  const auto same = run_nmsim(dir, kTiny + "--vcd x --json x");
  CHECK(same.status == 2);
  CHECK(same.err.find("--json x and --vcd x are the same file") != std::string::npos);
  CHECK_FALSE(exists(dir.file("x")));
  // The same file by another path, and through a link.
  REQUIRE(symlink("x.json", dir.file("alias.json").c_str()) == 0);
  const auto linked = run_nmsim(dir, kTiny + "--json ./x.json --vcd alias.json");
  CHECK(linked.status == 2);
  CHECK(linked.err.find("--json ./x.json and --vcd alias.json are the same file") != std::string::npos);
  const auto weights = run_nmsim(dir, "run --quiet --json w.pb --save-weights ../" +
                                          dir.path().substr(dir.path().rfind('/') + 1) + "/w.pb");
  CHECK(weights.status == 2);
  CHECK(weights.err.find("same file") != std::string::npos);
  CHECK(temporaries_in(dir.path()).empty());
  CHECK_FALSE(exists(dir.file("x.json")));
  CHECK_FALSE(exists(dir.file("w.pb")));
}

TEST_CASE("outputs: a report into a missing folder or onto a directory is refused at once", "[outputs][cli]") {
  TempDir dir;
  // A run that would take minutes: the refusal must come before it starts.
  const std::string long_run = "run --quiet --no-table --set workload=WORKLOAD_INFERENCE --set samples=2000 ";
  nmsim::testing::Outcome r;
  const double seconds = seconds_of([&] { r = run_nmsim(dir, long_run + "--json missing/r.json"); });
  CHECK(r.status == 2);
  CHECK(r.err.find("--json missing/r.json: cannot write in the folder 'missing': No such file or directory") !=
        std::string::npos);
  CHECK(seconds < 5);
  REQUIRE(mkdir(dir.file("out").c_str(), 0755) == 0);
  const auto onto_folder = run_nmsim(dir, long_run + "--json out");
  CHECK(onto_folder.status == 2);
  CHECK(onto_folder.err.find("--json out: Is a directory") != std::string::npos);
  write(dir.file("file"), "");
  const auto under_file = run_nmsim(dir, long_run + "--json r.json --vcd file/t.vcd");
  CHECK(under_file.status == 2);
  CHECK(under_file.err.find("--vcd file/t.vcd: Not a directory") != std::string::npos);
  const auto weights = run_nmsim(dir, "run --quiet --json r.json --save-weights gone/w.pb");
  CHECK(weights.status == 2);
  CHECK(weights.err.find("--save-weights gone/w.pb") != std::string::npos);
  const auto traffic = run_nmsim(dir, "traffic --quiet --json missing/t.json");
  CHECK(traffic.status == 2);
  CHECK(traffic.err.find("--json missing/t.json") != std::string::npos);
  const auto compare = run_nmsim(dir, "compare --quiet --json missing/c.json");
  CHECK(compare.status == 2);
  CHECK(compare.err.find("--json missing/c.json") != std::string::npos);
  const auto study = run_nmsim(dir, "study --set workload=WORKLOAD_DFA --json s.json --save-weights missing/w.pb");
  CHECK(study.status == 2);
  CHECK(study.err.find("--save-weights missing/w.pb") != std::string::npos);
  CHECK_FALSE(exists(dir.file("r.json")));
  CHECK_FALSE(exists(dir.file("s.json")));
  CHECK(temporaries_in(dir.path()).empty());
}

TEST_CASE("outputs: a folder that refuses writes is refused before the run", "[outputs][cli]") {
  TempDir dir;
  REQUIRE(mkdir(dir.file("locked").c_str(), 0555) == 0);
  const auto r = run_nmsim(dir, kTiny + "--json locked/r.json");
  if (geteuid() == 0) {
    WARN("running as root, which may write into a read-only folder: only checked that nothing is left behind");
    CHECK((r.status == 0 || r.status == 2));
  } else {
    CHECK(r.status == 2);
    CHECK(r.err.find("--json locked/r.json: cannot write in the folder 'locked': Permission denied") !=
          std::string::npos);
    CHECK_FALSE(exists(dir.file("locked/r.json")));
  }
  CHECK(temporaries_in(dir.file("locked")).empty());
}

TEST_CASE("outputs: --save-weights failing at the end leaves no report and no trace", "[outputs][cli]") {
  TempDir dir;
  REQUIRE(mkdir(dir.file("w").c_str(), 0755) == 0);
  // The folder exists when the paths are checked, and is gone when the run ends.
  const pid_t pid = start_nmsim(dir, {"run", "--quiet", "--no-table", "--set", "training.train_samples=2000", "--set",
                                      "samples=20", "--set", "network.hidden_sizes=32", "--json", "r.json", "--vcd",
                                      "t.vcd", "--trace", "chip.core_0_0_0.*", "--save-weights", "w/weights.pb"},
                                dir.file("log"));
  // The trace is being written (the run started) when a temporary stays: the paths' checks
  // make and remove one for each output within microseconds.
  std::vector<std::string> seen;
  for (int i = 0; i < 60000; ++i) {
    const std::vector<std::string> now = temporaries_in(dir.path());
    if (!now.empty() && now == seen) break;
    seen = now;
    usleep(seen.empty() ? 1000 : 50000);
  }
  REQUIRE(seen.size() == 1);
  REQUIRE(seen.front().find(".t.vcd.") == 0);
  REQUIRE(rmdir(dir.file("w").c_str()) == 0);
  const int status = wait_for(pid);
  const std::string log = slurp(dir.file("log"));
  INFO(log);
  CHECK(status == 3);
  CHECK(log.find("cannot write 'w/weights.pb': No such file or directory") != std::string::npos);
  CHECK_FALSE(exists(dir.file("r.json")));
  CHECK_FALSE(exists(dir.file("t.vcd")));
  CHECK(temporaries_in(dir.path()).empty());
}

TEST_CASE("inputs: a directory or a missing file as a config says so, before any work", "[outputs][cli]") {
  TempDir dir;
  REQUIRE(mkdir(dir.file("folder").c_str(), 0755) == 0);
  for (const std::string option : {"--chip", "--run", "--energy"}) {
    const auto r = run_nmsim(dir, "run --quiet " + option + " folder/");
    INFO(option << ": " << r.err);
    CHECK(r.status == 2);
    CHECK(r.err.find("cannot read config file 'folder/': Is a directory") != std::string::npos);
  }
  const auto traffic = run_nmsim(dir, "traffic --quiet --traffic folder");
  CHECK(traffic.status == 2);
  CHECK(traffic.err.find("'folder': Is a directory") != std::string::npos);
  const auto sweep = run_nmsim(dir, "sweep folder");
  CHECK(sweep.status == 2);
  CHECK(sweep.err.find("folder") != std::string::npos);
  CHECK(sweep.err.find("Is a directory") != std::string::npos);
  const auto missing = run_nmsim(dir, "run --quiet --run nowhere.textproto");
  CHECK(missing.status == 2);
  CHECK(missing.err.find("cannot read config file 'nowhere.textproto': No such file or directory") != std::string::npos);
  CHECK_FALSE(exists(dir.file("nmsim-report.json")));
}

TEST_CASE("inputs: a directory as a weights file is refused with the reason", "[outputs][cli]") {
  TempDir dir;
  REQUIRE(mkdir(dir.file("weights").c_str(), 0755) == 0);
  const auto r = run_nmsim(dir, kTiny + "--set network.weights_file=weights --json r.json");
  CHECK(r.status == 3);
  CHECK(r.err.find("weights: cannot read: Is a directory") != std::string::npos);
  CHECK_FALSE(exists(dir.file("r.json")));
}

TEST_CASE("inputs: an unreadable config says permission denied", "[outputs][cli]") {
  TempDir dir;
  write(dir.file("secret.textproto"), "mesh_width: 2\n");
  REQUIRE(chmod(dir.file("secret.textproto").c_str(), 0) == 0);
  const auto r = run_nmsim(dir, kTiny + "--chip secret.textproto --json r.json");
  if (geteuid() == 0) {
    WARN("running as root, which reads any file: permission denied cannot be provoked");
    CHECK(r.status == 0);
    return;
  }
  CHECK(r.status == 2);
  CHECK(r.err.find("cannot read config file 'secret.textproto': Permission denied") != std::string::npos);
  CHECK_FALSE(exists(dir.file("r.json")));
}
