// The files a command writes (--json, --vcd, --save-weights, ...): every path is checked
// before any work, and the files are put in place together at the very end, so a failure or a
// signal in between leaves none of them, and no temporary (models/base/output_file.h).
#pragma once

#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "models/base/output_file.h"

namespace nmsim::tools {

struct NamedOutput {
  std::string option;  // without the dashes: "json"
  std::string path;    // empty: not asked for
};

// The output of option `name` as given (an empty path when it was not).
NamedOutput output_option(const boost::program_options::variables_map& vm, const std::string& name);

// ConfigError naming the option, the path and the OS's reason for an output that cannot be
// written: its folder is missing or not writable, the path is a directory, or two outputs are
// the same file (by path or by inode, symlinks followed; a character device such as /dev/null
// may take several).
void check_outputs(const std::vector<NamedOutput>& outputs);

class CommandOutputs {
 public:
  // check_outputs(outputs).
  explicit CommandOutputs(std::vector<NamedOutput> outputs);
  // Writes the content of output `option` to its temporary; nothing if it was not asked for.
  void write(const std::string& option, const std::string& content);
  // An output already written (the VCD a run streamed).
  void add(OutputFile file);
  // Every output into place as one step.
  void commit();

 private:
  std::vector<NamedOutput> m_outputs;
  std::vector<OutputFile> m_files;
};

}  // namespace nmsim::tools
