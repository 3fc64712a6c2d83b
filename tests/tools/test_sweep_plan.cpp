// Expanding a sweep file into points (tools/sweep/sweep_plan.h): the grid's order, zips, lists,
// derived fields, the command line of a point, and the errors that name the file and field.
#include <catch2/catch.hpp>

#include <google/protobuf/text_format.h>

#include "models/base/errors.h"
#include "tools/sweep/sweep_plan.h"

namespace {

using nmsim::ConfigError;
using nmsim::SweepConfig;
using nmsim::sweep::expand_sweep;
using nmsim::sweep::point_arguments;
using nmsim::sweep::SweepPlan;

SweepPlan plan_of(const std::string& text) {
  SweepConfig config;
  REQUIRE(google::protobuf::TextFormat::ParseFromString(text, &config));
  return expand_sweep(config, "dir/s.textproto");
}

std::string assignments(const nmsim::sweep::SweepPoint& p) {
  std::string out;
  for (const auto& a : p.assignments) out += a.path + "=" + a.value + " ";
  return out;
}

}  // namespace

TEST_CASE("a grid's first axis varies slowest", "[sweep]") {
  const auto plan = plan_of(R"(name: "g"
    axes { field { path: "a" values: ["1", "2"] } }
    axes { field { path: "b" values: ["x", "y", "z"] } })");
  REQUIRE(plan.points.size() == 6);
  CHECK(plan.columns == std::vector<std::string>{"a", "b"});
  CHECK(assignments(plan.points[0]) == "a=1 b=x ");
  CHECK(assignments(plan.points[2]) == "a=1 b=z ");
  CHECK(assignments(plan.points[3]) == "a=2 b=x ");
  CHECK(plan.points[5].index == 5);
  CHECK(plan.points[5].labels == std::vector<std::string>{"2", "z"});
}

TEST_CASE("a sweep without axes is one point", "[sweep]") {
  const auto plan = plan_of(R"(name: "one" set: "samples=5")");
  REQUIRE(plan.points.size() == 1);
  CHECK(plan.points[0].assignments.empty());
}

TEST_CASE("zip axes step together, lists name their points, derived fields follow", "[sweep]") {
  const auto plan = plan_of(R"(name: "z"
    axes { zip { fields { path: "network.hidden_sizes" values: ["100", "400"] }
                 fields { path: "training.train_samples" values: ["10", "20"] } } }
    axes { list { label: "design"
                  points { name: "small" set: "noc.buffer_depth_flits=2" }
                  points { name: "odin" set: "chip=odin_like" set: "energy=odin_28nm" } } }
    derived { path: "core.neurons" from: "network.hidden_sizes" values { key: "100" value: "50" } values { key: "400" value: "200" } })");
  REQUIRE(plan.points.size() == 4);
  CHECK(plan.columns == std::vector<std::string>{"network.hidden_sizes", "training.train_samples", "design", "core.neurons"});
  CHECK(assignments(plan.points[1]) ==
        "network.hidden_sizes=100 training.train_samples=10 chip=odin_like energy=odin_28nm core.neurons=50 ");
  CHECK(plan.points[3].labels == std::vector<std::string>{"400", "20", "odin", "200"});
}

TEST_CASE("a point's command line: base configs, the sweep's sets, then the axes", "[sweep]") {
  const auto plan = plan_of(R"(name: "c" chip: "loihi_like" set: "samples=5"
    axes { field { path: "workload" values: ["dfa"] } }
    axes { field { path: "energy" values: ["odin_28nm"] } }
    axes { field { path: "noc.buffer_depth_flits" values: ["8"] } })");
  CHECK(point_arguments(plan, plan.points[0]) ==
        std::vector<std::string>{"run", "--chip", "loihi_like", "--energy", "odin_28nm", "--workload", "dfa",
                                 "--set", "samples=5", "--set", "noc.buffer_depth_flits=8"});
  const auto traffic = plan_of(R"(name: "t" command: SWEEP_TRAFFIC)");
  CHECK(point_arguments(traffic, traffic.points[0]) == std::vector<std::string>{"traffic"});
}

TEST_CASE("bad sweep files name the file, the field, the value and the reason", "[sweep]") {
  CHECK_THROWS_WITH(plan_of(R"(name: "bad name")"),
                    Catch::Contains("dir/s.textproto: name: 'bad name'"));
  CHECK_THROWS_WITH(plan_of(R"(name: "e" axes { field { path: "noc.buffer_depth_flits" } })"),
                    Catch::Contains("axes[0].field.values: no values for noc.buffer_depth_flits"));
  CHECK_THROWS_WITH(plan_of(R"(name: "e" axes { })"), Catch::Contains("axes[0]: an axis needs one of field, zip or list"));
  CHECK_THROWS_WITH(plan_of(R"(name: "z" axes { zip { fields { path: "a" values: ["1", "2"] }
                                                     fields { path: "b" values: ["1"] } } })"),
                    Catch::Contains("axes[0].zip.fields[1].values: b has 1 values, a has 2"));
  CHECK_THROWS_WITH(plan_of(R"(name: "d" axes { field { path: "a" values: ["1", "2"] } }
                               derived { path: "b" from: "a" values { key: "1" value: "x" } })"),
                    Catch::Contains("derived[0].values: no value of b for a = 2"));
  CHECK_THROWS_WITH(plan_of(R"(name: "d" derived { path: "b" from: "nowhere" values { key: "1" value: "x" } })"),
                    Catch::Contains("derived[0].from: 'nowhere' is not an axis"));
  CHECK_THROWS_WITH(plan_of(R"(name: "t" axes { field { path: "a" values: ["1"] } }
                               axes { list { points { name: "p" set: "a=2" } } })"),
                    Catch::Contains("point 0 assigns a twice"));
  CHECK_THROWS_WITH(plan_of(R"(name: "s" set: "samples")"), Catch::Contains("set[0]: 'samples' is not PATH=VALUE"));
  CHECK_THROWS_AS(plan_of(R"(name: "p" axes { field { path: "a=1" values: ["1"] } })"), ConfigError);
}
