#include "models/trace/neuron_selection.h"

#include <algorithm>
#include <charconv>
#include <string>

#include "models/base/errors.h"

namespace nmsim::trace {

namespace {

constexpr const char* kForm = "expected LAYER:NEURON or LAYER:FIRST-LAST, comma separated, e.g. 1:0-9,2:3";

ConfigError bad_item(const std::string& spec, const std::string& item, const std::string& why) {
  return ConfigError("--membrane-neurons " + spec + ": '" + item + "' " + why + " (" + kForm + ")");
}

// A whole decimal number, or ConfigError naming `what`.
uint32_t decimal(const std::string& spec, const std::string& item, const std::string& text, const char* what) {
  uint32_t value = 0;
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  if (text.empty() || error == std::errc::invalid_argument || stop != end) {
    throw bad_item(spec, item, std::string("has a ") + what + " '" + text + "' that is not a decimal number");
  }
  if (error == std::errc::result_out_of_range) {
    throw bad_item(spec, item, std::string("has a ") + what + " '" + text + "' too large");
  }
  return value;
}

}  // namespace

std::vector<NeuronRange> parse_neuron_selection(const std::string& spec) {
  if (spec.empty()) throw ConfigError(std::string("--membrane-neurons: empty (") + kForm + ")");
  std::vector<NeuronRange> ranges;
  std::size_t begin = 0;
  while (begin <= spec.size()) {
    const std::size_t comma = std::min(spec.find(',', begin), spec.size());
    const std::string item = spec.substr(begin, comma - begin);
    begin = comma + 1;
    const std::size_t colon = item.find(':');
    if (colon == std::string::npos) throw bad_item(spec, item, "has no ':'");
    const std::string neurons = item.substr(colon + 1);
    const std::size_t dash = neurons.find('-');
    NeuronRange range;
    range.layer = decimal(spec, item, item.substr(0, colon), "layer");
    range.first = decimal(spec, item, neurons.substr(0, dash), "neuron");
    range.last = dash == std::string::npos ? range.first : decimal(spec, item, neurons.substr(dash + 1), "neuron");
    if (range.layer == 0) throw bad_item(spec, item, "names layer 0, the inputs, which have no membrane potential");
    if (range.last < range.first) throw bad_item(spec, item, "is a range that ends before it begins");
    ranges.push_back(range);
  }
  return ranges;
}

void check_neuron_selection(const std::string& spec, const std::vector<NeuronRange>& ranges,
                            const std::vector<uint32_t>& layer_sizes) {
  const auto layers = static_cast<uint32_t>(layer_sizes.size()) - 1;
  for (const NeuronRange& range : ranges) {
    const std::string item = std::to_string(range.layer) + ":" + std::to_string(range.first) +
                             (range.last != range.first ? "-" + std::to_string(range.last) : "");
    if (range.layer > layers) {
      throw ConfigError("--membrane-neurons " + spec + ": '" + item + "': the network has layers 1.." +
                        std::to_string(layers));
    }
    if (range.last >= layer_sizes[range.layer]) {
      throw ConfigError("--membrane-neurons " + spec + ": '" + item + "': layer " + std::to_string(range.layer) +
                        " has neurons 0.." + std::to_string(layer_sizes[range.layer] - 1));
    }
  }
}

}  // namespace nmsim::trace
