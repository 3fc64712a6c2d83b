// A sweep's output folder: each point's report, log and CSV row under points/, and the CSV
// assembled from the rows in point order. A point's row appears whole (written to a
// temporary, then renamed) when its process ends, so a sweep that is killed and run again
// finds every finished point and never a half-written row. The same folder serves local
// runs, shards and Slurm tasks.
#pragma once

#include <cstdint>
#include <string>

#include "tools/sweep/sweep_plan.h"

namespace nmsim::sweep {

class SweepOutput {
 public:
  // Creates the folder (and points/) if needed and records the sweep in it (sweep.textproto);
  // ConfigError if the folder holds a different sweep, or a path in the way is not a folder.
  SweepOutput(const SweepPlan& plan, std::string folder);

  const std::string& folder() const { return m_folder; }
  std::string report_path(uint32_t index) const;  // points/pNNNNNN.json
  std::string log_path(uint32_t index) const;     // points/pNNNNNN.log: the point's stderr

  enum class PointState { kPending, kDone, kFailed };
  PointState state(uint32_t index) const;

  // Records a finished point: its row from its report (exit status 0), or a failed row with
  // the exit status and the last line of its log. Removes a row the point had before.
  void record(const SweepPoint& point, int exit_status);

  // NAME.csv from every recorded row, in point order; returns the rows written.
  uint32_t write_csv() const;
  std::string csv_path() const;

 private:
  std::string point_stem(uint32_t index) const;
  const SweepPlan& m_plan;
  std::string m_folder;
};

// The CSV's header: point, the axis columns, status, exit_status, error, the figures.
std::string csv_header(const SweepPlan& plan);

}  // namespace nmsim::sweep
