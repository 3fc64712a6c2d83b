#include "tools/sweep/sweep_table.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "models/base/errors.h"
#include "tools/sweep/result_row.h"
#include "tools/table/csv.h"
#include "tools/table/report_tables.h"

namespace nmsim::sweep {

namespace {

struct ChosenColumn {
  std::size_t index;  // in the CSV
  int decimals;       // -1: the cell as in the CSV
};

bool is_number(const std::string& text, double& value) {
  if (text.empty()) return false;
  char* end = nullptr;
  value = std::strtod(text.c_str(), &end);
  return *end == '\0';
}

std::vector<ChosenColumn> choose(const std::vector<std::string>& header, const std::string& list,
                                 const std::string& csv_path) {
  std::vector<ChosenColumn> chosen;
  std::istringstream in(list);
  std::string item;
  while (std::getline(in, item, ',')) {
    const std::size_t colon = item.find(':');
    const std::string name = item.substr(0, colon);
    int decimals = -1;
    if (colon != std::string::npos) {
      const std::string digits = item.substr(colon + 1);
      if (digits.empty() || digits.size() > 2 || digits.find_first_not_of("0123456789") != std::string::npos) {
        throw ConfigError("--columns " + list + ": '" + item + "': expects NAME or NAME:DECIMALS (0 to 99)");
      }
      decimals = std::stoi(digits);
    }
    std::size_t index = 0;
    while (index < header.size() && header[index] != name) ++index;
    if (index == header.size()) {
      std::string names;
      for (const std::string& h : header) names += (names.empty() ? "" : ", ") + h;
      throw ConfigError("--columns " + list + ": " + csv_path + " has no column '" + name + "' (it has " + names + ")");
    }
    chosen.push_back({index, decimals});
  }
  if (chosen.empty()) throw ConfigError("--columns: names no column");
  return chosen;
}

std::string caption_of(const SweepOutput& output, const SweepPlan& plan) {
  std::vector<std::string> captions;
  for (const auto& point : plan.points) {
    if (output.state(point.index) != SweepOutput::PointState::kDone) continue;
    const std::string text = table::caption(read_report(output.report_path(point.index)).provenance());
    bool seen = false;
    for (const std::string& c : captions) seen = seen || c == text;
    if (!seen) captions.push_back(text);
  }
  std::string caption = "Sweep " + plan.config.name() + ".";
  for (const std::string& c : captions) caption += " " + c + ".";
  return caption;
}

}  // namespace

table::Table sweep_table(const SweepPlan& plan, const SweepOutput& output, const std::string& columns) {
  std::ifstream in(output.csv_path());
  if (!in) throw DataError(output.csv_path() + ": cannot read the sweep's CSV");
  std::stringstream text;
  text << in.rdbuf();
  const auto records = table::csv_records(text.str(), output.csv_path());
  if (records.empty()) throw DataError(output.csv_path() + ": empty, not a sweep's CSV");
  const std::vector<ChosenColumn> chosen = choose(records[0], columns, output.csv_path());

  table::Table t;
  t.caption = caption_of(output, plan);
  for (const ChosenColumn& c : chosen) t.columns.push_back({records[0][c.index], "", true});
  for (std::size_t r = 1; r < records.size(); ++r) {
    if (records[r].size() != records[0].size()) {
      throw DataError(output.csv_path() + ": row " + std::to_string(r) + " has " + std::to_string(records[r].size()) +
                      " fields, the header " + std::to_string(records[0].size()));
    }
    std::vector<std::string> row;
    for (std::size_t i = 0; i < chosen.size(); ++i) {
      const std::string& cell = records[r][chosen[i].index];
      double value = 0;
      const bool number = is_number(cell, value);
      // A column is numeric (right-aligned) when every cell that is not empty is a number.
      if (!number && !cell.empty()) t.columns[i].numeric = false;
      row.push_back(number && chosen[i].decimals >= 0 ? table::number(value, chosen[i].decimals) : cell);
    }
    t.rows.push_back(row);
  }
  return t;
}

}  // namespace nmsim::sweep
