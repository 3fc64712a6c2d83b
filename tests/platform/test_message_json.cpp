// Report JSON: 64-bit integers are numbers when a double holds them exactly (|v| <= 2^53) and
// strings above that; nothing else of protobuf's JSON changes, and protobuf reads it back.
#include <catch2/catch.hpp>

#include <string>

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>

#include "platform/report/message_json.h"
#include "proto/report.pb.h"
#include "proto/run.pb.h"

namespace {

bool has(const std::string& json, const std::string& text) { return json.find(text) != std::string::npos; }

template <typename Message>
Message read_back(const std::string& json) {
  Message message;
  REQUIRE(google::protobuf::util::JsonStringToMessage(json, &message).ok());
  return message;
}

}  // namespace

TEST_CASE("message json: counters up to 2^53 are numbers, larger ones strings", "[report][json]") {
  nmsim::Report report;
  report.mutable_summary()->set_cycles(9007199254740992ULL);      // 2^53: exact in a double
  report.mutable_summary()->set_sops(9007199254740993ULL);        // 2^53 + 1: a double would round it
  report.mutable_summary()->set_sram_reads(18446744073709551615ULL);  // the largest uint64
  report.mutable_summary()->set_noc_flits(0);
  report.mutable_summary()->set_energy_pj(1.5);
  auto* phase = report.add_phases();  // a repeated message's counters
  phase->set_phase("forward");
  phase->set_cycles(42);
  // Strings holding digits stay strings: only integer fields change.
  report.mutable_provenance()->set_energy_table_hash("12345");
  report.mutable_provenance()->set_command_line("nmsim run --set \"x\"=\"7\" {\"cycles\": \"8\"}");
  report.add_notes("\"9\"");

  const std::string json = nmsim::report::message_to_json(report);
  CHECK(has(json, "\"cycles\": 9007199254740992,"));
  CHECK(has(json, "\"sops\": \"9007199254740993\","));
  CHECK(has(json, "\"sram_reads\": \"18446744073709551615\","));
  CHECK(has(json, "\"noc_flits\": 0,"));
  CHECK(has(json, "\"cycles\": 42,"));
  CHECK(has(json, "\"energy_pj\": 1.5,"));
  CHECK(has(json, "\"energy_table_hash\": \"12345\""));
  CHECK(has(json, "\"command_line\": \"nmsim run --set \\\"x\\\"=\\\"7\\\" {\\\"cycles\\\": \\\"8\\\"}\""));
  CHECK(has(json, "\"\\\"9\\\"\""));
  CHECK(google::protobuf::util::MessageDifferencer::Equals(read_back<nmsim::Report>(json), report));
}

TEST_CASE("message json: negative int64 fields follow the same rule", "[report][json]") {
  nmsim::NeuronConfig neuron;
  neuron.set_threshold(-9007199254740992LL);
  std::string json = nmsim::report::message_to_json(neuron);
  CHECK(has(json, "\"threshold\": -9007199254740992"));
  neuron.set_threshold(-9007199254740993LL);
  json = nmsim::report::message_to_json(neuron);
  CHECK(has(json, "\"threshold\": \"-9007199254740993\""));
  CHECK(read_back<nmsim::NeuronConfig>(json).threshold() == -9007199254740993LL);
}

TEST_CASE("message json: output equals protobuf's but for the unquoted integers", "[report][json]") {
  nmsim::Report report;
  report.mutable_summary()->set_cycles(123);
  report.mutable_traffic()->set_max_latency_cycles(7);
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  options.preserve_proto_field_names = true;
  options.add_whitespace = true;
  std::string protobuf_json;
  REQUIRE(google::protobuf::util::MessageToJsonString(report, &protobuf_json, options).ok());
  std::string expected = protobuf_json;
  for (const std::string& quoted : {std::string("\"123\""), std::string("\"7\""), std::string("\"0\"")}) {
    for (std::size_t at = expected.find(quoted); at != std::string::npos; at = expected.find(quoted)) {
      expected.replace(at, quoted.size(), quoted.substr(1, quoted.size() - 2));
    }
  }
  CHECK(nmsim::report::message_to_json(report) == expected);
}
