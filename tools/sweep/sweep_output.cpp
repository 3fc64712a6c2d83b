#include "tools/sweep/sweep_output.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include <google/protobuf/text_format.h>

#include "models/base/errors.h"
#include "platform/report/atomic_file.h"
#include "tools/table/csv.h"
#include "tools/sweep/result_row.h"

namespace nmsim::sweep {

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

bool exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

void make_folder(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode)) throw ConfigError(path + ": exists and is not a folder (the sweep's output)");
    return;
  }
  if (mkdir(path.c_str(), 0755) != 0 && errno != EEXIST) {
    throw ConfigError(path + ": cannot create the sweep's output folder: " + std::strerror(errno));
  }
}

// The last non-empty line of a point's log: the error nmsim printed.
std::string last_line(const std::string& text) {
  std::istringstream in(text);
  std::string line, last;
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r") != std::string::npos) last = line;
  }
  return last;
}

}  // namespace

std::string csv_header(const SweepPlan& plan) {
  std::vector<std::string> header = {"point"};
  header.insert(header.end(), plan.columns.begin(), plan.columns.end());
  header.insert(header.end(), {"status", "exit_status", "error"});
  const auto figures = figure_columns();
  header.insert(header.end(), figures.begin(), figures.end());
  return table::csv_line(header);
}

SweepOutput::SweepOutput(const SweepPlan& plan, std::string folder) : m_plan(plan), m_folder(std::move(folder)) {
  make_folder(m_folder);
  make_folder(m_folder + "/points");
  // The sweep as expanded: a rerun with another sweep file must not mix its rows with these.
  std::string text;
  google::protobuf::TextFormat::PrintToString(plan.config, &text);
  const std::string record = m_folder + "/sweep.textproto";
  if (exists(record)) {
    if (slurp(record) != text) {
      throw ConfigError(m_folder + ": holds the results of a different sweep (" + record +
                        "); give another output folder, or remove this one");
    }
  } else {
    report::write_file_atomically(record, text);
  }
}

std::string SweepOutput::point_stem(uint32_t index) const {
  char name[32];
  std::snprintf(name, sizeof name, "/points/p%06u", index);
  return m_folder + name;
}

std::string SweepOutput::report_path(uint32_t index) const { return point_stem(index) + ".json"; }
std::string SweepOutput::log_path(uint32_t index) const { return point_stem(index) + ".log"; }
std::string SweepOutput::csv_path() const { return m_folder + "/" + m_plan.config.name() + ".csv"; }

SweepOutput::PointState SweepOutput::state(uint32_t index) const {
  if (exists(point_stem(index) + ".row")) return PointState::kDone;
  if (exists(point_stem(index) + ".failed")) return PointState::kFailed;
  return PointState::kPending;
}

void SweepOutput::record(const SweepPoint& point, int exit_status) {
  std::vector<std::string> row = {std::to_string(point.index)};
  row.insert(row.end(), point.labels.begin(), point.labels.end());
  std::vector<std::string> figures;
  std::string error;
  if (exit_status == 0) {
    try {
      figures = figure_values(read_report(report_path(point.index)));
    } catch (const DataError& e) {
      exit_status = -1;
      error = e.what();
    }
  } else {
    error = last_line(slurp(log_path(point.index)));
    if (error.empty()) error = "exit status " + std::to_string(exit_status) + ", nothing printed";
  }
  const bool ok = exit_status == 0;
  row.insert(row.end(), {ok ? "ok" : "failed", std::to_string(exit_status), error});
  if (!ok) figures = empty_figures();
  row.insert(row.end(), figures.begin(), figures.end());
  const std::string stem = point_stem(point.index);
  std::remove((stem + (ok ? ".failed" : ".row")).c_str());
  report::write_file_atomically(stem + (ok ? ".row" : ".failed"), table::csv_line(row));
}

uint32_t SweepOutput::write_csv() const {
  std::string csv = csv_header(m_plan);
  uint32_t rows = 0;
  for (const auto& point : m_plan.points) {
    const std::string stem = point_stem(point.index);
    for (const char* suffix : {".row", ".failed"}) {
      if (exists(stem + suffix)) {
        csv += slurp(stem + suffix);
        ++rows;
        break;
      }
    }
  }
  report::write_file_atomically(csv_path(), csv);
  return rows;
}

}  // namespace nmsim::sweep
