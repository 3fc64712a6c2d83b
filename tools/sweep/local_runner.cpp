#include "tools/sweep/local_runner.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>

#include "models/base/errors.h"
#include "models/base/live_temporaries.h"
#include "tools/interrupt.h"

namespace nmsim::sweep {

namespace {

// How often the runner looks for ended points: short against any point's run.
constexpr useconds_t kPollMicroseconds = 20000;
// How often the CSV is rebuilt while a sweep runs.
constexpr auto kCsvInterval = std::chrono::seconds(5);

// Starts one point: its own process group (so a stop reaches everything it started), stdin
// from /dev/null, stdout and stderr into the point's log.
pid_t start_point(const std::string& binary, const std::vector<std::string>& args, const std::string& log) {
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(binary.c_str()));
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid;
  {
    const HeldStopSignals held;  // tracked before a signal can stop the sweep
    pid = fork();
    if (pid > 0) {
      setpgid(pid, pid);  // also here: no race with the child's own call
      tools::track_child(pid, true);
    }
  }
  if (pid < 0) throw Error(std::string("cannot start a sweep point: fork: ") + std::strerror(errno));
  if (pid == 0) {
    setpgid(0, 0);
    const int in = open("/dev/null", O_RDONLY);
    const int out = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in < 0 || out < 0) _exit(126);
    dup2(in, STDIN_FILENO);
    dup2(out, STDOUT_FILENO);
    dup2(out, STDERR_FILENO);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  return pid;
}

int exit_status_of(int raw) {
  if (WIFEXITED(raw)) return WEXITSTATUS(raw);
  if (WIFSIGNALED(raw)) return 128 + WTERMSIG(raw);
  return -1;
}

// Progress: redrawn in place on a terminal, a line every few seconds in a log.
class SweepProgress {
 public:
  SweepProgress(std::string name, uint32_t total, bool quiet)
      : m_name(std::move(name)), m_total(total), m_quiet(quiet), m_terminal(isatty(STDERR_FILENO) != 0),
        m_start(std::chrono::steady_clock::now()), m_last(m_start) {}

  // `point_ended`: redraw at once on a terminal; a log still gets at most a line every 5 s.
  void update(uint32_t done, uint32_t failed, uint32_t running, bool point_ended = false) {
    if (m_quiet || m_total == 0) return;
    const auto now = std::chrono::steady_clock::now();
    const auto interval = m_terminal ? std::chrono::milliseconds(200) : std::chrono::milliseconds(5000);
    if (!(point_ended && m_terminal) && now - m_last < interval) return;
    m_last = now;
    const double elapsed = std::chrono::duration<double>(now - m_start).count();
    const double eta = done > 0 ? elapsed * (m_total - done) / done : 0;
    std::fprintf(stderr, "%ssweep %s: %u/%u points done (%u failed, %u running), elapsed %.0f s, ETA %.0f s%s",
                 m_terminal ? "\r" : "", m_name.c_str(), done, m_total, failed, running, elapsed, eta,
                 m_terminal ? "   " : "\n");
    std::fflush(stderr);
  }

  void finish() {
    if (!m_quiet && m_terminal) std::fprintf(stderr, "\n");
  }

 private:
  std::string m_name;
  uint32_t m_total;
  bool m_quiet, m_terminal;
  std::chrono::steady_clock::time_point m_start, m_last;
};

}  // namespace

LocalRunOutcome run_points(const SweepPlan& plan, const std::vector<uint32_t>& indices, SweepOutput& output,
                           const LocalRunOptions& options) {
  LocalRunOutcome outcome;
  std::vector<uint32_t> pending;
  for (const uint32_t index : indices) {
    const auto state = output.state(index);
    if (state == SweepOutput::PointState::kDone ||
        (state == SweepOutput::PointState::kFailed && !options.retry_failed)) {
      ++outcome.skipped;
    } else {
      pending.push_back(index);
    }
  }

  const tools::DeferredInterrupt stop_signals;  // a signal stops the loop; a second one, everything
  SweepProgress progress(plan.config.name(), static_cast<uint32_t>(pending.size()), options.quiet);
  std::map<pid_t, uint32_t> running;  // pid -> point
  std::size_t next = 0;
  auto last_csv = std::chrono::steady_clock::now();
  const unsigned jobs = options.jobs == 0 ? 1 : options.jobs;
  while ((next < pending.size() || !running.empty()) && tools::interrupt_signal() == 0) {
    while (next < pending.size() && running.size() < jobs) {
      const SweepPoint& point = plan.points.at(pending[next]);
      auto args = point_arguments(plan, point);
      args.insert(args.end(), {"--json", output.report_path(point.index), "--no-table", "--quiet", "--json-detail",
                               plan.config.full_reports() ? "full" : "summary"});
      if (options.point_arguments) {
        const std::vector<std::string> more = options.point_arguments(point.index);
        args.insert(args.end(), more.begin(), more.end());
      }
      std::remove(output.report_path(point.index).c_str());  // a report from an earlier try
      running[start_point(options.nmsim_binary, args, output.log_path(point.index))] = point.index;
      ++next;
    }
    int raw = 0;
    // Polled rather than blocking, so a log gets its progress line while long points run.
    const pid_t pid = waitpid(-1, &raw, WNOHANG);
    if (pid == 0) {
      progress.update(outcome.ran, outcome.failed, static_cast<uint32_t>(running.size()));
      usleep(kPollMicroseconds);
      continue;
    }
    if (pid < 0) {
      if (errno == EINTR) continue;  // a signal: the loop condition sees it
      throw Error(std::string("sweep: waitpid: ") + std::strerror(errno));
    }
    const auto it = running.find(pid);
    if (it == running.end()) continue;
    const int status = exit_status_of(raw);
    tools::untrack_child(pid);
    output.record(plan.points.at(it->second), status);
    running.erase(it);
    ++outcome.ran;
    if (status != 0) ++outcome.failed;
    // The CSV is rebuilt from every row file: every few seconds while points end (not after each,
    // which would read N rows N times), and once more by the caller at the end.
    if (options.write_csv && std::chrono::steady_clock::now() - last_csv > kCsvInterval) {
      output.write_csv();
      last_csv = std::chrono::steady_clock::now();
    }
    progress.update(outcome.ran, outcome.failed, static_cast<uint32_t>(running.size()), true);
  }

  if (tools::interrupt_signal() != 0) {
    // Stop what runs; those points stay pending and run again on the next try.
    for (const auto& [pid, index] : running) kill(-pid, SIGTERM);
    for (const auto& [pid, index] : running) {
      int raw = 0;
      while (waitpid(pid, &raw, 0) < 0 && errno == EINTR) {
      }
      tools::untrack_child(pid);
      std::remove(output.report_path(index).c_str());
    }
    outcome.interrupted = true;
    outcome.signal = tools::interrupt_signal();
  }
  progress.finish();
  return outcome;
}

}  // namespace nmsim::sweep
