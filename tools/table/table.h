// A table for a paper: column headers with their units, rows of plain cells, and a caption,
// rendered as CSV, GitHub markdown or LaTeX. The unit is in the header ("energy (uJ)"), never
// in a cell; numeric cells are plain numbers (no thousands separators) written by number()
// with the precision the table states.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nmsim::table {

struct Column {
  std::string name;      // "energy"
  std::string unit;      // "uJ"; empty for a count or a name
  bool numeric = true;   // right-aligned (markdown ---:, LaTeX r); text is left-aligned

  // "energy (uJ)", or the name alone without a unit.
  std::string header() const;
};

struct Table {
  std::vector<Column> columns;
  std::vector<std::vector<std::string>> rows;  // each as many cells as columns
  std::string caption;                         // one line; empty: none
};

enum class Format { kCsv, kMarkdown, kLatex };

// "csv", "md" or "latex"; ConfigError naming `option` for anything else.
Format parse_format(const std::string& text, const std::string& option);

// CSV (RFC 4180): "# caption" on the first line, the header line, one line a row.
// Markdown: the GitHub table, then an empty line and the caption.
// LaTeX: a table float with \caption, \centering and a booktabs tabular (\toprule, \midrule,
// \bottomrule); & % _ # $ { } ~ ^ \ in headers, cells and caption are escaped.
std::string render(const Table& table, Format format);

// `value` with `decimals` digits after the point ("1234.500" for 3); integers exactly.
std::string number(double value, int decimals);
std::string number(uint64_t value);

// Text as LaTeX prints it literally.
std::string latex_escape(const std::string& text);

}  // namespace nmsim::table
