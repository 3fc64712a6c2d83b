// --vcd, --fst, --perfetto, --trace, --trace-start, --trace-end: the same for every command. A command that
// runs several jobs (compare's algorithms, sweep's points) writes one trace per job, named
// after the given path with the job's name before the extension (trace.vcd -> trace.dfa.vcd).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "models/trace/tracer.h"

namespace nmsim::tools {

boost::program_options::options_description trace_options();
// The trace options, or nothing without --vcd, --fst or --perfetto; ConfigError for an
// impossible window, two outputs, or a VCD named *.fst.
std::optional<trace::TraceOptions> resolve_trace(const boost::program_options::variables_map& vm);
// The trace option given ("vcd", "fst" or "perfetto"); "vcd" when none was.
std::string trace_option_name(const boost::program_options::variables_map& vm);
// --trace-start and --trace-end (the whole run without them): ConfigError for an end before
// the start. Shared by the waveform traces and the spike and membrane exports.
struct TraceWindow {
  Cycle start{};
  Cycle end{UINT64_MAX};
};
TraceWindow trace_window(const boost::program_options::variables_map& vm);
// `path` with ".JOB" before its extension: trace.fst, dfa -> trace.dfa.fst.
std::string job_trace_path(const std::string& path, const std::string& job);
// The trace options as arguments of another nmsim command writing to `path` (empty without a trace).
std::vector<std::string> trace_arguments(const boost::program_options::variables_map& vm, const std::string& path);

}  // namespace nmsim::tools
