// The example run configs of the full-MNIST accuracy runs (workloads/<algorithm>/examples):
// each parses over run_default, names its workload and the full MNIST, and passes validation
// on the chip its documented command uses.
#include <catch2/catch.hpp>

#include <string>

#include "platform/config/loader.h"
#include "platform/config/validate.h"

using namespace nmsim;

TEST_CASE("examples: the full-MNIST run configs load and validate", "[examples]") {
  const struct {
    const char* file;
    Workload workload;
  } examples[] = {
      {"workloads/dfa/examples/mnist_full.textproto", WORKLOAD_DFA},
      {"workloads/ff/examples/mnist_full.textproto", WORKLOAD_FF},
      {"workloads/spide/examples/mnist_full.textproto", WORKLOAD_SPIDE},
      {"workloads/convex/examples/mnist_full.textproto", WORKLOAD_CONVEX},
  };
  for (const auto& example : examples) {
    INFO(example.file);
    const RunConfig run = config::load_run_config(std::string(NMSIM_SOURCE_DIR) + "/" + example.file);
    CHECK(run.workload() == example.workload);
    CHECK(run.dataset() == DATASET_MNIST_FULL);
    ChipConfig chip = config::default_chip_config();
    chip.mutable_core()->set_ternary_couples(true);  // SPIDE's command turns these on
    chip.mutable_core()->set_transposed_read(TRANSPOSED_COPY);
    REQUIRE_NOTHROW(config::validate(chip));
    REQUIRE_NOTHROW(config::validate(run, chip));
  }
}
