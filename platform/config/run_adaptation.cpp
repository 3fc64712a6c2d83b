#include "platform/config/run_adaptation.h"

#include <map>
#include <sstream>
#include <vector>

#include <google/protobuf/text_format.h>
#include <google/protobuf/util/message_differencer.h>

#include "models/base/errors.h"
#include "platform/config/loader.h"
#include "platform/config/presets.h"

namespace nmsim::config {

namespace {

namespace pb = google::protobuf;
using Differencer = pb::util::MessageDifferencer;

std::string overlay_name(const std::string& chip_preset) { return "run_for_" + chip_preset; }

// One field line of an overlay file: the comment after it, and whether it gives an empty list.
struct OverlayLine {
  std::string reason;
  bool empty_list = false;
};

// The field lines of an overlay file, by dotted path ("network.init_weight_range").
std::map<std::string, OverlayLine> overlay_lines(const std::string& text) {
  std::map<std::string, OverlayLine> fields;
  std::vector<std::string> blocks;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    const std::size_t hash = line.find('#');
    const std::string code = line.substr(0, hash);
    std::istringstream words(code);
    std::string first, value;
    if (!(words >> first)) continue;
    if (first == "}") {
      if (!blocks.empty()) blocks.pop_back();
    } else if (code.find('{') != std::string::npos) {
      blocks.push_back(first);
    } else if (first.back() == ':') {
      std::string path;
      for (const std::string& b : blocks) path += b + ".";
      OverlayLine& field = fields[path + first.substr(0, first.size() - 1)];
      words >> value;
      field.empty_list = value == "[]";
      const std::size_t start = hash == std::string::npos ? hash : line.find_first_not_of(" #", hash);
      if (start != std::string::npos) field.reason = line.substr(start);
    }
  }
  return fields;
}

// Clears the list at a dotted path: text format reads "hidden_sizes: []" as no list at all,
// so an overlay's empty list (odin_like: no hidden layer) is taken from its text.
void clear_list(pb::Message& message, const std::string& path) {
  pb::Message* m = &message;
  std::istringstream names(path);
  std::string name;
  while (std::getline(names, name, '.')) {
    const pb::FieldDescriptor* f = m->GetDescriptor()->FindFieldByName(name);
    NMSIM_ASSERT(f != nullptr, "overlay field " + path + " parsed but not found");
    if (f->is_repeated()) {
      m->GetReflection()->ClearField(m, f);
      return;
    }
    m = m->GetReflection()->MutableMessage(m, f);
  }
}

// Collects "path old -> new" for every field that differs (a list as a whole).
class ChangeList : public Differencer::Reporter {
 public:
  struct Change {
    std::string path, before, after;
  };
  std::vector<Change> changes;

  void ReportAdded(const pb::Message&, const pb::Message& after, const std::vector<Differencer::SpecificField>& p) override {
    add(p, "(none)", value(after, p));
  }
  void ReportDeleted(const pb::Message& before, const pb::Message&, const std::vector<Differencer::SpecificField>& p) override {
    add(p, value(before, p), "(none)");
  }
  void ReportModified(const pb::Message& before, const pb::Message& after,
                      const std::vector<Differencer::SpecificField>& p) override {
    add(p, value(before, p), value(after, p));
  }

 private:
  // The value of the field at the end of `path`, a list comma separated. The differencer hands
  // over the message holding the field, not the root.
  static std::string value(const pb::Message& parent, const std::vector<Differencer::SpecificField>& path) {
    const pb::Message* m = &parent;
    const pb::FieldDescriptor* f = path.back().field;
    NMSIM_ASSERT(m->GetDescriptor() == f->containing_type(), "differencer reported a field outside its message");
    const int count = f->is_repeated() ? m->GetReflection()->FieldSize(*m, f) : 1;
    std::string text;
    for (int i = 0; i < count; ++i) {
      std::string one;
      pb::TextFormat::PrintFieldValueToString(*m, f, f->is_repeated() ? i : -1, &one);
      text += (i ? "," : "") + one;
    }
    return text.empty() ? "(none)" : text;
  }
  void add(const std::vector<Differencer::SpecificField>& p, const std::string& before, const std::string& after) {
    // A message differs because a field inside it does, which is reported on its own.
    if (p.back().field->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE) return;
    std::string path;
    for (const Differencer::SpecificField& s : p) path += (path.empty() ? "" : ".") + s.field->name();
    // A list reports each element; it is shown once, whole.
    if (!changes.empty() && changes.back().path == path) return;
    changes.push_back({path, before, after});
  }
};

}  // namespace

std::string chip_preset_name(const std::string& chip_argument) {
  const bool file = chip_argument.find('/') != std::string::npos || chip_argument.find('.') != std::string::npos;
  return file || chip_argument == "default" ? "" : chip_argument;
}

RunConfig load_run_config_for_chip(const std::string& path, const std::string& chip_preset) {
  RunConfig run = default_run_config();
  if (!chip_preset.empty() && has_preset(overlay_name(chip_preset))) {
    const std::string text = preset_text(overlay_name(chip_preset));
    RunConfig overlay;
    preset_message(overlay_name(chip_preset), overlay);
    merge_over(run, overlay);
    for (const auto& [path, line] : overlay_lines(text)) {
      if (line.empty_list) clear_list(run, path);
    }
  }
  if (!path.empty()) {
    RunConfig user;
    parse_file(path, user);
    merge_over(run, user);
  }
  return run;
}

std::string run_adaptation_note(const std::string& chip_preset, const RunConfig& plain, const RunConfig& adapted) {
  // Without an overlay both runs come from the same files and settings: nothing to compare
  // (the comparison is most of a short traffic run's config cost).
  if (chip_preset.empty() || !has_preset(overlay_name(chip_preset))) return "";
  ChangeList changes;
  Differencer differencer;
  differencer.ReportDifferencesTo(&changes);
  differencer.Compare(plain, adapted);
  if (changes.changes.empty()) return "";
  const std::string file = overlay_name(chip_preset);
  const std::map<std::string, OverlayLine> lines = overlay_lines(preset_text(file));
  std::string note = "Run adapted to the chip preset " + chip_preset + " (platform/presets/" + file +
                     ".textproto; a field set in --run or --set is never adapted):";
  for (const ChangeList::Change& c : changes.changes) {
    const auto line = lines.find(c.path);
    note += " run." + c.path + " " + c.before + " -> " + c.after +
            (line == lines.end() || line->second.reason.empty() ? "" : " (" + line->second.reason + ")") + ";";
  }
  note.back() = '.';
  return note;
}

}  // namespace nmsim::config
