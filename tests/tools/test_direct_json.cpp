// The direct JSON writer (platform/report/direct_json.h) writes the bytes protobuf's printer
// route writes (message_to_json_by_protobuf): on whole reports of the command line's runs,
// the golden reports, every ASCII character in a string, doubles that need 15 or 17 digits,
// 64-bit integers around 2^53, enums without a name, and fields with and without presence.
#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>

#include <google/protobuf/util/json_util.h>

#include "platform/report/direct_json.h"
#include "platform/report/message_json.h"
#include "proto/energy.pb.h"
#include "proto/report.pb.h"

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

nmsim::Report parse(const std::string& json) {
  nmsim::Report report;
  REQUIRE(google::protobuf::util::JsonStringToMessage(json, &report).ok());
  return report;
}

void check_same_bytes(const google::protobuf::Message& message) {
  std::string direct;
  REQUIRE(nmsim::report::write_json_directly(message, direct));
  const std::string reference = nmsim::report::message_to_json_by_protobuf(message);
  if (direct != reference) {
    std::size_t at = 0;
    while (at < direct.size() && at < reference.size() && direct[at] == reference[at]) ++at;
    INFO("first difference at byte " << at << ": direct ..." << direct.substr(at > 40 ? at - 40 : 0, 80)
                                     << "... protobuf ..." << reference.substr(at > 40 ? at - 40 : 0, 80));
    CHECK(direct == reference);
  }
  CHECK(nmsim::report::message_to_json(message) == reference);
}

// The report of `nmsim ARGS` (its JSON read back: the same message the command wrote).
nmsim::Report run_report(const std::string& args) {
  const std::string out = "nmsim-direct-json-" + std::to_string(getpid()) + ".json";
  const std::string command =
      "cd '" NMSIM_SOURCE_DIR "' && '" NMSIM_BINARY "' " + args + " --quiet --no-table --json '" + out + "' > /dev/null";
  const int status = std::system(command.c_str());
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  const std::string path = std::string(NMSIM_SOURCE_DIR) + "/" + out;
  const nmsim::Report report = parse(slurp(path));
  std::remove(path.c_str());
  return report;
}

}  // namespace

TEST_CASE("direct json: a whole traffic report, provenance and all", "[report][json]") {
  check_same_bytes(run_report("traffic --set mesh_width=4 --set mesh_height=4 --set traffic.measure_cycles=500"));
}

TEST_CASE("direct json: a whole inference report", "[report][json]") {
  check_same_bytes(run_report("run --set workload=WORKLOAD_INFERENCE --set samples=2"));
}

TEST_CASE("direct json: the golden reports", "[report][json]") {
  for (const char* name : {"dfa_default_20", "inference_default_5", "inference_unicast_2x", "traffic_transpose_4x4"}) {
    INFO(name);
    check_same_bytes(parse(slurp(std::string(NMSIM_SOURCE_DIR) + "/tests/golden/" + name + ".json")));
  }
}

TEST_CASE("direct json: every ASCII character in a string", "[report][json]") {
  for (int c = 0; c < 0x80; ++c) {
    INFO("character " << c);
    nmsim::Report report;
    report.add_notes(std::string("a") + static_cast<char>(c) + "b");
    report.set_kind(std::string(1, static_cast<char>(c)));
    check_same_bytes(report);
  }
}

TEST_CASE("direct json: a character to escape at every place of a word", "[report][json]") {
  // Strings are tested eight characters at a time: each ASCII character at each position of
  // strings of 1 to 17 characters (one to three words, with a tail).
  for (int c = 0; c < 0x80; ++c) {
    for (std::size_t length = 1; length <= 17; ++length) {
      for (std::size_t at = 0; at < length; ++at) {
        INFO("character " << c << " at " << at << " of " << length);
        std::string text(length, 'a');
        text[at] = static_cast<char>(c);
        nmsim::Report report;
        report.add_notes(text);
        report.add_stats()->set_description(text);
        check_same_bytes(report);
      }
    }
  }
}

TEST_CASE("direct json: a statistic's strings, written by Stat's own accessors", "[report][json]") {
  for (int c = 0; c < 0x80; ++c) {
    INFO("character " << c);
    nmsim::Report report;
    nmsim::Stat& stat = *report.add_stats();
    const std::string text = std::string("a") + static_cast<char>(c) + "b";
    stat.set_name(text);
    stat.set_unit(text);
    stat.set_description(text);
    stat.set_energy_kind(text);
    report.add_stats();  // every field at its default
    check_same_bytes(report);
  }
  nmsim::Report report;
  report.add_stats()->set_description("energy in \xc2\xb5J");  // U+00B5: protobuf's
  std::string direct;
  CHECK_FALSE(nmsim::report::write_json_directly(report, direct));
  CHECK(nmsim::report::message_to_json(report) == nmsim::report::message_to_json_by_protobuf(report));
}

TEST_CASE("direct json: numbers", "[report][json]") {
  nmsim::Report report;
  nmsim::Stat& stat = *report.add_stats();
  for (const double v : {0.0, -0.0, 1.0, 0.1 + 0.2, 1.0 / 3, 1e21, 1e-7, 1.503e-05, 123456789012345678.0, 5e-324,
                         std::numeric_limits<double>::max(), -2.5, std::numeric_limits<double>::quiet_NaN(),
                         std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()}) {
    stat.add_by_phase(v);
  }
  stat.set_value(36589.644);
  stat.set_width_bits(4294967295u);
  nmsim::Summary& summary = *report.mutable_summary();
  summary.set_cycles(9007199254740992ULL);   // 2^53: a number
  summary.set_sops(9007199254740993ULL);     // 2^53 + 1: a string
  summary.set_sram_reads(18446744073709551615ULL);
  check_same_bytes(report);
}

TEST_CASE("direct json: presence, empty messages and enums", "[report][json]") {
  nmsim::EnergyTable table;  // proto3 optional fields: printed only when set
  table.set_name("t");
  table.mutable_add_8bit()->set_unit("pJ");      // a Quantity without its optional value
  table.mutable_add_16bit()->set_value(0);       // with it, set to zero
  table.mutable_multiply_8bit();                 // present and empty
  check_same_bytes(table);
  check_same_bytes(nmsim::EnergyTable());
  nmsim::Report report;
  report.mutable_traffic();  // present, every field zero
  report.add_components()->set_component_class(static_cast<nmsim::ComponentClass>(77));  // no name
  report.add_components()->set_component_class(nmsim::COMPONENT_ROUTER);
  check_same_bytes(report);
}

TEST_CASE("direct json: strings beyond ASCII are left to protobuf", "[report][json]") {
  nmsim::Report report;
  report.add_notes("energy in \xc2\xb5J");  // U+00B5
  std::string direct;
  CHECK_FALSE(nmsim::report::write_json_directly(report, direct));
  CHECK(nmsim::report::message_to_json(report) == nmsim::report::message_to_json_by_protobuf(report));
}
