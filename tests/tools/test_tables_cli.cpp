// --format csv|md|latex end to end: each command's table as a user gets it, its header, a
// cell against the report JSON the same run wrote, and the caption from the provenance; and
// compare's job reports: an interrupted compare resumed runs only the missing job and writes
// the same JSON.
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>

#include "proto/compare.pb.h"
#include "proto/report.pb.h"
#include "tests/tools/cli_harness.h"
#include "tools/table/csv.h"
#include "tools/table/table.h"

namespace {

using nmsim::testing::exists;
using nmsim::testing::from_json;
using nmsim::testing::run_nmsim;
using nmsim::testing::slurp;
using nmsim::testing::TempDir;
using Records = std::vector<std::vector<std::string>>;

// The CSV blocks of --format csv output: each "# caption" line starts one.
std::vector<Records> csv_blocks(const std::string& text) {
  std::vector<Records> blocks;
  for (auto& record : nmsim::table::csv_records(text, "stdout")) {
    if (record.size() == 1 && record[0].empty()) continue;  // the empty line between tables
    if (record[0].rfind("# ", 0) == 0) blocks.emplace_back();
    REQUIRE(!blocks.empty());
    blocks.back().push_back(record);
  }
  return blocks;
}

std::string cell(const Records& block, std::size_t row, const std::string& column) {
  const auto& header = block.at(1);
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (header[i] == column) return block.at(row).at(i);
  }
  FAIL("no column " << column);
  return "";
}

std::string caption_of(const nmsim::Provenance& p) {
  return "nmsim " + p.nmsim_version() + "; energy table " + p.energy_table_name() + " (hash " + p.energy_table_hash() +
         ")";
}

const char* kCompareArgs =
    "compare --quiet --algorithms dfa,ff --json c.json --set training.train_samples=3 --set samples=3 "
    "--set dfa:network.hidden_sizes=32 --set ff:network.hidden_sizes=20";

// A compare's JSON without what differs between two runs of the same jobs: wall times and
// command lines.
nmsim::CompareReport without_invocation(nmsim::CompareReport compare) {
  compare.clear_command_line();
  for (auto& report : *compare.mutable_reports()) {
    report.clear_speed();
    report.mutable_provenance()->clear_command_line();
  }
  return compare;
}

}  // namespace

TEST_CASE("run --format csv: summary and phase tables whose cells are the report's", "[cli][table]") {
  TempDir dir;
  const auto r = run_nmsim(dir, "run --quiet --set workload=WORKLOAD_INFERENCE --set samples=2 --format csv --json r.json");
  INFO(r.err);
  REQUIRE(r.status == 0);
  const auto report = from_json<nmsim::Report>(dir.file("r.json"));
  const auto blocks = csv_blocks(r.out);
  REQUIRE(blocks.size() == 2);
  const std::string caption = caption_of(report.provenance()) + "; data set hash " + report.provenance().dataset_hash();
  CHECK(blocks[0][0][0] == "# Summary. " + caption);
  CHECK(blocks[1][0][0] == "# By phase. " + caption);
  CHECK(blocks[0][1] == std::vector<std::string>{"cycles", "simulated time (ms)", "samples", "accuracy (%)",
                                                 "energy (uJ)", "dynamic energy (uJ)", "leakage energy (uJ)",
                                                 "energy / sample (uJ)", "energy / SOP (pJ)"});
  CHECK(blocks[1][1] == std::vector<std::string>{"phase", "cycles", "SOPs", "SRAM reads", "SRAM writes", "NoC flits",
                                                 "NoC hops", "energy (uJ)"});
  CHECK(cell(blocks[0], 2, "cycles") == std::to_string(report.summary().cycles()));
  CHECK(cell(blocks[0], 2, "samples") == "2");
  CHECK(std::stod(cell(blocks[0], 2, "energy (uJ)")) == Approx(report.summary().energy_pj() * 1e-6).margin(0.0005));
  // One row a phase, then the total: the summary's.
  REQUIRE(blocks[1].size() == 2 + static_cast<std::size_t>(report.phases_size()) + 1);
  for (int p = 0; p < report.phases_size(); ++p) {
    CHECK(cell(blocks[1], 2 + p, "phase") == report.phases(p).phase());
    CHECK(cell(blocks[1], 2 + p, "SOPs") == std::to_string(report.phases(p).sops()));
  }
  const std::size_t total = blocks[1].size() - 1;
  CHECK(cell(blocks[1], total, "phase") == "total");
  CHECK(cell(blocks[1], total, "NoC hops") == std::to_string(report.summary().noc_hops()));
  // The JSON's counters are numbers (they fit a double exactly).
  CHECK(slurp(dir.file("r.json")).find("\"cycles\": " + std::to_string(report.summary().cycles()) + ",") !=
        std::string::npos);
}

