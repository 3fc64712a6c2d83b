// nmsim plot end to end: each figure kind writes a PNG and a PDF, and its sidecar (OUT.json)
// says what was drawn; the pareto front, series and stacks are checked against values derived
// by hand from small fixtures. Bad requests exit 2 naming the file, column or kind. Without
// python3-matplotlib in /usr/bin/python3 the tests are skipped (exit 77, ctest's SKIP_RETURN_CODE).
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include "proto/report.pb.h"
#include "tests/tools/cli_harness.h"

namespace {

using google::protobuf::ListValue;
using google::protobuf::Struct;
using google::protobuf::Value;
using nmsim::testing::run_nmsim;
using nmsim::testing::slurp;
using nmsim::testing::TempDir;

void write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

void require_matplotlib() {
  if (std::system("/usr/bin/python3 -I -c 'import matplotlib' >/dev/null 2>&1") == 0) return;
  std::fprintf(stderr, "WARNING: skipped: /usr/bin/python3 has no matplotlib (apt-get install python3-matplotlib)\n");
  std::exit(77);
}

// Seven points of a two-axis sweep, point 5 failed. By construction every point's component
// classes, phases and dynamic + leakage each add up to its energy_pJ.
//   (cycles, energy_pJ): 0 (100, 50), 1 (200, 30), 2 (150, 60), 3 (300, 30), 4 (400, 10), 6 (100, 50).
const char* const kSweepCsv =
    "point,noc.buffer_depth_flits,core.synapse_sram.banks,status,exit_status,error,cycles,energy_pJ,"
    "dynamic_energy_pJ,leakage_energy_pJ,accuracy,host_io_energy_pJ,forward_energy_pJ,backward_energy_pJ,"
    "update_energy_pJ,core_energy_pJ,core_leakage_pJ,sram_energy_pJ,sram_leakage_pJ,router_energy_pJ,"
    "router_leakage_pJ,network_interface_energy_pJ,network_interface_leakage_pJ,host_link_energy_pJ,"
    "host_link_leakage_pJ,barrier_energy_pJ,barrier_leakage_pJ,latency_avg_cycles,offered_flits_per_node_cycle,drained\n"
    "0,1,1,ok,0,,100,50,30,20,0.9,5,45,0,0,20,8,20,10,6,2,2,0,1,0,1,0,10,0.1,1\n"
    "1,1,2,ok,0,,200,30,20,10,0.8,3,27,0,0,12,4,10,5,5,1,1,0,1,0,1,0,12,0.2,1\n"
    "2,2,1,ok,0,,150,60,40,20,0.95,6,54,0,0,30,10,20,8,6,2,2,0,1,0,1,0,11,0.1,1\n"
    "3,2,2,ok,0,,300,30,20,10,0.7,3,27,0,0,12,4,10,5,5,1,1,0,1,0,1,0,30,0.2,0\n"
    "4,4,1,ok,0,,400,10,6,4,0.6,1,9,0,0,4,2,3,1,1,1,1,0,0.5,0,0.5,0,9,0.1,1\n"
    "5,4,2,failed,4,\"nmsim: deadlock: no flit moved, router 3\",,,,,,,,,,,,,,,,,,,,,,,,\n"
    "6,8,1,ok,0,,100,50,30,20,0.85,5,45,0,0,20,8,20,10,6,2,2,0,1,0,1,0,8,0.1,1\n";

// A spike CSV as `nmsim run --spikes` writes it: 2 samples of 3 steps; inputs (layer 0)
// 0..783, layer 1 spikes of neurons 3 and 40, layer 2 of neuron 9.
const char* const kSpikesCsv =
    "cycle,sample,step,layer,neuron\n"
    "10,0,0,0,5\n"
    "10,0,0,0,783\n"
    "30,0,0,1,40\n"
    "55,0,1,1,3\n"
    "70,0,1,2,9\n"
    "210,1,0,0,0\n"
    "260,1,2,1,40\n";

// An energy breakdown CSV as `nmsim run --breakdown` writes it.
const char* const kBreakdownCsv =
    "part,phase,component_class,usage,kind,event,energy_pJ\n"
    "training,forward,core,used,dynamic,Sop,100\n"
    "training,forward,core,used,leakage,,40\n"
    "training,forward,sram,unused,leakage,,60\n"
    "training,update,sram,used,dynamic,SramWrite,50\n"
    "test,forward,router,used,dynamic,FlitHop,25\n"
    "test,host_io,host_link,used,dynamic,HostByte,5\n";

Struct sidecar(const std::string& path) {
  Struct s;
  REQUIRE(google::protobuf::util::JsonStringToMessage(slurp(path), &s).ok());
  return s;
}

const Value& field(const Struct& s, const std::string& name) {
  const auto it = s.fields().find(name);
  REQUIRE(it != s.fields().end());
  return it->second;
}

std::vector<std::string> strings(const Value& list) {
  std::vector<std::string> out;
  for (const auto& v : list.list_value().values()) out.push_back(v.string_value());
  return out;
}

std::vector<double> numbers(const Value& list) {
  std::vector<double> out;
  for (const auto& v : list.list_value().values()) out.push_back(v.number_value());
  return out;
}

std::vector<bool> flags(const Value& list) {
  std::vector<bool> out;
  for (const auto& v : list.list_value().values()) out.push_back(v.bool_value());
  return out;
}

// The figures exist and start as PNG and PDF files do.
void check_figures(const TempDir& dir, const std::string& prefix) {
  const std::string png = slurp(dir.file(prefix + ".png")), pdf = slurp(dir.file(prefix + ".pdf"));
  CHECK(png.size() > 1000);
  CHECK(png.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0);
  CHECK(pdf.size() > 1000);
  CHECK(pdf.compare(0, 5, "%PDF-") == 0);
}

// The fixtures in a fresh folder; matplotlib required for drawing (not for refusals).
struct Fixtures {
  TempDir dir;
  explicit Fixtures(bool draws = true) {
    if (draws) require_matplotlib();
    write(dir.file("sweep.csv"), kSweepCsv);
    write(dir.file("energy.csv"), kBreakdownCsv);
    write(dir.file("spikes.csv"), kSpikesCsv);
  }
  // `nmsim plot ARGS -o PREFIX` succeeds and writes both figures; its sidecar.
  Struct plot(const std::string& args, const std::string& prefix) const {
    const auto outcome = run_nmsim(dir, "plot " + args + " -o " + prefix);
    INFO(args << ": " << outcome.err);
    REQUIRE(outcome.status == 0);
    check_figures(dir, prefix);
    return sidecar(dir.file(prefix + ".json"));
  }
};

// A series of a metric or latency-load sidecar, by its value.
Struct series(const Struct& s, const std::string& value) {
  for (const auto& entry : field(s, "series").list_value().values()) {
    if (field(entry.struct_value(), "value").string_value() == value) return entry.struct_value();
  }
  FAIL("no series " << value);
  return {};
}

}  // namespace

