// Data set loaders on the real files and on damaged copies written to a temp folder.
#include <catch2/catch.hpp>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "models/base/errors.h"
#include "workloads/common/dataset.h"

namespace fs = std::filesystem;
using namespace nmsim::workloads;

namespace {

const std::string kFashionDir = "/usr/share/datasets/fashion-mnist";

std::string mnist_dir() { return default_data_dir(nmsim::DATASET_MNIST, NMSIM_SOURCE_DIR); }
std::string mnist_full_dir() { return default_data_dir(nmsim::DATASET_MNIST_FULL, NMSIM_SOURCE_DIR); }

// A fresh temp folder holding symlinks to every file of `source` except those in `skip`.
fs::path scratch_copy(const std::string& source, const std::vector<std::string>& skip) {
  std::string pattern = (fs::temp_directory_path() / "nmsim_wl_XXXXXX").string();
  REQUIRE(mkdtemp(pattern.data()) != nullptr);
  const fs::path dir(pattern);
  for (const auto& entry : fs::directory_iterator(source)) {
    const std::string name = entry.path().filename().string();
    if (std::find(skip.begin(), skip.end(), name) == skip.end())
      fs::create_symlink(fs::absolute(entry.path()), dir / name);
  }
  return dir;
}

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

void write_gz(const fs::path& path, const std::string& bytes) {
  gzFile f = gzopen(path.c_str(), "wb");
  REQUIRE(f != nullptr);
  REQUIRE(gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size())) ==
          static_cast<int>(bytes.size()));
  REQUIRE(gzclose(f) == Z_OK);
}

std::string gunzip_file(const fs::path& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  REQUIRE(f != nullptr);
  std::string out;
  std::array<char, 1 << 16> buf;
  int n;
  while ((n = gzread(f, buf.data(), buf.size())) > 0) out.append(buf.data(), n);
  gzclose(f);
  return out;
}

// Loads MNIST from `dir`, expecting a DataError whose message names `file` and `reason`.
template <typename Load>
void require_data_error(Load load, const std::string& file, const std::string& reason) {
  try {
    load();
    FAIL("no DataError");
  } catch (const nmsim::DataError& e) {
    const std::string what = e.what();
    INFO(what);
    REQUIRE(what.find(file) != std::string::npos);
    REQUIRE(what.find(reason) != std::string::npos);
  }
}

// A damaged copy of MNIST: `file` replaced by `edit(original text)`.
template <typename Edit>
fs::path damaged_mnist(const std::string& file, Edit edit) {
  const fs::path dir = scratch_copy(mnist_dir(), {file});
  write(dir / file, edit(slurp(fs::path(mnist_dir()) / file)));
  return dir;
}

}  // namespace

TEST_CASE("MNIST loads with the g % 5 == 4 split", "[dataset][mnist]") {
  const DatasetSplit d = load_mnist(mnist_dir());
  REQUIRE(d.train.count == 8000);
  REQUIRE(d.test.count == 2000);
  REQUIRE(d.train.pixels.size() == 8000u * 784);
  REQUIRE(d.test.pixels.size() == 2000u * 784);
  REQUIRE(d.train.labels.size() == 8000);
  // Files 0..9 hold 1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978 digits
  // (file bytes / 784 values). Digit d spans global indices [S_d, S_d + n_d) with
  // S = 0, 1001, 2128, 3119, 4151, 5131, 5994, 7008, 8078, 9022; the test split takes the
  // g % 5 == 4 in each span: e.g. file 0: g = 4, 9, ..., 999 -> 200; file 1: 1004..2124
  // -> 225; file 5: 5134..5989 -> 172.
  const std::array<uint32_t, 10> test_hist = {200, 225, 198, 207, 196, 172, 203, 214, 189, 196};
  const std::array<uint32_t, 10> file_digits = {1001, 1127, 991, 1032, 980,
                                                863,  1014, 1070, 944,  978};
  std::array<uint32_t, 10> test{}, train{};
  for (uint8_t l : d.test.labels) ++test[l];
  for (uint8_t l : d.train.labels) ++train[l];
  for (int c = 0; c < 10; ++c) {
    REQUIRE(test[c] == test_hist[c]);
    REQUIRE(train[c] + test[c] == file_digits[c]);
  }
  // Labels follow file order: train starts with 0s, ends with 9s.
  REQUIRE(d.train.labels.front() == 0);
  REQUIRE(d.train.labels.back() == 9);
  // 0.json digit 0 (train sample 0) has its first nonzero values 0.2, 0.624, 0.992, 0.624,
  // 0.196 at pixels 127..131: round(v * 255) = 51, 159, 253, 159, 50.
  const uint8_t* s = d.train.sample(0);
  REQUIRE(s[126] == 0);
  REQUIRE(s[127] == 51);
  REQUIRE(s[128] == 159);
  REQUIRE(s[129] == 253);
  REQUIRE(s[130] == 159);
  REQUIRE(s[131] == 50);
  // Test sample 0 is global digit 4 (0.json digit 4): first nonzero pixels 153..155 are
  // 46, 105, 254.
  REQUIRE(d.test.sample(0)[152] == 0);
  REQUIRE(d.test.sample(0)[153] == 46);
  REQUIRE(d.test.sample(0)[154] == 105);
  REQUIRE(d.test.sample(0)[155] == 254);
  // FNV-1a 64 of 0.json..9.json concatenated (computed independently with Python).
  REQUIRE(d.train.content_hash == "d73596a9b9ae7c04");
  REQUIRE(d.test.content_hash == d.train.content_hash);
  REQUIRE(load_dataset(nmsim::DATASET_MNIST, mnist_dir()).test.labels == d.test.labels);
}

