#include "tools/sweep/sweep_plan.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "models/base/errors.h"
#include "platform/config/loader.h"

namespace nmsim::sweep {

namespace {

// Paths that pick a base config or a CLI shorthand rather than a --set field.
const std::set<std::string> kBaseSelectors = {"chip", "energy", "run", "traffic"};
const std::set<std::string> kShorthands = {"workload", "dataset"};

[[noreturn]] void fail(const std::string& file, const std::string& field, const std::string& reason) {
  throw ConfigError(file + ": " + field + ": " + reason);
}

void check_path(const std::string& file, const std::string& field, const std::string& path) {
  if (path.empty()) fail(file, field, "empty path (a --set path such as noc.buffer_depth_flits, or chip, energy, run, traffic, workload, dataset)");
  if (path.find('=') != std::string::npos || path.find(' ') != std::string::npos) {
    fail(file, field, "'" + path + "' is not a path (no '=' or spaces: the values go in `values`)");
  }
}

void check_values(const std::string& file, const std::string& field, const SweepField& f) {
  check_path(file, field + ".path", f.path());
  if (f.values_size() == 0) fail(file, field + ".values", "no values for " + f.path());
}

// One axis as its list of steps; a step assigns one value to each of the axis's columns.
struct AxisSteps {
  std::vector<std::string> columns;
  std::vector<std::vector<Assignment>> steps;
  std::vector<std::vector<std::string>> labels;
};

std::pair<std::string, std::string> split_set(const std::string& file, const std::string& field,
                                              const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0) fail(file, field, "'" + text + "' is not PATH=VALUE");
  return {text.substr(0, eq), text.substr(eq + 1)};
}

AxisSteps axis_steps(const std::string& file, const SweepAxis& axis, int a) {
  const std::string field = "axes[" + std::to_string(a) + "]";
  AxisSteps out;
  switch (axis.kind_case()) {
    case SweepAxis::kField: {
      check_values(file, field + ".field", axis.field());
      out.columns = {axis.field().path()};
      for (const auto& v : axis.field().values()) {
        out.steps.push_back({{axis.field().path(), v}});
        out.labels.push_back({v});
      }
      break;
    }
    case SweepAxis::kZip: {
      const auto& fields = axis.zip().fields();
      if (fields.empty()) fail(file, field + ".zip.fields", "a zip needs at least one field");
      for (int i = 0; i < fields.size(); ++i) {
        const std::string f = field + ".zip.fields[" + std::to_string(i) + "]";
        check_values(file, f, fields[i]);
        if (fields[i].values_size() != fields[0].values_size()) {
          fail(file, f + ".values", fields[i].path() + " has " + std::to_string(fields[i].values_size()) +
                                        " values, " + fields[0].path() + " has " +
                                        std::to_string(fields[0].values_size()) + " (a zip steps them together)");
        }
        out.columns.push_back(fields[i].path());
      }
      for (int s = 0; s < fields[0].values_size(); ++s) {
        std::vector<Assignment> step;
        std::vector<std::string> labels;
        for (const auto& f : fields) {
          step.push_back({f.path(), f.values(s)});
          labels.push_back(f.values(s));
        }
        out.steps.push_back(step);
        out.labels.push_back(labels);
      }
      break;
    }
    case SweepAxis::kList: {
      const auto& list = axis.list();
      if (list.points().empty()) fail(file, field + ".list.points", "an explicit list needs at least one point");
      out.columns = {list.label().empty() ? "point" : list.label()};
      for (int p = 0; p < list.points_size(); ++p) {
        const std::string f = field + ".list.points[" + std::to_string(p) + "]";
        const auto& point = list.points(p);
        if (point.name().empty()) fail(file, f + ".name", "each listed point needs a name (its CSV label)");
        std::vector<Assignment> step;
        for (int s = 0; s < point.set_size(); ++s) {
          auto [path, value] = split_set(file, f + ".set[" + std::to_string(s) + "]", point.set(s));
          check_path(file, f + ".set[" + std::to_string(s) + "]", path);
          step.push_back({path, value});
        }
        out.steps.push_back(step);
        out.labels.push_back({point.name()});
      }
      break;
    }
    case SweepAxis::KIND_NOT_SET:
      fail(file, field, "an axis needs one of field, zip or list");
  }
  return out;
}

std::string folder_of(const std::string& file) {
  const auto slash = file.rfind('/');
  return slash == std::string::npos ? "." : file.substr(0, slash == 0 ? 1 : slash);
}

bool is_file(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// A base config value: a file beside the sweep file, else as given (a preset or a path).
std::string base_config(const SweepPlan& plan, const std::string& value) {
  if (!value.empty() && value[0] != '/' && is_file(plan.folder + "/" + value)) return plan.folder + "/" + value;
  return value;
}

bool valid_name(const std::string& name) {
  return !name.empty() && name[0] != '.' &&
         std::all_of(name.begin(), name.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
         });
}

}  // namespace

