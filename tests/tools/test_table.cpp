// The table writer: each format's exact text for a small table whose headers, cells and
// caption need quoting or escaping; CSV read back as written.
#include <catch2/catch.hpp>

#include <string>

#include "models/base/errors.h"
#include "tools/table/csv.h"
#include "tools/table/table.h"

namespace {

using nmsim::table::Format;

nmsim::table::Table small_table() {
  nmsim::table::Table t;
  t.caption = "R&D_1: 50% of $x {y} #2 ~ ^ \\";
  t.columns = {{"name", "", false}, {"energy", "uJ"}, {"a, \"b\"", "%"}};
  t.rows = {{"dfa_x", "1.500", "3"}, {"a|b", "-2.000", "4"}};
  return t;
}

}  // namespace

TEST_CASE("table: csv quotes as RFC 4180 and starts with the caption as a comment", "[table]") {
  CHECK(nmsim::table::render(small_table(), Format::kCsv) ==
        "# R&D_1: 50% of $x {y} #2 ~ ^ \\\n"
        "name,energy (uJ),\"a, \"\"b\"\" (%)\"\n"
        "dfa_x,1.500,3\n"
        "a|b,-2.000,4\n");
}

TEST_CASE("table: markdown aligns numbers right, escapes '|' and puts the caption under", "[table]") {
  CHECK(nmsim::table::render(small_table(), Format::kMarkdown) ==
        "| name | energy (uJ) | a, \"b\" (%) |\n"
        "|---|---:|---:|\n"
        "| dfa_x | 1.500 | 3 |\n"
        "| a\\|b | -2.000 | 4 |\n"
        "\n"
        "R&D_1: 50% of $x {y} #2 ~ ^ \\\n");
}

TEST_CASE("table: latex is a booktabs tabular with escaped text and a caption", "[table]") {
  CHECK(nmsim::table::render(small_table(), Format::kLatex) ==
        "\\begin{table}\n"
        "  \\centering\n"
        "  \\caption{R\\&D\\_1: 50\\% of \\$x \\{y\\} \\#2 \\textasciitilde{} \\textasciicircum{} \\textbackslash{}}\n"
        "  \\begin{tabular}{lrr}\n"
        "    \\toprule\n"
        "    name & energy (uJ) & a, \"b\" (\\%) \\\\\n"
        "    \\midrule\n"
        "    dfa\\_x & 1.500 & 3 \\\\\n"
        "    a|b & -2.000 & 4 \\\\\n"
        "    \\bottomrule\n"
        "  \\end{tabular}\n"
        "\\end{table}\n");
}

TEST_CASE("table: without a caption no caption line", "[table]") {
  auto t = small_table();
  t.caption.clear();
  CHECK(nmsim::table::render(t, Format::kCsv).rfind("name,", 0) == 0);
  CHECK(nmsim::table::render(t, Format::kMarkdown).find("\n\n") == std::string::npos);
  CHECK(nmsim::table::render(t, Format::kLatex).find("caption") == std::string::npos);
}

TEST_CASE("table: numbers at a fixed precision, formats by name", "[table]") {
  CHECK(nmsim::table::number(1234.5678, 2) == "1234.57");
  CHECK(nmsim::table::number(0.0, 3) == "0.000");
  CHECK(nmsim::table::number(uint64_t{18446744073709551615ULL}) == "18446744073709551615");
  CHECK(nmsim::table::parse_format("csv", "--format") == Format::kCsv);
  CHECK(nmsim::table::parse_format("md", "--format") == Format::kMarkdown);
  CHECK(nmsim::table::parse_format("latex", "--format") == Format::kLatex);
  CHECK_THROWS_AS(nmsim::table::parse_format("tex", "--format"), nmsim::ConfigError);
}

TEST_CASE("csv: records read back as written, quotes, commas and line breaks included", "[table][csv]") {
  const std::vector<std::vector<std::string>> records = {
      {"point", "error", "x"}, {"0", "said \"no\", twice\nthen stopped", ""}, {"1", "", "2.5"}};
  std::string text;
  for (const auto& r : records) text += nmsim::table::csv_line(r);
  CHECK(nmsim::table::csv_records(text, "test") == records);
  CHECK(nmsim::table::csv_records("a,b\r\nc,d", "test") ==
        std::vector<std::vector<std::string>>{{"a", "b"}, {"c", "d"}});
  CHECK_THROWS_AS(nmsim::table::csv_records("a,\"b\n", "test"), nmsim::DataError);
}
