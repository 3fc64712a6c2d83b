// The core's units as child sc_objects: which exist on which core, their names and stat groups,
// the order a report visits them in, and the named host registers.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "models/core/neuron_core.h"
#include "tests/models/core/testbench.h"

using namespace nmsim;
using testing::CoreBench;
using testing::find_unit;
using testing::small_chip;

namespace {

class ZeroGenerator final : public core::WeightGenerator {
 public:
  void generate_row(uint32_t, uint32_t n, int32_t* weights) const override {
    for (uint32_t j = 0; j < n; ++j) weights[j] = 0;
  }
  core::GeneratorCost cost() const override { return {1, 1, 1}; }
};

std::vector<std::string> child_names(const core::NeuronCore& core) {
  std::vector<std::string> names;
  for (const sc_core::sc_object* child : core.get_child_objects()) names.push_back(child->basename());
  return names;
}

bool has_stat(const StatGroup& group, const std::string& name) {
  for (const auto& s : group.stats()) {
    if (s.name == name) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("units: a plain core has the learning engine only", "[core][units]") {
  CoreBench bench(small_chip(), 100, 8);
  CHECK(find_unit(bench.core, "learning") != nullptr);
  CHECK(find_unit(bench.core, "couples") == nullptr);
  CHECK(find_unit(bench.core, "readout") == nullptr);
  CHECK(find_unit(bench.core, "weight_generator") == nullptr);
  CHECK_FALSE(has_stat(bench.core, "couple_reads"));
  CHECK_FALSE(has_stat(bench.core, "bisection_steps"));
}

TEST_CASE("units: couples, weight generator and readout are children with their own stats, "
          "listed right after the core", "[core][units]") {
  ChipConfig config = small_chip();
  config.mutable_core()->set_ternary_couples(true);
  CoreBench bench(config, 100, 8);
  ZeroGenerator generator;
  bench.core.set_weight_generator(&generator);
  core::ReadoutLayout layout;
  layout.base = 100 * 16;  // above the 100 synapse rows of 16 bytes
  layout.units = 1;
  bench.core.configure_readout(layout);

  const StatGroup* couples = find_unit(bench.core, "couples");
  const StatGroup* generators = find_unit(bench.core, "weight_generator");
  const StatGroup* readout = find_unit(bench.core, "readout");
  REQUIRE(couples != nullptr);
  REQUIRE(generators != nullptr);
  REQUIRE(readout != nullptr);
  CHECK(std::string(dynamic_cast<const sc_core::sc_object*>(readout)->name()) == "core.readout");
  CHECK(has_stat(*couples, "couple_reads"));
  CHECK(has_stat(*couples, "transposed_senders"));
  CHECK(has_stat(*generators, "multiplies"));
  CHECK(has_stat(*readout, "value_adds"));
  CHECK(has_stat(*readout, "cycles"));
  // None of them left in the core's own group; the SOPs stay the core's.
  CHECK_FALSE(has_stat(bench.core, "couple_reads"));
  CHECK_FALSE(has_stat(bench.core, "weights"));
  CHECK_FALSE(has_stat(bench.core, "bisection_steps"));
  CHECK(has_stat(bench.core, "sops"));
  // Units first (in the order they were made), then the memories: the report sums their
  // energies in the order it did when their stats were the core's.
  const std::vector<std::string> names = child_names(bench.core);
  REQUIRE(names.size() >= 6);
  CHECK(std::vector<std::string>(names.begin(), names.begin() + 3) ==
        std::vector<std::string>{"couples", "weight_generator", "readout"});
  const auto sram = std::find(names.begin(), names.end(), "sram");
  const auto learning = std::find(names.begin(), names.end(), "learning");
  CHECK(sram != names.end());
  CHECK(sram < learning);
}

TEST_CASE("units: host registers are named by the firmware's enum", "[core][units]") {
  enum class Register : uint8_t { kLabel, kAlpha };
  CoreBench bench(small_chip(), 100, 8);
  bench.core.host_register(Register::kLabel) = 7;
  bench.core.host_register(Register::kAlpha) = -3;
  CHECK(bench.core.host_register(Register::kLabel) == 7);
  CHECK(bench.core.host_register(Register::kAlpha) == -3);
}
