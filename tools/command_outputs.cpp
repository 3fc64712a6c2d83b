#include "tools/command_outputs.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "models/base/errors.h"
#include "models/base/live_temporaries.h"

namespace nmsim::tools {

namespace {

// Which file an output lands in: the inode of an existing one, else its folder's and its name.
struct Identity {
  dev_t device = 0;
  ino_t inode = 0;
  std::string name;
  bool character_device = false;

  bool operator==(const Identity& o) const { return device == o.device && inode == o.inode && name == o.name; }
};

[[noreturn]] void refuse(const NamedOutput& output, const std::string& reason) {
  throw ConfigError("--" + output.option + " " + output.path + ": " + reason);
}

Identity check_output(const NamedOutput& output) {
  const std::string target = output_target(output.path);
  struct stat st;
  if (stat(target.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) refuse(output, std::strerror(EISDIR));
    if (!S_ISREG(st.st_mode)) {  // written into: it must take writes
      if (access(target.c_str(), W_OK) != 0) refuse(output, std::strerror(errno));
      return {st.st_dev, st.st_ino, "", S_ISCHR(st.st_mode) != 0};
    }
  } else if (errno != ENOENT) {
    refuse(output, std::strerror(errno));
  }
  // A regular file is written through a temporary beside it: make one there and remove it
  // (the truth about permissions, read-only mounts and missing folders, root or not).
  const std::string folder = folder_of(target);
  std::string probe = folder + "/." + base_name_of(target) + ".XXXXXX.tmp";
  {
    const HeldStopSignals held;  // no signal between creating and removing it
    const int fd = mkstemps(&probe[0], 4);
    if (fd < 0) refuse(output, "cannot write in the folder '" + folder + "': " + std::strerror(errno));
    close(fd);
    unlink(probe.c_str());
  }
  if (stat(target.c_str(), &st) == 0) return {st.st_dev, st.st_ino, "", false};
  struct stat folder_stat;
  if (stat(folder.c_str(), &folder_stat) != 0) refuse(output, std::strerror(errno));
  return {folder_stat.st_dev, folder_stat.st_ino, base_name_of(target), false};
}

}  // namespace

NamedOutput output_option(const boost::program_options::variables_map& vm, const std::string& name) {
  return {name, vm.count(name) ? vm[name].as<std::string>() : std::string()};
}

void check_outputs(const std::vector<NamedOutput>& outputs) {
  std::vector<std::pair<const NamedOutput*, Identity>> checked;
  for (const NamedOutput& output : outputs) {
    if (output.path.empty()) continue;
    const Identity identity = check_output(output);
    for (const auto& [other, other_identity] : checked) {
      if (identity == other_identity && !identity.character_device) {
        throw ConfigError("--" + other->option + " " + other->path + " and --" + output.option + " " + output.path +
                          " are the same file: give each output its own");
      }
    }
    checked.emplace_back(&output, identity);
  }
}

CommandOutputs::CommandOutputs(std::vector<NamedOutput> outputs) : m_outputs(std::move(outputs)) {
  check_outputs(m_outputs);
}

void CommandOutputs::write(const std::string& option, const std::string& content) {
  for (const NamedOutput& output : m_outputs) {
    if (output.option != option) continue;
    if (output.path.empty()) return;
    m_files.emplace_back(output.path);
    m_files.back().write(content);
    m_files.back().close();
    return;
  }
  NMSIM_ASSERT(false, "CommandOutputs: no output --" + option);
}

void CommandOutputs::add(OutputFile file) { m_files.push_back(std::move(file)); }

void CommandOutputs::commit() {
  std::vector<OutputFile*> files;
  for (OutputFile& file : m_files) files.push_back(&file);
  commit_together(files);
}

}  // namespace nmsim::tools
