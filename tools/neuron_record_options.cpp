#include "tools/neuron_record_options.h"

#include <string>

#include "models/base/errors.h"
#include "tools/trace_options.h"

namespace po = boost::program_options;

namespace nmsim::tools {

po::options_description neuron_record_options() {
  po::options_description options(
      "Spike and membrane exports for analysis (CSV with a header line; the network's layer and neuron "
      "indices; --trace-start/--trace-end select the cycles)");
  options.add_options()
      ("spikes", po::value<std::string>()->value_name("FILE.csv"),
       "write every spike as cycle,sample,step,layer,neuron (layer 0: the input spikes); "
       "draw it with nmsim plot raster")
      ("membrane", po::value<std::string>()->value_name("FILE.csv"),
       "write the potentials of the --membrane-neurons as cycle,sample,step,layer,neuron,potential, "
       "one row per neuron per time step (the state after the fire scan)")
      ("membrane-neurons", po::value<std::string>()->value_name("SPEC"),
       "the neurons --membrane records: LAYER:NEURON or LAYER:FIRST-LAST, comma separated, "
       "e.g. 1:0-9,2:3 (layers 1..L)");
  return options;
}

std::optional<trace::NeuronRecordOptions> resolve_neuron_record(const po::variables_map& vm) {
  const bool membrane = vm.count("membrane") > 0;
  if (membrane != (vm.count("membrane-neurons") > 0)) {
    throw ConfigError(membrane ? "--membrane needs --membrane-neurons SPEC (e.g. 1:0-9,2:3)"
                               : "--membrane-neurons needs --membrane FILE.csv");
  }
  if (!membrane && !vm.count("spikes")) return std::nullopt;
  trace::NeuronRecordOptions options;
  if (vm.count("spikes")) options.spikes_path = vm["spikes"].as<std::string>();
  if (membrane) {
    options.membrane_path = vm["membrane"].as<std::string>();
    options.membrane_spec = vm["membrane-neurons"].as<std::string>();
    options.membrane_neurons = trace::parse_neuron_selection(options.membrane_spec);
  }
  const TraceWindow window = trace_window(vm);
  options.start = window.start;
  options.end = window.end;
  return options;
}

}  // namespace nmsim::tools
