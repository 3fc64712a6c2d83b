#include "workloads/replay/stimulus.h"

#include <cstdint>
#include <algorithm>

#include <google/protobuf/text_format.h>

#include "models/base/errors.h"
#include "models/base/input_file.h"
#include "platform/config/loader.h"

namespace nmsim::replay {

namespace {

namespace pb = google::protobuf;

int64_t signed_max(uint32_t bits) { return (int64_t{1} << (bits - 1)) - 1; }

// Refuses a field of one message: names the origin, the field's line (else `fallback_line`),
// its path and value.
class Checker {
 public:
  Checker(const std::string& origin, const pb::TextFormat::ParseInfoTree& tree)
      : m_origin(origin), m_tree(tree) {}

  // `message` at `tree` (nested under the file's root), shown as `path`.
  [[noreturn]] void refuse(const pb::Message& message, const pb::TextFormat::ParseInfoTree* tree,
                           const std::string& path, const std::string& field, int fallback_line,
                           const std::string& reason) const {
    const pb::FieldDescriptor* f = message.GetDescriptor()->FindFieldByName(field);
    int line = fallback_line;
    std::string value = "(unset)";
    if (f != nullptr && message.GetReflection()->HasField(message, f)) {
      pb::TextFormat::PrintFieldValueToString(message, f, -1, &value);
      if (tree != nullptr && tree->GetLocation(f, -1).line >= 0) line = tree->GetLocation(f, -1).line + 1;
    }
    throw DataError(m_origin + ":" + std::to_string(line) + ": " + path + field + " = " + value + ": " + reason);
  }
  const pb::TextFormat::ParseInfoTree& tree() const { return m_tree; }

