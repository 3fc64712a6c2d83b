#include "platform/report/breakdown_csv.h"

#include <cctype>
#include <charconv>

namespace nmsim::report {

const char* const kBreakdownCsvHeader = "part,phase,component_class,usage,kind,event,energy_pJ";

std::string breakdown_csv(const Report& report) {
  std::string csv = std::string(kBreakdownCsvHeader) + "\n";
  for (const EnergyCell& cell : report.breakdown()) {
    char energy[32];
    const auto end = std::to_chars(energy, energy + sizeof energy, cell.energy_pj()).ptr;
    // Every field is a fixed word (no commas or quotes): no quoting needed.
    csv += cell.part() + "," + cell.phase() + "," + component_class_name(cell.component_class()) + "," +
           cell.usage() + "," + cell.kind() + "," + cell.event() + "," + std::string(energy, end) + "\n";
  }
  return csv;
}

std::string component_class_name(ComponentClass component_class) {
  std::string name = ComponentClass_Name(component_class).substr(std::string("COMPONENT_").size());
  for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return name;
}

}  // namespace nmsim::report