// Pixel k written as k/255 rounded to 3 decimals is k again (|error| <= 0.0005 * 255 < 0.5),
// whichever way the decimal is spelled: the npm spelling ("0", "0.2", "1"), fixed 3 decimals
// ("0.200", "1.000"), a trailing zero ("0.2000") or an exponent ("2.000e-01"). The loader's
// table of thousandths and its general parse must agree on all of them.
TEST_CASE("MNIST values in any spelling give the same pixels", "[dataset][mnist]") {
  std::string pattern = (fs::temp_directory_path() / "nmsim_wl_XXXXXX").string();
  REQUIRE(mkdtemp(pattern.data()) != nullptr);
  const fs::path dir(pattern);
  const auto spell = [](uint32_t k, uint32_t style) {
    char fixed[32];
    std::snprintf(fixed, sizeof fixed, "%.3f", k / 255.0);
    std::string t = fixed;
    switch (style % 4) {
      case 0:  // the npm spelling: no trailing zeros, no lone point
        while (t.back() == '0') t.pop_back();
        if (t.back() == '.') t.pop_back();
        return t;
      case 1: return t;
      case 2: return t + "0";
      default: {
        char e[32];
        std::snprintf(e, sizeof e, "%.3e", std::strtod(fixed, nullptr));
        return std::string(e);
      }
    }
  };
  for (uint32_t digit = 0; digit < 10; ++digit) {
    std::string text = "{ \"data\": [";
    for (uint32_t i = 0; i < nmsim::workloads::kImagePixels; ++i) text += (i ? "," : "") + spell(i % 256, digit + i);
    write(dir / (std::to_string(digit) + ".json"), text + "]}");
  }
  const DatasetSplit split = load_mnist(dir.string());
  REQUIRE(split.train.count == 8);
  REQUIRE(split.test.count == 2);
  for (const Dataset* d : {&split.train, &split.test}) {
    for (size_t i = 0; i < d->pixels.size(); ++i) {
      INFO("pixel " << i);
      REQUIRE(d->pixels[i] == (i % nmsim::workloads::kImagePixels) % 256);
    }
  }
  fs::remove_all(dir);
}

TEST_CASE("MNIST missing file", "[dataset][mnist]") {
  const fs::path dir = scratch_copy(mnist_dir(), {"7.json"});
  require_data_error([&] { load_mnist(dir.string()); }, "7.json", "cannot read: No such file or directory");
  fs::remove_all(dir);
}

TEST_CASE("MNIST truncated file", "[dataset][mnist]") {
  // Cut in the middle of the array: no closing bracket.
  fs::path dir = damaged_mnist("3.json", [](std::string t) { return t.substr(0, t.size() / 2); });
  require_data_error([&] { load_mnist(dir.string()); }, "3.json", "truncated");
  fs::remove_all(dir);
  // One value fewer, still well-formed JSON: not a whole number of digits.
  dir = damaged_mnist("4.json", [](std::string t) {
    const size_t last = t.rfind(',');
    return t.substr(0, last) + "]}";
  });
  require_data_error([&] { load_mnist(dir.string()); }, "4.json", "not a whole number");
  fs::remove_all(dir);
}

TEST_CASE("MNIST non-numeric token", "[dataset][mnist]") {
  const fs::path dir = damaged_mnist("5.json", [](std::string t) {
    const size_t at = t.find("0,0,");
    return t.substr(0, at) + "abc" + t.substr(at + 1);
  });
  require_data_error([&] { load_mnist(dir.string()); }, "5.json", "not a number: 'abc'");
  fs::remove_all(dir);
}

