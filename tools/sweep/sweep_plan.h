// A sweep file expanded into its points: each point is the list of (path, value) assignments
// that its axes and derived fields give, in a fixed order, so the same file always gives the
// same points with the same indices (a resumed or sharded sweep, or a Slurm task, finds its
// point by index). SystemC-free.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "proto/sweep.pb.h"

namespace nmsim::sweep {

struct Assignment {
  std::string path;   // a --set path, or chip, energy, run, traffic, workload, dataset
  std::string value;
};

struct SweepPoint {
  uint32_t index = 0;
  std::vector<Assignment> assignments;  // axes first (in axis order), then derived fields
  std::vector<std::string> labels;      // one per SweepPlan::columns
};

struct SweepPlan {
  SweepConfig config;
  std::string file;                   // the sweep file, as given
  std::string folder;                 // its folder: relative base config files are found there
  std::vector<std::string> columns;   // the CSV's axis columns
  std::vector<SweepPoint> points;
};

// Expands `config` (read from `file`); ConfigError naming the file, the field, the value and
// the reason for an empty axis, zips of unequal length, a path assigned twice in one point, a
// derived field without a value for a point, or a bad name.
SweepPlan expand_sweep(const SweepConfig& config, const std::string& file);

// Reads and expands a sweep file.
SweepPlan load_sweep(const std::string& path);

// The point's command line after the program name: the command (run or traffic), the base
// config options, the sweep's `set`, then the point's assignments.
std::vector<std::string> point_arguments(const SweepPlan& plan, const SweepPoint& point);

}  // namespace nmsim::sweep
