#include "tools/table/table.h"

#include <cstdio>

#include "models/base/errors.h"
#include "tools/table/csv.h"

namespace nmsim::table {

namespace {

std::string csv(const Table& table) {
  std::string out;
  if (!table.caption.empty()) out += "# " + table.caption + "\n";
  std::vector<std::string> header;
  for (const Column& c : table.columns) header.push_back(c.header());
  out += csv_line(header);
  for (const auto& row : table.rows) out += csv_line(row);
  return out;
}

// A markdown cell: a '|' would end it early.
std::string markdown_cell(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out;
}

std::string markdown(const Table& table) {
  std::string header = "|", rule = "|";
  for (const Column& c : table.columns) {
    header += " " + markdown_cell(c.header()) + " |";
    rule += c.numeric ? "---:|" : "---|";
  }
  std::string out = header + "\n" + rule + "\n";
  for (const auto& row : table.rows) {
    out += "|";
    for (const std::string& cell : row) out += " " + markdown_cell(cell) + " |";
    out += "\n";
  }
  if (!table.caption.empty()) out += "\n" + table.caption + "\n";
  return out;
}

std::string latex_row(const std::vector<std::string>& cells) {
  std::string out = "    ";
  for (std::size_t i = 0; i < cells.size(); ++i) out += (i ? " & " : "") + latex_escape(cells[i]);
  return out + " \\\\\n";
}

std::string latex(const Table& table) {
  std::string spec, out = "\\begin{table}\n  \\centering\n";
  std::vector<std::string> header;
  for (const Column& c : table.columns) {
    spec += c.numeric ? 'r' : 'l';
    header.push_back(c.header());
  }
  if (!table.caption.empty()) out += "  \\caption{" + latex_escape(table.caption) + "}\n";
  out += "  \\begin{tabular}{" + spec + "}\n    \\toprule\n" + latex_row(header) + "    \\midrule\n";
  for (const auto& row : table.rows) out += latex_row(row);
  return out + "    \\bottomrule\n  \\end{tabular}\n\\end{table}\n";
}

}  // namespace

std::string Column::header() const { return unit.empty() ? name : name + " (" + unit + ")"; }

Format parse_format(const std::string& text, const std::string& option) {
  if (text == "csv") return Format::kCsv;
  if (text == "md") return Format::kMarkdown;
  if (text == "latex") return Format::kLatex;
  throw ConfigError(option + " " + text + ": expects csv, md or latex");
}

std::string render(const Table& table, Format format) {
  for (const auto& row : table.rows) {
    NMSIM_ASSERT(row.size() == table.columns.size(), "table row with a wrong number of cells");
  }
  switch (format) {
    case Format::kCsv: return csv(table);
    case Format::kMarkdown: return markdown(table);
    case Format::kLatex: return latex(table);
  }
  NMSIM_ASSERT(false, "unknown table format");
  return {};
}

std::string number(double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

std::string number(uint64_t value) { return std::to_string(value); }

std::string latex_escape(const std::string& text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&': case '%': case '_': case '#': case '$': case '{': case '}':
        out += '\\';
        out += c;
        break;
      case '~': out += "\\textasciitilde{}"; break;
      case '^': out += "\\textasciicircum{}"; break;
      case '\\': out += "\\textbackslash{}"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace nmsim::table
