// The bad-input catalogue: every case is a command a user could type, the exit status it must
// end with, a piece of the message that names the culprit (field, option, file or value), and
// the promise that nothing was written: no report, no trace, no temporary, in a folder that
// held only the case's own files.
#include <catch2/catch.hpp>

#include <dirent.h>

#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "tests/tools/cli_harness.h"

using nmsim::testing::Outcome;
using nmsim::testing::run_nmsim;
using nmsim::testing::TempDir;

namespace {

constexpr int kUsage = 2;
constexpr int kData = 3;

struct BadInput {
  const char* args;     // after `nmsim`; every case writes (if it wrote) to out.json / out.vcd
  int status;           // the exit status it must end with
  const char* message;  // must appear on stderr
};

// Files a case may find in its folder: what the test wrote there before running it.
std::set<std::string> files_in(const std::string& dir) {
  std::set<std::string> names;
  if (DIR* d = opendir(dir.c_str())) {
    while (const dirent* e = readdir(d)) {
      const std::string name = e->d_name;
      if (name != "." && name != "..") names.insert(name);
    }
    closedir(d);
  }
  return names;
}

void check(const BadInput& bad) {
  TempDir dir;
  std::ofstream(dir.file("empty.textproto")) << "";
  std::ofstream(dir.file("inf_energy.textproto")) << "add_8bit { value: inf }\n";
  std::ofstream(dir.file("nan_clock.textproto")) << "clock_mhz: nan\n";
  const std::set<std::string> before = files_in(dir.path());
  INFO("nmsim " << bad.args);
  // The harness writes stdout.txt and stderr.txt; nothing else may appear.
  const Outcome outcome = run_nmsim(dir, std::string(bad.args));
  INFO("stderr: " << outcome.err);
  CHECK(outcome.status == bad.status);
  CHECK(outcome.err.find(bad.message) != std::string::npos);
  std::set<std::string> after = files_in(dir.path());
  after.erase("stdout.txt");
  after.erase("stderr.txt");
  CHECK(after == before);
}

const std::vector<BadInput> kConfigValues = {
    // Network shape.
    {"run --workload ff --set network.hidden_sizes= --json out.json", kUsage, "run.network.hidden_sizes is empty: FF"},
    {"study --workload ff --set network.hidden_sizes=", kUsage, "run.network.hidden_sizes is empty: FF"},
    {"run --workload spide --set network.hidden_sizes= --json out.json", kUsage, "SPIDE has exactly one"},
    {"run --workload convex --set network.hidden_sizes= --json out.json", kUsage, "hidden layer"},
    {"run --set network.hidden_sizes=0 --json out.json", kUsage, "run.network.hidden_sizes[0] = 0: must be in 1..1048576"},
    {"run --set network.hidden_sizes=64,0 --json out.json", kUsage, "run.network.hidden_sizes[1] = 0"},
    {"run --set network.hidden_sizes=-3 --json out.json", kUsage, "network.hidden_sizes"},
    {"run --set time_steps=0 --json out.json", kUsage, "run.time_steps = 0"},
    {"run --set time_steps=256 --json out.json", kUsage, "run.time_steps = 256"},
    {"run --set network.neuron.threshold=0 --json out.json", kUsage, "run.network.neuron.threshold = 0"},
    {"run --set network.init_weight_range=0 --json out.json", kUsage, "run.network.init_weight_range = 0"},
    {"run --set network.init_weight_range=40000 --json out.json", kUsage, "run.network.init_weight_range = 40000"},
    {"run --set network.neuron.refractory_steps=16 --json out.json", kUsage, "run.network.neuron.refractory_steps = 16"},
    {"run --set samples=-1 --json out.json", kUsage, "samples"},
    {"run --set seed=abc --json out.json", kUsage, "seed"},
    // Core and SRAM limits, upper bounds included.
    {"run --set core.accumulate_lanes=4294967295 --json out.json", kUsage, "chip.core.accumulate_lanes = 4294967295: must be in 1..4096"},
    {"run --set core.accumulate_lanes=0 --json out.json", kUsage, "chip.core.accumulate_lanes = 0"},
    {"run --set core.neurons=0 --json out.json", kUsage, "chip.core.neurons = 0"},
    {"run --set core.neurons=100000 --json out.json", kUsage, "chip.core.neurons = 100000: must be in 1..65536"},
    {"run --set core.max_axons=0 --json out.json", kUsage, "chip.core.max_axons = 0"},
    {"run --set core.state_width_bits=64 --json out.json", kUsage, "chip.core.state_width_bits = 64"},
    {"run --set core.weight_width_bits=0 --json out.json", kUsage, "chip.core.weight_width_bits = 0"},
    {"run --set core.weight_width_bits=12 --json out.json", kUsage, "chip.core.weight_width_bits = 12"},
    {"run --set core.spike_scan_bits_per_cycle=0 --json out.json", kUsage, "chip.core.spike_scan_bits_per_cycle = 0"},
    {"run --set core.encoder_lanes=70000 --json out.json", kUsage, "chip.core.encoder_lanes = 70000"},
    {"run --set core.pipeline_fill_cycles=100000 --json out.json", kUsage, "chip.core.pipeline_fill_cycles = 100000"},
    {"run --set core.synapse_sram.banks=0 --json out.json", kUsage, "chip.core.synapse_sram.banks = 0"},
    {"run --set core.synapse_sram.banks=5000 --json out.json", kUsage, "chip.core.synapse_sram.banks = 5000"},
    {"run --set core.synapse_sram.ports=0 --json out.json", kUsage, "chip.core.synapse_sram.ports = 0"},
    {"run --set core.synapse_sram.word_width_bits=12 --json out.json", kUsage, "chip.core.synapse_sram.word_width_bits = 12"},
    {"run --set core.synapse_sram.word_width_bits=1024 --json out.json", kUsage, "chip.core.synapse_sram.word_width_bits = 1024"},
    {"run --set core.synapse_sram.read_latency_cycles=0 --json out.json", kUsage, "chip.core.synapse_sram.read_latency_cycles = 0"},
    {"run --set core.synapse_sram.size_bytes=1000 --json out.json", kUsage, "chip.core.synapse_sram.size_bytes = 1000"},
    {"run --set core.synapse_sram.size_bytes=0 --json out.json", kUsage, "chip.core.synapse_sram.size_bytes = 0"},
    {"run --set core.synapse_sram.size_bytes=1099511627776 --json out.json", kUsage, "more than the budget"},
    {"run --set core.transposed_read=TRANSPOSED_COPY --json out.json", kUsage, "chip.core.transposed_read = TRANSPOSED_COPY"},
    {"run --set core.synapse_sram.interleaving=INTERLEAVING_DIAGONAL --json out.json", kUsage, "interleaving"},
    // Mesh, NoC, host link, barrier.
    {"run --set mesh_width=0 --json out.json", kUsage, "chip.mesh_width = 0"},
    {"run --set mesh_height=65 --json out.json", kUsage, "chip.mesh_height = 65"},
    {"run --set cores_per_node=9 --json out.json", kUsage, "chip.cores_per_node = 9"},
    {"run --set noc.flit_width_bits=4 --json out.json", kUsage, "chip.noc.flit_width_bits = 4"},
    {"run --set noc.buffer_depth_flits=0 --json out.json", kUsage, "chip.noc.buffer_depth_flits = 0"},
    {"run --set noc.router_pipeline_stages=0 --json out.json", kUsage, "chip.noc.router_pipeline_stages = 0"},
    {"run --set noc.link_latency_cycles=70000 --json out.json", kUsage, "chip.noc.link_latency_cycles = 70000"},
    {"run --set noc.watchdog_cycles=0 --json out.json", kUsage, "chip.noc.watchdog_cycles = 0"},
    {"run --set noc.routing=ROUTING_ZIGZAG --json out.json", kUsage, "routing"},
    {"run --set host_link.bytes_per_cycle=0 --json out.json", kUsage, "chip.host_link.bytes_per_cycle = 0"},
    {"run --set host_link.bytes_per_cycle=100000 --json out.json", kUsage, "chip.host_link.bytes_per_cycle = 100000"},
    {"run --set host_link.latency_cycles=2000000 --json out.json", kUsage, "chip.host_link.latency_cycles = 2000000"},
    {"run --set barrier.latency_cycles=0 --json out.json", kUsage, "chip.barrier.latency_cycles = 0"},
    {"run --set mesh_width=64 --set mesh_height=64 --set core.synapse_sram.size_bytes=16777216 --json out.json", kUsage,
     "4096 cores x chip.core.synapse_sram.size_bytes = 16777216 bytes"},
    {"run --memory-budget 0.001 --json out.json", kUsage, "more than the budget of 1.02 MiB (--memory-budget"},
    {"run --memory-budget -1 --json out.json", kUsage, "--memory-budget"},
    // Non-finite and malformed numbers.
    {"run --set clock_mhz=inf --json out.json", kUsage, "chip.clock_mhz = inf: must be a finite number"},
    {"run --set clock_mhz=nan --json out.json", kUsage, "chip.clock_mhz = nan: must be a finite number"},
    {"run --chip nan_clock.textproto --json out.json", kUsage, "chip.clock_mhz = nan"},
    {"run --set clock_mhz=0 --json out.json", kUsage, "chip.clock_mhz = 0"},
    {"run --set clock_mhz=fast --json out.json", kUsage, "chip.clock_mhz expects a number or a fraction A/B, got 'fast'"},
    {"run --energy inf_energy.textproto --json out.json", kUsage, "energy.add_8bit.value = inf: must be a finite number >= 0"},
    {"run --set energy.add_8bit.value=-1 --json out.json", kUsage, "energy.add_8bit.value = -1"},
    {"run --set energy.noc_per_bit_hop.value=nan --json out.json", kUsage, "energy.noc_per_bit_hop.value = nan"},
    // Run-level enums and algorithm fields.
    {"run --set workload=WORKLOAD_FOO --json out.json", kUsage, "workload"},
    {"run --workload foo --json out.json", kUsage, "--workload foo: expects one of"},
    {"run --dataset cifar --json out.json", kUsage, "--dataset cifar: expects mnist, mnist_full, mnist_full_validation or fashion_mnist"},
    {"run --set dfa.gate_potential_min=10 --set dfa.gate_potential_max=5 --json out.json", kUsage,
     "run.dfa.gate_potential_max = 5: must be >= run.dfa.gate_potential_min = 10"},
    {"run --set ff.lr_shift=3 --json out.json", kUsage, "ff.lr_shift"},
    {"run --set network.neuron.threshold=100000000 --json out.json", kUsage, "run.network.neuron.threshold = 100000000"},
    // Traffic.
    {"traffic --set traffic.warmup_cycles=18446744073709551615 --json out.json", kUsage,
     "traffic.warmup_cycles = 18446744073709551615: must be <= 1099511627776"},
    {"traffic --set traffic.measure_cycles=0 --json out.json", kUsage, "traffic.measure_cycles = 0"},
    {"traffic --set traffic.measure_cycles=2000000000000 --json out.json", kUsage, "traffic.measure_cycles = 2000000000000"},
    {"traffic --set traffic.drain_limit_cycles=2000000000000 --json out.json", kUsage, "traffic.drain_limit_cycles"},
    {"traffic --set traffic.injection_rate=0 --json out.json", kUsage, "traffic.injection_rate = 0"},
    {"traffic --set traffic.injection_rate=1.5 --json out.json", kUsage, "traffic.injection_rate = 1.5"},
    {"traffic --set traffic.injection_rate=nan --json out.json", kUsage, "traffic.injection_rate = nan"},
    {"traffic --set traffic.packet_length_flits=0 --json out.json", kUsage, "traffic.packet_length_flits = 0"},
    {"traffic --set traffic.packet_length_flits=100000 --json out.json", kUsage, "traffic.packet_length_flits = 100000"},
    {"traffic --set traffic.hotspot_x=9 --json out.json", kUsage, "traffic.hotspot_x = 9"},
    {"traffic --set traffic.hotspot_fraction=2 --json out.json", kUsage, "traffic.hotspot_fraction = 2"},
    {"traffic --set traffic.pattern=TRAFFIC_TRANSPOSE --set mesh_width=2 --json out.json", kUsage,
     "TRAFFIC_TRANSPOSE: needs a square mesh"},
    {"traffic --set mesh_width=1 --set mesh_height=1 --json out.json", kUsage, "needs at least 2"},
};

const std::vector<BadInput> kOptions = {
    {"run --trace-start -5 --vcd out.vcd --json out.json", kUsage,
     "the argument ('-5') for option '--trace-start' must be a whole number"},
    {"run --trace-end x --vcd out.vcd --json out.json", kUsage, "'--trace-end' must be a whole number"},
    {"run --trace-start 10 --trace-end 5 --vcd out.vcd --json out.json", kUsage, "--trace-end 5 is before --trace-start 10"},
    {"run --trace-end 5 --json out.json", kUsage, "--trace-end needs --vcd FILE"},
    {"run --trace a --json out.json", kUsage, "--trace needs --vcd FILE"},
    {"run --json-detail some --json out.json", kUsage, "--json-detail some: expects summary or full"},
    {"run --no-such-option", kUsage, "no-such-option"},
    {"bench --samples -5", kUsage, "the argument ('-5') for option '--samples' must be a whole number"},
    {"bench --measure-cycles 1e3", kUsage, "'--measure-cycles' must be a whole number"},
    {"bench --short-runs --rounds 0", kUsage, "--rounds must be at least 1"},
    {"bench --short-runs --against no-such-nmsim", kData, "--against 'no-such-nmsim' is not an executable file"},
    {"bench --short-runs --against empty.textproto", kData, "--against 'empty.textproto' is not an executable file"},
    {"bench --rounds 3", kUsage, "--rounds and --against apply to --short-runs"},
    {"bench --short-runs --vcd t.vcd", kUsage, "--short-runs times untraced runs"},
    {"bench --short-runs --samples 3", kUsage, "--measure-cycles and --samples do not apply to --short-runs"},
    {"compare --algorithms ''", kUsage, "--algorithms: names no algorithm"},
    {"compare --algorithms dfa,foo", kUsage, "unknown algorithm 'foo'"},
    {"compare --algorithms dfa,dfa", kUsage, "dfa is named twice"},
    {"compare --set foo:samples=2", kUsage, "unknown algorithm 'foo' before ':'"},
    {"compare --set network.hidden_sizes=", kUsage, "run.network.hidden_sizes is empty: FF"},
    {"compare --memory-budget 0.001", kUsage, "more than the budget"},
    {"sweep", kUsage, "no sweep file given"},
    {"sweep missing.textproto", kUsage, "missing.textproto"},
    {"sweep empty.textproto -j -1", kUsage, "'--jobs' must be a whole number"},
    {"sweep empty.textproto --tasks -2", kUsage, "'--tasks' must be a whole number"},
    {"nosuchcommand", kUsage, "unknown command 'nosuchcommand'"},
    {"run --chip no_such_preset --json out.json", kUsage, "no_such_preset"},
    {"run --chip missing.textproto --json out.json", kUsage, "missing.textproto"},
    {"run --energy no_such_table --json out.json", kUsage, "no_such_table"},
    {"run --set no.such.path=1 --json out.json", kUsage, "no.such.path"},
    {"run --set samples --json out.json", kUsage, "samples"},
};

}  // namespace

TEST_CASE("bad inputs: config values are refused before the run, naming field, value and range", "[cli][bad-input]") {
  for (const BadInput& bad : kConfigValues) check(bad);
}

TEST_CASE("bad inputs: command-line options are refused, naming option and value", "[cli][bad-input]") {
  for (const BadInput& bad : kOptions) check(bad);
}