SweepPlan expand_sweep(const SweepConfig& config, const std::string& file) {
  SweepPlan plan;
  plan.config = config;
  plan.file = file;
  plan.folder = folder_of(file);
  if (!valid_name(config.name())) {
    fail(file, "name", "'" + config.name() + "': a sweep needs a name of letters, digits, '-', '_' and '.' (it names the CSV)");
  }
  for (int s = 0; s < config.set_size(); ++s) {
    const std::string f = "set[" + std::to_string(s) + "]";
    check_path(file, f, split_set(file, f, config.set(s)).first);
  }

  std::vector<AxisSteps> axes;
  for (int a = 0; a < config.axes_size(); ++a) axes.push_back(axis_steps(file, config.axes(a), a));
  for (const auto& axis : axes) plan.columns.insert(plan.columns.end(), axis.columns.begin(), axis.columns.end());

  // Derived fields: their `from` must be a column of a field or zip axis.
  std::vector<std::pair<std::size_t, const SweepDerived*>> derived;
  for (int d = 0; d < config.derived_size(); ++d) {
    const auto& rule = config.derived(d);
    const std::string f = "derived[" + std::to_string(d) + "]";
    check_path(file, f + ".path", rule.path());
    const auto column = std::find(plan.columns.begin(), plan.columns.end(), rule.from());
    if (column == plan.columns.end()) {
      fail(file, f + ".from", "'" + rule.from() + "' is not an axis of this sweep");
    }
    if (rule.values().empty()) fail(file, f + ".values", "no values for " + rule.path());
    derived.emplace_back(static_cast<std::size_t>(column - plan.columns.begin()), &rule);
    plan.columns.push_back(rule.path());
  }

  // The grid, the first axis varying slowest (odometer order).
  std::size_t total = 1;
  for (const auto& axis : axes) total *= axis.steps.size();
  if (total > 1000000) fail(file, "axes", std::to_string(total) + " points: more than a million");
  std::vector<std::size_t> digit(axes.size(), 0);
  for (std::size_t i = 0; i < total; ++i) {
    SweepPoint point;
    point.index = static_cast<uint32_t>(i);
    for (std::size_t a = 0; a < axes.size(); ++a) {
      const auto& step = axes[a].steps[digit[a]];
      point.assignments.insert(point.assignments.end(), step.begin(), step.end());
      const auto& labels = axes[a].labels[digit[a]];
      point.labels.insert(point.labels.end(), labels.begin(), labels.end());
    }
    for (std::size_t d = 0; d < derived.size(); ++d) {
      const auto& [column, rule] = derived[d];
      const std::string& key = point.labels[column];
      const auto value = rule->values().find(key);
      if (value == rule->values().end()) {
        fail(file, "derived[" + std::to_string(d) + "].values",
             "no value of " + rule->path() + " for " + rule->from() + " = " + key);
      }
      point.assignments.push_back({rule->path(), value->second});
      point.labels.push_back(value->second);
    }
    std::set<std::string> seen;
    for (const auto& assignment : point.assignments) {
      if (!seen.insert(assignment.path).second) {
        fail(file, "axes", "point " + std::to_string(i) + " assigns " + assignment.path + " twice");
      }
    }
    plan.points.push_back(std::move(point));
    for (std::size_t a = axes.size(); a-- > 0;) {
      if (++digit[a] < axes[a].steps.size()) break;
      digit[a] = 0;
    }
  }
  return plan;
}

SweepPlan load_sweep(const std::string& path) {
  SweepConfig config;
  config::parse_file(path, config);
  return expand_sweep(config, path);
}

std::vector<std::string> point_arguments(const SweepPlan& plan, const SweepPoint& point) {
  const SweepConfig& c = plan.config;
  std::map<std::string, std::string> base = {{"chip", c.chip()}, {"energy", c.energy()}, {"run", c.run()}};
  if (c.command() == SWEEP_TRAFFIC) base["traffic"] = c.traffic();
  std::vector<Assignment> sets;
  for (const auto& text : c.set()) {
    const auto eq = text.find('=');
    sets.push_back({text.substr(0, eq), text.substr(eq + 1)});
  }
  std::vector<Assignment> shorthands;
  for (const auto& a : point.assignments) {
    if (kBaseSelectors.count(a.path) > 0) {
      base[a.path] = a.value;
    } else if (kShorthands.count(a.path) > 0) {
      shorthands.push_back(a);
    } else {
      sets.push_back(a);
    }
  }
  std::vector<std::string> args = {c.command() == SWEEP_TRAFFIC ? "traffic" : "run"};
  for (const auto& [option, value] : base) {
    if (!value.empty()) args.insert(args.end(), {"--" + option, base_config(plan, value)});
  }
  for (const auto& a : shorthands) args.insert(args.end(), {"--" + a.path, a.value});
  for (const auto& a : sets) args.insert(args.end(), {"--set", a.path + "=" + a.value});
  if (c.allow_unused()) args.push_back("--allow-unused");
  return args;
}

}  // namespace nmsim::sweep
