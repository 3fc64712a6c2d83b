#include "workloads/spide/study.h"

#include "platform/base/errors.h"

namespace nmsim::spide {

// Placeholder until the functional reference lands (issue 5).
StudyReport run_study(const RunConfig&, const ChipConfig&, const workloads::DatasetSplit&,
                      const std::function<void(const EpochResult&)>&) {
  throw ConfigError("run.workload: the SPIDE reference study is not implemented yet");
}

}  // namespace nmsim::spide
