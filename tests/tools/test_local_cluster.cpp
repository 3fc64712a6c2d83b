// The single-node Slurm cluster that nmsim's cluster tests run on (tools/slurm/local_cluster.sh):
// real munged, slurmctld and slurmd from Debian's packages, started in a folder of their own. A
// job array submitted with sbatch runs every task on this machine and ends, so a sweep test can
// trust it.
#include <catch2/catch.hpp>

#include <string>

#include "tests/tools/local_cluster.h"

using nmsim::testing::LocalCluster;
using nmsim::testing::shell;
using nmsim::testing::slurp;
using nmsim::testing::TempDir;

TEST_CASE("local Slurm cluster runs a job array to its end", "[slurm]") {
  TempDir dir;
  LocalCluster cluster(dir);
  INFO(cluster.start_log());
  REQUIRE(cluster.started());

  const std::string script = dir.file("task.sh");
  REQUIRE(shell("printf '#!/bin/sh\\necho $((SLURM_ARRAY_TASK_ID * 7)) > " + dir.path() +
                "/task_$SLURM_ARRAY_TASK_ID.txt\\n' > '" + script + "'") == 0);
  const int status = shell("SLURM_CONF='" + cluster.conf() + "' sbatch --wait --quiet --array=0-2 --cpus-per-task=1 " +
                           "--output=/dev/null '" + script + "'");
  REQUIRE(status == 0);
  for (int task = 0; task < 3; ++task) {
    CHECK(slurp(dir.file("task_" + std::to_string(task) + ".txt")) == std::to_string(task * 7) + "\n");
  }
}
