// `nmsim compare`'s finished jobs on disk: each job's outcome (its full report, the reference
// check and the weights written) is written as soon as the job ends, whole or not at all
// (report::write_file_atomically), to FOLDER/<algorithm>.json beside the compare JSON
// (nmsim-compare.json -> nmsim-compare.d/dfa.json). An interrupted compare keeps every
// finished job, and `--resume` takes a recorded job instead of running it again when it was
// run by the same nmsim version with the same resolved configs: its report's provenance holds
// the chip and run configs as text and the energy table's name and hash.
#pragma once

#include <optional>
#include <string>

#include "proto/compare.pb.h"
#include "workloads/job/chip_run.h"

namespace nmsim::tools {

class CompareJobStore {
 public:
  // The folder of the compare JSON at `json_path` (its name without ".json", then ".d"),
  // created by the first save (DataError naming it if it cannot be, or is not a folder).
  explicit CompareJobStore(const std::string& json_path);

  const std::string& folder() const { return m_folder; }
  std::string path(const std::string& algorithm) const;

  // The recorded outcome of `algorithm` if it came from this nmsim version, `job`'s chip, run
  // and energy configs and reference check; otherwise nothing, and `why_not` says what
  // differs (or that no readable record exists).
  std::optional<CompareJobOutcome> reusable(const std::string& algorithm, const job::JobOptions& job,
                                            std::string& why_not) const;

  void save(const std::string& algorithm, const CompareJobOutcome& outcome) const;

 private:
  void create_folder() const;

  std::string m_folder;
};

}  // namespace nmsim::tools
