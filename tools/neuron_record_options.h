// --spikes, --membrane, --membrane-neurons: the spike raster and chosen membrane potentials of
// a chip run as CSV (models/trace/neuron_recorder.h), in the window --trace-start/--trace-end
// (tools/trace_options.h) select.
#pragma once

#include <optional>

#include <boost/program_options.hpp>

#include "models/trace/neuron_recorder.h"

namespace nmsim::tools {

boost::program_options::options_description neuron_record_options();
// The exports asked for, or nothing; ConfigError for --membrane without --membrane-neurons (or
// the reverse), a SPEC that does not parse, or an impossible window.
std::optional<trace::NeuronRecordOptions> resolve_neuron_record(const boost::program_options::variables_map& vm);

}  // namespace nmsim::tools
