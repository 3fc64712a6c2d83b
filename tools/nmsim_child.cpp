#include "tools/nmsim_child.h"

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include <google/protobuf/util/json_util.h>

#include "models/base/errors.h"
#include "models/base/live_temporaries.h"
#include "tools/interrupt.h"

namespace nmsim::tools {

std::string self_executable(const std::string& fallback) {
  char buffer[4096];
  const ssize_t n = readlink("/proc/self/exe", buffer, sizeof buffer - 1);
  if (n <= 0) return fallback;
  buffer[n] = '\0';
  return buffer;
}

ChildRun run_nmsim_child(const std::string& binary, std::vector<std::string> args) {
  // In $TMPDIR if set (e.g. a tmpfs, where the report's fsync costs nothing), else /tmp.
  const char* tmpdir = std::getenv("TMPDIR");
  const std::string folder = tmpdir != nullptr && tmpdir[0] != '\0' ? tmpdir : "/tmp";
  std::string path = folder + "/nmsim-bench-XXXXXX";
  int fd, slot = -1;
  {
    const HeldStopSignals held;  // listed from its first instant
    fd = mkstemp(&path[0]);
    if (fd >= 0) slot = remember_temporary(path);
  }
  if (fd < 0) {
    throw Error("bench: cannot create a temporary file in " + folder + ": " + std::strerror(errno));
  }
  close(fd);
  for (const char* option : {"--quiet", "--no-table", "--json"}) args.emplace_back(option);
  args.emplace_back(path);
  std::string command = binary;
  std::vector<char*> argv = {const_cast<char*>(binary.c_str())};
  for (auto& a : args) {
    command += " " + a;
    argv.push_back(a.data());
  }
  argv.push_back(nullptr);
  const auto start = std::chrono::steady_clock::now();
  pid_t pid;
  {
    const HeldStopSignals held;  // tracked before a signal can stop bench
    pid = fork();
    if (pid > 0) track_child(pid, false);
  }
  if (pid == 0) {
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  int raw = 0;
  struct rusage usage {};
  while (pid > 0 && wait4(pid, &raw, 0, &usage) < 0 && errno == EINTR) {
  }
  const auto end = std::chrono::steady_clock::now();
  if (pid > 0) untrack_child(pid);
  std::ifstream in(path);
  std::stringstream json;
  json << in.rdbuf();
  {
    const HeldStopSignals held;
    std::remove(path.c_str());
    forget_temporary(slot);
  }
  if (pid < 0) throw Error(std::string("bench: cannot fork: ") + std::strerror(errno));
  if (WIFEXITED(raw) && WEXITSTATUS(raw) == 127) throw Error("bench: cannot run `" + binary + "`");
  if (!WIFEXITED(raw) || WEXITSTATUS(raw) != 0) throw Error("bench: `" + command + "` failed");
  ChildRun run;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;  // an older or newer build's report
  if (!google::protobuf::util::JsonStringToMessage(json.str(), &run.report, options).ok()) {
    throw Error("bench: unreadable report from `" + command + "`");
  }
  const auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec * 1e-6; };
  run.wall_seconds = std::chrono::duration<double>(end - start).count();
  run.cpu_seconds = seconds(usage.ru_utime) + seconds(usage.ru_stime);
  return run;
}

}  // namespace nmsim::tools
