#include "tools/interrupt.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>

#include "models/base/errors.h"
#include "models/base/live_temporaries.h"

namespace nmsim::tools {

namespace {

constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP};

volatile std::sig_atomic_t g_signal = 0;    // the first signal received
volatile std::sig_atomic_t g_deferred = 0;  // a DeferredInterrupt lives
volatile std::sig_atomic_t g_silent = 0;
volatile std::sig_atomic_t g_new_line = 0;  // stderr is a terminal: a progress line may be open

// The tracked children: a pid (the child alone) or minus a pid (its process group); 0 free.
std::array<std::atomic<pid_t>, 256> g_children{};

const char* signal_name(int signal) {
  switch (signal) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    case SIGHUP: return "SIGHUP";
    default: return "signal";
  }
}

void write_text(const char* text) {
  std::size_t length = std::strlen(text);
  while (length > 0) {
    const ssize_t n = write(STDERR_FILENO, text, length);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    text += n;
    length -= static_cast<std::size_t>(n);
  }
}

void signal_children(int signal) {
  for (auto& child : g_children) {
    const pid_t target = child.load();
    if (target != 0) kill(target, signal);
  }
}

void wait_for_children() {
  for (auto& child : g_children) {
    const pid_t target = child.load();
    if (target == 0) continue;
    while (waitpid(target < 0 ? -target : target, nullptr, 0) < 0 && errno == EINTR) {
    }
  }
}

extern "C" void on_interrupt(int signal) {
  const int saved_errno = errno;
  if (g_signal != 0) {  // the second: at once
    signal_children(SIGKILL);
    remove_live_temporaries();
    _exit(128 + signal);
  }
  g_signal = signal;
  if (g_deferred) {
    errno = saved_errno;
    return;
  }
  if (!g_silent) {
    write_text(g_new_line ? "\nnmsim: interrupted (" : "nmsim: interrupted (");
    write_text(signal_name(signal));
    write_text(")\n");
  }
  signal_children(signal);
  wait_for_children();
  remove_live_temporaries();
  _exit(128 + signal);
}

}  // namespace

void install_interrupt_handlers() {
  g_new_line = isatty(STDERR_FILENO) ? 1 : 0;
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  // SA_NODEFER: a second signal of the same kind reaches the handler while the first waits.
  action.sa_flags = SA_NODEFER | SA_RESTART;
  sigset_t stop;
  sigemptyset(&stop);
  for (const int signal : kSignals) {
    sigaction(signal, &action, nullptr);
    sigaddset(&stop, signal);
  }
  // A parent may have started us with them held (the mask survives exec).
  sigprocmask(SIG_UNBLOCK, &stop, nullptr);
}

void track_child(pid_t pid, bool own_group) {
  const pid_t target = own_group ? -pid : pid;
  for (auto& child : g_children) {
    pid_t expected = 0;
    if (child.compare_exchange_strong(expected, target)) return;
  }
  throw Error("too many child processes at once (" + std::to_string(g_children.size()) + ")");
}

void untrack_child(pid_t pid) {
  for (auto& child : g_children) {
    const pid_t target = child.load();
    if (target == pid || target == -pid) child.store(0);
  }
}

void interrupt_silently() { g_silent = 1; }

DeferredInterrupt::DeferredInterrupt() { g_deferred = 1; }
DeferredInterrupt::~DeferredInterrupt() { g_deferred = 0; }

int interrupt_signal() { return g_signal; }

std::string interrupted_message(int signal) {
  return std::string("nmsim: interrupted (") + signal_name(signal) + ")";
}

}  // namespace nmsim::tools
