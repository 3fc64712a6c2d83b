#include <iostream>
#include "tools/commands.h"
namespace nmsim::tools {
int command_traffic(const std::vector<std::string>&, const std::string&) { std::cerr << "nmsim: traffic: not built yet\n"; return kExitUsage; }
}
