#include "workloads/job/chip_job.h"

#include "models/base/errors.h"
#include "workloads/common/input_pooling.h"
#include "workloads/common/study_setup.h"
#include "workloads/common/training_order.h"

namespace nmsim::job {

LoadedData load_data(const RunConfig& run) {
  LoadedData data;
  data.dir = run.data_dir().empty() ? workloads::default_data_dir(run.dataset(), NMSIM_SOURCE_DIR)
                                    : run.data_dir();
  data.split = workloads::load_dataset(run.dataset(), data.dir);
  workloads::input_pixels(run);  // ConfigError for a pooling that does not divide the image
  if (run.input_pooling() > 1) {
    data.split.train = workloads::pooled(data.split.train, run.input_pooling());
    data.split.test = workloads::pooled(data.split.test, run.input_pooling());
  }
  return data;
}

workloads::NetworkWeights initial_weights(const RunConfig& run, const std::vector<uint32_t>& sizes,
                                          uint32_t weight_width_bits) {
  // Both paths are already checked against the weight width: the drawn range by
  // config::validate(run, chip), a loaded file by load_weights.
  return run.network().weights_file().empty()
             ? workloads::random_weights(sizes, run.network().init_weight_range(), run.seed())
             : workloads::load_weights(run.network().weights_file(), sizes, weight_width_bits);
}

std::vector<uint32_t> training_samples(const RunConfig& run, const workloads::Dataset& train) {
  const uint32_t samples = run.training().train_samples() == 0 ? train.count : run.training().train_samples();
  if (samples > train.count) {
    throw ConfigError("run.training.train_samples = " + std::to_string(samples) +
                      ": the training split has only " + std::to_string(train.count));
  }
  std::vector<uint32_t> order;
  workloads::training_order(order, train.count, run.seed(), 0, run.training().shuffle());
  order.resize(samples);
  return order;
}

std::vector<uint32_t> test_indices(const RunConfig& run, const workloads::Dataset& test) {
  return workloads::evenly_strided(run.samples(), test.count);
}

}  // namespace nmsim::job