TEST_CASE("MNIST value out of range", "[dataset][mnist]") {
  const fs::path dir = damaged_mnist("2.json", [](std::string t) {
    const size_t at = t.find("0,0,");
    return t.substr(0, at) + "1.5," + t.substr(at + 2);
  });
  require_data_error([&] { load_mnist(dir.string()); }, "2.json", "outside 0..1");
  fs::remove_all(dir);
  const fs::path neg = damaged_mnist("9.json", [](std::string t) {
    const size_t at = t.find("0,0,");
    return t.substr(0, at) + "-0.01," + t.substr(at + 2);
  });
  require_data_error([&] { load_mnist(neg.string()); }, "9.json", "outside 0..1");
  fs::remove_all(neg);
}

TEST_CASE("Fashion-MNIST loads 60,000 / 10,000", "[dataset][fashion]") {
  const DatasetSplit d = load_dataset(nmsim::DATASET_FASHION_MNIST,
                                      default_data_dir(nmsim::DATASET_FASHION_MNIST, ""));
  REQUIRE(d.train.count == 60000);
  REQUIRE(d.test.count == 10000);
  REQUIRE(d.train.pixels.size() == 60000u * 784);
  REQUIRE(d.test.labels.size() == 10000);
  // First labels, read from the IDX label files (offset 8 on).
  const std::vector<uint8_t> train_first = {9, 0, 0, 3, 0, 2, 7, 2, 5, 5};
  const std::vector<uint8_t> test_first = {9, 2, 1, 1, 6, 1, 4, 6, 5, 7};
  REQUIRE(std::vector<uint8_t>(d.train.labels.begin(), d.train.labels.begin() + 10) == train_first);
  REQUIRE(std::vector<uint8_t>(d.test.labels.begin(), d.test.labels.begin() + 10) == test_first);
  // Pixels 350..352 of the first training image (IDX offset 16 + 350).
  REQUIRE(d.train.sample(0)[350] == 222);
  REQUIRE(d.train.sample(0)[351] == 220);
  REQUIRE(d.test.sample(0)[350] == 115);
  // Each class has 6,000 / 1,000 samples in Fashion-MNIST.
  std::array<uint32_t, 10> hist{};
  for (uint8_t l : d.test.labels) ++hist[l];
  for (uint32_t h : hist) REQUIRE(h == 1000);
  REQUIRE(d.train.content_hash.size() == 16);
}

TEST_CASE("Fashion-MNIST truncated gz", "[dataset][fashion]") {
  const std::string file = "t10k-images-idx3-ubyte.gz";
  const fs::path dir = scratch_copy(kFashionDir, {file});
  const std::string raw = slurp(fs::path(kFashionDir) / file);
  write(dir / file, raw.substr(0, raw.size() / 3));
  require_data_error([&] { load_fashion_mnist(dir.string()); }, file, "truncated");
  fs::remove_all(dir);
}

TEST_CASE("Fashion-MNIST bad magic, count mismatch, missing file", "[dataset][fashion]") {
  const std::string file = "t10k-labels-idx1-ubyte.gz";
  const std::string labels = gunzip_file(fs::path(kFashionDir) / file);
  fs::path dir = scratch_copy(kFashionDir, {file});
  std::string bad = labels;
  bad[3] = 0x03;  // 0x00000803 is the images magic
  write_gz(dir / file, bad);
  require_data_error([&] { load_fashion_mnist(dir.string()); }, file, "bad magic 0x00000803");
  // Header says 9,999 labels for 10,000 images.
  bad = labels;
  bad[6] = static_cast<char>(0x27);
  bad[7] = static_cast<char>(0x0F);
  bad.pop_back();
  write_gz(dir / file, bad);
  require_data_error([&] { load_fashion_mnist(dir.string()); }, file, "count mismatch");
  // The right header but one label short.
  bad = labels.substr(0, labels.size() - 1);
  write_gz(dir / file, bad);
  require_data_error([&] { load_fashion_mnist(dir.string()); }, file, "truncated");
  fs::remove(dir / file);
  require_data_error([&] { load_fashion_mnist(dir.string()); }, file, "cannot read: No such file or directory");
  fs::remove_all(dir);
}

