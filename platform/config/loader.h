// Config files: protobuf text format, merged over the compiled-in default presets.
#pragma once

#include <string>
#include <vector>

#include <google/protobuf/text_format.h>

#include "proto/chip.pb.h"
#include "proto/energy.pb.h"
#include "proto/run.pb.h"
#include "proto/traffic.pb.h"

namespace google::protobuf { class Message; }

namespace nmsim::config {

// Parses text format into `out` (cleared first). A syntax error or an unknown field
// throws ConfigError "<origin>:LINE:COLUMN: <parser message>" (1-based, as editors count).
// With `locations`, the parser records where each field was (a data file's checks name lines).
void parse_text(const std::string& text, const std::string& origin, google::protobuf::Message& out,
                google::protobuf::TextFormat::ParseInfoTree* locations = nullptr);
// The same from a file; a missing or unreadable file throws ConfigError naming it.
void parse_file(const std::string& path, google::protobuf::Message& out);

// Merges `overlay` over `base`: fields set in the overlay win (proto3 `optional` gives
// presence, so an explicit 0 wins too); a repeated field set in the overlay REPLACES the
// base's list instead of appending to it.
void merge_over(google::protobuf::Message& base, const google::protobuf::Message& overlay);

// The default presets (chip_default, run_default, energy_28nm, traffic_default).
ChipConfig default_chip_config();
RunConfig default_run_config();
EnergyTable default_energy_table();
TrafficConfig default_traffic_config();

// A named preset merged over the default: chip_preset("odin_like") reads chip_odin_like
// over chip_default; "default" gives the default itself. Unknown name: ConfigError.
ChipConfig chip_preset(const std::string& name);
EnergyTable energy_preset(const std::string& name);  // energy_<name> over energy_28nm

// The user's file merged over the default preset. An empty path gives the default.
ChipConfig load_chip_config(const std::string& path);
RunConfig load_run_config(const std::string& path);
EnergyTable load_energy_table(const std::string& path);
TrafficConfig load_traffic_config(const std::string& path);

// For report provenance: the paths of the table's entries ("sram.coefficient_pj",
// "add_8bit") whose value and source are those of the built-in default table.
std::vector<std::string> energy_defaults_used(const EnergyTable& table);

}  // namespace nmsim::config
