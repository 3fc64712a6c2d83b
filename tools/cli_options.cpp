#include "tools/cli_options.h"

#include <cctype>
#include <iostream>

#include "models/base/errors.h"
#include "platform/config/describe.h"
#include "platform/config/loader.h"
#include "platform/config/memory_estimate.h"
#include "platform/config/override.h"
#include "platform/config/presets.h"
#include "platform/config/run_adaptation.h"
#include "platform/config/unused_fields.h"
#include "platform/report/report_format.h"
#include "proto/run.pb.h"
#include "workloads/registry/registry.h"

namespace po = boost::program_options;

namespace nmsim::tools {

namespace {
bool any_workload(const job::WorkloadDefinition&) { return true; }
}  // namespace

bool parse_or_help(const std::vector<std::string>& args, const po::options_description& options,
                   po::variables_map& vm, bool list_config_fields) {
  po::store(po::command_line_parser(args).options(options).run(), vm);
  po::notify(vm);
  if (vm.count("help") == 0) return false;
  std::cout << options << "\n";
  if (list_config_fields) {
    std::cout << config::describe_fields();
  }
  return true;
}

po::options_description config_options() {
  po::options_description options("Configuration (protobuf text format; see `nmsim describe`)");
  options.add_options()
      ("chip", po::value<std::string>()->value_name("FILE|PRESET"),
       "chip config file merged over the default chip, or a preset name (default, odin_like, loihi_like)")
      ("run", po::value<std::string>()->value_name("FILE"),
       "run config file (workload, data set, network, time steps, seed, samples)")
      ("energy", po::value<std::string>()->value_name("FILE|PRESET"),
       "energy table file merged over the default 28 nm table, or a preset name (28nm, odin_28nm, loihi_14nm)")
      ("traffic", po::value<std::string>()->value_name("FILE"),
       "synthetic traffic config file (nmsim traffic)")
      ("workload", po::value<std::string>()->value_name("NAME"),
       ("the workload's short name (" + registry::names(any_workload) + "): the same as --set workload=WORKLOAD_NAME").c_str())
      ("dataset", po::value<std::string>()->value_name("NAME"),
       "mnist, mnist_full, mnist_full_validation or fashion_mnist: the same as --set dataset=DATASET_NAME")
      ("set", po::value<std::vector<std::string>>()->composing()->value_name("PATH=VALUE"),
       "override one field, e.g. --set noc.buffer_depth_flits=8 --set network.hidden_sizes=256,128; "
       "repeatable, applied in order after the files")
      ("allow-unused", "only warn (instead of refusing) when a run field the workload does not read differs from "
       "its default, e.g. --set ff.lr_shift=3 under DFA");
  options.add(memory_budget_option());
  return options;
}

po::options_description memory_budget_option() {
  po::options_description options("Host memory");
  options.add_options()
      ("memory-budget", po::value<double>()->value_name("GIB"),
       "refuse a chip whose models would take more host memory than this, before anything is allocated "
       "(default: this machine's memory)");
  return options;
}

namespace {


std::string upper_case(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return s;
}

bool is_file_path(const std::string& s) {
  return s.find('/') != std::string::npos || s.find('.') != std::string::npos;
}

}  // namespace

void check_memory_budget(const po::variables_map& vm, const ChipConfig& chip) {
  uint64_t budget = config::physical_memory_bytes();
  if (vm.count("memory-budget")) {
    const double gib = vm["memory-budget"].as<double>();
    if (!(gib > 0 && gib < 1e9)) {
      throw ConfigError("--memory-budget " + std::to_string(gib) + ": must be a number of GiB > 0");
    }
    budget = static_cast<uint64_t>(gib * (1ull << 30));
  }
  config::check_chip_memory(chip, budget, "--memory-budget");
}

ResolvedConfigs resolve_configs(const po::variables_map& vm, bool check_run_fields) {
  ResolvedConfigs c;
  const auto arg = [&](const char* name) {
    return vm.count(name) ? vm[name].as<std::string>() : std::string();
  };
  const std::string chip = arg("chip");
  c.chip = chip.empty() || is_file_path(chip) ? config::load_chip_config(chip)
                                              : config::chip_preset(chip);
  // The run adapted to the chip preset, and beside it the same run without the adaptation:
  // every user setting below goes to both, so where they differ the adaptation decided.
  const std::string preset = config::chip_preset_name(chip);
  c.run = config::load_run_config_for_chip(arg("run"), preset);
  RunConfig plain = config::load_run_config(arg("run"));
  const std::string energy = arg("energy");
  c.energy = energy.empty() || is_file_path(energy) ? config::load_energy_table(energy)
                                                    : config::energy_preset(energy);
  c.traffic = config::load_traffic_config(arg("traffic"));
  // The short names are applied before the --set overrides, which may refine them.
  if (vm.count("workload")) {
    const std::string name = vm["workload"].as<std::string>();
    const job::WorkloadDefinition* definition = registry::find(name);
    if (definition == nullptr) throw ConfigError("--workload " + name + ": expects one of " + registry::names(any_workload));
    c.run.set_workload(definition->workload);
    plain.set_workload(definition->workload);
  }
  if (vm.count("dataset")) {
    const std::string name = vm["dataset"].as<std::string>();
    Dataset dataset;
    if (!Dataset_Parse("DATASET_" + upper_case(name), &dataset) || dataset == DATASET_UNSPECIFIED) {
      throw ConfigError("--dataset " + name + ": expects mnist, mnist_full, mnist_full_validation or fashion_mnist");
    }
    c.run.set_dataset(dataset);
    plain.set_dataset(dataset);
  }
  if (vm.count("set")) {
    for (const auto& assignment : vm["set"].as<std::vector<std::string>>()) {
      config::apply_override(c.chip, c.run, c.energy, c.traffic, assignment);
      ChipConfig chip_copy = c.chip;
      EnergyTable energy_copy = c.energy;
      TrafficConfig traffic_copy = c.traffic;
      config::apply_override(chip_copy, plain, energy_copy, traffic_copy, assignment);
    }
  }
  check_memory_budget(vm, c.chip);
  const std::string note = config::run_adaptation_note(preset, plain, c.run);
  if (!note.empty()) c.notes.push_back(note);
  if (check_run_fields) {
    config::check_unused_fields(c.run, {c.run.workload()}, vm.count("allow-unused") > 0, std::cerr,
                                config::load_run_config_for_chip("", preset));
  }
  return c;
}

po::options_description json_detail_option() {
  po::options_description options("Report size");
  options.add_options()
      ("json-detail", po::value<std::string>()->default_value("full")->value_name("LEVEL"),
       "full: every statistic of every object in the JSON; summary: all but those (a sweep's default)");
  return options;
}

JsonDetail json_detail(const po::variables_map& vm) {
  const std::string level = vm.count("json-detail") ? vm["json-detail"].as<std::string>() : "full";
  if (level == "full") return JsonDetail::kFull;
  if (level == "summary") return JsonDetail::kSummary;
  throw ConfigError("--json-detail " + level + ": expects summary or full");
}

std::string report_json(const Report& report, JsonDetail detail) {
  // Only the summary needs its own copy; copying the full report (thousands of stats) cost
  // as much as a tenth of a short traffic run.
  if (detail != JsonDetail::kSummary) return report::to_json(report);
  Report summary;
  summary.CopyFrom(report);
  summary.clear_stats();
  summary.add_notes("JSON detail: summary (the per-object statistics are left out; --json-detail full keeps them).");
  return report::to_json(summary);
}

std::optional<table::Format> table_format(const po::variables_map& vm) {
  if (!vm.count("format")) return std::nullopt;
  return table::parse_format(vm["format"].as<std::string>(), "--format");
}

}  // namespace nmsim::tools
