// Config files: presets, text-format parsing with file:line:column errors, merging over
// the defaults, describe.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <fstream>
#include <string>
#include <unistd.h>

#include <google/protobuf/text_format.h>
#include <google/protobuf/util/message_differencer.h>

#include "models/base/errors.h"
#include "platform/config/describe.h"
#include "platform/config/loader.h"
#include "platform/config/presets.h"
#include "platform/config/validate.h"
#include "platform/energy/energy_model.h"
#include "proto/compare.pb.h"

namespace {

using nmsim::ConfigError;
namespace config = nmsim::config;

// A config file in the temp folder, unique per test process, removed at scope exit.
class TempFile {
 public:
  TempFile(const std::string& stem, const std::string& text)
      : m_path("/tmp/nmsim_test_" + std::to_string(getpid()) + "_" + stem) {
    std::ofstream(m_path) << text;
  }
  ~TempFile() { std::remove(m_path.c_str()); }
  const std::string& path() const { return m_path; }

 private:
  std::string m_path;
};

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no ConfigError)";
}

template <typename Config>
void require_round_trip(const std::string& name) {
  Config first;
  config::parse_text(config::preset_text(name), name, first);
  std::string printed;
  REQUIRE(google::protobuf::TextFormat::PrintToString(first, &printed));
  Config second;
  config::parse_text(printed, name + " (printed)", second);
  INFO(name);
  REQUIRE(google::protobuf::util::MessageDifferencer::Equals(first, second));
  REQUIRE(first.ByteSizeLong() > 0);
  // The binary encoding compiled in beside the text (what runs read) is the same message,
  // field presence included (a set field equal to its default is still set).
  Config from_binary;
  config::preset_message(name, from_binary);
  REQUIRE(google::protobuf::util::MessageDifferencer::Equals(first, from_binary));
  REQUIRE(first.SerializeAsString() == from_binary.SerializeAsString());
}

}  // namespace

TEST_CASE("config: every compiled-in preset parses, prints and parses back equal", "[config]") {
  const auto names = config::preset_names();
  REQUIRE(std::find(names.begin(), names.end(), "chip_default") != names.end());
  REQUIRE(std::find(names.begin(), names.end(), "run_default") != names.end());
  REQUIRE(std::find(names.begin(), names.end(), "energy_28nm") != names.end());
  for (const std::string& name : names) {
    if (name.rfind("chip_", 0) == 0) require_round_trip<nmsim::ChipConfig>(name);
    else if (name.rfind("run_", 0) == 0) require_round_trip<nmsim::RunConfig>(name);
    else if (name.rfind("energy_", 0) == 0) require_round_trip<nmsim::EnergyTable>(name);
    else if (name.rfind("traffic_", 0) == 0) require_round_trip<nmsim::TrafficConfig>(name);
    else if (name.rfind("compare_", 0) == 0) require_round_trip<nmsim::CompareConfig>(name);
    else FAIL("preset " << name << " has no known kind prefix");
  }
  REQUIRE(config::preset_names("chip") == std::vector<std::string>{"default", "loihi_like", "odin_like"});
}

TEST_CASE("config: a preset read from its binary encoding replaces what the message held", "[config]") {
  nmsim::ChipConfig chip;
  chip.set_name("stale");
  chip.mutable_noc()->set_buffer_depth_flits(99);
  config::preset_message("chip_odin_like", chip);
  nmsim::ChipConfig parsed;
  config::parse_text(config::preset_text("chip_odin_like"), "chip_odin_like", parsed);
  REQUIRE(google::protobuf::util::MessageDifferencer::Equals(chip, parsed));
  REQUIRE_FALSE(chip.noc().has_buffer_depth_flits());  // the odin_like file does not set it
  REQUIRE(error_of([] {
            nmsim::ChipConfig unused;
            config::preset_message("chip_nope", unused);
          }).find("unknown preset 'chip_nope'; presets: ") == 0);
}

TEST_CASE("config: the default presets set every field and pass validation", "[config]") {
  const nmsim::ChipConfig chip = config::default_chip_config();
  const nmsim::RunConfig run = config::default_run_config();
  REQUIRE_NOTHROW(config::validate(chip));
  REQUIRE_NOTHROW(config::validate(run, chip));
  REQUIRE_NOTHROW(nmsim::energy::EnergyModel(config::default_energy_table()));
  // Spot checks of the documented defaults.
  REQUIRE(chip.name() == "nmsim-default-28nm");
  REQUIRE(chip.mesh_width() == 4);
  REQUIRE(chip.core().synapse_sram().size_bytes() == 524288);
  REQUIRE(chip.noc().routing() == nmsim::ROUTING_XY);
  REQUIRE(chip.noc().has_always_clock());
  REQUIRE(run.network().hidden_sizes_size() == 1);
  REQUIRE(run.network().neuron().threshold() == 16384);
  REQUIRE(config::clock_mhz(chip) == 200);
}

TEST_CASE("config: an unknown preset name lists the known ones", "[config]") {
  REQUIRE(error_of([] { config::preset_text("chip_nope"); }).find("unknown preset 'chip_nope'; presets: ") == 0);
  REQUIRE(error_of([] { config::chip_preset("nope"); }) == "unknown chip preset 'nope'; presets: default, loihi_like, odin_like");
  REQUIRE(config::chip_preset("default").mesh_width() == 4);
}

