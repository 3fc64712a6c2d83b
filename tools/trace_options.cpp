#include "tools/trace_options.h"

#include <string>
#include <vector>

#include "models/base/errors.h"
#include "models/base/output_file.h"
#include "tools/count_option.h"

namespace po = boost::program_options;

namespace nmsim::tools {

namespace {

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

po::options_description trace_options() {
  po::options_description options(
      "Waveform trace for GTKWave (time axis in cycles; clock nmsim.clk, counter nmsim.cycle)");
  options.add_options()
      ("vcd", po::value<std::string>()->value_name("FILE"), "write a VCD trace")
      ("fst", po::value<std::string>()->value_name("FILE"),
       "write an FST trace (GTKWave's compressed format, for long runs; needs GTKWave's vcd2fst on the PATH)")
      ("trace", po::value<std::vector<std::string>>()->composing()->value_name("PATTERN"),
       "keep only signals whose name matches this glob (e.g. 'chip.node_0_0.core_0.*', '*.occupancy'); "
       "repeatable; a pattern that matches no signal is an error; default: all")
      ("trace-start", po::value<Count<uint64_t>>()->default_value(Count<uint64_t>{0})->value_name("CYCLE"),
       "first traced cycle (also of --spikes and --membrane)")
      ("trace-end", po::value<Count<uint64_t>>()->value_name("CYCLE"), "last traced cycle (also of --spikes and --membrane; default: end)");
  // Perfetto timeline (models/trace/perfetto_writer.h): its own block, so options of other
  // exports stay apart.
  options.add_options()
      ("perfetto", po::value<std::string>()->value_name("FILE"),
       "write a timeline as Chrome trace-event JSON for ui.perfetto.dev (1 us on its axis = 1 cycle): "
       "per unit spans of activity and busy, counters, packets as flows, host transfers, phases")
      ("perfetto-counter-every", po::value<Count<uint64_t>>()->value_name("CYCLES"),
       "Perfetto: one counter sample per this many cycles, the largest value in them (default 1: every change)")
      ("perfetto-span-gap", po::value<Count<uint64_t>>()->value_name("CYCLES"),
       "Perfetto: merge a unit's busy spans less than this many idle cycles apart (args.busy_cycles keeps "
       "the busy count; default 0: no merging)");
  return options;
}

std::string trace_option_name(const po::variables_map& vm) {
  return vm.count("fst") ? "fst" : vm.count("perfetto") ? "perfetto" : "vcd";
}

std::optional<trace::TraceOptions> resolve_trace(const po::variables_map& vm) {
  if (vm.count("vcd") + vm.count("fst") + vm.count("perfetto") > 1) {
    throw ConfigError("--vcd, --fst and --perfetto: one trace at a time");
  }
  if (!vm.count("perfetto") && (vm.count("perfetto-counter-every") || vm.count("perfetto-span-gap"))) {
    throw ConfigError("--perfetto-counter-every and --perfetto-span-gap need --perfetto FILE");
  }
  if (!vm.count("vcd") && !vm.count("fst") && !vm.count("perfetto")) {
    if (vm.count("trace")) throw ConfigError("--trace needs --vcd FILE, --fst FILE or --perfetto FILE");
    // --trace-end also windows the spike and membrane exports (tools/neuron_record_options.h).
    if (vm.count("trace-end") && !vm.count("spikes") && !vm.count("membrane")) {
      throw ConfigError("--trace-end needs --vcd FILE, --fst FILE, --perfetto FILE, --spikes FILE or --membrane FILE");
    }
    return std::nullopt;
  }
  trace::TraceOptions options;
  options.format = vm.count("fst")        ? trace::TraceFormat::kFst
                   : vm.count("perfetto") ? trace::TraceFormat::kPerfetto
                                          : trace::TraceFormat::kVcd;
  if (vm.count("perfetto-counter-every")) {
    options.counter_every = vm["perfetto-counter-every"].as<Count<uint64_t>>().value;
    if (options.counter_every == 0) throw ConfigError("--perfetto-counter-every 0: a sample needs at least 1 cycle");
  }
  if (vm.count("perfetto-span-gap")) options.span_gap = vm["perfetto-span-gap"].as<Count<uint64_t>>().value;
  options.path = vm[trace_option_name(vm)].as<std::string>();
  if (options.format == trace::TraceFormat::kVcd && ends_with(options.path, ".fst")) {
    throw ConfigError("--vcd " + options.path + ": a VCD named .fst would not open in GTKWave; write FST with --fst " +
                      options.path);
  }
  if (vm.count("trace")) options.patterns = vm["trace"].as<std::vector<std::string>>();
  const TraceWindow window = trace_window(vm);
  options.start = window.start;
  options.end = window.end;
  return options;
}

TraceWindow trace_window(const po::variables_map& vm) {
  TraceWindow window;
  window.start = Cycle(vm["trace-start"].as<Count<uint64_t>>().value);
  if (vm.count("trace-end")) window.end = Cycle(vm["trace-end"].as<Count<uint64_t>>().value);
  if (window.end < window.start) {
    throw ConfigError("--trace-end " + std::to_string(window.end.value()) +
                      " is before --trace-start " + std::to_string(window.start.value()));
  }
  return window;
}

std::string job_trace_path(const std::string& path, const std::string& job) {
  const std::string base = base_name_of(path);
  const std::size_t dot = base.rfind('.');
  const std::size_t cut = dot == std::string::npos || dot == 0 ? path.size() : path.size() - base.size() + dot;
  return path.substr(0, cut) + "." + job + path.substr(cut);
}

std::vector<std::string> trace_arguments(const po::variables_map& vm, const std::string& path) {
  const std::optional<trace::TraceOptions> options = resolve_trace(vm);
  if (!options) return {};
  std::vector<std::string> args = {"--" + trace_option_name(vm), path};
  for (const std::string& pattern : options->patterns) args.insert(args.end(), {"--trace", pattern});
  args.insert(args.end(), {"--trace-start", std::to_string(options->start.value())});
  if (vm.count("trace-end")) args.insert(args.end(), {"--trace-end", std::to_string(options->end.value())});
  for (const char* perfetto : {"perfetto-counter-every", "perfetto-span-gap"}) {
    if (vm.count(perfetto)) {
      args.insert(args.end(), {std::string("--") + perfetto, std::to_string(vm[perfetto].as<Count<uint64_t>>().value)});
    }
  }
  return args;
}

}  // namespace nmsim::tools
