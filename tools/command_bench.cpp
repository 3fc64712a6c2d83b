// `nmsim bench`: the simulator's own speed, measured by running nmsim itself (one SystemC
// elaboration per process) on fixed workloads and reading the speed from their reports. With
// the trace options every job writes its own trace (trace.vcd -> trace.inference.vcd, ...), so
// the speeds are those of traced runs. --short-runs times whole processes instead
// (tools/bench_short_runs.h).
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "models/base/errors.h"
#include "proto/report.pb.h"
#include "tools/bench_short_runs.h"
#include "tools/cli_options.h"
#include "tools/command_outputs.h"
#include "tools/commands.h"
#include "tools/count_option.h"
#include "tools/nmsim_child.h"
#include "tools/trace_options.h"

namespace po = boost::program_options;

namespace nmsim::tools {

namespace {

std::string fixed(double v, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, v);
  return buffer;
}

}  // namespace

int command_bench(const std::vector<std::string>& args, const std::string& argv0) {
  po::options_description options(
      "nmsim bench [OPTIONS]: simulator speed on fixed workloads (each one nmsim process)");
  options.add_options()
      ("help,h", "this help")
      ("measure-cycles", po::value<Count<uint64_t>>()->default_value(Count<uint64_t>{60000}), "NoC runs: measured cycles")
      ("samples", po::value<Count<uint32_t>>()->default_value(Count<uint32_t>{500}), "inference run: MNIST test samples")
      ("short-runs", "only the short runs: `nmsim traffic` with its defaults on 8x8 and 16x16 at 0.02 and "
                     "0.1 flits/node/cycle, each process timed whole (start-up and report included)")
      ("rounds", po::value<Count<uint32_t>>()->default_value(Count<uint32_t>{5}), "short runs: rounds (at least 1)")
      ("against", po::value<std::string>(), "short runs: another nmsim build (e.g. of an older commit), run "
                                           "alternately with this one; the table gives the speed-up");
  options.add(trace_options());
  po::variables_map vm;
  if (parse_or_help(args, options, vm)) return kExitOk;
  const std::string self = self_executable(argv0);
  if (vm.count("short-runs") > 0) {
    ShortRunsOptions short_runs;
    short_runs.binary = self;
    short_runs.rounds = vm["rounds"].as<Count<uint32_t>>().value;
    if (short_runs.rounds == 0) throw po::error("--rounds must be at least 1");
    if (resolve_trace(vm)) throw po::error("--short-runs times untraced runs: drop the trace options");
    if (!vm["measure-cycles"].defaulted() || !vm["samples"].defaulted()) {
      throw po::error("--measure-cycles and --samples do not apply to --short-runs (it runs the traffic defaults)");
    }
    if (vm.count("against") > 0) {
      short_runs.against = vm["against"].as<std::string>();
      struct stat st;
      if (stat(short_runs.against.c_str(), &st) != 0 || !S_ISREG(st.st_mode) ||
          access(short_runs.against.c_str(), X_OK) != 0) {
        throw DataError("bench: --against '" + short_runs.against + "' is not an executable file");
      }
    }
    print_short_runs(short_runs, std::cout);
    return kExitOk;
  }
  if (vm.count("against") > 0 || !vm["rounds"].defaulted()) {
    throw po::error("--rounds and --against apply to --short-runs");
  }
  const uint64_t cycles = vm["measure-cycles"].as<Count<uint64_t>>().value;
  const std::vector<uint32_t> mesh_sizes = {8, 16};
  const std::vector<std::string> rates = {"0.01", "0.05"};
  const auto traffic_job = [](uint32_t size, const std::string& rate) {
    return "traffic" + std::to_string(size) + "x" + std::to_string(size) + "_" + rate;
  };
  // One trace per job, every path checked before the first job runs.
  const std::optional<trace::TraceOptions> trace = resolve_trace(vm);
  const auto trace_of = [&](const std::string& job) {
    return trace_arguments(vm, trace ? job_trace_path(trace->path, job) : "");
  };
  if (trace) {
    std::vector<NamedOutput> traces;
    for (uint32_t size : mesh_sizes) {
      for (const std::string& rate : rates) {
        traces.push_back({trace_option_name(vm), job_trace_path(trace->path, traffic_job(size, rate))});
      }
    }
    traces.push_back({trace_option_name(vm), job_trace_path(trace->path, "inference")});
    check_outputs(traces);
  }

  std::cout << "Synthetic NoC traffic (uniform random, Bernoulli, 1-flit packets, warm-up 2,000 cycles)\n";
  std::cout << "  mesh     rate   sim. cycles     wall s     cycles/s   avg latency   accepted\n";
  for (uint32_t size : mesh_sizes) {
    for (const std::string& rate : rates) {
      std::vector<std::string> job = {"traffic", "--set", "mesh_width=" + std::to_string(size), "--set",
                                      "mesh_height=" + std::to_string(size), "--set",
                                      "traffic.injection_rate=" + rate, "--set",
                                      "traffic.warmup_cycles=2000", "--set",
                                      "traffic.measure_cycles=" + std::to_string(cycles)};
      const std::vector<std::string> traced = trace_of(traffic_job(size, rate));
      job.insert(job.end(), traced.begin(), traced.end());
      const Report r = run_nmsim_child(self, job).report;
      std::printf("  %2ux%-2u  %5.2f  %12llu  %9.3f  %11.0f  %12.2f  %9.4f\n", size, size, std::stod(rate),
                  static_cast<unsigned long long>(r.summary().cycles()), r.speed().wall_seconds(),
                  r.speed().simulated_cycles_per_second(), r.traffic().average_latency_cycles(),
                  r.traffic().accepted_flits_per_node_cycle());
    }
  }
  const uint32_t samples = vm["samples"].as<Count<uint32_t>>().value;
  std::vector<std::string> job = {"run", "--set", "workload=WORKLOAD_INFERENCE", "--set",
                                  "samples=" + std::to_string(samples)};
  const std::vector<std::string> traced = trace_of("inference");
  job.insert(job.end(), traced.begin(), traced.end());
  const Report r = run_nmsim_child(self, job).report;
  const Speed& s = r.speed();
  std::cout << "\nInference on the default chip (784-512-10, T = 8, " << samples << " MNIST digits)\n";
  std::cout << "  SOPs                  " << r.summary().sops() << "\n";
  std::cout << "  simulated cycles      " << r.summary().cycles() << "\n";
  std::cout << "  chip simulation       " << fixed(s.wall_seconds(), 3) << " s wall, "
            << fixed(s.sops_per_second() / 1e6, 1) << " M SOPs/s, "
            << fixed(s.simulated_cycles_per_second() / 1e6, 2) << " M cycles/s\n";
  std::cout << "  functional reference  " << fixed(s.reference_wall_seconds(), 3) << " s wall\n";
  if (s.reference_wall_seconds() > 0) {
    std::cout << "  chip / reference      " << fixed(s.wall_seconds() / s.reference_wall_seconds(), 1)
              << " x the reference's wall time\n";
  }
  if (trace) std::cout << "\nTraced: each job wrote " << trace_option_name(vm) << " " << job_trace_path(trace->path, "JOB") << "\n";
  return kExitOk;
}

}  // namespace nmsim::tools
