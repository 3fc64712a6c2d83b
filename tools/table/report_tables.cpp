#include "tools/table/report_tables.h"

namespace nmsim::table {

namespace {

std::string uj(double pj) { return number(pj * 1e-6, 3); }

}  // namespace

std::string caption(const Provenance& p) {
  std::string text = "nmsim " + p.nmsim_version() + "; energy table " + p.energy_table_name() + " (hash " +
                     p.energy_table_hash() + ")";
  if (!p.dataset_hash().empty()) text += "; data set hash " + p.dataset_hash();
  return text;
}

std::vector<Table> run_tables(const Report& report) {
  const Summary& s = report.summary();
  const std::string source = caption(report.provenance());
  Table summary;
  summary.caption = "Summary. " + source;
  summary.columns = {{"cycles", ""},           {"simulated time", "ms"}, {"samples", ""},
                     {"accuracy", "%"},        {"energy", "uJ"},         {"dynamic energy", "uJ"},
                     {"leakage energy", "uJ"}, {"energy / sample", "uJ"}, {"energy / SOP", "pJ"}};
  summary.rows.push_back({number(s.cycles()), number(s.simulated_seconds() * 1e3, 3), number(s.samples()),
                          number(100 * s.accuracy(), 2), uj(s.energy_pj()), uj(s.dynamic_energy_pj()),
                          uj(s.leakage_energy_pj()), uj(s.energy_per_sample_pj()), number(s.pj_per_sop(), 3)});

  Table phases;
  phases.caption = "By phase. " + source;
  phases.columns = {{"phase", "", false}, {"cycles", ""},    {"SOPs", ""},      {"SRAM reads", ""},
                    {"SRAM writes", ""},  {"NoC flits", ""}, {"NoC hops", ""}, {"energy", "uJ"}};
  for (const PhaseSummary& p : report.phases()) {
    phases.rows.push_back({p.phase(), number(p.cycles()), number(p.sops()), number(p.sram_reads()),
                           number(p.sram_writes()), number(p.noc_flits()), number(p.noc_hops()), uj(p.energy_pj())});
  }
  phases.rows.push_back({"total", number(s.cycles()), number(s.sops()), number(s.sram_reads()),
                         number(s.sram_writes()), number(s.noc_flits()), number(s.noc_hops()), uj(s.energy_pj())});
  return {summary, phases};
}

Table traffic_table(const Report& report) {
  const TrafficSummary& t = report.traffic();
  const Summary& s = report.summary();
  Table table;
  table.caption = "Synthetic traffic. " + caption(report.provenance());
  table.columns = {{"offered load", "flits/node/cycle"},
                   {"accepted load", "flits/node/cycle"},
                   {"latency avg", "cycles"},
                   {"latency max", "cycles"},
                   {"hops avg", ""},
                   {"packets measured", ""},
                   {"drained", "", false},
                   {"cycles", ""},
                   {"NoC flits", ""},
                   {"energy", "uJ"}};
  table.rows.push_back({number(t.offered_flits_per_node_cycle(), 4), number(t.accepted_flits_per_node_cycle(), 4),
                        number(t.average_latency_cycles(), 2), number(t.max_latency_cycles()),
                        number(t.average_hops(), 2), number(t.packets_measured()), t.drained() ? "yes" : "no",
                        number(s.cycles()), number(s.noc_flits()), uj(s.energy_pj())});
  return table;
}

std::string render_all(const std::vector<Table>& tables, Format format) {
  std::string out;
  for (std::size_t i = 0; i < tables.size(); ++i) out += (i ? "\n" : "") + render(tables[i], format);
  return out;
}

}  // namespace nmsim::table
