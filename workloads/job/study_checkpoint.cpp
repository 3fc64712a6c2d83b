#include "workloads/job/study_checkpoint.h"

#include <google/protobuf/text_format.h>

#include "models/base/errors.h"
#include "models/base/input_file.h"
#include "models/base/output_file.h"

namespace nmsim::job {

namespace {

std::string text_of(const google::protobuf::Message& message) {
  std::string text;
  google::protobuf::TextFormat::PrintToString(message, &text);
  return text;
}

StudyCheckpoint read_checkpoint(const std::string& path) {
  std::string content, reason;
  if (!read_input_file(path, content, reason)) throw DataError("--resume " + path + ": cannot read (" + reason + ")");
  StudyCheckpoint checkpoint;
  if (!checkpoint.ParseFromString(content) || checkpoint.nmsim_version().empty()) {
    throw DataError("--resume " + path + ": not an nmsim study checkpoint, or damaged");
  }
  return checkpoint;
}

// ConfigError naming `field` if the checkpoint's value differs from this study's.
void check_same(const std::string& path, const std::string& field, const std::string& made_with,
                const std::string& now) {
  if (made_with == now) return;
  throw ConfigError("--resume " + path + ": the checkpoint was made with another " + field +
                    " (a study resumes only with the config, data set and nmsim it was made with)");
}

}  // namespace

StudyCheckpoints::StudyCheckpoints(CheckpointOptions options, const RunConfig& run, const ChipConfig& chip,
                                   const workloads::DatasetSplit& data, uint32_t train_per_epoch)
    : m_options(std::move(options)), m_train_per_epoch(train_per_epoch) {
  m_identity.set_nmsim_version(NMSIM_VERSION);
  m_identity.set_run_config(text_of(run));
  m_identity.set_chip_config(text_of(chip));
  m_identity.set_train_dataset_hash(data.train.content_hash);
  m_identity.set_test_dataset_hash(data.test.content_hash);
  if (!resuming()) return;
  const std::string& path = m_options.resume_path;
  m_resumed = read_checkpoint(path);
  check_same(path, "nmsim version (" + m_resumed.nmsim_version() + ")", m_resumed.nmsim_version(),
             m_identity.nmsim_version());
  check_same(path, "run config", m_resumed.run_config(), m_identity.run_config());
  check_same(path, "chip config", m_resumed.chip_config(), m_identity.chip_config());
  check_same(path, "training split (data set hash)", m_resumed.train_dataset_hash(), m_identity.train_dataset_hash());
  check_same(path, "test split (data set hash)", m_resumed.test_dataset_hash(), m_identity.test_dataset_hash());
  if (m_resumed.sample() > train_per_epoch || m_resumed.predictions_size() != static_cast<int>(m_resumed.sample())) {
    throw DataError("--resume " + path + ": damaged (sample " + std::to_string(m_resumed.sample()) + " of " +
                    std::to_string(train_per_epoch) + ", " + std::to_string(m_resumed.predictions_size()) +
                    " predictions)");
  }
}

StudyPosition StudyCheckpoints::resume(StudyReport& report, ReferenceState& state,
                                       const std::function<void(const EpochResult&)>& on_epoch) const {
  StudyPosition position;
  if (!resuming()) return position;
  report = m_resumed.report();
  if (on_epoch) {
    for (const EpochResult& epoch : report.epochs()) on_epoch(epoch);
  }
  state = m_resumed.reference();
  position.epoch = m_resumed.epoch();
  position.sample = m_resumed.sample();
  position.partial = m_resumed.partial();
  position.predictions.assign(m_resumed.predictions().begin(), m_resumed.predictions().end());
  position.wall_seconds = m_resumed.partial_wall_seconds();
  return position;
}

void StudyCheckpoints::sample_done(const StudyReport& report, StudyPosition& position,
                                   std::chrono::steady_clock::time_point epoch_start,
                                   const SaveState& save_state, uint32_t step_samples) const {
  const uint64_t every = m_options.every_samples;
  if (m_options.path.empty() || every == 0) return;
  const uint64_t done = uint64_t{position.epoch} * m_train_per_epoch + position.sample;
  if (done / every == (done - step_samples) / every) return;  // the step reached no multiple of `every`
  position.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - epoch_start).count();
  write(report, position, save_state);
}

void StudyCheckpoints::epoch_done(const StudyReport& report, uint32_t epoch, const SaveState& save_state) const {
  if (m_options.path.empty() || m_options.every_samples != 0) return;
  StudyPosition next;
  next.epoch = epoch + 1;
  write(report, next, save_state);
}

void StudyCheckpoints::write(const StudyReport& report, const StudyPosition& position,
                             const SaveState& save_state) const {
  StudyCheckpoint checkpoint = m_identity;
  checkpoint.set_epoch(position.epoch);
  checkpoint.set_sample(position.sample);
  *checkpoint.mutable_report() = report;
  *checkpoint.mutable_partial() = position.partial;
  for (uint32_t p : position.predictions) checkpoint.add_predictions(p);
  checkpoint.set_partial_wall_seconds(position.wall_seconds);
  save_state(*checkpoint.mutable_reference());
  std::string content;
  NMSIM_ASSERT(checkpoint.SerializeToString(&content), "a study checkpoint that does not serialise");
  write_output_file(m_options.path, content);
}

void add_state_array(ReferenceState& state, const std::string& name, const std::vector<int64_t>& values) {
  StateArray& array = *state.add_arrays();
  array.set_name(name);
  array.mutable_values()->Add(values.begin(), values.end());
}

std::vector<int64_t> state_array(const ReferenceState& state, int index, const std::string& name) {
  if (index >= state.arrays_size() || state.arrays(index).name() != name) {
    throw DataError("--resume: damaged checkpoint: the reference's state array " + std::to_string(index) +
                    " is not `" + name + "`");
  }
  const auto& values = state.arrays(index).values();
  return {values.begin(), values.end()};
}

void add_state_real(ReferenceState& state, const std::string& name, double value) {
  StateReal& real = *state.add_reals();
  real.set_name(name);
  real.set_value(value);
}

double state_real(const ReferenceState& state, int index, const std::string& name) {
  if (index >= state.reals_size() || state.reals(index).name() != name) {
    throw DataError("--resume: damaged checkpoint: the reference's state value " + std::to_string(index) +
                    " is not `" + name + "`");
  }
  return state.reals(index).value();
}

void check_state_size(const std::string& name, std::size_t read, std::size_t expected) {
  if (read == expected) return;
  throw DataError("--resume: damaged checkpoint: the reference's state array `" + name + "` holds " +
                  std::to_string(read) + " values, the study's " + std::to_string(expected));
}

void check_state_value(const std::string& name, bool fits) {
  if (!fits) throw DataError("--resume: damaged checkpoint: a value of the reference's state array `" + name +
                             "` is out of its range");
}

}  // namespace nmsim::job
