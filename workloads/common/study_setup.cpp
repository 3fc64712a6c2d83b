#include "workloads/common/study_setup.h"

#include <google/protobuf/text_format.h>

#include "models/base/errors.h"

namespace nmsim::workloads {

std::vector<uint32_t> evenly_strided(uint32_t samples, uint32_t count) {
  if (samples == 0) samples = count;
  if (samples > count) {
    throw ConfigError("run.samples = " + std::to_string(samples) + ": the test split has only " +
                      std::to_string(count));
  }
  std::vector<uint32_t> indices(samples);
  for (uint32_t k = 0; k < samples; ++k) indices[k] = static_cast<uint32_t>(uint64_t{k} * count / samples);
  return indices;
}

StudySamples study_samples(const RunConfig& run, const DatasetSplit& data) {
  StudySamples s;
  const uint32_t train = run.training().train_samples();
  if (train > data.train.count) {
    throw ConfigError("run.training.train_samples = " + std::to_string(train) +
                      ": the training split has only " + std::to_string(data.train.count));
  }
  s.train_per_epoch = train == 0 ? data.train.count : train;
  s.test_indices = evenly_strided(run.samples(), data.test.count);
  return s;
}

StudyReport study_report(const std::string& workload, const RunConfig& run, const DatasetSplit& data,
                         const std::string& network, const std::string& version) {
  StudyReport report;
  report.set_workload(workload);
  google::protobuf::TextFormat::PrintToString(run, report.mutable_run_config());
  report.set_dataset(data.train.name + " + " + data.test.name);
  report.set_dataset_hash(data.train.content_hash);
  report.set_network(network);
  report.set_nmsim_version(version);
  return report;
}

}  // namespace nmsim::workloads
