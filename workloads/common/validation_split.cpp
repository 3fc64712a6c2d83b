#include "workloads/common/validation_split.h"

#include <string>
#include <vector>

#include "models/base/errors.h"
#include "workloads/common/study_setup.h"

namespace nmsim::workloads {

DatasetSplit validation_split(const DatasetSplit& split, uint32_t samples) {
  const Dataset& train = split.train;
  NMSIM_ASSERT(samples > 0 && samples < train.count, "a validation split of " + std::to_string(samples) +
                                                         " samples from " + std::to_string(train.count));
  std::vector<bool> held_out(train.count, false);
  for (const uint32_t i : evenly_strided(samples, train.count)) held_out[i] = true;
  DatasetSplit out;
  out.train.name = train.name + " without " + std::to_string(samples) + " validation samples";
  out.test.name = train.name + " (" + std::to_string(samples) + " validation samples)";
  for (Dataset* d : {&out.train, &out.test}) {
    d->pixels_per_sample = train.pixels_per_sample;
    d->content_hash = train.content_hash;
  }
  for (uint32_t i = 0; i < train.count; ++i) {
    Dataset& d = held_out[i] ? out.test : out.train;
    const uint8_t* s = train.sample(i);
    d.pixels.insert(d.pixels.end(), s, s + train.pixels_per_sample);
    d.labels.push_back(train.labels[i]);
  }
  out.train.count = static_cast<uint32_t>(out.train.labels.size());
  out.test.count = static_cast<uint32_t>(out.test.labels.size());
  return out;
}

}  // namespace nmsim::workloads