TEST_CASE("config: a syntax error names file, line and column", "[config]") {
  // Line 3, column 23 is the '}' where the value should be.
  const TempFile file("syntax.textproto", "mesh_width: 2\nnoc {\n  buffer_depth_flits: }\n");
  REQUIRE(error_of([&] { config::load_chip_config(file.path()); }) ==
          file.path() + ":3:23: Expected integer, got: }");
}

TEST_CASE("config: an unknown field is an error naming it", "[config]") {
  const TempFile file("unknown.textproto", "mesh_width: 2\nmesh_depth: 3\n");
  REQUIRE(error_of([&] { config::load_chip_config(file.path()); }) ==
          file.path() + ":2:11: Message type \"nmsim.ChipConfig\" has no field named \"mesh_depth\".");
}

TEST_CASE("config: a missing file is an error naming it and the OS's reason", "[config]") {
  REQUIRE(error_of([] { config::load_run_config("/nonexistent/run.textproto"); }) ==
          "cannot read config file '/nonexistent/run.textproto': No such file or directory");
}

TEST_CASE("config: a directory is refused, not read as an empty config", "[config]") {
  REQUIRE(error_of([] { config::load_chip_config("/tmp"); }) == "cannot read config file '/tmp': Is a directory");
}

TEST_CASE("config: a user file is merged over the defaults, explicit zeros and false override", "[config]") {
  const TempFile chip_file("chip.textproto",
                           "mesh_width: 2\n"
                           "core { pipeline_fill_cycles: 0 synapse_sram { banks: 8 } }\n"
                           "noc { buffer_depth_flits: 8 always_clock: true }\n");
  const nmsim::ChipConfig chip = config::load_chip_config(chip_file.path());
  REQUIRE(chip.mesh_width() == 2);
  REQUIRE(chip.mesh_height() == 4);                         // default kept
  REQUIRE(chip.core().pipeline_fill_cycles() == 0);         // explicit 0 over default 2
  REQUIRE(chip.core().synapse_sram().banks() == 8);
  REQUIRE(chip.core().synapse_sram().word_width_bits() == 64);  // sibling default kept
  REQUIRE(chip.noc().buffer_depth_flits() == 8);
  REQUIRE(chip.noc().always_clock());
  REQUIRE(chip.noc().flit_width_bits() == 32);
  REQUIRE(chip.name() == "nmsim-default-28nm");

  // Lists are replaced, not appended to the default [512].
  const TempFile run_file("run.textproto", "seed: 0\nnetwork { hidden_sizes: 256 hidden_sizes: 128 }\n");
  const nmsim::RunConfig run = config::load_run_config(run_file.path());
  REQUIRE(run.seed() == 0);
  REQUIRE(run.network().hidden_sizes_size() == 2);
  REQUIRE(run.network().hidden_sizes(0) == 256);
  REQUIRE(run.network().hidden_sizes(1) == 128);
  REQUIRE(run.network().neuron().threshold() == 16384);

  // Energy entries merge field by field; false overrides the default true.
  const TempFile energy_file("energy.textproto", "clock_gating: false\nadd_8bit { value: 0 }\n");
  const nmsim::EnergyTable table = config::load_energy_table(energy_file.path());
  REQUIRE_FALSE(table.clock_gating());
  REQUIRE(table.add_8bit().has_value());
  REQUIRE(table.add_8bit().value() == 0);
  REQUIRE(table.add_8bit().unit() == "pJ");
  REQUIRE(table.add_16bit().value() == 0.03);
}

TEST_CASE("config: an empty path gives the defaults", "[config]") {
  REQUIRE(google::protobuf::util::MessageDifferencer::Equals(config::load_chip_config(""),
                                                             config::default_chip_config()));
}

TEST_CASE("config: describe lists every field with unit, default, range and help", "[config]") {
  const std::string text = config::describe_fields();
  // One line per leaf field; check a few of them whole (columns are padded).
  REQUIRE(text.find("chip.noc.buffer_depth_flits") != std::string::npos);
  REQUIRE(text.find("4 flits") != std::string::npos);
  REQUIRE(text.find("1..65536; input buffer per router port") != std::string::npos);
  REQUIRE(text.find("8..512, multiple of 8; width of one access") != std::string::npos);
  REQUIRE(text.find("(0, 1]; offered load") != std::string::npos);
  REQUIRE(text.find("1..16, divides chip.core.synapse_sram.word_width_bits; synaptic weight width") !=
          std::string::npos);
  REQUIRE(text.find("-16..40; learning rate 2^-lr_shift") != std::string::npos);
  REQUIRE(text.find("(read by WORKLOAD_FF)\n") != std::string::npos);
  REQUIRE(text.find("run.network.hidden_sizes") != std::string::npos);
  REQUIRE(text.find("list of uint32") != std::string::npos);
  REQUIRE(text.find("one of ROUTING_XY, ROUTING_YX, ROUTING_XY_YX_CHECKERBOARD; route computation") !=
          std::string::npos);
  REQUIRE(text.find("chip.core.synapse_sram.interleaving") != std::string::npos);
  REQUIRE(text.find("INTERLEAVING_WORD") != std::string::npos);
}
