// Options shared by the nmsim commands: config files, overrides, outputs.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "proto/chip.pb.h"
#include "proto/energy.pb.h"
#include "proto/report.pb.h"
#include "proto/run.pb.h"
#include "proto/traffic.pb.h"
#include "tools/table/table.h"

namespace nmsim::tools {

struct ResolvedConfigs {
  ChipConfig chip;
  RunConfig run;
  EnergyTable energy;
  TrafficConfig traffic;
  // What was adapted to the chip preset (config::run_adaptation_note), for the report's notes.
  std::vector<std::string> notes;
};

// Parses a command's options into vm; on --help prints them (and every config field if
// list_config_fields) and returns true.
bool parse_or_help(const std::vector<std::string>& args,
                   const boost::program_options::options_description& options,
                   boost::program_options::variables_map& vm, bool list_config_fields = false);
// --chip, --run, --energy, --traffic, --set, --allow-unused.
boost::program_options::options_description config_options();
// Files (or preset names) merged over the defaults, then every --set in order. A chip preset
// with a run overlay (config::load_run_config_for_chip) adapts the run under the user's settings. With
// check_run_fields, a run field that run.workload does not read and that differs from its
// default is a ConfigError (a warning on stderr with --allow-unused): config::check_unused_fields.
// --memory-budget GIB.
boost::program_options::options_description memory_budget_option();
// The chip's estimated host memory against --memory-budget (default: the machine's memory):
// ConfigError before anything is allocated (platform/config/memory_estimate.h).
void check_memory_budget(const boost::program_options::variables_map& vm, const ChipConfig& chip);
ResolvedConfigs resolve_configs(const boost::program_options::variables_map& vm, bool check_run_fields = true);

// How much of a report its JSON holds: everything, or all but the per-object statistics (the
// bulk of a report; the summary, phases, components, provenance and notes stay), for sweeps.
enum class JsonDetail { kFull, kSummary };
// --json-detail summary|full.
boost::program_options::options_description json_detail_option();
// The option's value; ConfigError naming it for anything else (checked before any work).
JsonDetail json_detail(const boost::program_options::variables_map& vm);
// The report as JSON at that detail.
std::string report_json(const Report& report, JsonDetail detail);

// --format csv|md|latex if given (a table instead of the readable text); ConfigError for
// another value (checked before any work).
std::optional<table::Format> table_format(const boost::program_options::variables_map& vm);

}  // namespace nmsim::tools
