// The nmsim commands. Each returns the process exit status; user errors are thrown as
// nmsim::Error and reported once by main().
#pragma once

#include <string>
#include <vector>

namespace nmsim::tools {

// Exit statuses.
constexpr int kExitOk = 0;
constexpr int kExitUsage = 2;        // bad option or config
constexpr int kExitData = 3;         // missing or damaged data file
constexpr int kExitDeadlock = 4;     // the NoC watchdog fired
constexpr int kExitMismatch = 5;     // chip and functional reference disagree (a simulator bug)
constexpr int kExitPointsFailed = 6; // nmsim sweep: some points failed (their rows say why)
constexpr int kExitPlotterMissing = 7; // nmsim plot: no /usr/bin/python3 or its matplotlib

int command_run(const std::vector<std::string>& args, const std::string& command_line);
int command_traffic(const std::vector<std::string>& args, const std::string& command_line);
int command_replay(const std::vector<std::string>& args, const std::string& command_line);
int command_bench(const std::vector<std::string>& args, const std::string& self_path);
int command_describe(const std::vector<std::string>& args);
int command_study(const std::vector<std::string>& args, const std::string& command_line);
int command_sweep(const std::vector<std::string>& args);
int command_plot(const std::vector<std::string>& args);
int command_compare(const std::vector<std::string>& args, const std::string& command_line);

}  // namespace nmsim::tools