TEST_CASE("traffic --format latex: the traffic row and the caption", "[cli][table]") {
  TempDir dir;
  const auto r = run_nmsim(dir, "traffic --quiet --set traffic.measure_cycles=200 --format latex --json t.json");
  INFO(r.err);
  REQUIRE(r.status == 0);
  const auto report = from_json<nmsim::Report>(dir.file("t.json"));
  CHECK(r.out.find("\\caption{Synthetic traffic. " +
                   nmsim::table::latex_escape(caption_of(report.provenance())) + "}") != std::string::npos);
  CHECK(r.out.find("offered load (flits/node/cycle) & accepted load (flits/node/cycle) & latency avg (cycles) & "
                   "latency max (cycles) & hops avg & packets measured & drained & cycles & NoC flits & energy (uJ) "
                   "\\\\") != std::string::npos);
  const auto& t = report.traffic();
  const std::string row = nmsim::table::number(t.offered_flits_per_node_cycle(), 4) + " & " +
                          nmsim::table::number(t.accepted_flits_per_node_cycle(), 4) + " & " +
                          nmsim::table::number(t.average_latency_cycles(), 2) + " & " +
                          std::to_string(t.max_latency_cycles()) + " & ";
  CHECK(r.out.find("\\midrule\n    " + row) != std::string::npos);
}

TEST_CASE("format option: another value is refused before any work", "[cli][table]") {
  TempDir dir;
  const auto r = run_nmsim(dir, "run --quiet --format tex --json r.json");
  CHECK(r.status != 0);
  CHECK(r.err.find("--format tex: expects csv, md or latex") != std::string::npos);
  CHECK_FALSE(exists(dir.file("r.json")));
}

