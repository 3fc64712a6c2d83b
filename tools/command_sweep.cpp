// nmsim sweep FILE: a design-space sweep (proto/sweep.proto). Every point's config is resolved
// and validated before the first point runs, so a typo in an axis fails at once, not hours in.
// Then the points run here, -j at a time (tools/sweep/local_runner.h), and their figures land
// in one CSV, one row per point (tools/sweep/sweep_output.h).
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iostream>

#include <boost/program_options.hpp>

#include "models/base/errors.h"
#include "platform/config/validate.h"
#include "tools/cli_options.h"
#include "tools/commands.h"
#include "tools/count_option.h"
#include "tools/command_outputs.h"
#include "tools/interrupt.h"
#include "tools/sweep/local_runner.h"
#include "tools/sweep/slurm_runner.h"
#include "tools/sweep/sweep_output.h"
#include "tools/sweep/sweep_plan.h"
#include "tools/sweep/sweep_table.h"
#include "tools/trace_options.h"

namespace po = boost::program_options;

namespace nmsim::tools {

namespace {

struct Shard {
  uint32_t index = 0;
  uint32_t count = 1;
};

Shard parse_shard(const std::string& text) {
  Shard shard;
  const auto slash = text.find('/');
  try {
    if (slash == std::string::npos) throw std::invalid_argument("no slash");
    std::size_t used = 0;
    shard.index = static_cast<uint32_t>(std::stoul(text.substr(0, slash), &used));
    if (used != slash) throw std::invalid_argument("index");
    const std::string count = text.substr(slash + 1);
    shard.count = static_cast<uint32_t>(std::stoul(count, &used));
    if (used != count.size()) throw std::invalid_argument("count");
  } catch (const std::exception&) {
    throw ConfigError("--shard " + text + ": expects I/N, the I-th of N slices (0 <= I < N)");
  }
  if (shard.count == 0 || shard.index >= shard.count) {
    throw ConfigError("--shard " + text + ": expects I/N with 0 <= I < N");
  }
  return shard;
}

// Resolves and validates one point's configs as the point's own process will.
void check_point(const sweep::SweepPlan& plan, const sweep::SweepPoint& point) {
  auto args = sweep::point_arguments(plan, point);
  args.erase(args.begin());  // the command
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(config_options()).run(), vm);
    po::notify(vm);
    const ResolvedConfigs configs = resolve_configs(vm, plan.config.command() != SWEEP_TRAFFIC);
    config::validate(configs.chip);
    if (plan.config.command() == SWEEP_TRAFFIC) {
      config::validate(configs.traffic, configs.chip);
    } else {
      config::validate(configs.run, configs.chip);
    }
  } catch (const std::exception& e) {
    std::string where;
    for (std::size_t i = 0; i < plan.columns.size(); ++i) {
      where += (i ? ", " : "") + plan.columns[i] + " = " + point.labels[i];
    }
    throw ConfigError(plan.file + ": point " + std::to_string(point.index) + (where.empty() ? "" : " (" + where + ")") +
                      ": " + e.what());
  }
}

// Writes the CSV from the recorded points and says what is missing: exit 0 when every point
// ran well, 6 when one failed or has not run.
int collect(const sweep::SweepPlan& plan, const sweep::SweepOutput& output, bool quiet) {
  uint32_t failed = 0, missing = 0;
  for (const auto& point : plan.points) {
    const auto state = output.state(point.index);
    failed += state == sweep::SweepOutput::PointState::kFailed;
    missing += state == sweep::SweepOutput::PointState::kPending;
  }
  const uint32_t rows = output.write_csv();
  if (!quiet || failed + missing > 0) {
    std::cerr << "sweep " << plan.config.name() << ": " << rows << " row(s) in " << output.csv_path() << " ("
              << failed << " failed)";
    if (missing > 0) std::cerr << "; " << missing << " point(s) have not run: run the same command again";
    std::cerr << "\n";
  }
  return failed + missing > 0 ? kExitPointsFailed : kExitOk;
}

std::string self_binary() {
  char path[4096];
  const ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
  if (n <= 0) throw Error("sweep: cannot find the nmsim binary (/proc/self/exe)");
  return std::string(path, static_cast<std::size_t>(n));
}

}  // namespace

