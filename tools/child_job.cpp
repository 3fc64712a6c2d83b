#include "tools/child_job.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>

#include "models/base/errors.h"
#include "models/base/live_temporaries.h"
#include "tools/interrupt.h"

namespace nmsim::tools {

namespace {

bool write_all(int fd, const std::string& bytes) {
  std::size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    written += static_cast<std::size_t>(n);
  }
  return true;
}

[[noreturn]] void child(int fd, const std::string& name, const std::function<CompareJobOutcome()>& job) {
  CompareJobOutcome outcome;
  try {
    outcome = job();
  } catch (const ConfigError& e) {
    outcome.set_error_kind("config");
    outcome.set_error_message(e.what());
  } catch (const DataError& e) {
    outcome.set_error_kind("data");
    outcome.set_error_message(e.what());
  } catch (const DeadlockError& e) {
    outcome.set_error_kind("deadlock");
    outcome.set_error_message(e.what());
  } catch (const Error& e) {
    outcome.set_error_kind("error");
    outcome.set_error_message(e.what());
  }
  std::string bytes;
  const bool sent = outcome.SerializeToString(&bytes) && write_all(fd, bytes);
  close(fd);
  std::fflush(nullptr);
  if (!sent) std::fprintf(stderr, "nmsim: %s: cannot hand the job's outcome back\n", name.c_str());
  // _exit: the parent's buffers, handlers and SystemC kernel are the parent's to close.
  _exit(sent ? 0 : 1);
}

}  // namespace

CompareJobOutcome run_in_child_process(const std::string& name, const std::function<CompareJobOutcome()>& job) {
  int fds[2];
  if (pipe(fds) != 0) throw Error(name + ": cannot create a pipe: " + std::strerror(errno));
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
  pid_t pid;
  {
    const HeldStopSignals held;  // a signal to this process reaches the child from its first instant
    pid = fork();
    if (pid > 0) track_child(pid, false);
  }
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    throw Error(name + ": cannot fork: " + std::strerror(errno));
  }
  if (pid == 0) {
    interrupt_silently();
    close(fds[0]);
    child(fds[1], name, job);
  }
  close(fds[1]);
  // Read everything before waiting: a report larger than the pipe's buffer would block the child.
  std::string bytes;
  char buffer[65536];
  for (;;) {
    const ssize_t n = read(fds[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    bytes.append(buffer, static_cast<std::size_t>(n));
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  untrack_child(pid);
  CompareJobOutcome outcome;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !outcome.ParseFromString(bytes)) {
    throw Error(name + ": the job's process ended abnormally (" +
                (WIFSIGNALED(status) ? "signal " + std::to_string(WTERMSIG(status))
                                     : "status " + std::to_string(WEXITSTATUS(status))) + ")");
  }
  const std::string& kind = outcome.error_kind();
  const std::string message = name + ": " + outcome.error_message();
  if (kind == "config") throw ConfigError(message);
  if (kind == "data") throw DataError(message);
  if (kind == "deadlock") throw DeadlockError(message);
  if (!kind.empty()) throw Error(message);
  return outcome;
}

}  // namespace nmsim::tools
