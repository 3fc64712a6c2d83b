// nmsim plot KIND INPUT... -o OUT: figures (PNG, PDF) from sweep CSVs, energy breakdown CSVs,
// JSON reports or spike CSVs, drawn by tools/plot/nmsim_plot.py with Debian's python3-matplotlib. Here the
// inputs, kind and columns are checked and every default resolved, so a mistake is named before
// Python starts and the script receives only complete, valid requests.
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include <boost/program_options.hpp>

#include "models/base/errors.h"
#include "models/base/phase.h"
#include "proto/component.pb.h"
#include "tools/commands.h"
#include "tools/sweep/result_row.h"

namespace po = boost::program_options;

namespace nmsim::tools {

namespace {

// Debian's own interpreter: its python3-matplotlib, whatever python3 comes first on PATH.
constexpr const char* kPython = "/usr/bin/python3";
// The script in the source tree; NMSIM_PLOT_SCRIPT overrides it (an installed copy).
constexpr const char* kDefaultScript = NMSIM_SOURCE_DIR "/tools/plot/nmsim_plot.py";
const std::string kBreakdownHeader = "part,phase,component_class,usage,kind,event,energy_pJ";
const std::string kSpikesHeader = "cycle,sample,step,layer,neuron";  // models/trace/neuron_recorder.h
const std::vector<std::string> kKinds = {"breakdown", "pareto", "metric", "latency-load", "raster"};

enum class InputType { kSweep, kBreakdown, kReport, kSpikes };

const char* type_name(InputType type) {
  switch (type) {
    case InputType::kSweep: return "sweep";
    case InputType::kBreakdown: return "breakdown";
    case InputType::kReport: return "report";
    case InputType::kSpikes: return "spikes";
  }
  return "?";
}

struct Input {
  std::string path;
  InputType type;
  std::vector<std::string> columns;  // a CSV's header
};

std::string join(const std::vector<std::string>& items, const std::string& separator = ", ") {
  std::string text;
  for (std::size_t i = 0; i < items.size(); ++i) text += (i ? separator : "") + items[i];
  return text;
}

bool contains(const std::vector<std::string>& items, const std::string& item) {
  return std::find(items.begin(), items.end(), item) != items.end();
}

// The fields of one CSV line (RFC 4180: a quoted field may hold commas and doubled quotes).
std::vector<std::string> csv_fields(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
      fields.back() += '"';
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  return fields;
}

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// What the file is: a JSON report (.json), an energy breakdown CSV (its exact header) or a
// sweep CSV (point and status columns).
Input read_input(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) throw ConfigError(path + ": no such file");
  if (!S_ISREG(st.st_mode)) throw ConfigError(path + ": not a regular file");
  if (ends_with(path, ".json")) {
    try {
      sweep::read_report(path);
    } catch (const DataError& e) {
      throw ConfigError(e.what());
    }
    return {path, InputType::kReport, {}};
  }
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) throw ConfigError(path + ": cannot read, or empty");
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line == kBreakdownHeader) return {path, InputType::kBreakdown, csv_fields(line)};
  if (line == kSpikesHeader) return {path, InputType::kSpikes, csv_fields(line)};
  auto columns = csv_fields(line);
  if (contains(columns, "point") && contains(columns, "status")) return {path, InputType::kSweep, columns};
  throw ConfigError(path + ": neither a sweep CSV (nmsim sweep: point and status columns), an energy breakdown CSV "
                    "(header " + kBreakdownHeader + "), a spike CSV (nmsim run --spikes: header " + kSpikesHeader +
                    ") nor a JSON report (*.json)");
}

