// The seed corpus (tests/fuzz/corpus/<entry>/) through the fuzzed entry points, in the normal
// build: every file ends in a result or a user error (nmsim::Error, which the entries absorb),
// never in another exception. Inputs the fuzzer once found crashing are kept there too.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "tests/fuzz/fuzz_entries.h"

namespace {

std::string bytes_of(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("fuzz corpus: every seed goes through its entry with at most a user error", "[fuzz]") {
  const std::filesystem::path corpus = std::filesystem::path(NMSIM_SOURCE_DIR) / "tests/fuzz/corpus";
  for (const std::string& name : nmsim::fuzz::entry_names()) {
    const nmsim::fuzz::Entry entry = nmsim::fuzz::entry_named(name);
    REQUIRE(entry != nullptr);
    size_t files = 0;
    for (const auto& file : std::filesystem::directory_iterator(corpus / name)) {
      const std::string input = bytes_of(file.path());
      INFO(file.path().string());
      CHECK_NOTHROW(entry(reinterpret_cast<const uint8_t*>(input.data()), input.size()));
      ++files;
    }
    INFO(name);
    CHECK(files >= 3);
  }
  CHECK(nmsim::fuzz::entry_named("unknown") == nullptr);
}
