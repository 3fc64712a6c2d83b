#include <iostream>
#include "tools/commands.h"
namespace nmsim::tools {
int command_bench(const std::vector<std::string>&, const std::string&) { std::cerr << "nmsim: bench: not built yet\n"; return kExitUsage; }
}
