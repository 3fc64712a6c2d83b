#include "platform/report/report_format.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <utility>
#include <vector>

#include "platform/report/message_json.h"

namespace nmsim::report {

namespace {

std::string pad_left(const std::string& s, std::size_t width) {
  return std::string(width > s.size() ? width - s.size() : 0, ' ') + s;
}
std::string pad_right(std::string s, std::size_t width) {
  return s.append(width > s.size() ? width - s.size() : 0, ' ');
}

std::string format_double(double v, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, v);
  return text;
}

// A published value as written: 8.43, 12.7, 120.
std::string format_number(double v) {
  char text[64];
  std::snprintf(text, sizeof text, "%g", v);
  return text;
}

// A text table. Each column keeps its usual width unless a cell is longer; then it widens, so
// a right-aligned cell still has two spaces before it (a 4096-wide network's epoch counts
// hundreds of billions of SRAM reads). Left-aligned columns are padded after their cells.
class TextTable {
 public:
  struct Column {
    std::size_t width;
    bool left_aligned;
  };
  explicit TextTable(std::vector<Column> columns) : m_columns(std::move(columns)) {}
  void add(std::vector<std::string> cells) { m_rows.push_back(std::move(cells)); }
  std::string render() const {
    std::vector<Column> columns = m_columns;
    for (const auto& row : m_rows) {
      for (std::size_t i = 0; i < row.size() && i < columns.size(); ++i) {
        const std::size_t needed = columns[i].left_aligned ? row[i].size() : row[i].size() + 2;
        columns[i].width = std::max(columns[i].width, needed);
      }
    }
    std::string out;
    for (const auto& row : m_rows) {
      out += "  ";
      for (std::size_t i = 0; i < row.size(); ++i) {
        out += columns[i].left_aligned ? pad_right(row[i], columns[i].width) : pad_left(row[i], columns[i].width);
      }
      out += "\n";
    }
    return out;
  }

 private:
  std::vector<Column> m_columns;
  std::vector<std::vector<std::string>> m_rows;
};

// A count that may not be whole (stats are doubles): thousands separators if whole.
std::string format_value(double v) {
  if (v >= 0 && v < 1.8e19 && std::floor(v) == v) return with_thousands(static_cast<uint64_t>(v));
  return format_double(v, 3);
}

}  // namespace

std::string with_thousands(uint64_t value) {
  std::string digits = std::to_string(value);
  std::string out;
  const std::size_t n = digits.size();
  for (std::size_t i = 0; i < n; ++i) {
    out += digits[i];
    if ((n - 1 - i) % 3 == 0 && i + 1 < n) out += ',';
  }
  return out;
}

std::string format_energy(double pj) {
  const double magnitude = std::fabs(pj);
  if (magnitude >= 1e9) return format_double(pj * 1e-9, 3) + " mJ";
  if (magnitude >= 1e6) return format_double(pj * 1e-6, 3) + " uJ";
  if (magnitude >= 1e3) return format_double(pj * 1e-3, 3) + " nJ";
  return format_double(pj, 3) + " pJ";
}

std::string to_json(const Report& report) { return message_to_json(report); }

