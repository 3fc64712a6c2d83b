// Output files (whole or not at all, never replacing a device, a FIFO or a symlink), the list
// of live temporaries a signal handler removes, and input files that say why they cannot be read.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "models/base/errors.h"
#include "models/base/input_file.h"
#include "models/base/live_temporaries.h"
#include "models/base/output_file.h"

using nmsim::OutputFile;

namespace {

class Folder {
 public:
  Folder() {
    char pattern[] = "/tmp/nmsim-output-XXXXXX";
    m_path = mkdtemp(pattern);
  }
  ~Folder() { std::system(("rm -rf '" + m_path + "'").c_str()); }
  std::string file(const std::string& name) const { return m_path + "/" + name; }

 private:
  std::string m_path;
};

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

bool exists(const std::string& path) {
  struct stat st;
  return lstat(path.c_str(), &st) == 0;
}

}  // namespace

TEST_CASE("output file: the target changes only on commit, an uncommitted one leaves nothing", "[output]") {
  const Folder folder;
  const std::string path = folder.file("r.json");
  std::ofstream(path) << "old";
  std::string temporary;
  {
    OutputFile file(path);
    temporary = file.temporary();
    REQUIRE(temporary.find(folder.file(".r.json.")) == 0);  // beside the target, hidden
    file.write("new");
    file.close();
    REQUIRE(slurp(path) == "old");
    REQUIRE(slurp(temporary) == "new");
  }
  REQUIRE_FALSE(exists(temporary));
  REQUIRE(slurp(path) == "old");
  OutputFile file(path);
  file.write("new");
  file.commit();
  REQUIRE(slurp(path) == "new");
  REQUIRE(file.temporary().empty());
}

TEST_CASE("output file: two at once on one path get their own temporaries", "[output]") {
  const Folder folder;
  OutputFile a(folder.file("r.json")), b(folder.file("r.json"));
  REQUIRE(a.temporary() != b.temporary());
  a.write("a");
  b.write("b");
  a.commit();
  b.commit();
  REQUIRE(slurp(folder.file("r.json")) == "b");
}

TEST_CASE("output file: a device is written into, a symlink followed, a directory refused", "[output]") {
  const Folder folder;
  {
    OutputFile null("/dev/null");
    REQUIRE(null.temporary().empty());
    null.write("discarded");
    null.commit();
  }
  struct stat st;
  REQUIRE(stat("/dev/null", &st) == 0);
  REQUIRE(S_ISCHR(st.st_mode));

  REQUIRE(symlink("target.json", folder.file("link.json").c_str()) == 0);
  REQUIRE(nmsim::output_target(folder.file("link.json")) == folder.file("target.json"));
  nmsim::write_output_file(folder.file("link.json"), "through the link");
  REQUIRE(lstat(folder.file("link.json").c_str(), &st) == 0);
  REQUIRE(S_ISLNK(st.st_mode));
  REQUIRE(slurp(folder.file("target.json")) == "through the link");

  REQUIRE(mkdir(folder.file("sub").c_str(), 0755) == 0);
  try {
    OutputFile onto_folder(folder.file("sub"));
    FAIL("a directory was accepted as an output");
  } catch (const nmsim::DataError& e) {
    REQUIRE(std::string(e.what()) == "cannot write '" + folder.file("sub") + "': Is a directory");
  }
}

TEST_CASE("output file: commit_together commits none when one write failed", "[output]") {
  const Folder folder;
  OutputFile a(folder.file("a")), b("/dev/full");  // every write to /dev/full fails: no space
  a.write("a");
  b.write(std::string(1 << 16, 'x'));
  REQUIRE_THROWS_AS(nmsim::commit_together({&a, &b}), nmsim::DataError);
  REQUIRE_FALSE(exists(folder.file("a")));
}

TEST_CASE("output file: a rename failing midway removes the outputs already in place", "[output]") {
  const Folder folder;
  std::ofstream(folder.file("b")) << "old b";
  {
    OutputFile a(folder.file("a")), b(folder.file("b")), c(folder.file("c"));
    a.write("a");
    b.write("b");
    c.write("c");
    // During the run, c's path became a folder with something in it: its rename must fail.
    REQUIRE(mkdir(folder.file("c").c_str(), 0755) == 0);
    std::ofstream(folder.file("c/keep")) << "keep";
    try {
      nmsim::commit_together({&a, &b, &c});
      FAIL("a rename over a folder succeeded");
    } catch (const nmsim::DataError& e) {
      const std::string message = e.what();
      CHECK(message.find("cannot write '" + folder.file("c") + "'") == 0);
      CHECK(message.find("removed the outputs already in place: " + folder.file("a") + ", " + folder.file("b")) !=
            std::string::npos);
    }
  }
  CHECK_FALSE(exists(folder.file("a")));
  CHECK_FALSE(exists(folder.file("b")));  // it held this failed run's output: gone, not left finished
  CHECK(slurp(folder.file("c/keep")) == "keep");
  // No temporary is left once the outputs are gone: only the folder c remains.
  CHECK(std::system(("test \"$(ls -A '" + folder.file("") + "')\" = c").c_str()) == 0);
}

TEST_CASE("live temporaries: what a signal handler removes is every open output's temporary", "[output]") {
  const Folder folder;
  OutputFile file(folder.file("r.json"));
  file.write("partial");
  const std::string temporary = file.temporary();
  REQUIRE(exists(temporary));
  nmsim::remove_live_temporaries();
  REQUIRE_FALSE(exists(temporary));
  const int slot = nmsim::remember_temporary(folder.file("listed"));
  std::ofstream(folder.file("listed")) << "x";
  nmsim::forget_temporary(slot);
  nmsim::remove_live_temporaries();
  REQUIRE(exists(folder.file("listed")));  // forgotten: not removed
}

TEST_CASE("input file: a directory, a missing file, a readable one", "[output]") {
  const Folder folder;
  std::string content, reason;
  REQUIRE_FALSE(nmsim::read_input_file("/tmp", content, reason));
  REQUIRE(reason == "Is a directory");
  REQUIRE_FALSE(nmsim::read_input_file(folder.file("none"), content, reason));
  REQUIRE(reason == "No such file or directory");
  std::ofstream(folder.file("x")) << "bytes";
  REQUIRE(nmsim::read_input_file(folder.file("x"), content, reason));
  REQUIRE(content == "bytes");
}