bool same_file(const std::string& a, const std::string& b) {
  struct stat sa, sb;
  return stat(a.c_str(), &sa) == 0 && stat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

// The sweep's axis columns (between point and status), for error messages.
std::vector<std::string> axis_columns(const Input& input) {
  const auto status = std::find(input.columns.begin(), input.columns.end(), "status");
  return std::vector<std::string>(input.columns.begin() + 1, status);
}

void require_column(const std::vector<Input>& inputs, const std::string& column, const std::string& option) {
  for (const auto& input : inputs) {
    if (contains(input.columns, column)) continue;
    throw ConfigError(input.path + ": no column '" + column + "' (" + option + "); its axis columns: " +
                      join(axis_columns(input)) + "; figures: cycles, energy_pJ, accuracy, ... (tools/README.md)");
  }
}

std::string lower_class_name(int value) {
  std::string name = ComponentClass_Name(static_cast<ComponentClass>(value)).substr(std::string("COMPONENT_").size());
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  return name;
}

// A sweep CSV's stacks for --by (the columns tools/sweep/result_row.cpp writes), as the
// script's GROUP[|PART]=COLUMN[-COLUMN]: per component class dynamic (total minus leakage)
// and leakage; per phase; dynamic and leakage.
std::vector<std::string> sweep_stacks(const std::string& by) {
  std::vector<std::string> stacks;
  if (by == "class") {
    for (int c = ComponentClass_MIN + 1; c <= ComponentClass_MAX; ++c) {
      const std::string name = lower_class_name(c);
      stacks.push_back(name + "|dynamic=" + name + "_energy_pJ-" + name + "_leakage_pJ");
      stacks.push_back(name + "|leakage=" + name + "_leakage_pJ");
    }
  } else if (by == "phase") {
    for (std::size_t p = 0; p < kPhaseCount; ++p) {
      const std::string name = phase_name(static_cast<Phase>(p));
      stacks.push_back(name + "=" + name + "_energy_pJ");
    }
  } else if (by == "kind") {
    stacks = {"dynamic=dynamic_energy_pJ", "leakage=leakage_energy_pJ"};
  } else {
    throw ConfigError("--by " + by + ": a sweep CSV stacks by class, phase or kind");
  }
  return stacks;
}

// The columns a stack reads.
std::vector<std::string> stack_columns(const std::string& stack) {
  const std::string expression = stack.substr(stack.find('=') + 1);
  const auto minus = expression.find('-');
  if (minus == std::string::npos) return {expression};
  return {expression.substr(0, minus), expression.substr(minus + 1)};
}

std::string value_or(const po::variables_map& vm, const char* name, const std::string& fallback) {
  return vm.count(name) ? vm[name].as<std::string>() : fallback;
}

std::vector<std::string> values(const po::variables_map& vm, const char* name) {
  return vm.count(name) ? vm[name].as<std::vector<std::string>>() : std::vector<std::string>{};
}

void refuse(const po::variables_map& vm, const std::string& kind, const std::vector<const char*>& options) {
  for (const char* option : options) {
    if (vm.count(option)) throw ConfigError("--" + std::string(option) + ": not an option of nmsim plot " + kind);
  }
}

// pareto: minimized unless --maximize names the column; accuracy is maximized by default.
std::string direction(const po::variables_map& vm, const std::string& column) {
  const auto minimize = values(vm, "minimize"), maximize = values(vm, "maximize");
  if (contains(minimize, column) && contains(maximize, column)) {
    throw ConfigError(column + ": both --minimize and --maximize");
  }
  if (contains(maximize, column)) return "max";
  if (contains(minimize, column)) return "min";
  return column == "accuracy" ? "max" : "min";
}

// The script's arguments for the kind: every default resolved, every column checked.
std::vector<std::string> script_arguments(const std::string& kind, const std::vector<Input>& inputs,
                                          const po::variables_map& vm) {
  const InputType type = inputs.front().type;
  for (const auto& input : inputs) {
    if (input.type != type) {
      throw ConfigError(input.path + ": a " + type_name(input.type) + " input among " + type_name(type) +
                        " inputs; give inputs of one type");
    }
  }
  if (kind == "raster") {
    if (type != InputType::kSpikes) {
      throw ConfigError(inputs.front().path + ": nmsim plot raster reads a spike CSV (nmsim run --spikes), not a " +
                        type_name(type) + " file");
    }
    if (inputs.size() > 1) throw ConfigError("nmsim plot raster: one spike CSV at a time");
  } else if (type == InputType::kSpikes) {
    throw ConfigError(inputs.front().path + ": a spike CSV draws as nmsim plot raster, not " + kind);
  }
  if (type != InputType::kSweep && type != InputType::kSpikes && kind != "breakdown") {
    throw ConfigError(inputs.front().path + ": nmsim plot " + kind + " reads sweep CSVs (nmsim sweep), not a " +
                      type_name(type) + " file");
  }
  std::vector<std::string> out = {"--input-type", type_name(type)};
  const auto add_column = [&](const char* option, const std::string& column) {
    if (column.empty()) throw ConfigError("nmsim plot " + kind + ": --" + option + " COLUMN is needed");
    require_column(inputs, column, std::string("--") + option);
    out.insert(out.end(), {std::string("--") + option, column});
  };
  for (const auto& where : values(vm, "where")) {
    const auto equals = where.find('=');
    if (equals == std::string::npos || (type != InputType::kSweep && type != InputType::kSpikes)) {
      throw ConfigError("--where " + where + ": expects COLUMN=VALUE, for sweep and spike CSVs");
    }
    require_column(inputs, where.substr(0, equals), "--where");
    out.insert(out.end(), {"--where", where});
  }
  if (kind == "raster") {
    refuse(vm, kind, {"y", "series", "by", "bars", "minimize", "maximize", "reference", "log-x", "log-y", "y-label",
                      "series-label"});
    const std::string x = value_or(vm, "x", "cycle");
    if (x != "cycle" && x != "step") throw ConfigError("--x " + x + ": a raster's time axis is cycle or step");
    out.insert(out.end(), {"--x", x});
  } else if (kind == "pareto") {
    refuse(vm, kind, {"series", "by", "bars", "reference"});
    const std::string x = value_or(vm, "x", "cycles"), y = value_or(vm, "y", "energy_pJ");
    for (const auto& column : values(vm, "minimize")) {
      if (column != x && column != y) throw ConfigError("--minimize " + column + ": neither --x " + x + " nor --y " + y);
    }
    for (const auto& column : values(vm, "maximize")) {
      if (column != x && column != y) throw ConfigError("--maximize " + column + ": neither --x " + x + " nor --y " + y);
    }
    add_column("x", x);
    add_column("y", y);
    out.insert(out.end(), {"--x-direction", direction(vm, x), "--y-direction", direction(vm, y)});
  } else if (kind == "metric" || kind == "latency-load") {
    refuse(vm, kind, {"by", "bars", "minimize", "maximize"});
    const bool traffic = kind == "latency-load";
    add_column("x", value_or(vm, "x", traffic ? "offered_flits_per_node_cycle" : ""));
    add_column("y", value_or(vm, "y", traffic ? "latency_avg_cycles" : ""));
    if (vm.count("series")) add_column("series", vm["series"].as<std::string>());
    // Sweeps before the drained column existed are drawn without saturation marks.
    const auto has_drained = [](const Input& input) { return contains(input.columns, "drained"); };
    if (traffic && std::all_of(inputs.begin(), inputs.end(), has_drained)) {
      out.insert(out.end(), {"--saturation-column", "drained"});
    }
    if (vm.count("reference")) {
      if (!traffic) refuse(vm, kind, {"reference"});
      const std::string path = vm["reference"].as<std::string>();
      if (!std::ifstream(path)) throw ConfigError("--reference " + path + ": cannot read the file");
      out.insert(out.end(), {"--reference", path});
    }
  } else if (type == InputType::kSweep) {  // breakdown of a sweep: a bar per point
    refuse(vm, kind, {"series", "bars", "y", "minimize", "maximize", "reference"});
    add_column("x", value_or(vm, "x", "point"));
    for (const auto& stack : sweep_stacks(value_or(vm, "by", "class"))) {
      for (const auto& column : stack_columns(stack)) require_column(inputs, column, "--by");
      out.insert(out.end(), {"--stack", stack});
    }
  } else {  // breakdown of energy breakdown CSVs or reports: a bar per phase or part
    refuse(vm, kind, {"series", "x", "y", "where", "minimize", "maximize", "reference"});
    const std::string bars = value_or(vm, "bars", "phase"), by = value_or(vm, "by", "class");
    const std::vector<std::string> dimensions = type == InputType::kReport
                                                    ? std::vector<std::string>{"phase", "class", "kind"}
                                                    : std::vector<std::string>{"part", "phase", "class", "kind", "usage"};
    if (bars != "phase" && bars != "part") throw ConfigError("--bars " + bars + ": expects phase or part");
    if (!contains(dimensions, bars) || !contains(dimensions, by)) {
      throw ConfigError(inputs.front().path + ": a " + type_name(type) + " input splits energy by " + join(dimensions) +
                        ", not --bars " + bars + " --by " + by);
    }
    if (bars == by) throw ConfigError("--bars and --by are both " + by + ": stack by another dimension");
    out.insert(out.end(), {"--bars", bars, "--by", by});
  }
  for (const char* option : {"x-label", "y-label", "series-label", "title"}) {
    if (vm.count(option)) out.insert(out.end(), {std::string("--") + option, vm[option].as<std::string>()});
  }
  if (vm.count("log-x")) out.push_back("--log-x");
  if (vm.count("log-y")) out.push_back("--log-y");
  out.insert(out.end(), {"--dpi", std::to_string(vm["dpi"].as<unsigned>())});
  return out;
}

// Runs the script and returns its exit status: isolated (-I: no user site, no PYTHON*
// variables), so only Debian's own packages are seen, and writing no bytecode (-B) into the source tree.
int run_script(const std::string& script, const std::vector<std::string>& arguments) {
  std::vector<std::string> command = {kPython, "-I", "-B", script};
  command.insert(command.end(), arguments.begin(), arguments.end());
  std::vector<char*> argv;
  for (auto& a : command) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::cout.flush();
  const pid_t pid = fork();
  if (pid < 0) throw Error("nmsim plot: cannot start " + std::string(kPython));
  if (pid == 0) {
    execv(kPython, argv.data());
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

int command_plot(const std::vector<std::string>& args) {
  po::options_description options(
      "nmsim plot KIND INPUT... -o OUT [OPTIONS]: figures as OUT.png and OUT.pdf, and OUT.json listing what\n"
      "was drawn. KIND: breakdown (stacked energy bars), pareto (two columns, the pareto front joined),\n"
      "metric (a column against a swept one, a line per value of a third), latency-load (a traffic\n"
      "sweep's latency against load), raster (a run's spikes: time against neuron, a band per layer).\n"
      "INPUT: sweep CSVs (nmsim sweep); for breakdown also energy breakdown CSVs (nmsim run --breakdown)\n"
      "or JSON reports; for raster one spike CSV (nmsim run --spikes)");
  options.add_options()
      ("help,h", "this help")
      ("kind", po::value<std::string>()->value_name("KIND"), "breakdown, pareto, metric, latency-load or raster")
      ("input", po::value<std::vector<std::string>>()->value_name("INPUT"),
       "input files (rows of several sweep CSVs are drawn together)")
      ("out,o", po::value<std::string>()->value_name("OUT"), "output prefix: OUT.png, OUT.pdf, OUT.json")
      ("x", po::value<std::string>()->value_name("COLUMN"),
       "x column (pareto: cycles; latency-load: offered_flits_per_node_cycle; breakdown of a sweep: point, "
       "the bar labels; raster: cycle (default) or step, the time step over the run)")
      ("y", po::value<std::string>()->value_name("COLUMN"),
       "y column (pareto: energy_pJ; latency-load: latency_avg_cycles)")
      ("series", po::value<std::string>()->value_name("COLUMN"), "metric, latency-load: a line per value of this column")
      ("reference", po::value<std::string>()->value_name("FILE.csv"),
       "latency-load: another simulator's points beside the curves (CSV: label and the x and y columns; "
       "e.g. tools/plot/reference/booksim2_mesh8x8.csv)")
      ("where", po::value<std::vector<std::string>>()->value_name("COLUMN=VALUE"),
       "only the sweep points with this value (repeatable), e.g. to fix the axes not drawn; raster: only "
       "these spikes, e.g. sample=0 or layer=1")
      ("minimize", po::value<std::vector<std::string>>()->value_name("COLUMN"),
       "pareto: lower is better on this axis (the default, but for accuracy)")
      ("maximize", po::value<std::vector<std::string>>()->value_name("COLUMN"),
       "pareto: higher is better on this axis (accuracy by default)")
      ("by", po::value<std::string>()->value_name("DIM"),
       "breakdown: the stacks: class (default; split in dynamic and leakage for a sweep), phase, kind "
       "(dynamic, leakage), usage (used, unused cores; breakdown CSV)")
      ("bars", po::value<std::string>()->value_name("DIM"),
       "breakdown of a breakdown CSV or report: a bar per phase (default) or part")
      ("log-x", "logarithmic x axis")
      ("log-y", "logarithmic y axis")
      ("x-label", po::value<std::string>()->value_name("TEXT"),
       "x axis label (default: from the column, with its unit)")
      ("y-label", po::value<std::string>()->value_name("TEXT"), "y axis label")
      ("series-label", po::value<std::string>()->value_name("TEXT"), "the series column's name in the legend")
      ("title", po::value<std::string>()->value_name("TEXT"), "figure title")
      ("dpi", po::value<unsigned>()->default_value(100)->value_name("N"), "PNG resolution");
  po::positional_options_description positional;
  positional.add("kind", 1).add("input", -1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(options).positional(positional).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << options << "\nExamples: tools/README.md (Plots).\n";
    return kExitOk;
  }
  if (!vm.count("kind")) throw ConfigError("nmsim plot: no kind given (" + join(kKinds) + ")");
  const std::string kind = vm["kind"].as<std::string>();
  if (!contains(kKinds, kind)) throw ConfigError("nmsim plot " + kind + ": unknown kind (" + join(kKinds) + ")");
  if (!vm.count("input")) throw ConfigError("nmsim plot " + kind + ": no input file given");
  if (!vm.count("out")) throw ConfigError("nmsim plot " + kind + ": no output prefix given (-o OUT)");
  const std::string out = vm["out"].as<std::string>();
  std::vector<Input> inputs;
  for (const auto& path : vm["input"].as<std::vector<std::string>>()) {
    for (const char* extension : {".png", ".pdf", ".json"}) {
      if (same_file(path, out + extension)) throw ConfigError(path + ": -o " + out + " would overwrite this input");
    }
    inputs.push_back(read_input(path));
  }
  std::vector<std::string> arguments = {kind};
  for (const auto& input : inputs) arguments.push_back(input.path);
  const auto resolved = script_arguments(kind, inputs, vm);
  arguments.insert(arguments.end(), resolved.begin(), resolved.end());
  arguments.insert(arguments.end(), {"--out", out});

  const char* override_script = std::getenv("NMSIM_PLOT_SCRIPT");
  const std::string script = override_script && *override_script ? override_script : kDefaultScript;
  if (access(kPython, X_OK) != 0) {
    std::cerr << "nmsim plot: error: " << kPython << " not found: install Debian's python3 and python3-matplotlib "
                                                    "(tools/setup.sh)\n";
    return kExitPlotterMissing;
  }
  if (access(script.c_str(), R_OK) != 0) {
    throw ConfigError(script + ": the plot script is missing (set NMSIM_PLOT_SCRIPT to its path)");
  }
  return run_script(script, arguments);
}

}  // namespace nmsim::tools
