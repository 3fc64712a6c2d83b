// What every workload's chip run shares: finding the data set, the report's provenance and
// speed, and the simulator's clock-to-wall bookkeeping.
#pragma once

#include <string>

#include "proto/chip.pb.h"
#include "proto/energy.pb.h"
#include "proto/report.pb.h"
#include "proto/run.pb.h"
#include "workloads/common/dataset.h"
#include "workloads/common/metrics.h"

namespace nmsim::job {

// The run's data set (run.data_dir, or the default install location); DataError if damaged.
struct LoadedData {
  std::string dir;
  workloads::DatasetSplit split;
};
LoadedData load_data(const RunConfig& run);

// Provenance: version, command line, resolved configs, energy table name, hash and the
// entries left at defaults, seed, data set and its hash, the weights' source.
void fill_provenance(Report& report, const ChipConfig& chip, const RunConfig& run, const EnergyTable& energy,
                     const workloads::Dataset& dataset, const std::string& data_dir,
                     const std::string& command_line);

// Accuracy and per-class accuracy into the summary.
void fill_accuracy(Summary& summary, const workloads::AccuracyMeter& meter);

// Wall time and simulated cycles and SOPs per wall second.
void fill_speed(Report& report, double chip_wall_seconds);

}  // namespace nmsim::job