TEST_CASE("compare: job reports as they end, --resume reruns only the missing one, the same JSON", "[cli][compare]") {
  TempDir dir;
  const auto first = run_nmsim(dir, kCompareArgs);
  INFO(first.err);
  REQUIRE(first.status == 0);
  CHECK(first.out.rfind("| algorithm | network | T | trained | epochs | tested | test accuracy (%) | "
                        "energy / trained sample (uJ) |", 0) == 0);
  const auto uninterrupted = from_json<nmsim::CompareReport>(dir.file("c.json"));
  REQUIRE(uninterrupted.reports_size() == 2);
  CHECK(uninterrupted.energy_table_name() == uninterrupted.reports(0).provenance().energy_table_name());
  CHECK(uninterrupted.energy_table_hash() == uninterrupted.reports(0).provenance().energy_table_hash());
  CHECK(!uninterrupted.energy_table_hash().empty());
  REQUIRE(exists(dir.file("c.d/dfa.json")));
  REQUIRE(exists(dir.file("c.d/ff.json")));
  const auto dfa_job = from_json<nmsim::CompareJobOutcome>(dir.file("c.d/dfa.json"));
  CHECK(google::protobuf::util::MessageDifferencer::Equals(dfa_job.report(), uninterrupted.reports(0)));

  // As if killed while FF ran: its report is missing.
  REQUIRE(std::remove(dir.file("c.d/ff.json").c_str()) == 0);
  REQUIRE(std::remove(dir.file("c.json").c_str()) == 0);
  const auto resumed = run_nmsim(dir, std::string(kCompareArgs) + " --resume --format csv");
  INFO(resumed.err);
  REQUIRE(resumed.status == 0);
  CHECK(resumed.err.find("compare: dfa: reused c.d/dfa.json") != std::string::npos);
  CHECK(resumed.err.find("compare: ff: runs (no job report c.d/ff.json)") != std::string::npos);
  const auto again = from_json<nmsim::CompareReport>(dir.file("c.json"));
  // The reused job kept its own run's wall time; everything else is as uninterrupted.
  CHECK(again.reports(0).speed().wall_seconds() == uninterrupted.reports(0).speed().wall_seconds());
  std::string difference;
  google::protobuf::util::MessageDifferencer differencer;
  differencer.ReportDifferencesToString(&difference);
  const bool same = differencer.Compare(without_invocation(uninterrupted), without_invocation(again));
  INFO(difference);
  CHECK(same);
  // The CSV table: caption, header and FF's row as the JSON has them.
  const auto blocks = csv_blocks(resumed.out.substr(0, resumed.out.find("\n\n")));
  REQUIRE(blocks.size() == 1);
  CHECK(blocks[0][0][0] == "# " + caption_of(again.reports(0).provenance()) + "; data set hash " +
                               again.reports(0).provenance().dataset_hash());
  CHECK(cell(blocks[0], 3, "algorithm") == "FF");
  CHECK(cell(blocks[0], 3, "energy / trained sample (uJ)") ==
        nmsim::table::number(again.rows(1).energy_per_trained_sample_pj() * 1e-6, 3));

  // A changed run config is not reused.
  const auto changed = run_nmsim(dir, std::string(kCompareArgs) + " --resume --set ff:time_steps=4");
  INFO(changed.err);
  REQUIRE(changed.status == 0);
  CHECK(changed.err.find("compare: dfa: reused") != std::string::npos);
  CHECK(changed.err.find("compare: ff: runs (the run config differs from c.d/ff.json's)") != std::string::npos);
}

TEST_CASE("sweep --format md --columns: the CSV's columns as a table, nothing run", "[cli][table][sweep]") {
  TempDir dir;
  std::ofstream(dir.file("tiny.textproto")) << "name: \"tiny\"\nset: \"workload=WORKLOAD_INFERENCE\"\nset: \"samples=2\"\n"
                                               "axes { field { path: \"noc.buffer_depth_flits\" values: [\"2\", \"4\"] } }\n";
  const auto ran = run_nmsim(dir, "sweep tiny.textproto --out out -j 2 --quiet");
  INFO(ran.err);
  REQUIRE(ran.status == 0);
  const auto r = run_nmsim(dir, "sweep tiny.textproto --out out --format md --columns noc.buffer_depth_flits,cycles,energy_pJ:1");
  INFO(r.err);
  REQUIRE(r.status == 0);
  const auto report = from_json<nmsim::Report>(dir.file("out/points/p000001.json"));
  const std::string expected_row = "| 4 | " + std::to_string(report.summary().cycles()) + " | " +
                                   nmsim::table::number(report.summary().energy_pj(), 1) + " |\n";
  CHECK(r.out.rfind("| noc.buffer_depth_flits | cycles | energy_pJ |\n|---:|---:|---:|\n| 2 | ", 0) == 0);
  CHECK(r.out.find(expected_row) != std::string::npos);
  CHECK(r.out.find("\nSweep tiny. " + caption_of(report.provenance()) + "; data set hash " +
                   report.provenance().dataset_hash() + ".\n") != std::string::npos);

  const auto unknown = run_nmsim(dir, "sweep tiny.textproto --out out --format latex --columns energy");
  CHECK(unknown.status != 0);
  CHECK(unknown.err.find("has no column 'energy'") != std::string::npos);
}
