// --vcd, --trace, --trace-start, --trace-end.
#pragma once

#include <optional>

#include <boost/program_options.hpp>

#include "models/trace/tracer.h"

namespace nmsim::tools {

boost::program_options::options_description trace_options();
// The trace options, or nothing without --vcd; ConfigError for an impossible window.
std::optional<trace::TraceOptions> resolve_trace(const boost::program_options::variables_map& vm);

}  // namespace nmsim::tools