TEST_CASE("plot pareto: the front of energy vs cycles, failed points left out", "[plot][cli]") {
  const Fixtures f;
  const Struct s = f.plot("pareto sweep.csv", "front");
  // Both minimized: 2 (150, 60) is dominated by 0, 3 (300, 30) by 1; 0 and 6 are the same
  // point and neither dominates the other. The front by cycles: 0, 6, 1, 4.
  CHECK(strings(field(s, "pareto_front")) == std::vector<std::string>{"0", "6", "1", "4"});
  CHECK(strings(field(s, "failed_points")) == std::vector<std::string>{"5"});
  CHECK(field(s, "points").list_value().values_size() == 6);
  CHECK(field(field(s, "x").struct_value(), "label").string_value() == "cycles");
  CHECK(field(field(s, "y").struct_value(), "label").string_value() == "energy (pJ)");

  // Energy maximized instead: 0 and 6 (100, 50) and 2 (150, 60) remain; 1, 3 and 4 have more
  // cycles and less energy than 0.
  CHECK(strings(field(f.plot("pareto sweep.csv --maximize energy_pJ", "front_max"), "pareto_front")) ==
        std::vector<std::string>{"0", "6", "2"});

  // The same input gives the same bytes.
  f.plot("pareto sweep.csv", "again");
  CHECK(slurp(f.dir.file("again.png")) == slurp(f.dir.file("front.png")));
  CHECK(slurp(f.dir.file("again.pdf")) == slurp(f.dir.file("front.pdf")));
}

