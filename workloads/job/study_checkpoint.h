// Checkpoint and resume of an accuracy study (`nmsim study --checkpoint FILE`, `--resume
// FILE`; proto/checkpoint.proto). A study's loop calls sample_done() after each training
// sample (a study that steps over batches, convex, after each batch) and epoch_done() after
// each epoch; a checkpoint is written (atomically, through models/base/output_file.h) when
// one is due: every `every_samples` training samples counted over the whole study (with
// batches: after the first batch that reaches or passes each multiple of every_samples), or
// at each epoch's end when that is 0. A resumed study restores the
// report's finished epochs, the epoch in progress (counts, predictions, wall time so far) and
// its functional reference's state, and goes on from the next sample; the functional
// references are integer and their PRNG streams are indexed by (seed, epoch, sample), so the
// rest of the run, and the report, are those of an uninterrupted study (wall times aside).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "proto/checkpoint.pb.h"
#include "proto/chip.pb.h"
#include "proto/run.pb.h"
#include "proto/training.pb.h"
#include "workloads/common/dataset.h"

namespace nmsim::job {

struct CheckpointOptions {
  std::string path;             // --checkpoint: where to write (empty: no checkpoints)
  uint64_t every_samples = 0;   // --checkpoint-every: training samples between two; 0: each epoch
  std::string resume_path;      // --resume: the checkpoint to continue (empty: start afresh)
};

// Where a study continues: the epoch in progress and its training samples done, with what
// the study had computed of it.
struct StudyPosition {
  uint32_t epoch = 0;
  uint32_t sample = 0;
  EpochResult partial;               // the epoch's counts so far
  std::vector<uint32_t> predictions; // its training samples' predictions so far, in order
  double wall_seconds = 0;           // the wall time it had taken
};

// A functional reference's state: what it writes into a checkpoint, and reads back.
using SaveState = std::function<void(ReferenceState&)>;

class StudyCheckpoints {
 public:
  // Reads the checkpoint to resume, if any: DataError naming the file for one that is missing,
  // unreadable or damaged; ConfigError naming the field for one made with another nmsim
  // version, run or chip config, or data set (`run` and `chip` resolved as the study uses
  // them). `train_per_epoch`: training samples per epoch.
  StudyCheckpoints(CheckpointOptions options, const RunConfig& run, const ChipConfig& chip,
                   const workloads::DatasetSplit& data, uint32_t train_per_epoch);

  bool resuming() const { return !m_options.resume_path.empty(); }
  // Resuming: the report's epochs and notes as they were (reported again through on_epoch, so
  // the console shows the whole study), `state` the reference's; returns where to go on. Else
  // the start.
  StudyPosition resume(StudyReport& report, ReferenceState& state,
                       const std::function<void(const EpochResult&)>& on_epoch) const;

  // After training sample `position.sample` (1-based) of `position.epoch`, the last
  // `step_samples` of them done in one step (a batch): writes a checkpoint if one is due
  // (position.partial and .predictions as they stand, position.wall_seconds filled here from
  // `epoch_start`, which a resumed epoch moves back by its earlier time).
  void sample_done(const StudyReport& report, StudyPosition& position,
                   std::chrono::steady_clock::time_point epoch_start, const SaveState& save_state,
                   uint32_t step_samples = 1) const;
  // After epoch `epoch` (0-based) is in the report: writes a checkpoint if one is due.
  void epoch_done(const StudyReport& report, uint32_t epoch, const SaveState& save_state) const;

 private:
  void write(const StudyReport& report, const StudyPosition& position, const SaveState& save_state) const;

  CheckpointOptions m_options;
  StudyCheckpoint m_identity;  // the fields a resume compares
  uint32_t m_train_per_epoch;
  StudyCheckpoint m_resumed;   // resuming: the checkpoint read
};

// A wall time saved in a checkpoint as a steady_clock duration (a resumed epoch's start is
// moved back by it).
inline std::chrono::steady_clock::duration wall_duration(double seconds) {
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(seconds));
}

// A reference's state arrays, in the order it writes them: add_state_array appends one;
// state_array reads array `index`, DataError (the checkpoint is damaged) if it is missing,
// has another name, or (sized) another size than `values` has.
void add_state_array(ReferenceState& state, const std::string& name, const std::vector<int64_t>& values);
std::vector<int64_t> state_array(const ReferenceState& state, int index, const std::string& name);

// A real number of a reference's state, in the order it writes them (as the arrays).
void add_state_real(ReferenceState& state, const std::string& name, double value);
double state_real(const ReferenceState& state, int index, const std::string& name);

// DataError unless array `name` has `expected` values (`read` were read) and each fits its type.
void check_state_size(const std::string& name, std::size_t read, std::size_t expected);
void check_state_value(const std::string& name, bool fits);

// Typed views for the arrays references hold (weights, generator states, windows).
template <typename T>
void add_state_values(ReferenceState& state, const std::string& name, const std::vector<T>& values) {
  add_state_array(state, name, std::vector<int64_t>(values.begin(), values.end()));
}
// Reads array `index` into `values`, which must keep its size (DataError otherwise).
template <typename T>
void read_state_values(const ReferenceState& state, int index, const std::string& name, std::vector<T>& values) {
  const std::vector<int64_t> read = state_array(state, index, name);
  check_state_size(name, read.size(), values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    values[i] = static_cast<T>(read[i]);
    check_state_value(name, static_cast<int64_t>(values[i]) == read[i]);
  }
}

}  // namespace nmsim::job