 private:
  const std::string m_origin;
  const pb::TextFormat::ParseInfoTree& m_tree;
};

// Which fields each kind reads (the others must stay unset).
struct KindFields {
  bool pre;
  bool neuron;
  bool weight;
};

KindFields fields_of(AerEventKind kind) {
  switch (kind) {
    case AER_NEURON_SPIKE: return {true, false, false};
    case AER_SINGLE_SYNAPSE: return {true, true, false};
    case AER_VIRTUAL: return {false, true, true};
    case AER_VIRTUAL_LEAK:
    case AER_TIME_REF_NEURON: return {false, true, false};
    default: return {false, false, false};  // AER_TIME_REF_ALL
  }
}

void check(Stimulus& s, const Checker& c, const std::string& origin, const ChipConfig& chip) {
  const CoreConfig& core = chip.core();
  const pb::TextFormat::ParseInfoTree* root = &c.tree();
  if (!s.has_neurons()) s.set_neurons(core.neurons());
  if (!s.has_axons()) s.set_axons(core.max_axons());
  if (s.neurons() < 1 || s.neurons() > core.neurons()) {
    c.refuse(s, root, "", "neurons", 1, "must be in 1..chip.core.neurons = " + std::to_string(core.neurons()));
  }
  if (s.axons() < 1 || s.axons() > core.max_axons()) {
    c.refuse(s, root, "", "axons", 1, "must be in 1..chip.core.max_axons = " + std::to_string(core.max_axons()));
  }
  const pb::FieldDescriptor* neuron_field = s.GetDescriptor()->FindFieldByName("neuron");
  const int neuron_line = root->GetLocation(neuron_field, -1).line + 1;
  const NeuronConfig& neuron = s.neuron();
  const pb::TextFormat::ParseInfoTree* neuron_tree = root->GetTreeForNested(neuron_field, -1);
  const uint32_t state_bits = core.state_width_bits();
  if (neuron.threshold() < 1 || neuron.threshold() > signed_max(state_bits)) {
    c.refuse(neuron, neuron_tree, "neuron.", "threshold", std::max(neuron_line, 1),
             "must be in 1.." + std::to_string(signed_max(state_bits)) + " (chip.core.state_width_bits = " +
                 std::to_string(state_bits) + ")");
  }
  if (neuron.leak_mode() == LEAK_SHIFT && neuron.leak_amount() >= state_bits) {
    c.refuse(neuron, neuron_tree, "neuron.", "leak_amount", std::max(neuron_line, 1),
             "a shift must be < chip.core.state_width_bits = " + std::to_string(state_bits));
  }
  const int64_t weight_max = signed_max(core.weight_width_bits());
  const pb::FieldDescriptor* synapses_field = s.GetDescriptor()->FindFieldByName("synapses");
  for (int i = 0; i < s.synapses_size(); ++i) {
    const SynapseBlock& b = s.synapses(i);
    const pb::TextFormat::ParseInfoTree* tree = root->GetTreeForNested(synapses_field, i);
    const int line = root->GetLocation(synapses_field, i).line + 1;
    const std::string path = "synapses[" + std::to_string(i) + "].";
    if (!b.has_pre() || b.pre() >= s.axons()) {
      c.refuse(b, tree, path, "pre", line, "must be set, < axons = " + std::to_string(s.axons()));
    }
    if (!b.has_count() || b.count() < 1) c.refuse(b, tree, path, "count", line, "must be set, >= 1");
    if (uint64_t{b.first_neuron()} + b.count() > s.neurons()) {
      c.refuse(b, tree, path, b.has_first_neuron() ? "first_neuron" : "count", line,
               "first_neuron + count must be <= neurons = " + std::to_string(s.neurons()));
    }
    if (b.weight() > weight_max || b.weight() < -weight_max - 1) {
      c.refuse(b, tree, path, "weight", line,
               "must fit chip.core.weight_width_bits = " + std::to_string(core.weight_width_bits()) + " (" +
                   std::to_string(-weight_max - 1) + ".." + std::to_string(weight_max) + ")");
    }
  }
  if (s.receiver_delay_cycles() > 65536) {
    c.refuse(s, root, "", "receiver_delay_cycles", 1, "must be <= 65536");
  }
  const pb::FieldDescriptor* events_field = s.GetDescriptor()->FindFieldByName("events");
  if (s.events_size() == 0) throw DataError(origin + ": events: a stimulus needs at least one event");
  uint64_t previous_at = 0;
  for (int i = 0; i < s.events_size(); ++i) {
    const AerInputEvent& e = s.events(i);
    const pb::TextFormat::ParseInfoTree* tree = root->GetTreeForNested(events_field, i);
    const int line = root->GetLocation(events_field, i).line + 1;
    const std::string path = "events[" + std::to_string(i) + "].";
    if (e.kind() == AER_EVENT_UNSPECIFIED || !AerEventKind_IsValid(e.kind())) {
      c.refuse(e, tree, path, "kind", line, "must be one of AER_NEURON_SPIKE, AER_SINGLE_SYNAPSE, AER_VIRTUAL, "
                                            "AER_VIRTUAL_LEAK, AER_TIME_REF_NEURON, AER_TIME_REF_ALL");
    }
    if (e.at() < previous_at) {
      c.refuse(e, tree, path, "at", line, "must be >= the event before's (" + std::to_string(previous_at) + ")");
    }
    previous_at = e.at();
    const KindFields reads = fields_of(e.kind());
    const std::string kind = AerEventKind_Name(e.kind());
    const auto field = [&](bool read, bool has, const std::string& name) {
      if (read && !has) c.refuse(e, tree, path, name, line, kind + " needs it");
      if (!read && has) c.refuse(e, tree, path, name, line, kind + " does not read it");
    };
    field(reads.pre, e.has_pre(), "pre");
    field(reads.neuron, e.has_neuron(), "neuron");
    field(reads.weight, e.has_weight(), "weight");
    if (reads.pre && e.pre() >= s.axons()) {
      c.refuse(e, tree, path, "pre", line, "must be < axons = " + std::to_string(s.axons()));
    }
    if (reads.neuron && e.neuron() >= s.neurons()) {
      c.refuse(e, tree, path, "neuron", line, "must be < neurons = " + std::to_string(s.neurons()));
    }
    const int64_t state_max = signed_max(state_bits);
    if (reads.weight && (e.weight() > state_max || e.weight() < -state_max - 1)) {
      c.refuse(e, tree, path, "weight", line,
               "must fit chip.core.state_width_bits = " + std::to_string(state_bits));
    }
  }
}

}  // namespace

Stimulus parse_stimulus(const std::string& text, const std::string& origin, const ChipConfig& chip) {
  Stimulus stimulus;
  pb::TextFormat::ParseInfoTree tree;
  try {
    config::parse_text(text, origin, stimulus, &tree);
  } catch (const ConfigError& e) {
    throw DataError(e.what());  // a stimulus is data, not a config
  }
  check(stimulus, Checker(origin, tree), origin, chip);
  return stimulus;
}

Stimulus load_stimulus(const std::string& path, const ChipConfig& chip) {
  std::string text, reason;
  if (!read_input_file(path, text, reason)) throw DataError("cannot read stimulus file '" + path + "': " + reason);
  return parse_stimulus(text, path, chip);
}

}  // namespace nmsim::replay
