// The layers of the tree only point down: every #include of a project header goes to the same
// layer or one below (README, "For developers"). A new include that runs back up fails here,
// naming the file, the line and both layers.
#include <catch2/catch.hpp>

#include <dirent.h>
#include <sys/stat.h>

#include <fstream>
#include <regex>
#include <string>
#include <utility>
#include <vector>

namespace {

// Folder prefix -> layer, bottom (0) to top; the longest matching prefix wins.
const std::vector<std::pair<std::string, int>> kLayers = {
    {"proto/", 0},
    {"models/base/", 1}, {"models/trace/", 1}, {"models/arith/", 1},
    {"models/", 2},
    {"platform/", 3},
    {"workloads/common/", 4},
    {"workloads/job/", 5},
    {"workloads/", 6},
    {"workloads/registry/", 7},
    {"tools/", 8},
};

int layer_of(const std::string& path) {
  int layer = -1;
  std::size_t longest = 0;
  for (const auto& [prefix, l] : kLayers) {
    if (path.compare(0, prefix.size(), prefix) == 0 && prefix.size() > longest) {
      longest = prefix.size();
      layer = l;
    }
  }
  return layer;
}

void collect(const std::string& root, const std::string& relative, std::vector<std::string>& files) {
  DIR* dir = opendir((root + "/" + relative).c_str());
  if (dir == nullptr) return;
  while (dirent* entry = readdir(dir)) {
    const std::string name = entry->d_name;
    if (name == "." || name == "..") continue;
    const std::string path = relative.empty() ? name : relative + "/" + name;
    struct stat st;
    if (stat((root + "/" + path).c_str(), &st) != 0) continue;
    if (S_ISDIR(st.st_mode)) {
      collect(root, path, files);
    } else if (std::regex_match(name, std::regex(R"(.*\.(h|cpp|cpp\.in))"))) {
      files.push_back(path);
    }
  }
  closedir(dir);
}

}  // namespace

TEST_CASE("includes only point to the same layer or below", "[layers]") {
  const std::string root = NMSIM_SOURCE_DIR;
  std::vector<std::string> files;
  for (const char* top : {"models", "platform", "workloads", "tools"}) collect(root, top, files);
  REQUIRE(files.size() > 100);
  const std::regex include(R"(^\s*#\s*include\s+"([^"]+)\")");
  std::size_t includes = 0;
  for (const auto& file : files) {
    const int from = layer_of(file);
    INFO(file);
    REQUIRE(from >= 0);
    std::ifstream in(root + "/" + file);
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
      std::smatch m;
      if (!std::regex_search(line, m, include)) continue;
      const std::string target = m[1];
      const int to = layer_of(target);
      if (to < 0) continue;  // a header of the build (generated presets) or a library's
      ++includes;
      INFO(file << ":" << number << " (layer " << from << ") includes " << target << " (layer " << to << ")");
      CHECK(to <= from);
    }
  }
  CHECK(includes > 300);
}
