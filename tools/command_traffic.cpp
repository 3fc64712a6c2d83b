#include <chrono>
#include <iostream>

#include <boost/program_options.hpp>
#include <google/protobuf/arena.h>
#include <google/protobuf/text_format.h>

#include "platform/config/loader.h"
#include "platform/config/validate.h"
#include "platform/energy/energy_model.h"
#include "platform/report/breakdown_csv.h"
#include "platform/report/report_builder.h"
#include "platform/report/report_format.h"
#include "workloads/traffic/traffic.h"
#include "tools/cli_options.h"
#include "tools/command_outputs.h"
#include "tools/commands.h"
#include "tools/table/report_tables.h"
#include "tools/trace_options.h"

namespace po = boost::program_options;

namespace nmsim::tools {

int command_traffic(const std::vector<std::string>& args, const std::string& command_line) {
  po::options_description options(
      "nmsim traffic [OPTIONS]: synthetic traffic on the chip's NoC alone\n"
      "(pattern, injection process and rate, packet length, warm-up and measured cycles are\n"
      "traffic.* fields: `nmsim describe`, e.g. --set traffic.injection_rate=0.05)");
  options.add_options()
      ("help,h", "this help")
      ("json", po::value<std::string>()->default_value("nmsim-traffic.json")->value_name("FILE"),
       "write the report as JSON (only when the run succeeds)")
      ("no-table", "do not print the readable report")
      ("format", po::value<std::string>()->value_name("FORMAT"),
       "print the traffic table as csv, md or latex instead of the readable report")
      ("breakdown", po::value<std::string>()->value_name("FILE.csv"),
       "write the energy breakdown (part, phase, component class, usage, kind, event) as CSV")
      ("quiet,q", "no progress display");
  options.add(config_options()).add(json_detail_option()).add(trace_options());
  po::variables_map vm;
  if (parse_or_help(args, options, vm, true)) return kExitOk;
  const JsonDetail detail = json_detail(vm);
  const std::optional<table::Format> format = table_format(vm);
  CommandOutputs outputs({output_option(vm, "json"), output_option(vm, "vcd"), output_option(vm, "fst"), output_option(vm, "perfetto"),
                          output_option(vm, "breakdown")});
  const ResolvedConfigs configs = resolve_configs(vm, false);  // traffic reads no run fields
  config::validate(configs.chip);
  config::validate(configs.traffic, configs.chip);
  const energy::EnergyModel energy(configs.energy);

  SimContext ctx(config::clock_mhz(configs.chip));
  const std::unique_ptr<trace::Tracer> tracer = trace::attach_tracer(resolve_trace(vm), ctx);
  ctx.phase.set(Phase::kForward, Cycle(0));  // all synthetic traffic counts as forward traffic
  const auto start = std::chrono::steady_clock::now();
  auto bench = traffic::run_traffic(configs.chip, configs.traffic, ctx);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  // On an arena: the report's thousands of small messages and strings come from a few blocks
  // and go at once (their allocations were a tenth of a short run's instructions).
  google::protobuf::Arena arena;
  Report& report = *google::protobuf::Arena::CreateMessage<Report>(&arena);
  report::build_report_into(report, {bench.get()}, energy, ctx.phase.cycles(ctx.clock.now()), ctx.clock, "traffic",
                            configs.chip.power_gating());
  report.set_kind("traffic");
  *report.mutable_traffic() = bench->summary();
  Provenance& p = *report.mutable_provenance();
  p.set_nmsim_version(NMSIM_VERSION);
  p.set_command_line(command_line);
  google::protobuf::TextFormat::PrintToString(configs.chip, p.mutable_chip_config());
  google::protobuf::TextFormat::PrintToString(configs.traffic, p.mutable_traffic_config());
  p.set_energy_table_name(energy.table_name());
  p.set_energy_table_hash(energy.table_hash());
  for (const auto& entry : config::energy_defaults_used(configs.energy)) p.add_energy_defaults_used(entry);
  *p.mutable_energy_fitted_on() = configs.energy.fitted_on();
  *p.mutable_energy_predicts() = configs.energy.predicts();
  p.set_seed(configs.traffic.seed());
  Speed& speed = *report.mutable_speed();
  speed.set_wall_seconds(wall);
  if (wall > 0) speed.set_simulated_cycles_per_second(report.summary().cycles() / wall);

  if (format) {
    std::cout << table::render(table::traffic_table(report), *format);
  } else if (vm.count("no-table") == 0) {
    std::cout << report::to_table(report);
  }
  if (tracer) outputs.add(tracer->finish(ctx.clock.now()));
  outputs.write("json", report_json(report, detail));
  if (vm.count("breakdown")) outputs.write("breakdown", report::breakdown_csv(report));  // only when asked: it is built from every cell
  outputs.commit();
  return kExitOk;
}

}  // namespace nmsim::tools
