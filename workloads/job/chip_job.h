// What every workload's chip run shares: finding the data set, the report's provenance and
// speed, and the simulator's clock-to-wall bookkeeping.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "proto/chip.pb.h"
#include "proto/energy.pb.h"
#include "proto/report.pb.h"
#include "proto/run.pb.h"
#include "workloads/common/dataset.h"
#include "workloads/common/metrics.h"
#include "workloads/common/weights.h"
#include "models/base/sim_context.h"
#include "platform/energy/energy_model.h"
#include "models/trace/tracer.h"

namespace nmsim::chip { class Chip; }

namespace nmsim::job {

// What every chip job takes: the resolved configs, the trace, whether to check the functional
// reference, a progress callback and the command line for the report's provenance.
struct JobOptions {
  ChipConfig chip;
  RunConfig run;  // training jobs: training.train_samples trained (0: all), then run.samples tested
  EnergyTable energy;
  std::optional<trace::TraceOptions> trace;  // VCD output
  bool check_reference = true;               // run the functional reference too and compare
  std::function<void(uint32_t done, uint32_t total)> progress;
  std::string command_line;
};

// Every job's first step: validates its chip and run configs (ConfigError naming the field)
// and builds its energy model (ConfigError for an incomplete table).
energy::EnergyModel validated_energy_model(const JobOptions& options);

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

// The run's initial weights: drawn from the seed, or loaded from run.network.weights_file
// (DataError for a damaged file or a weight that does not fit the chip's weight width).
workloads::NetworkWeights initial_weights(const RunConfig& run, const std::vector<uint32_t>& sizes,
                                          uint32_t weight_width_bits);

// The training samples a chip run trains: the first run.training.train_samples (0: all) of
// epoch 0's order (workloads/common/training_order.h); ConfigError if too many.
std::vector<uint32_t> training_samples(const RunConfig& run, const workloads::Dataset& train);

// run.samples test samples (0: all), an even stride over the test split (its files are
// ordered by class, so the first N would all be zeros); ConfigError if too many.
std::vector<uint32_t> test_indices(const RunConfig& run, const workloads::Dataset& test);

// A VCD tracer for the run if one was asked for, attached to ctx (null otherwise).
std::unique_ptr<trace::Tracer> make_tracer(const std::optional<trace::TraceOptions>& options, SimContext& ctx);

// Accuracy and per-class accuracy into the summary.
void fill_accuracy(Summary& summary, const workloads::AccuracyMeter& meter);

// A training run's summary: the training part's own summary and phases (report.training,
// report.training_phases, from training_report), samples trained, energy per trained sample (the energy of the run
// up to the end of training, from training_report), accuracy and per-class accuracy of the
// test samples (of the training samples when none were tested), and a note with both
// accuracies that begins with `algorithm`, and one with the cycles and energy of each phase per
// trained sample.
// `schedule` says what the trained samples were (a parenthesis in the note).
void fill_training_summary(Report& report, const Report& training_report, const std::string& algorithm,
                           const workloads::AccuracyMeter& train, const workloads::AccuracyMeter& test,
                           const std::string& schedule = "one epoch in the seed's order");

// Wall-clock seconds since `start` (the chip's and the reference's speed in the report).
using WallClock = std::chrono::steady_clock;
double seconds_since(WallClock::time_point start);

// Runs the simulation to its end, then closes the chip's statistics; returns the wall
// seconds the simulation took.
double simulate(chip::Chip& chip);

// The chip's report as it stands: counts and energy of every phase so far (a job takes one
// when training ends, for the energy per trained sample, and one at the end).
Report chip_report(const chip::Chip& chip, const energy::EnergyModel& energy, const SimContext& ctx);

// Sum of a report's stats whose name ends with `suffix`, in one phase or all (phase < 0): the
// chip's counts that a job compares with its reference's.
double stat_sum(const Report& report, const std::string& suffix, int phase = -1);

// Wall time and simulated cycles and SOPs per wall second.
void fill_speed(Report& report, double chip_wall_seconds);

}  // namespace nmsim::job
