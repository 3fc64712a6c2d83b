#include <iostream>

#include "platform/config/describe.h"
#include "platform/config/presets.h"
#include "tools/commands.h"

namespace nmsim::tools {

int command_describe(const std::vector<std::string>& /*args*/) {
  std::cout << config::describe_fields();
  std::cout << "\nPresets (--chip NAME, --energy NAME):";
  for (const auto& name : config::preset_names()) std::cout << " " << name;
  std::cout << "\n";
  return kExitOk;
}

}  // namespace nmsim::tools
