#include <iostream>

#include "platform/config/describe.h"
#include "platform/config/presets.h"
#include "tools/commands.h"

namespace nmsim::tools {

int command_describe(const std::vector<std::string>& /*args*/) {
  std::cout << config::describe_fields();
  std::cout << "\nChip presets (--chip NAME):";
  for (const auto& name : config::preset_names("chip")) std::cout << " " << name;
  std::cout << "\nEnergy presets (--energy NAME):";
  for (const auto& name : config::preset_names("energy")) std::cout << " " << name;
  std::cout << "\n";
  return kExitOk;
}

}  // namespace nmsim::tools
