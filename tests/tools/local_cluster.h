// A single-node Slurm cluster for a test (tools/slurm/local_cluster.sh): started in a folder of
// the test's own, stopped when the test ends, before that folder is removed.
#pragma once

#include <string>

#include <unistd.h>

#include "tests/tools/cli_harness.h"

namespace nmsim::testing {

inline int shell(const std::string& command) {
  const int raw = std::system(command.c_str());
  return WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
}

class LocalCluster {
 public:
  explicit LocalCluster(const TempDir& dir) : m_dir(dir.file("slurm")) {
    // This test process owns the cluster: if a timeout kills the test before the destructor
    // runs, the script's watcher stops the daemons.
    m_started = shell("bash '" + script() + "' start '" + m_dir + "' " + std::to_string(getpid()) + " > '" + m_dir +
                      ".out' 2>&1") == 0;
  }
  ~LocalCluster() { shell("bash '" + script() + "' stop '" + m_dir + "' > /dev/null 2>&1"); }
  LocalCluster(const LocalCluster&) = delete;
  LocalCluster& operator=(const LocalCluster&) = delete;

  bool started() const { return m_started; }
  std::string start_log() const { return slurp(m_dir + ".out"); }
  // The SLURM_CONF that clients (sbatch, squeue, nmsim sweep --slurm) need.
  std::string conf() const { return m_dir + "/slurm.conf"; }

 private:
  static std::string script() { return std::string(NMSIM_SOURCE_DIR) + "/tools/slurm/local_cluster.sh"; }
  std::string m_dir;
  bool m_started = false;
};

}  // namespace nmsim::testing