TEST_CASE("plot metric: a line per value of the series column", "[plot][cli]") {
  const Fixtures f;
  const Struct s = f.plot("metric sweep.csv --x core.synapse_sram.banks --y cycles --series noc.buffer_depth_flits --log-y", "m");
  REQUIRE(field(s, "series").list_value().values_size() == 4);  // buffer depths 1, 2, 4, 8
  CHECK(numbers(field(series(s, "1"), "x")) == std::vector<double>{1, 2});
  CHECK(numbers(field(series(s, "1"), "y")) == std::vector<double>{100, 200});
  CHECK(numbers(field(series(s, "2"), "y")) == std::vector<double>{150, 300});
  CHECK(strings(field(series(s, "4"), "points")) == std::vector<std::string>{"4"});  // 5 failed

  // Without a series, two points at banks = 1 come from different buffer depths: refused.
  const auto ambiguous = run_nmsim(f.dir, "plot metric sweep.csv --x core.synapse_sram.banks --y cycles -o n");
  CHECK(ambiguous.status == 2);
  CHECK(ambiguous.err.find("noc.buffer_depth_flits") != std::string::npos);
}

TEST_CASE("plot latency-load: curves per series, saturated points marked", "[plot][cli]") {
  const Fixtures f;
  const Struct s = f.plot("latency-load sweep.csv --series noc.buffer_depth_flits --where core.synapse_sram.banks=2", "ll");
  CHECK(field(field(s, "x").struct_value(), "column").string_value() == "offered_flits_per_node_cycle");
  CHECK(field(field(s, "y").struct_value(), "column").string_value() == "latency_avg_cycles");
  // banks = 2: points 1 (depth 1, drained) and 3 (depth 2, not drained); 5 failed.
  REQUIRE(field(s, "series").list_value().values_size() == 2);
  CHECK(numbers(field(series(s, "1"), "y")) == std::vector<double>{12});
  CHECK(flags(field(series(s, "1"), "saturated")) == std::vector<bool>{false});
  CHECK(flags(field(series(s, "2"), "saturated")) == std::vector<bool>{true});
  CHECK(strings(field(s, "failed_points")) == std::vector<std::string>{"5"});
}

TEST_CASE("plot breakdown of a sweep: a bar per point, classes split in dynamic and leakage", "[plot][cli]") {
  const Fixtures f;
  for (const std::string by : {"class", "phase", "kind"}) {
    const Struct s = f.plot("breakdown sweep.csv --by " + by, "b_" + by);
    const auto& bars = field(s, "bars").list_value().values();
    REQUIRE(bars.size() == 6);
    // Every way of stacking adds up to the point's energy: 50, 30, 60, 30, 10, 50.
    const std::vector<double> energy = {50, 30, 60, 30, 10, 50};
    for (int i = 0; i < bars.size(); ++i) CHECK(field(bars[i].struct_value(), "total").number_value() == energy[i]);
    if (by == "class") {
      const Struct& stacks = field(bars[0].struct_value(), "stacks").struct_value();
      CHECK(field(stacks, "core dynamic").number_value() == 12);  // 20 - 8
      CHECK(field(stacks, "core leakage").number_value() == 8);
      CHECK(field(s, "stacks").list_value().values_size() == 12);  // 6 classes x dynamic, leakage
    }
  }
}

TEST_CASE("plot breakdown of an energy breakdown CSV and of a report", "[plot][cli]") {
  const Fixtures f;
  const auto bars = field(f.plot("breakdown energy.csv", "phases"), "bars").list_value();
  REQUIRE(bars.values_size() == 3);  // forward, update, host_io
  const Struct& forward = bars.values(0).struct_value();
  CHECK(field(forward, "label").string_value() == "forward");
  CHECK(field(field(forward, "stacks").struct_value(), "core").number_value() == 140);  // 100 + 40
  CHECK(field(forward, "total").number_value() == 225);                                // 140 + 60 + 25

  const auto parts = field(f.plot("breakdown energy.csv --bars part --by usage", "usage"), "bars").list_value();
  REQUIRE(parts.values_size() == 2);
  const Struct& training = field(parts.values(0).struct_value(), "stacks").struct_value();
  CHECK(field(training, "used").number_value() == 190);   // 100 + 40 + 50
  CHECK(field(training, "unused").number_value() == 60);

  // A report: its phases, stacked by kind, add up to the report's energy.
  REQUIRE(run_nmsim(f.dir, "traffic --set traffic.measure_cycles=1000 --no-table -q --json report.json").status == 0);
  const Struct by_kind = f.plot("breakdown report.json --by kind", "by_kind");
  nmsim::Report report;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  REQUIRE(google::protobuf::util::JsonStringToMessage(slurp(f.dir.file("report.json")), &report, options).ok());
  double total = 0;
  for (const auto& bar : field(by_kind, "bars").list_value().values()) {
    total += field(bar.struct_value(), "total").number_value();
  }
  CHECK(total == Approx(report.summary().energy_pj()).epsilon(1e-9));
  CHECK(run_nmsim(f.dir, "plot breakdown report.json --by usage -o x").status == 2);  // a report has no usage
}

