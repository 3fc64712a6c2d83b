// Golden reports (as DRAMSys' tests_regression or SST's refFiles): small end-to-end runs whose
// cycle counts, event counts and energies are checked in. A change that moves any of them
// fails here, field by field, so it is seen and justified. After an intended change,
// regenerate with:  NMSIM_UPDATE_GOLDEN=1 ctest --test-dir build -R golden
// and review the diff of tests/golden/*.json.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include <google/protobuf/util/json_util.h>

#include "proto/report.pb.h"

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

nmsim::Report parse(const std::string& json, const std::string& what) {
  nmsim::Report report;
  google::protobuf::util::JsonParseOptions options;
  const auto status = google::protobuf::util::JsonStringToMessage(json, &report, options);
  INFO(what << ": " << status.ToString());
  REQUIRE(status.ok());
  return report;
}

// What is compared: everything the simulated hardware determines, nothing of the host
// (wall time, speed, paths, version).
// Components (sums of the stats) and stats that stayed zero are left out to keep the files
// small.
nmsim::Report deterministic_part(nmsim::Report report) {
  report.clear_provenance();
  report.clear_speed();
  report.clear_notes();
  report.clear_components();
  auto* stats = report.mutable_stats();
  stats->erase(std::remove_if(stats->begin(), stats->end(),
                              [](const nmsim::Stat& s) { return s.value() == 0; }),
               stats->end());
  return report;
}

std::string to_json(const nmsim::Report& report) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.always_print_primitive_fields = true;
  options.preserve_proto_field_names = true;
  std::string json;
  REQUIRE(google::protobuf::util::MessageToJsonString(report, &json, options).ok());
  return json;
}

void check_golden(const std::string& name, const std::string& args) {
  const std::string golden_path = std::string(NMSIM_SOURCE_DIR) + "/tests/golden/" + name + ".json";
  const std::string out = "/tmp/nmsim-golden-" + name + "-" + std::to_string(getpid()) + ".json";
  const std::string command = "cd '" NMSIM_SOURCE_DIR "' && '" NMSIM_BINARY "' " + args +
                              " --quiet --no-table --json '" + out + "' > /dev/null";
  const int status = std::system(command.c_str());
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  const nmsim::Report actual = deterministic_part(parse(slurp(out), out));
  std::remove(out.c_str());
  if (std::getenv("NMSIM_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(golden_path) << to_json(actual);
    WARN("rewrote " << golden_path);
    return;
  }
  const nmsim::Report expected = parse(slurp(golden_path), golden_path);
  // Field by field, so a failure names what moved.
  const auto& e = expected.summary();
  const auto& a = actual.summary();
  CHECK(a.cycles() == e.cycles());
  CHECK(a.sops() == e.sops());
  CHECK(a.sram_reads() == e.sram_reads());
  CHECK(a.sram_writes() == e.sram_writes());
  CHECK(a.noc_flits() == e.noc_flits());
  CHECK(a.noc_hops() == e.noc_hops());
  CHECK(a.accuracy() == e.accuracy());
  CHECK(a.energy_pj() == Approx(e.energy_pj()).epsilon(1e-12));
  REQUIRE(actual.stats_size() == expected.stats_size());
  for (int i = 0; i < expected.stats_size(); ++i) {
    INFO(expected.stats(i).name());
    CHECK(actual.stats(i).name() == expected.stats(i).name());
    CHECK(actual.stats(i).value() == expected.stats(i).value());
    CHECK(actual.stats(i).energy_pj() == Approx(expected.stats(i).energy_pj()).epsilon(1e-12));
  }
  REQUIRE(actual.phases_size() == expected.phases_size());
  for (int i = 0; i < expected.phases_size(); ++i) {
    INFO(expected.phases(i).phase());
    CHECK(actual.phases(i).cycles() == expected.phases(i).cycles());
  }
  CHECK(actual.traffic().average_latency_cycles() == expected.traffic().average_latency_cycles());
  CHECK(actual.traffic().max_latency_cycles() == expected.traffic().max_latency_cycles());
}

}  // namespace

TEST_CASE("golden: inference of 5 digits on the default chip", "[golden]") {
  check_golden("inference_default_5", "run --set workload=WORKLOAD_INFERENCE --set samples=5");
}

TEST_CASE("golden: inference with two hidden layers, unicast, 2 cores per node", "[golden]") {
  check_golden("inference_unicast_2x", "run --set workload=WORKLOAD_INFERENCE --set samples=3 "
               "--set network.hidden_sizes=300,100 "
               "--set cores_per_node=2 --set core.neurons=128 --set noc.replication=REPLICATION_UNICAST");
}

TEST_CASE("golden: synthetic transpose traffic on a 4 x 4 mesh", "[golden]") {
  check_golden("traffic_transpose_4x4", "traffic --set traffic.pattern=TRAFFIC_TRANSPOSE "
               "--set traffic.injection_rate=0.1 --set traffic.packet_length_flits=3 "
               "--set traffic.measure_cycles=2000");
}

TEST_CASE("golden: sparse DFA training of 20 samples, then 10 test samples", "[golden]") {
  check_golden("dfa_default_20", "run --set training.train_samples=20 --set samples=10");
}
