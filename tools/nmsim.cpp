// nmsim: the command line. `nmsim [COMMAND] [OPTIONS]`; see print_usage().
#include <systemc>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include <boost/program_options/errors.hpp>

#include "models/base/errors.h"
#include "tools/commands.h"
#include "tools/interrupt.h"

namespace {

void print_usage() {
  std::cout <<
      "nmsim " NMSIM_VERSION " - cycle-accurate neuromorphic chip simulator\n"
      "\n"
      "Usage: nmsim [COMMAND] [OPTIONS]\n"
      "\n"
      "Commands:\n"
      "  run        (default) run the workload of the run config on the chip and report\n"
      "             cycles, SOPs, memory accesses, NoC traffic, energy and accuracy\n"
      "  traffic    synthetic traffic on the chip's NoC alone (latency, throughput, energy)\n"
      "  replay     AER input events from a stimulus file on one core: each event's cycles\n"
      "  study      accuracy study of a training workload's functional reference (DFA, FF)\n"
      "  compare    every training algorithm on one chip and data set: one table\n"
      "  sweep      a design-space sweep from a sweep file: every point in its own process,\n"
      "             all cores at once, one CSV row per point; resumable\n"
      "  plot       figures (PNG, PDF) from sweep CSVs, energy breakdowns or reports: energy\n"
      "             breakdown, pareto front, metric vs parameter, NoC latency vs load\n"
      "  bench      simulator speed: NoC cycles/s, inference SOPs/s, chip vs reference time\n"
      "  describe   every config field: --set path, type, unit, default, range, meaning\n"
      "\n"
      "`nmsim COMMAND --help` lists the command's options. Exit status: 0 ok, 2 bad option\n"
      "or config, 3 missing or damaged data, 4 NoC deadlock, 5 chip/reference mismatch,\n"
      "6 some sweep points failed, 7 no python3-matplotlib for nmsim plot, 128 + N stopped by\n"
      "signal N (130 SIGINT, 143 SIGTERM).\n";
}

}  // namespace

int sc_main(int argc, char* argv[]) {
  sc_core::sc_report_handler::set_actions("/IEEE_Std_1666/deprecated", sc_core::SC_DO_NOTHING);
  // The kernel's informational messages ("simulation stopped by user") are not for users.
  sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string command_line = argv[0];
  for (const auto& a : args) command_line += " " + a;
  std::string command = "run";
  if (!args.empty() && !args.front().empty() && args.front()[0] != '-') {
    command = args.front();
    args.erase(args.begin());
  } else if (!args.empty() && (args.front() == "--help" || args.front() == "-h")) {
    print_usage();
    return nmsim::tools::kExitOk;
  }
  using namespace nmsim::tools;
  install_interrupt_handlers();
  try {
    if (command == "run") return command_run(args, command_line);
    if (command == "traffic") return command_traffic(args, command_line);
    if (command == "replay") return command_replay(args, command_line);
    if (command == "bench") return command_bench(args, argv[0]);
    if (command == "describe") return command_describe(args);
    if (command == "study") return command_study(args, command_line);
    if (command == "compare") return command_compare(args, command_line);
    if (command == "sweep") return command_sweep(args);
    if (command == "plot") return command_plot(args);
    if (command == "help") {
      print_usage();
      return kExitOk;
    }
    std::cerr << "nmsim: error: unknown command '" << command << "' (run, traffic, replay, study, compare, sweep, plot, bench, describe)\n";
    return kExitUsage;
  } catch (const boost::program_options::error& e) {
    std::cerr << "nmsim: error: " << e.what() << " (see nmsim " << command << " --help)\n";
    return kExitUsage;
  } catch (const nmsim::ConfigError& e) {
    std::cerr << "nmsim: config error: " << e.what() << "\n";
    return kExitUsage;
  } catch (const nmsim::DataError& e) {
    std::cerr << "nmsim: data error: " << e.what() << "\n";
    return kExitData;
  } catch (const nmsim::DeadlockError& e) {
    std::cerr << "nmsim: deadlock: " << e.what() << "\n";
    return kExitDeadlock;
  } catch (const nmsim::Error& e) {
    std::cerr << "nmsim: error: " << e.what() << "\n";
    return kExitUsage;
  }
}

// Our own entry point, so the SystemC banner can be switched off before the kernel starts
// (it would mix into every report and error message).
int main(int argc, char* argv[]) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  return sc_core::sc_elab_and_sim(argc, argv);
}
