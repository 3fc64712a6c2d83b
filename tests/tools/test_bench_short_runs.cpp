// `nmsim bench --short-runs`: the four short traffic runs, each timed as a whole process, and with
// --against another build run alternately.
#include <cctype>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/tools/cli_harness.h"

using namespace nmsim::testing;

namespace {

// The table's data rows: "  8x8    0.02   11022   ...", split into words.
std::vector<std::vector<std::string>> data_rows(const std::string& out) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    std::vector<std::string> row;
    for (std::string w; words >> w;) row.push_back(w);
    if (!row.empty() && std::isdigit(static_cast<unsigned char>(row[0][0])) && row[0].find('x') != std::string::npos) {
      rows.push_back(row);
    }
  }
  return rows;
}

}  // namespace

TEST_CASE("bench --short-runs: the four rows timed whole, alternating with another build", "[cli][bench]") {
  TempDir dir;
  const auto outcome = run_nmsim(dir, std::string("bench --short-runs --rounds 1 --against '") + NMSIM_BINARY + "'");
  INFO(outcome.out << outcome.err);
  REQUIRE(outcome.status == 0);
  const auto rows = data_rows(outcome.out);
  REQUIRE(rows.size() == 4);
  // mesh, rate, cycles: the traffic defaults (1,000 + 10,000 cycles and the drain) simulate the
  // same cycles in every process, whichever build (here the same one) runs them.
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"8x8", "0.02"}, {"8x8", "0.1"}, {"16x16", "0.02"}, {"16x16", "0.1"}};
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& row = rows[i];
    INFO("row " << i);
    CHECK(row[0] == expected[i].first);
    CHECK(row[1] == expected[i].second);
    CHECK(std::stoull(row[2]) > 11000);  // warm-up + measured cycles, then the drain
    // mean, min wall; mean, min CPU; cycles/s; against: the same four; speed-ups "x".
    REQUIRE(row.size() == 18);
    for (std::size_t c = 3; c <= 11; ++c) CHECK(std::stod(row[c]) > 0);
    CHECK(std::stod(row[4]) <= std::stod(row[3]));  // min <= mean
    CHECK(std::stod(row[9]) <= std::stod(row[8]));
    for (std::size_t c : {12, 14, 16}) {
      CHECK(std::stod(row[c]) > 0);
      CHECK(row[c + 1] == "x");
    }
    CHECK(outcome.out.find("cycles against") == std::string::npos);  // same cycles in both builds
    CHECK(outcome.out.find("cycles differ") == std::string::npos);
  }
  // Nothing is written where it runs (the reports go to removed temporaries).
  CHECK_FALSE(exists(dir.file("nmsim-traffic.json")));
}
