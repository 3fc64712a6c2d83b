#include "tools/bench_short_runs.h"

#include <algorithm>
#include <cstdio>
#include <vector>

#include "tools/nmsim_child.h"

namespace nmsim::tools {

namespace {

struct ShortRun {
  uint32_t mesh;
  const char* rate;
};
// The scale issue's four rows.
constexpr ShortRun kRuns[] = {{8, "0.02"}, {8, "0.1"}, {16, "0.02"}, {16, "0.1"}};

double mean(const std::vector<double>& v) {
  double sum = 0;
  for (double x : v) sum += x;
  return v.empty() ? 0 : sum / static_cast<double>(v.size());
}
double smallest(const std::vector<double>& v) { return v.empty() ? 0 : *std::min_element(v.begin(), v.end()); }

// One build's rounds of one run: milliseconds.
struct Timings {
  uint64_t cycles = 0;
  bool same_cycles = true;  // every round simulated as many cycles
  std::vector<double> wall, cpu;
  void add(const ChildRun& run) {
    const uint64_t c = run.report.summary().cycles();
    if (!wall.empty() && c != cycles) same_cycles = false;
    cycles = c;
    wall.push_back(run.wall_seconds * 1e3);
    cpu.push_back(run.cpu_seconds * 1e3);
  }
};

std::string format(const char* pattern, double a) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, pattern, a);
  return buffer;
}

// `mean (min)` of a column.
std::string mean_min(const std::vector<double>& v) { return format("%11.1f", mean(v)) + format(" %7.1f", smallest(v)); }

}  // namespace

void print_short_runs(const ShortRunsOptions& options, std::ostream& out) {
  const bool compare = !options.against.empty();
  out << "Short runs, start-up and report included (`nmsim traffic` with its defaults: 1,000 + 10,000 cycles\n"
      << "and the drain; each a process of its own, " << options.rounds << " round" << (options.rounds == 1 ? "" : "s")
      << (compare ? ", alternating with " + options.against : "") << ")\n";
  out << "  mesh    rate   sim. cycles    wall ms mean (min)     CPU ms mean (min)   cycles/s (wall)";
  out << (compare ? "    against: wall ms mean (min)   CPU ms mean (min)   speed-up wall (min)   CPU\n" : "\n");
  for (const ShortRun& run : kRuns) {
    const std::vector<std::string> args = {"traffic", "--set", "mesh_width=" + std::to_string(run.mesh), "--set",
                                           "mesh_height=" + std::to_string(run.mesh), "--set",
                                           std::string("traffic.injection_rate=") + run.rate};
    Timings self, other;
    for (uint32_t round = 0; round < options.rounds; ++round) {
      self.add(run_nmsim_child(options.binary, args));
      if (compare) other.add(run_nmsim_child(options.against, args));
    }
    char line[160];
    std::snprintf(line, sizeof line, "  %2ux%-2u  %5s  %12llu", run.mesh, run.mesh, run.rate,
                  static_cast<unsigned long long>(self.cycles));
    out << line << "  " << mean_min(self.wall) << "  " << mean_min(self.cpu) << "  "
        << format("%14.0f", static_cast<double>(self.cycles) / (mean(self.wall) * 1e-3));
    if (compare) {
      // Speeds in simulated cycles per second: the same as the ratio of times when both
      // builds simulate the same cycles.
      const auto speedup = [&](double self_ms, double other_ms) {
        return (static_cast<double>(self.cycles) / self_ms) / (static_cast<double>(other.cycles) / other_ms);
      };
      out << "       " << mean_min(other.wall) << "  " << mean_min(other.cpu) << "  "
          << format("%11.2f x", speedup(mean(self.wall), mean(other.wall)))
          << format(" %5.2f x", speedup(smallest(self.wall), smallest(other.wall)))
          << format("  %5.2f x", speedup(mean(self.cpu), mean(other.cpu)));
      if (other.cycles != self.cycles) out << "  (" << other.cycles << " cycles against)";
    }
    if (!self.same_cycles || !other.same_cycles) out << "  (cycles differ between rounds)";
    out << "\n";
  }
  out << "(wall: from fork to exit, the output file's fsync included; CPU: the child's user + system time)\n";
}

}  // namespace nmsim::tools
