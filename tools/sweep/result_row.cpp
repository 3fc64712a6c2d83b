#include "tools/sweep/result_row.h"

#include <charconv>
#include <fstream>
#include <functional>
#include <sstream>

#include <google/protobuf/util/json_util.h>

#include "models/base/errors.h"
#include "models/base/phase.h"
#include "platform/report/breakdown_csv.h"

namespace nmsim::sweep {

namespace {

std::string exact(double value) {
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

std::string exact(uint64_t value) { return std::to_string(value); }

// A figure: its column name and how a report gives it.
struct Figure {
  std::string column;
  std::function<std::string(const Report&)> value;
};

const PhaseSummary* phase_of(const Report& report, const std::string& name) {
  for (const auto& phase : report.phases()) {
    if (phase.phase() == name) return &phase;
  }
  return nullptr;
}

std::vector<Figure> figures() {
  std::vector<Figure> f = {
      {"cycles", [](const Report& r) { return exact(r.summary().cycles()); }},
      {"simulated_time_s", [](const Report& r) { return exact(r.summary().simulated_seconds()); }},
      {"sops", [](const Report& r) { return exact(r.summary().sops()); }},
      {"samples", [](const Report& r) { return exact(r.summary().samples()); }},
      {"sram_reads", [](const Report& r) { return exact(r.summary().sram_reads()); }},
      {"sram_writes", [](const Report& r) { return exact(r.summary().sram_writes()); }},
      {"noc_flits", [](const Report& r) { return exact(r.summary().noc_flits()); }},
      {"noc_hops", [](const Report& r) { return exact(r.summary().noc_hops()); }},
      {"energy_pJ", [](const Report& r) { return exact(r.summary().energy_pj()); }},
      {"dynamic_energy_pJ", [](const Report& r) { return exact(r.summary().dynamic_energy_pj()); }},
      {"leakage_energy_pJ", [](const Report& r) { return exact(r.summary().leakage_energy_pj()); }},
      {"energy_per_sop_pJ", [](const Report& r) { return exact(r.summary().pj_per_sop()); }},
      // Training runs: per trained sample (the training part of the run).
      {"energy_per_sample_pJ", [](const Report& r) { return exact(r.summary().energy_per_sample_pj()); }},
      {"accuracy", [](const Report& r) { return exact(r.summary().accuracy()); }},
  };
  for (std::size_t p = 0; p < kPhaseCount; ++p) {
    const std::string name = phase_name(static_cast<Phase>(p));
    f.push_back({name + "_cycles", [name](const Report& r) {
                   const auto* phase = phase_of(r, name);
                   return phase ? exact(phase->cycles()) : std::string("0");
                 }});
    f.push_back({name + "_energy_pJ", [name](const Report& r) {
                   const auto* phase = phase_of(r, name);
                   return phase ? exact(phase->energy_pj()) : std::string("0");
                 }});
  }
  // Energy by component class (cores with their units, SRAMs, routers, NIs, host link,
  // barrier): dynamic plus leakage, and the leakage alone.
  for (int c = ComponentClass_MIN + 1; c <= ComponentClass_MAX; ++c) {
    const auto component_class = static_cast<ComponentClass>(c);
    const std::string name = report::component_class_name(component_class);
    const auto sum = [component_class](const Report& r, bool leakage_only) {
      double pj = 0;
      for (const auto& component : r.components()) {
        if (component.component_class() != component_class) continue;
        pj += component.leakage_pj() + (leakage_only ? 0 : component.dynamic_pj());
      }
      return exact(pj);
    };
    f.push_back({name + "_energy_pJ", [sum](const Report& r) { return sum(r, false); }});
    f.push_back({name + "_leakage_pJ", [sum](const Report& r) { return sum(r, true); }});
  }
  const std::vector<Figure> rest = {
      // Leakage of what holds nothing (cores without neurons, untouched SRAM banks; gated or not).
      {"unused_leakage_pJ", [](const Report& r) {
         double pj = 0;
         for (const auto& cell : r.breakdown()) {
           if (cell.usage() == "unused" && cell.kind() == "leakage") pj += cell.energy_pj();
         }
         return exact(pj);
       }},
      // The training part of a training run alone (zero for inference and traffic).
      {"training_cycles", [](const Report& r) { return exact(r.training().cycles()); }},
      {"training_energy_pJ", [](const Report& r) { return exact(r.training().energy_pj()); }},
      {"training_energy_per_sop_pJ", [](const Report& r) { return exact(r.training().pj_per_sop()); }},
      // Synthetic traffic runs (zero otherwise).
      {"latency_avg_cycles", [](const Report& r) { return exact(r.traffic().average_latency_cycles()); }},
      {"latency_max_cycles", [](const Report& r) { return exact(r.traffic().max_latency_cycles()); }},
      {"offered_flits_per_node_cycle", [](const Report& r) { return exact(r.traffic().offered_flits_per_node_cycle()); }},
      {"accepted_flits_per_node_cycle", [](const Report& r) { return exact(r.traffic().accepted_flits_per_node_cycle()); }},
      {"hops_avg", [](const Report& r) { return exact(r.traffic().average_hops()); }},
      // 1 when every measured packet arrived before the drain limit; 0 (saturated) otherwise.
      {"drained", [](const Report& r) { return exact(uint64_t{r.traffic().drained()}); }},
      {"wall_s", [](const Report& r) { return exact(r.speed().wall_seconds()); }},
  };
  f.insert(f.end(), rest.begin(), rest.end());
  return f;
}

const std::vector<Figure>& all_figures() {
  static const std::vector<Figure> table = figures();
  return table;
}

}  // namespace

std::vector<std::string> figure_columns() {
  std::vector<std::string> columns;
  for (const auto& f : all_figures()) columns.push_back(f.column);
  return columns;
}

std::vector<std::string> figure_values(const Report& report) {
  std::vector<std::string> values;
  for (const auto& f : all_figures()) values.push_back(f.value(report));
  return values;
}

std::vector<std::string> empty_figures() { return std::vector<std::string>(all_figures().size()); }

Report read_report(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw DataError(path + ": cannot read the point's report");
  std::stringstream text;
  text << in.rdbuf();
  Report report;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  const auto status = google::protobuf::util::JsonStringToMessage(text.str(), &report, options);
  if (!status.ok()) throw DataError(path + ": not an nmsim report: " + status.ToString());
  return report;
}

}  // namespace nmsim::sweep