TEST_CASE("plot raster: a band per layer, time in cycles or steps", "[plot][cli][exports]") {
  const Fixtures f;
  const Struct s = f.plot("raster spikes.csv", "raster");
  CHECK(field(s, "spikes").number_value() == 7);
  CHECK(numbers(field(s, "time_range")) == std::vector<double>{10, 260});
  CHECK(field(s, "steps_per_sample").number_value() == 3);
  CHECK(numbers(field(s, "samples")) == std::vector<double>{0, 1});
  const auto& layers = field(s, "layers").list_value().values();
  REQUIRE(layers.size() == 3);
  // Layer, its band from the bottom, neurons shown (the highest that spiked + 1), spikes.
  const std::vector<std::vector<double>> expected = {{0, 0, 784, 3}, {1, 1, 41, 3}, {2, 2, 10, 1}};
  for (int i = 0; i < layers.size(); ++i) {
    const Struct& layer = layers[i].struct_value();
    CHECK(std::vector<double>{field(layer, "layer").number_value(), field(layer, "band").number_value(),
                              field(layer, "neurons_shown").number_value(), field(layer, "spikes").number_value()} ==
          expected[i]);
  }
  // Time steps over the run: sample x 3 + step, 0 .. 1 x 3 + 2.
  CHECK(numbers(field(f.plot("raster spikes.csv --x step", "steps"), "time_range")) == std::vector<double>{0, 5});
  // One sample, one layer.
  const Struct one = f.plot("raster spikes.csv --where sample=0 --where layer=1", "one");
  CHECK(field(one, "spikes").number_value() == 2);
  CHECK(field(one, "layers").list_value().values_size() == 1);
}

TEST_CASE("plot: bad requests exit 2 naming the file, column or kind", "[plot][cli]") {
  const Fixtures f(false);
  write(f.dir.file("other.csv"), "a,b\n1,2\n");
  const auto check_refused = [&](const std::string& args, const std::vector<std::string>& named) {
    const auto outcome = run_nmsim(f.dir, "plot " + args);
    INFO(args << ": " << outcome.err);
    CHECK(outcome.status == 2);
    for (const auto& text : named) CHECK(outcome.err.find(text) != std::string::npos);
    CHECK_FALSE(nmsim::testing::exists(f.dir.file("out.png")));
  };
  check_refused("pareto sweep.csv --y no_such_column -o out", {"sweep.csv", "no_such_column", "--y"});
  check_refused("metric sweep.csv --x cycles --y energy_pJ --series nope -o out", {"sweep.csv", "nope", "--series"});
  check_refused("pareto missing.csv -o out", {"missing.csv", "no such file"});
  check_refused("pareto . -o out", {"not a regular file"});
  check_refused("histogram sweep.csv -o out", {"histogram", "unknown kind"});
  check_refused("pareto other.csv -o out", {"other.csv", "neither a sweep CSV"});
  check_refused("pareto energy.csv -o out", {"energy.csv", "reads sweep CSVs"});
  check_refused("metric sweep.csv --x cycles -o out", {"--y"});
  check_refused("breakdown energy.csv --by phase -o out", {"--bars and --by"});
  check_refused("breakdown energy.csv sweep.csv -o out", {"sweep.csv", "one type"});
  check_refused("pareto sweep.csv --maximize accuracy -o out", {"--maximize accuracy"});
  check_refused("raster sweep.csv -o out", {"sweep.csv", "reads a spike CSV"});
  check_refused("pareto spikes.csv -o out", {"spikes.csv", "draws as nmsim plot raster"});
  check_refused("raster spikes.csv --x neuron -o out", {"--x neuron", "cycle or step"});
  check_refused("raster spikes.csv --y neuron -o out", {"--y", "not an option of nmsim plot raster"});
  check_refused("raster spikes.csv --where nope=1 -o out", {"spikes.csv", "nope"});
  check_refused("raster spikes.csv spikes.csv -o out", {"one spike CSV"});
  write(f.dir.file("out.json"), "{}");
  check_refused("breakdown out.json -o out", {"out.json", "would overwrite"});  // the sidecar
}
