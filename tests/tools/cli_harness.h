// What the command-line tests share: running the built nmsim binary in a temporary folder and
// reading back what it wrote. NMSIM_BINARY is the binary's path (tests/tools/CMakeLists.txt).
#pragma once

#include <dirent.h>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <google/protobuf/util/json_util.h>

namespace nmsim::testing {

struct Outcome {
  int status;
  std::string out;
  std::string err;
};

inline std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline bool exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

// A message nmsim wrote as JSON (a report, a compare report); the test fails if it is not one.
template <typename Message>
Message from_json(const std::string& path) {
  Message message;
  const auto status = google::protobuf::util::JsonStringToMessage(slurp(path), &message);
  INFO(path << ": " << status.ToString());
  REQUIRE(status.ok());
  return message;
}

// A fresh folder under /tmp, removed with everything in it when the test ends.
class TempDir {
 public:
  TempDir() {
    char pattern[] = "/tmp/nmsim-test-XXXXXX";
    m_path = mkdtemp(pattern);
  }
  ~TempDir() { std::system(("rm -rf '" + m_path + "'").c_str()); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string file(const std::string& name) const { return m_path + "/" + name; }
  const std::string& path() const { return m_path; }

 private:
  std::string m_path;
};

// `nmsim ARGS` run in `dir`, stdin empty; its exit status and what it printed.
inline Outcome run_nmsim(const TempDir& dir, const std::string& args) {
  const std::string out = dir.file("stdout.txt"), err = dir.file("stderr.txt");
  const std::string command = "cd '" + dir.path() + "' && '" NMSIM_BINARY "' " + args + " >'" + out +
                              "' 2>'" + err + "' </dev/null";
  const int raw = std::system(command.c_str());
  return {WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, slurp(out), slurp(err)};
}

// `nmsim ARGS` started in `dir` (not waited for), stdin empty, stdout and stderr into `log`.
inline pid_t start_nmsim(const TempDir& dir, const std::vector<std::string>& args, const std::string& log) {
  std::vector<char*> argv = {const_cast<char*>(NMSIM_BINARY)};
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    // A test that fails before it stops this nmsim must not leave it running: its end sends
    // SIGTERM, which nmsim passes on to its own children.
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    const int in = open("/dev/null", O_RDONLY);
    const int out = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (chdir(dir.path().c_str()) != 0 || in < 0 || out < 0) _exit(126);
    dup2(in, STDIN_FILENO);
    dup2(out, STDOUT_FILENO);
    dup2(out, STDERR_FILENO);
    execv(NMSIM_BINARY, argv.data());
    _exit(127);
  }
  return pid;
}

// The exit status of a started nmsim (-1 if a signal ended it).
inline int wait_for(pid_t pid) {
  int raw = 0;
  while (waitpid(pid, &raw, 0) < 0) {
  }
  return WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
}

// The output temporaries (".NAME.XXXXXX.tmp") left in `folder`.
inline std::vector<std::string> temporaries_in(const std::string& folder) {
  std::vector<std::string> found;
  DIR* dir = opendir(folder.c_str());
  if (dir == nullptr) return found;
  while (const dirent* entry = readdir(dir)) {
    const std::string name = entry->d_name;
    if (name.size() > 5 && name[0] == '.' && name.compare(name.size() - 4, 4, ".tmp") == 0) found.push_back(name);
  }
  closedir(dir);
  return found;
}

}  // namespace nmsim::testing
