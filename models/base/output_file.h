// An output file (a report, a trace, weights) that appears whole or not at all, and never
// replaces what it should write into:
// - a regular file (or a new one) is written to a uniquely named temporary beside it
//   (".NAME.XXXXXX.tmp": runs that share a report name never share a temporary), synced, and
//   renamed over it by commit(); until then the old file is untouched;
// - a device or FIFO (/dev/null, a pipe) is written into directly, never replaced;
// - a symlink is followed: its target is replaced, the link stays a link;
// - a directory is refused.
// A temporary is removed when its OutputFile dies uncommitted, and by a signal's handler
// (models/base/live_temporaries.h).
#pragma once

#include <fstream>
#include <string>
#include <vector>

namespace nmsim {

class OutputFile {
 public:
  // Opens where `path`'s content goes. DataError naming the path and the OS's reason.
  explicit OutputFile(std::string path);
  ~OutputFile();
  OutputFile(OutputFile&& other) noexcept;
  OutputFile& operator=(OutputFile&&) = delete;
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  std::ostream& stream() { return m_out; }
  void write(const std::string& content);
  // Everything is written: flushed, synced and closed (still under the temporary's name).
  // DataError when a write failed (a full disk, say).
  void close();
  // close(), then into place.
  void commit();
  const std::string& path() const { return m_path; }
  // Where the content lands: `path` with symlinks followed.
  const std::string& target() const { return m_target; }
  // The temporary it writes to; empty for a device or FIFO, and once committed.
  const std::string& temporary() const { return m_temporary; }

 private:
  [[noreturn]] void fail(int error) const;
  void discard();
  std::string m_path;       // as given
  std::string m_target;     // with symlinks followed
  std::string m_temporary;  // empty: written directly (or committed)
  int m_slot = -1;          // the temporary's slot in the live list
  std::ofstream m_out;
  bool m_closed = false;
};

// Where output `path` lands: symlinks followed, a dangling link to the file it would create.
std::string output_target(const std::string& path);
// The folder of a path ("." for a bare name) and its last component.
std::string folder_of(const std::string& path);
std::string base_name_of(const std::string& path);

// Commits `files` (nulls skipped) as one step: all are closed first (a failed write commits
// none), then renamed with SIGINT and SIGTERM held, so a signal never leaves half of them. When
// a rename fails, the files already renamed are removed (they hold this failed run's output;
// a file they replaced is gone either way) and the DataError names them.
void commit_together(const std::vector<OutputFile*>& files);

// `content` to `path` through an OutputFile, committed at once.
void write_output_file(const std::string& path, const std::string& content);

}  // namespace nmsim
