#include "tools/sweep/slurm_runner.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "models/base/errors.h"
#include "platform/report/atomic_file.h"
#include "tools/interrupt.h"

namespace nmsim::sweep {

namespace {

// Single quotes for a POSIX shell.
std::string quoted(const std::string& text) {
  std::string out = "'";
  for (const char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::string absolute(const std::string& path) {
  if (!path.empty() && path[0] == '/') return path;
  std::array<char, 4096> cwd{};
  if (getcwd(cwd.data(), cwd.size()) == nullptr) throw Error(std::string("getcwd: ") + std::strerror(errno));
  return std::string(cwd.data()) + "/" + path;
}

// Runs a command, returns its exit status and what it printed (stdout and stderr).
std::pair<int, std::string> capture(const std::string& command) {
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) throw Error("cannot run: " + command);
  std::string out;
  std::array<char, 512> buffer{};
  while (fgets(buffer.data(), buffer.size(), pipe) != nullptr) out += buffer.data();
  const int raw = pclose(pipe);
  return {WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, out};
}

// squeue may fail now and then while the controller is busy; this many times in a row is an outage.
constexpr int kSqueueRetries = 60;

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

uint32_t recorded_points(const SweepPlan& plan, const SweepOutput& output) {
  uint32_t done = 0;
  for (const auto& point : plan.points) done += output.state(point.index) != SweepOutput::PointState::kPending;
  return done;
}

}  // namespace

SlurmOutcome run_on_slurm(const SweepPlan& plan, SweepOutput& output, const SlurmOptions& options) {
  const uint32_t pending = static_cast<uint32_t>(plan.points.size()) - recorded_points(plan, output);
  SlurmOutcome outcome;
  outcome.tasks = options.tasks == 0 ? std::max<uint32_t>(1, pending) : options.tasks;
  if (pending == 0) return outcome;

  const std::string folder = absolute(output.folder()) + "/slurm";
  if (mkdir(folder.c_str(), 0755) != 0 && errno != EEXIST) {
    throw ConfigError(folder + ": cannot create: " + std::strerror(errno));
  }
  // Each task takes the points whose index is its number modulo the task count; finished
  // points are skipped, so a resubmitted array only runs what is left.
  std::string script = "#!/bin/sh\n";
  script += "#SBATCH --job-name=nmsim-" + plan.config.name() + "\n";
  script += "#SBATCH --array=0-" + std::to_string(outcome.tasks - 1) + "\n";
  script += "#SBATCH --cpus-per-task=" + std::to_string(options.cpus_per_task) + "\n";
  script += "#SBATCH --output=" + folder + "/task_%a.log\n";
  for (const auto& option : options.sbatch_options) script += "#SBATCH " + option + "\n";
  script += "exec " + quoted(options.nmsim_binary) + " sweep " + quoted(absolute(plan.file)) + " --out " +
            quoted(absolute(output.folder())) + " --shard \"$SLURM_ARRAY_TASK_ID/" + std::to_string(outcome.tasks) +
            "\" -j " + std::to_string(options.cpus_per_task) + " --quiet";
  for (const std::string& argument : options.sweep_arguments) script += " " + quoted(argument);
  script += "\n";
  const std::string script_path = folder + "/array.sh";
  report::write_file_atomically(script_path, script);

  // From the submission on, a first signal only stops the wait: the array is cancelled, so no
  // task runs on after the sweep said it stopped (a second signal still ends at once).
  const tools::DeferredInterrupt stop_signals;
  const auto [status, printed] = capture("sbatch --parsable " + quoted(script_path));
  if (status != 0) throw Error("sbatch failed (exit status " + std::to_string(status) + "): " + trimmed(printed));
  outcome.job_id = trimmed(printed.substr(0, printed.find(';')));  // "ID" or "ID;cluster"
  report::write_file_atomically(folder + "/job_id", outcome.job_id + "\n");
  const auto cancelled_if_interrupted = [&] {
    outcome.signal = tools::interrupt_signal();
    if (outcome.signal == 0) return false;
    const auto [scancel_status, scancel_printed] = capture("scancel " + outcome.job_id);
    if (scancel_status != 0) {
      std::fprintf(stderr, "sweep %s: scancel %s failed (exit status %d): %s\n", plan.config.name().c_str(),
                   outcome.job_id.c_str(), scancel_status, trimmed(scancel_printed).c_str());
    }
    outcome.cancelled = scancel_status == 0;
    return true;
  };
  if (cancelled_if_interrupted()) return outcome;
  if (!options.quiet) {
    std::fprintf(stderr, "sweep %s: Slurm job %s, %u task(s) for %u point(s)\n", plan.config.name().c_str(),
                 outcome.job_id.c_str(), outcome.tasks, pending);
  }
  if (!options.wait) return outcome;

  // Until squeue no longer lists a task of the array (pending or running).
  const auto start = std::chrono::steady_clock::now();
  auto last_line = start;
  int squeue_failures = 0;
  for (;;) {
    if (cancelled_if_interrupted()) return outcome;
    const auto [q_status, listed] = capture("squeue --noheader --array --format=%i --jobs=" + outcome.job_id);
    if (q_status == 0 && trimmed(listed).empty()) break;
    // A controller that stays unreachable ends the wait; the tasks may still finish.
    squeue_failures = q_status == 0 ? 0 : squeue_failures + 1;
    if (squeue_failures > kSqueueRetries) {
      throw Error("squeue failed " + std::to_string(squeue_failures) + " times in a row (" + trimmed(listed) +
                  "); the job " + outcome.job_id + " may still run: collect its rows later with --collect");
    }
    const auto now = std::chrono::steady_clock::now();
    if (!options.quiet && now - last_line > std::chrono::seconds(10)) {
      last_line = now;
      std::fprintf(stderr, "sweep %s: %u/%zu points recorded, %.0f s\n", plan.config.name().c_str(),
                   recorded_points(plan, output), plan.points.size(),
                   std::chrono::duration<double>(now - start).count());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  outcome.waited = true;
  return outcome;
}

}  // namespace nmsim::sweep
