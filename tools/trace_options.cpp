#include "tools/trace_options.h"

#include <string>
#include <vector>

#include "models/base/errors.h"
#include "tools/count_option.h"

namespace po = boost::program_options;

namespace nmsim::tools {

po::options_description trace_options() {
  po::options_description options("Waveform trace (VCD for GTKWave)");
  options.add_options()
      ("vcd", po::value<std::string>()->value_name("FILE"), "write a VCD trace")
      ("trace", po::value<std::vector<std::string>>()->composing()->value_name("PATTERN"),
       "keep only signals whose name matches this glob (e.g. 'chip.core_0_0_0.*', '*.occupancy'); "
       "repeatable; default: all")
      ("trace-start", po::value<Count<uint64_t>>()->default_value(Count<uint64_t>{0})->value_name("CYCLE"),
       "first traced cycle")
      ("trace-end", po::value<Count<uint64_t>>()->value_name("CYCLE"), "last traced cycle (default: end)");
  return options;
}

std::optional<trace::TraceOptions> resolve_trace(const po::variables_map& vm) {
  if (!vm.count("vcd")) {
    if (vm.count("trace") || vm.count("trace-end")) {
      throw ConfigError("--trace and --trace-end need --vcd FILE");
    }
    return std::nullopt;
  }
  trace::TraceOptions options;
  options.path = vm["vcd"].as<std::string>();
  if (vm.count("trace")) options.patterns = vm["trace"].as<std::vector<std::string>>();
  options.start = Cycle(vm["trace-start"].as<Count<uint64_t>>().value);
  if (vm.count("trace-end")) options.end = Cycle(vm["trace-end"].as<Count<uint64_t>>().value);
  if (options.end < options.start) {
    throw ConfigError("--trace-end " + std::to_string(options.end.value()) +
                      " is before --trace-start " + std::to_string(options.start.value()));
  }
  return options;
}

}  // namespace nmsim::tools
