// The energy breakdown (Report.breakdown) as a long-format CSV, one row per non-zero cell,
// ready for stacked bars (`nmsim run --breakdown FILE.csv`):
//   part,phase,component_class,usage,kind,event,energy_pJ
// energy_pJ is the shortest text that reads back as the same double.
#pragma once

#include <string>

#include "proto/report.pb.h"

namespace nmsim::report {

// The CSV's header line, without the newline.
extern const char* const kBreakdownCsvHeader;

std::string breakdown_csv(const Report& report);

// A component class as CSVs name it: COMPONENT_NETWORK_INTERFACE -> "network_interface".
std::string component_class_name(ComponentClass component_class);

}  // namespace nmsim::report
