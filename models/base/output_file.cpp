#include "models/base/output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>

#include "models/base/errors.h"
#include "models/base/live_temporaries.h"

namespace nmsim {

namespace {

// What a new file gets: 0666 less the umask (mkstemp creates 0600).
mode_t new_file_mode() {
  static const mode_t mode = [] {
    const mode_t mask = umask(0);
    umask(mask);
    return static_cast<mode_t>(0666 & ~mask);
  }();
  return mode;
}

// More links than this in a chain is a loop; opening the last one says so (ELOOP).
constexpr int kMaxSymlinkHops = 40;

}  // namespace

std::string folder_of(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string base_name_of(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string output_target(const std::string& path) {
  std::string target = path;
  for (int hop = 0; hop < kMaxSymlinkHops; ++hop) {
    struct stat st;
    if (lstat(target.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return target;
    std::string link(static_cast<std::size_t>(st.st_size > 0 ? st.st_size : 4096) + 1, '\0');
    const ssize_t n = readlink(target.c_str(), &link[0], link.size());
    if (n < 0 || static_cast<std::size_t>(n) >= link.size()) return target;
    link.resize(static_cast<std::size_t>(n));
    target = !link.empty() && link[0] == '/' ? link : folder_of(target) + "/" + link;
  }
  return target;
}

OutputFile::OutputFile(std::string path) : m_path(std::move(path)), m_target(output_target(m_path)) {
  struct stat st;
  if (stat(m_target.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    if (S_ISDIR(st.st_mode)) fail(EISDIR);
    // A device or FIFO: written into (no O_TRUNC needed, nor possible to undo).
    m_out.open(m_target, std::ios::binary | std::ios::out | std::ios::app);
    if (!m_out) fail(errno);
    return;
  }
  std::string pattern = folder_of(m_target) + "/." + base_name_of(m_target) + ".XXXXXX.tmp";
  {
    const HeldStopSignals held;  // listed before a signal can end the process
    const int fd = mkstemps(&pattern[0], 4);
    if (fd < 0) fail(errno);
    fchmod(fd, new_file_mode());
    ::close(fd);
    m_temporary = pattern;
    m_slot = remember_temporary(m_temporary);
  }
  m_out.open(m_temporary, std::ios::binary | std::ios::out | std::ios::trunc);
  if (!m_out) {
    const int error = errno;
    discard();
    fail(error);
  }
}

OutputFile::OutputFile(OutputFile&& other) noexcept
    : m_path(std::move(other.m_path)),
      m_target(std::move(other.m_target)),
      m_temporary(std::exchange(other.m_temporary, std::string())),
      m_slot(std::exchange(other.m_slot, -1)),
      m_out(std::move(other.m_out)),
      m_closed(other.m_closed) {}

OutputFile::~OutputFile() {
  if (m_out.is_open()) m_out.close();
  discard();
}

void OutputFile::discard() {
  if (m_temporary.empty()) return;
  std::remove(m_temporary.c_str());
  forget_temporary(m_slot);
  m_temporary.clear();
  m_slot = -1;
}

void OutputFile::fail(int error) const {
  throw DataError("cannot write '" + m_path + "': " + std::strerror(error) +
                  (m_target != m_path ? " (the link's target '" + m_target + "')" : ""));
}

void OutputFile::write(const std::string& content) { m_out.write(content.data(), static_cast<std::streamsize>(content.size())); }

void OutputFile::close() {
  if (m_closed) return;
  m_closed = true;
  m_out.flush();
  const int write_error = errno;
  const bool written = static_cast<bool>(m_out);
  m_out.close();
  if (!written || !m_out) fail(written ? errno : write_error);
  if (m_temporary.empty()) return;
  // On disk before the rename: a crash leaves the old file or the new one, never an empty one.
  const int fd = ::open(m_temporary.c_str(), O_RDONLY);
  if (fd < 0 || fsync(fd) != 0) {
    const int error = errno;
    if (fd >= 0) ::close(fd);
    fail(error);
  }
  ::close(fd);
}

void OutputFile::commit() {
  close();
  if (m_temporary.empty()) return;
  if (std::rename(m_temporary.c_str(), m_target.c_str()) != 0) fail(errno);
  forget_temporary(m_slot);
  m_slot = -1;
  m_temporary.clear();
}

void commit_together(const std::vector<OutputFile*>& files) {
  for (OutputFile* file : files) {
    if (file != nullptr) file->close();
  }
  const HeldStopSignals held;
  std::vector<const OutputFile*> committed;
  for (OutputFile* file : files) {
    if (file == nullptr) continue;
    try {
      file->commit();
    } catch (const DataError& error) {
      // A rename failed midway (the folder or the target changed during the run): the outputs
      // already in place are this failed run's, so they go too; the rest are still temporaries.
      std::string removed;
      for (const OutputFile* done : committed) {
        std::remove(done->target().c_str());
        removed += (removed.empty() ? "" : ", ") + done->path();
      }
      if (removed.empty()) throw;
      throw DataError(std::string(error.what()) + "; removed the outputs already in place: " + removed);
    }
    committed.push_back(file);
  }
}

void write_output_file(const std::string& path, const std::string& content) {
  OutputFile file(path);
  file.write(content);
  file.commit();
}

}  // namespace nmsim