std::string to_table(const Report& report) {
  const Summary& s = report.summary();
  std::string out;
  out += "nmsim report" + (report.kind().empty() ? std::string() : " (" + report.kind() + ")") + "\n";
  if (!report.provenance().energy_table_name().empty()) {
    out += "energy table: " + report.provenance().energy_table_name() + " (" +
           report.provenance().energy_table_hash() + ")\n";
    // Its split (platform/energy/PREDICTIONS.md), so a figure traces to what the table was fitted on.
    const auto figures = [&out](const char* role, const auto& list) {
      for (const PublishedFigure& f : list) {
        out += std::string("  ") + role + ": " + f.figure() + " = " + format_number(f.value()) + " " + f.unit() +
               " [" + f.source() + "]" + (f.entry().empty() ? "" : ", sets " + f.entry()) + "\n";
      }
    };
    const Provenance& p = report.provenance();
    if (p.energy_fitted_on().empty() && p.energy_predicts().empty()) out += "  fitted on no published figure, predicts none\n";
    figures("fitted on", p.energy_fitted_on());
    figures("predicts", p.energy_predicts());
  }
  out += "\nSummary\n";
  auto line = [&out](const std::string& name, const std::string& value) {
    out += "  " + pad_right(name, 22) + value + "\n";
  };
  line("cycles", with_thousands(s.cycles()));
  const double seconds = s.simulated_seconds();
  line("simulated time", seconds >= 1     ? format_double(seconds, 3) + " s"
                         : seconds >= 1e-3 ? format_double(seconds * 1e3, 3) + " ms"
                                           : format_double(seconds * 1e6, 3) + " us");
  line("synaptic ops (SOPs)", with_thousands(s.sops()));
  if (s.samples()) line("samples", with_thousands(s.samples()));
  line("SRAM reads / writes", with_thousands(s.sram_reads()) + " / " + with_thousands(s.sram_writes()));
  line("NoC flits / hops", with_thousands(s.noc_flits()) + " / " + with_thousands(s.noc_hops()));
  line("energy", format_energy(s.energy_pj()) + " (dynamic " + format_energy(s.dynamic_energy_pj()) +
                     ", leakage " + format_energy(s.leakage_energy_pj()) + ")");
  if (s.sops() > 0) line("energy per SOP", format_double(s.pj_per_sop(), 3) + " pJ");
  if (s.samples()) line("energy per sample", format_energy(s.energy_per_sample_pj()));
  if (s.samples()) line("accuracy", format_double(s.accuracy() * 100, 2) + " %");
  const Provenance& prov = report.provenance();
  if (!prov.dataset().empty()) line("data set", prov.dataset());
  if (!prov.weights_source().empty()) line("weights", prov.weights_source());
  const Speed& speed = report.speed();
  if (speed.wall_seconds() > 0) {
    line("simulator speed", format_double(speed.wall_seconds(), 3) + " s wall, " +
                                with_thousands(static_cast<uint64_t>(speed.simulated_cycles_per_second())) +
                                " cycles/s, " + with_thousands(static_cast<uint64_t>(speed.sops_per_second())) +
                                " SOPs/s");
  }
  if (speed.reference_wall_seconds() > 0) {
    line("reference model", format_double(speed.reference_wall_seconds(), 3) + " s wall (chip / reference " +
                                format_double(speed.wall_seconds() / speed.reference_wall_seconds(), 1) + " x)");
  }
  if (report.kind() == "traffic") {
    const TrafficSummary& t = report.traffic();
    out += "\nTraffic\n";
    line("packets measured", with_thousands(t.packets_measured()));
    line("latency avg / max", format_double(t.average_latency_cycles(), 2) + " / " +
                                  with_thousands(t.max_latency_cycles()) + " cycles");
    line("offered / accepted", format_double(t.offered_flits_per_node_cycle(), 4) + " / " +
                                   format_double(t.accepted_flits_per_node_cycle(), 4) + " flits/node/cycle");
    line("average hops", format_double(t.average_hops(), 3));
    line("drained", t.drained() ? "yes" : "NO (drain limit reached: the network is saturated)");
  }

  out += "\nPhases\n";
  TextTable phases({{9, true}, {15, false}, {17, false}, {17, false}, {15, false}, {13, false}, {13, false}, {14, false}});
  phases.add({"phase", "cycles", "SOPs", "SRAM rd", "SRAM wr", "flits", "hops", "energy"});
  for (const PhaseSummary& p : report.phases()) {
    phases.add({p.phase(), with_thousands(p.cycles()), with_thousands(p.sops()), with_thousands(p.sram_reads()),
                with_thousands(p.sram_writes()), with_thousands(p.noc_flits()), with_thousands(p.noc_hops()),
                format_energy(p.energy_pj())});
  }
  out += phases.render();

  std::vector<const ComponentEnergy*> components;
  for (const ComponentEnergy& c : report.components()) components.push_back(&c);
  std::stable_sort(components.begin(), components.end(), [](const ComponentEnergy* a, const ComponentEnergy* b) {
    return a->dynamic_pj() + a->leakage_pj() > b->dynamic_pj() + b->leakage_pj();
  });
  out += "\nEnergy by component\n";
  TextTable component_table({{9, true}, {16, false}, {16, false}, {16, false}, {9, false}});
  component_table.add({"component", "dynamic", "leakage", "total", "share"});
  // The largest components; the JSON report has them all.
  constexpr std::size_t kTopComponents = 12;
  const std::size_t hidden_components =
      components.size() > kTopComponents ? components.size() - kTopComponents : 0;
  if (hidden_components > 0) components.resize(kTopComponents);
  for (const ComponentEnergy* c : components) {
    const double total = c->dynamic_pj() + c->leakage_pj();
    const double share = s.energy_pj() > 0 ? 100 * total / s.energy_pj() : 0;
    component_table.add({c->name(), format_energy(c->dynamic_pj()), format_energy(c->leakage_pj()),
                         format_energy(total), format_double(share, 1) + " %"});
  }
  out += component_table.render();

  if (hidden_components > 0) {
    out += "  (" + std::to_string(hidden_components) + " smaller components in the JSON report)\n";
  }

  constexpr std::size_t kTopStats = 20;
  std::vector<const Stat*> stats;
  for (const Stat& stat : report.stats()) stats.push_back(&stat);
  std::stable_sort(stats.begin(), stats.end(),
                   [](const Stat* a, const Stat* b) { return a->energy_pj() > b->energy_pj(); });
  if (stats.size() > kTopStats) stats.resize(kTopStats);
  out += "\nTop statistics by energy\n";
  // The unit follows its value after two spaces.
  TextTable stat_table({{4, true}, {18, false}, {12, true}, {16, false}});
  stat_table.add({"stat", "value", "  unit", "energy"});
  for (const Stat* stat : stats) {
    stat_table.add({stat->name(), format_value(stat->value()), "  " + pad_right(stat->unit(), 10),
                    format_energy(stat->energy_pj())});
  }
  out += stat_table.render();
  for (const std::string& note : report.notes()) out += "note: " + note + "\n";
  return out;
}

}  // namespace nmsim::report