int command_sweep(const std::vector<std::string>& args) {
  po::options_description options("nmsim sweep FILE [OPTIONS]: run every point of a sweep file, one CSV row each");
  const unsigned cores = static_cast<unsigned>(std::max(1L, sysconf(_SC_NPROCESSORS_ONLN)));
  options.add_options()
      ("help,h", "this help")
      ("file", po::value<std::string>()->value_name("FILE"), "the sweep file (protobuf text, nmsim.SweepConfig)")
      ("out,o", po::value<std::string>()->value_name("DIR"),
       "output folder: NAME.csv, and each point's report, log and row in points/ (default: ./NAME)")
      ("jobs,j", po::value<Count<unsigned>>()->default_value(Count<unsigned>{cores})->value_name("N"), "points run at once (default: all cores)")
      ("shard", po::value<std::string>()->value_name("I/N"),
       "run only the points whose index is I modulo N (a slice of the sweep; the CSV is left to a later run)")
      ("retry-failed", "run the points that failed before again (finished points are always skipped)")
      ("dry-run", "print each point's command line and run nothing")
      ("slurm", "submit the points to Slurm as one job array (sbatch) and wait for it; the output folder, the "
                "sweep file and nmsim must be on a file system the nodes share")
      ("tasks", po::value<Count<uint32_t>>()->default_value(Count<uint32_t>{0})->value_name("N"),
       "--slurm: array tasks, each a slice of the points (default: one per point)")
      ("cpus-per-task", po::value<Count<uint32_t>>()->default_value(Count<uint32_t>{1})->value_name("N"),
       "--slurm: cores each task asks for and points it runs at once")
      ("sbatch", po::value<std::vector<std::string>>()->value_name("OPTION"),
       "--slurm: an sbatch option for the array, e.g. --sbatch=--partition=short; repeatable")
      ("no-wait", "--slurm: return once submitted; write the CSV later with --collect")
      ("collect", "write the CSV from the points recorded so far (after a --slurm --no-wait run) and run nothing")
      ("format", po::value<std::string>()->value_name("FORMAT"),
       "run nothing: write the CSV from the points recorded so far (as --collect) and print its --columns as a "
       "csv, md or latex table")
      ("columns", po::value<std::string>()->value_name("LIST"),
       "--format: the CSV's columns to print, comma-separated, each NAME or NAME:DECIMALS (e.g. "
       "sram_banks,cycles,energy_pJ:0)")
      ("quiet,q", "no progress display");
  options.add(trace_options());
  po::positional_options_description positional;
  positional.add("file", 1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(options).positional(positional).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << options << "\nThe sweep file's schema: proto/sweep.proto; an example: tools/sweep/examples/.\n";
    return kExitOk;
  }
  if (!vm.count("file")) throw ConfigError("nmsim sweep: no sweep file given (nmsim sweep FILE)");
  const std::optional<table::Format> format = table_format(vm);
  if (format && !vm.count("columns")) throw ConfigError("--format: name the columns to print with --columns");

  const sweep::SweepPlan plan = sweep::load_sweep(vm["file"].as<std::string>());
  // Each point's trace is named after --vcd/--fst and the point: trace.vcd -> trace.p000003.vcd.
  const std::optional<trace::TraceOptions> trace = resolve_trace(vm);
  if (trace) check_outputs({output_option(vm, trace_option_name(vm))});
  // Each Slurm task checks only its own slice: the submission checked them all.
  const Shard shard = vm.count("shard") ? parse_shard(vm["shard"].as<std::string>()) : Shard{};
  if (!vm.count("collect") && !format) {
    for (const auto& point : plan.points) {
      if (point.index % shard.count == shard.index) check_point(plan, point);
    }
  }
  const std::string binary = self_binary();
  if (vm.count("dry-run")) {
    for (const auto& point : plan.points) {
      std::cout << point.index << ":";
      for (const auto& a : sweep::point_arguments(plan, point)) std::cout << " " << a;
      std::cout << "\n";
    }
    return kExitOk;
  }

  sweep::SweepOutput output(plan, vm.count("out") ? vm["out"].as<std::string>() : plan.config.name());
  if (format) {
    output.write_csv();
    std::cout << table::render(sweep::sweep_table(plan, output, vm["columns"].as<std::string>()), *format);
    return kExitOk;
  }
  if (vm.count("collect") || vm.count("slurm")) {
    if (vm.count("slurm")) {
      sweep::SlurmOptions slurm;
      slurm.nmsim_binary = binary;
      slurm.tasks = vm["tasks"].as<Count<uint32_t>>().value;
      slurm.cpus_per_task = std::max<uint32_t>(1, vm["cpus-per-task"].as<Count<uint32_t>>().value);
      if (vm.count("sbatch")) slurm.sbatch_options = vm["sbatch"].as<std::vector<std::string>>();
      slurm.wait = vm.count("no-wait") == 0;
      slurm.quiet = vm.count("quiet") > 0;
      if (trace) slurm.sweep_arguments = trace_arguments(vm, trace->path);
      const auto submitted = sweep::run_on_slurm(plan, output, slurm);
      if (submitted.signal != 0) {
        std::cerr << interrupted_message(submitted.signal) << ": Slurm job " << submitted.job_id
                  << (submitted.cancelled ? " cancelled (scancel)" : " NOT cancelled (scancel failed)")
                  << "; the rows recorded stay: run the same command again to resume\n";
        return 128 + submitted.signal;
      }
      if (!slurm.wait && !submitted.job_id.empty()) return kExitOk;  // --collect writes the CSV later
    }
    return collect(plan, output, vm.count("quiet") > 0);
  }

  std::vector<uint32_t> indices;
  for (const auto& point : plan.points) {
    if (point.index % shard.count == shard.index) indices.push_back(point.index);
  }
  sweep::LocalRunOptions run;
  run.nmsim_binary = binary;
  run.jobs = vm["jobs"].as<Count<unsigned>>().value;
  if (run.jobs == 0) throw ConfigError("--jobs 0: must be at least 1 (points run at once)");
  run.retry_failed = vm.count("retry-failed") > 0;
  run.quiet = vm.count("quiet") > 0;
  run.write_csv = shard.count == 1;
  if (trace) {
    run.point_arguments = [&vm, &trace](uint32_t index) {
      char name[16];
      std::snprintf(name, sizeof name, "p%06u", index);
      return trace_arguments(vm, job_trace_path(trace->path, name));
    };
  }
  const auto outcome = sweep::run_points(plan, indices, output, run);

  const uint32_t rows = run.write_csv ? output.write_csv() : 0;
  if (outcome.interrupted) {
    std::cerr << interrupted_message(outcome.signal) << ": the sweep stopped after " << outcome.ran
              << " point(s); run the same command again to resume\n";
    return 128 + outcome.signal;
  }
  if (!run.quiet) {
    std::cerr << "sweep " << plan.config.name() << ": " << outcome.ran << " point(s) run (" << outcome.failed
              << " failed), " << outcome.skipped << " recorded before";
    if (run.write_csv) std::cerr << "; " << rows << " row(s) in " << output.csv_path();
    std::cerr << "\n";
  }
  return outcome.failed > 0 ? kExitPointsFailed : kExitOk;
}

}  // namespace nmsim::tools