TEST_CASE("the full MNIST loads 60,000 / 10,000", "[dataset][mnist_full]") {
  const DatasetSplit d = load_dataset(nmsim::DATASET_MNIST_FULL, mnist_full_dir());
  REQUIRE(d.train.count == 60000);
  REQUIRE(d.test.count == 10000);
  REQUIRE(d.train.pixels.size() == 60000u * 784);
  REQUIRE(d.test.pixels.size() == 10000u * 784);
  REQUIRE(d.train.name == "mnist-full/train");
  // The well-known first labels of the standard split (5 0 4 1 9 ..., 7 2 1 0 4 ...) and its
  // published class counts.
  const std::vector<uint8_t> train_first = {5, 0, 4, 1, 9, 2, 1, 3, 1, 4};
  const std::vector<uint8_t> test_first = {7, 2, 1, 0, 4, 1, 4, 9, 5, 9};
  REQUIRE(std::vector<uint8_t>(d.train.labels.begin(), d.train.labels.begin() + 10) == train_first);
  REQUIRE(std::vector<uint8_t>(d.test.labels.begin(), d.test.labels.begin() + 10) == test_first);
  const std::array<uint32_t, 10> train_hist = {5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949};
  const std::array<uint32_t, 10> test_hist = {980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009};
  std::array<uint32_t, 10> train{}, test{};
  for (uint8_t l : d.train.labels) ++train[l];
  for (uint8_t l : d.test.labels) ++test[l];
  REQUIRE(train == train_hist);
  REQUIRE(test == test_hist);
  // The first training digit's first non-zero pixels (IDX offset 16 + 152..156).
  REQUIRE(d.train.sample(0)[151] == 0);
  REQUIRE(d.train.sample(0)[152] == 3);
  REQUIRE(d.train.sample(0)[156] == 126);
  REQUIRE(d.test.sample(0)[202] == 84);
  // FNV-1a 64 of the four files in the order train images, train labels, test images, test
  // labels (computed independently with a separate C program).
  REQUIRE(d.train.content_hash == "ffe24262ae20e9ba");
  REQUIRE(d.test.content_hash == d.train.content_hash);
}

namespace {

// A copy of the full MNIST whose test `file` is `edit(original bytes)`; the training files
// are symlinked.
template <typename Edit>
fs::path damaged_mnist_full(const std::string& file, Edit edit) {
  const fs::path dir = scratch_copy(mnist_full_dir(), {file});
  write(dir / file, edit(slurp(fs::path(mnist_full_dir()) / file)));
  return dir;
}

void put_be32(std::string& bytes, size_t at, uint32_t v) {
  for (int k = 0; k < 4; ++k) bytes[at + k] = static_cast<char>(v >> (24 - 8 * k));
}

}  // namespace

TEST_CASE("the full MNIST: damaged IDX files", "[dataset][mnist_full]") {
  const std::string images = "t10k-images-idx3-ubyte";
  const std::string labels = "t10k-labels-idx1-ubyte";
  const auto check = [](const std::string& file, auto edit, const std::string& reason) {
    const fs::path dir = damaged_mnist_full(file, edit);
    require_data_error([&] { load_mnist_full(dir.string()); }, file, reason);
    fs::remove_all(dir);
  };
  SECTION("bad magic") {
    check(images, [](std::string b) { put_be32(b, 0, 0x801); return b; },
          "header field magic (bytes 0-3): bad magic 0x00000801, expected 0x00000803");
    check(labels, [](std::string b) { put_be32(b, 0, 0x803); return b; },
          "header field magic (bytes 0-3): bad magic 0x00000803, expected 0x00000801");
  }
  SECTION("truncated") {
    check(images, [](std::string b) { return b.substr(0, b.size() - 784 * 3 - 5); },
          "size 7837659 bytes holds 9996 images, header says 10000 (7840016 bytes; truncated)");
    check(images, [](std::string b) { return b.substr(0, 10); },
          "10 bytes, shorter than the 16-byte IDX header (truncated)");
    check(labels, [](std::string b) { return b.substr(0, b.size() - 1); },
          "holds 9999 labels, header says 10000 (truncated)");
    check(images, [](std::string b) { return b + "x"; }, "trailing bytes after 10000 images");
  }
  SECTION("wrong counts") {
    // The standard split, checked for itself: 9,999 images (and their bytes) is not MNIST.
    check(images, [](std::string b) { put_be32(b, 4, 9999); return b.substr(0, b.size() - 784); },
          "header field count (bytes 4-7) is 9999, expected 10000 images");
    check(labels, [](std::string b) { put_be32(b, 4, 9999); return b.substr(0, b.size() - 1); },
          "header field count (bytes 4-7): count mismatch: 9999 labels for 10000 images");
  }
  SECTION("wrong dimensions") {
    check(images, [](std::string b) { put_be32(b, 8, 27); return b; },
          "header fields rows, columns (bytes 8-15): images are 27x28, expected 28x28");
  }
  SECTION("a label out of range, a missing file") {
    check(labels, [](std::string b) { b[8 + 17] = 10; return b; }, "label 17 is 10, expected 0..9");
    const fs::path dir = scratch_copy(mnist_full_dir(), {labels});
    require_data_error([&] { load_mnist_full(dir.string()); }, labels, "cannot read: No such file or directory");
    fs::remove_all(dir);
  }
}

TEST_CASE("data set kind must be given", "[dataset]") {
  REQUIRE_THROWS_AS(load_dataset(nmsim::DATASET_UNSPECIFIED, "."), nmsim::ConfigError);
  REQUIRE_THROWS_AS(default_data_dir(nmsim::DATASET_UNSPECIFIED, "."), nmsim::ConfigError);
}
