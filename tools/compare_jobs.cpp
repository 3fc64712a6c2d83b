#include "tools/compare_jobs.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <google/protobuf/text_format.h>
#include <google/protobuf/util/json_util.h>

#include "models/base/errors.h"
#include "platform/energy/energy_model.h"
#include "platform/report/atomic_file.h"
#include "platform/report/message_json.h"

namespace nmsim::tools {

namespace {

// As the job writes its provenance (workloads/job/chip_run.cpp).
std::string text_of(const google::protobuf::Message& message) {
  std::string text;
  google::protobuf::TextFormat::PrintToString(message, &text);
  return text;
}

std::string folder_of(const std::string& json_path) {
  const std::string suffix = ".json";
  const bool json = json_path.size() > suffix.size() &&
                    json_path.compare(json_path.size() - suffix.size(), suffix.size(), suffix) == 0;
  return (json ? json_path.substr(0, json_path.size() - suffix.size()) : json_path) + ".d";
}

}  // namespace

// The folder is made by the first save, so a compare that fails before any job ends (a
// config error in a job) leaves nothing behind.
CompareJobStore::CompareJobStore(const std::string& json_path) : m_folder(folder_of(json_path)) {
  struct stat st;
  if (stat(m_folder.c_str(), &st) == 0 && !S_ISDIR(st.st_mode)) {
    throw DataError(m_folder + ": the folder of compare's job reports is not a folder");
  }
}

void CompareJobStore::create_folder() const {
  if (mkdir(m_folder.c_str(), 0755) != 0 && errno != EEXIST) {
    throw DataError(m_folder + ": cannot create the folder of compare's job reports: " + std::strerror(errno));
  }
}

std::string CompareJobStore::path(const std::string& algorithm) const { return m_folder + "/" + algorithm + ".json"; }

std::optional<CompareJobOutcome> CompareJobStore::reusable(const std::string& algorithm, const job::JobOptions& job,
                                                           std::string& why_not) const {
  std::ifstream in(path(algorithm));
  if (!in) {
    why_not = "no job report " + path(algorithm);
    return std::nullopt;
  }
  std::stringstream text;
  text << in.rdbuf();
  CompareJobOutcome outcome;
  if (!google::protobuf::util::JsonStringToMessage(text.str(), &outcome).ok()) {
    why_not = path(algorithm) + " is not a compare job report";
    return std::nullopt;
  }
  const Provenance& p = outcome.report().provenance();
  const energy::EnergyModel energy(job.energy);
  if (p.nmsim_version() != NMSIM_VERSION) {
    why_not = path(algorithm) + " comes from nmsim " + p.nmsim_version();
  } else if (p.chip_config() != text_of(job.chip)) {
    why_not = "the chip config differs from " + path(algorithm) + "'s";
  } else if (p.run_config() != text_of(job.run)) {
    why_not = "the run config differs from " + path(algorithm) + "'s";
  } else if (p.energy_table_name() != energy.table_name() || p.energy_table_hash() != energy.table_hash()) {
    why_not = "the energy table differs from " + path(algorithm) + "'s";
  } else if (outcome.reference_checked() != job.check_reference) {
    why_not = std::string(path(algorithm)) + (job.check_reference ? " skipped" : " ran") + " the reference check";
  } else {
    return outcome;
  }
  return std::nullopt;
}

void CompareJobStore::save(const std::string& algorithm, const CompareJobOutcome& outcome) const {
  create_folder();
  report::write_file_atomically(path(algorithm), report::message_to_json(outcome));
}

}  // namespace nmsim::tools
