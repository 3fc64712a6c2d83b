#include "models/trace/vcd2fst_process.h"

#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <streambuf>
#include <vector>

#include "models/base/errors.h"

extern char** environ;

namespace nmsim::trace {

namespace {

// A stream buffer over a socket: send() with MSG_NOSIGNAL reports a reader that went away as
// an error (a bad stream) instead of killing the simulator with SIGPIPE, as a pipe would.
class SocketBuffer : public std::streambuf {
 public:
  explicit SocketBuffer(int fd) : m_fd(fd), m_buffer(std::size_t{1} << 16) { reset(); }

 protected:
  int_type overflow(int_type ch) override {
    if (!drain()) return traits_type::eof();
    if (!traits_type::eq_int_type(ch, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(ch);
      pbump(1);
    }
    return traits_type::not_eof(ch);
  }
  int sync() override { return drain() ? 0 : -1; }

 private:
  void reset() { setp(m_buffer.data(), m_buffer.data() + m_buffer.size()); }
  bool drain() {
    const char* p = pbase();
    std::size_t left = static_cast<std::size_t>(pptr() - pbase());
    reset();
    while (left > 0) {
      const ssize_t sent = ::send(m_fd, p, left, MSG_NOSIGNAL);
      if (sent < 0) {
        if (errno == EINTR) continue;
        return false;
      }
      p += sent;
      left -= static_cast<std::size_t>(sent);
    }
    return true;
  }

  int m_fd;
  std::vector<char> m_buffer;
};

}  // namespace

struct Vcd2FstProcess::Impl {
  std::string path;
  int fd = -1;
  pid_t pid = -1;
  std::unique_ptr<SocketBuffer> buffer;
  std::unique_ptr<std::ostream> stream;

  // Closes the input and reaps the process: its exit status, or -1 if a signal ended it.
  int wait() {
    if (stream) stream->flush();
    if (fd >= 0) ::close(fd);
    fd = -1;
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    pid = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
};

Vcd2FstProcess::Vcd2FstProcess(const std::string& fst_path) : m_impl(new Impl) {
  m_impl->path = fst_path;
  if (find_on_path("vcd2fst").empty()) {
    throw ConfigError("trace " + fst_path +
                      ": FST is written by GTKWave's vcd2fst, which is not on the PATH (Debian: apt-get "
                      "install gtkwave), or write a VCD instead");
  }
  int ends[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) != 0) {
    throw DataError("trace " + fst_path + ": cannot start vcd2fst: " + std::strerror(errno));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, ends[1], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, STDERR_FILENO, STDOUT_FILENO);  // the command's stdout is its tables
  std::vector<std::string> args = {"vcd2fst", "-", fst_path};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const int failed = posix_spawnp(&m_impl->pid, "vcd2fst", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(ends[1]);
  if (failed != 0) {
    ::close(ends[0]);
    throw DataError("trace " + fst_path + ": cannot start vcd2fst: " + std::strerror(failed));
  }
  m_impl->fd = ends[0];
  m_impl->buffer = std::make_unique<SocketBuffer>(ends[0]);
  m_impl->stream = std::make_unique<std::ostream>(m_impl->buffer.get());
}

Vcd2FstProcess::~Vcd2FstProcess() {
  if (m_impl->pid > 0) m_impl->wait();
}

std::ostream& Vcd2FstProcess::stream() { return *m_impl->stream; }

void Vcd2FstProcess::finish() {
  NMSIM_ASSERT(m_impl->pid > 0, "vcd2fst finished twice");
  const bool written = static_cast<bool>(m_impl->stream->flush());
  const int status = m_impl->wait();
  if (!written || status != 0) {
    throw DataError("trace " + m_impl->path + ": vcd2fst failed (" +
                    (status < 0 ? std::string("killed by a signal") : "exit status " + std::to_string(status)) + ")");
  }
}

std::string find_on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::string folders = path != nullptr ? path : "/usr/bin:/bin";
  std::size_t begin = 0;
  while (begin <= folders.size()) {
    std::size_t end = folders.find(':', begin);
    if (end == std::string::npos) end = folders.size();
    const std::string folder = end > begin ? folders.substr(begin, end - begin) : ".";
    const std::string candidate = folder + "/" + program;
    struct stat info {};
    if (stat(candidate.c_str(), &info) == 0 && S_ISREG(info.st_mode) && access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
    begin = end + 1;
  }
  return "";
}

}  // namespace nmsim::trace
