#include <chrono>
#include <iomanip>
#include <iostream>
#include <sstream>

#include <boost/program_options.hpp>
#include <google/protobuf/text_format.h>

#include "platform/config/loader.h"
#include "platform/config/validate.h"
#include "platform/energy/energy_model.h"
#include "platform/report/breakdown_csv.h"
#include "platform/report/report_builder.h"
#include "platform/report/report_format.h"
#include "workloads/replay/replay.h"
#include "workloads/replay/stimulus.h"
#include "tools/cli_options.h"
#include "tools/command_outputs.h"
#include "tools/commands.h"
#include "tools/trace_options.h"

namespace po = boost::program_options;

namespace nmsim::tools {

namespace {

// One line per event: its cycles (t0 = its request), the output spikes' cycles.
std::string event_table(const ReplaySummary& summary) {
  std::ostringstream out;
  const auto row = [&](const auto& index, const auto& kind, const auto& request, const auto& accepted,
                       const auto& ack, const auto& idle) {
    out << std::left << std::setw(7) << index << std::setw(21) << kind << std::right << std::setw(10) << request
        << std::setw(10) << accepted << std::setw(10) << ack << std::setw(10) << idle << "  ";
  };
  row("event", "kind", "request", "accepted", "ack", "idle");
  out << "outputs (out@)\n";
  for (const AerEventRecord& r : summary.records()) {
    row(r.index(), AerEventKind_Name(r.kind()), r.request(), r.accepted(), r.acknowledged(), r.idle());
    out << r.out_size();
    for (int k = 0; k < r.out_size(); ++k) out << (k == 0 ? " @" : ",") << r.out(k);
    out << "\n";
  }
  out << summary.events() << " events, " << summary.output_spikes() << " output spikes, idle at cycle "
      << summary.last_idle() << "\n\n";
  return out.str();
}

}  // namespace

int command_replay(const std::vector<std::string>& args, const std::string& command_line) {
  po::options_description options(
      "nmsim replay --stimulus FILE [OPTIONS]: AER input events with their times (a stimulus file,\n"
      "proto nmsim.Stimulus in text format: tools/README.md) on core 0 of the chip; reports each\n"
      "event's request, accepted, acknowledge, output spike (out@) and idle cycles, then the report");
  options.add_options()
      ("help,h", "this help")
      ("stimulus", po::value<std::string>()->value_name("FILE"), "the stimulus file (required)")
      ("json", po::value<std::string>()->default_value("nmsim-replay.json")->value_name("FILE"),
       "write the report as JSON (only when the run succeeds)")
      ("no-table", "do not print the readable report (the event lines are printed)")
      ("breakdown", po::value<std::string>()->value_name("FILE.csv"),
       "write the energy breakdown (part, phase, component class, usage, kind, event) as CSV");
  options.add(config_options()).add(json_detail_option()).add(trace_options());
  po::variables_map vm;
  if (parse_or_help(args, options, vm, true)) return kExitOk;
  if (vm.count("stimulus") == 0) throw po::required_option("stimulus");
  const JsonDetail detail = json_detail(vm);
  CommandOutputs outputs({output_option(vm, "json"), output_option(vm, "vcd"), output_option(vm, "fst"),
                          output_option(vm, "breakdown")});
  const ResolvedConfigs configs = resolve_configs(vm, false);  // replay reads no run fields
  config::validate(configs.chip);
  const std::string stimulus_path = vm["stimulus"].as<std::string>();
  const Stimulus stimulus = replay::load_stimulus(stimulus_path, configs.chip);
  const energy::EnergyModel energy(configs.energy);

  SimContext ctx(config::clock_mhz(configs.chip));
  const std::unique_ptr<trace::Tracer> tracer = trace::attach_tracer(resolve_trace(vm), ctx);
  const auto start = std::chrono::steady_clock::now();
  replay::ReplayRun run = replay::run_replay(configs.chip, stimulus, ctx);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  Report report = report::build_report({run.chip.get()}, energy, run.chip->phase_cycles(), ctx.clock, "replay",
                                       configs.chip.power_gating());
  report.set_kind("replay");
  *report.mutable_replay() = run.summary;
  report.mutable_replay()->set_stimulus(stimulus_path);
  Provenance& p = *report.mutable_provenance();
  p.set_nmsim_version(NMSIM_VERSION);
  p.set_command_line(command_line);
  google::protobuf::TextFormat::PrintToString(configs.chip, p.mutable_chip_config());
  p.set_energy_table_name(energy.table_name());
  p.set_energy_table_hash(energy.table_hash());
  for (const auto& entry : config::energy_defaults_used(configs.energy)) p.add_energy_defaults_used(entry);
  Speed& speed = *report.mutable_speed();
  speed.set_wall_seconds(wall);
  if (wall > 0) speed.set_simulated_cycles_per_second(report.summary().cycles() / wall);

  std::cout << event_table(run.summary);
  if (vm.count("no-table") == 0) std::cout << report::to_table(report);
  if (tracer) outputs.add(tracer->finish(ctx.clock.now()));
  outputs.write("json", report_json(report, detail));
  if (vm.count("breakdown")) outputs.write("breakdown", report::breakdown_csv(report));
  outputs.commit();
  return kExitOk;
}

}  // namespace nmsim::tools
