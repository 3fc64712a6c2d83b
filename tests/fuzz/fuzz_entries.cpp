#include "tests/fuzz/fuzz_entries.h"

#include <stdlib.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "models/base/errors.h"
#include "platform/config/loader.h"
#include "platform/config/memory_estimate.h"
#include "platform/config/override.h"
#include "platform/config/unused_fields.h"
#include "platform/config/validate.h"
#include "platform/energy/energy_model.h"
#include "workloads/common/dataset.h"
#include "workloads/common/weights.h"

namespace nmsim::fuzz {

namespace {

// A folder of its own for the files the loaders read, removed when the process ends.
class Scratch {
 public:
  Scratch() {
    const char* tmp = getenv("TMPDIR");
    std::string pattern = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/nmsim-fuzz-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("cannot create " + pattern);
    m_dir = pattern;
  }
  ~Scratch() {
    std::error_code ignored;
    std::filesystem::remove_all(m_dir, ignored);
  }
  const std::string& dir() const { return m_dir; }
  std::string write(const std::string& name, const std::string& bytes) const {
    const std::string path = m_dir + "/" + name;
    std::ofstream(path, std::ios::binary | std::ios::trunc).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return path;
  }

 private:
  std::string m_dir;
};

const Scratch& scratch() {
  static const Scratch s;
  return s;
}

std::string gzip(const std::string& raw) {
  z_stream zs{};
  if (deflateInit2(&zs, Z_BEST_SPEED, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::runtime_error("zlib");
  std::string out(deflateBound(&zs, raw.size()), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(raw.data()));
  zs.avail_in = static_cast<uInt>(raw.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int ret = deflate(&zs, Z_FINISH);
  out.resize(out.size() - zs.avail_out);
  deflateEnd(&zs);
  if (ret != Z_STREAM_END) throw std::runtime_error("zlib");
  return out;
}

std::string be32(uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}

// Valid files with one sample: the parts of a data set the input does not replace.
std::string one_digit_json() {
  std::string text = "{\"data\":[0";
  for (uint32_t i = 1; i < workloads::kImagePixels; ++i) text += ",0.5";
  return text + "]}";
}
std::string one_image_idx() { return be32(0x803) + be32(1) + be32(28) + be32(28) + std::string(784, '\x7f'); }
std::string one_label_idx() { return be32(0x801) + be32(1) + std::string(1, '\x03'); }

// The files of a data set the input never replaces, written once per process.
bool write_constant_parts(const Scratch& s) {
  const std::string digit = one_digit_json();
  for (int d = 1; d < 10; ++d) s.write(std::to_string(d) + ".json", digit);
  s.write("t10k-images-idx3-ubyte.gz", gzip(one_image_idx()));
  s.write("t10k-labels-idx1-ubyte.gz", gzip(one_label_idx()));
  return true;
}

// Splits at lines holding only "%%".
std::vector<std::string> parts_of(const std::string& text) {
  std::vector<std::string> parts(1);
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line == "%%") {
      parts.emplace_back();
    } else {
      parts.back() += line + "\n";
    }
  }
  return parts;
}

template <typename Config>
void merge_user_text(Config& config, const std::vector<std::string>& parts, size_t index, const char* origin) {
  if (index >= parts.size()) return;
  Config user;
  config::parse_text(parts[index], origin, user);
  config::merge_over(config, user);
}

}  // namespace

void config_input(const uint8_t* data, size_t size) {
  try {
    const std::vector<std::string> parts = parts_of(std::string(reinterpret_cast<const char*>(data), size));
    // The presets parsed once: parsing them again for every input would halve the speed.
    static const ChipConfig default_chip = config::default_chip_config();
    static const RunConfig default_run = config::default_run_config();
    static const TrafficConfig default_traffic = config::default_traffic_config();
    static const EnergyTable default_energy = config::default_energy_table();
    ChipConfig chip = default_chip;
    RunConfig run = default_run;
    TrafficConfig traffic = default_traffic;
    EnergyTable energy = default_energy;
    merge_user_text(chip, parts, 0, "chip.textproto");
    merge_user_text(run, parts, 1, "run.textproto");
    merge_user_text(traffic, parts, 2, "traffic.textproto");
    if (parts.size() > 3) {
      std::istringstream overrides(parts[3]);
      for (std::string assignment; std::getline(overrides, assignment);)
        config::apply_override(chip, run, energy, traffic, assignment);
    }
    config::validate(chip);
    config::clock_mhz(chip);
    config::check_chip_memory(chip, uint64_t{1} << 30, "--max-memory");
    config::validate(run, chip);
    config::validate(traffic, chip);
    const energy::EnergyModel model(energy);
    std::ostringstream warnings;
    config::check_unused_fields(run, {run.workload()}, true, warnings);
  } catch (const Error&) {
  }
}

void dataset_input(const uint8_t* data, size_t size) {
  const std::string rest = size > 0 ? std::string(reinterpret_cast<const char*>(data) + 1, size - 1) : "";
  const char format = size > 0 ? static_cast<char>(data[0]) : '\0';
  const Scratch& s = scratch();
  [[maybe_unused]] static const bool written_once = write_constant_parts(s);
  try {
    if (format == 'i' || format == 'g') {
      std::string images = rest, labels = one_label_idx();
      if (format == 'i' && rest.size() >= 4) {
        const uint32_t length = (uint32_t{uint8_t(rest[0])} << 24) | (uint32_t{uint8_t(rest[1])} << 16) |
                                (uint32_t{uint8_t(rest[2])} << 8) | uint32_t{uint8_t(rest[3])};
        images = rest.substr(4, length);
        labels = length < rest.size() - 4 ? rest.substr(4 + length) : "";
      }
      s.write("train-images-idx3-ubyte.gz", format == 'g' ? images : gzip(images));
      s.write("train-labels-idx1-ubyte.gz", gzip(labels));
      workloads::load_fashion_mnist(s.dir());
    } else {
      s.write("0.json", format == 'j' ? rest : std::string(reinterpret_cast<const char*>(data), size));
      workloads::load_mnist(s.dir());
    }
  } catch (const Error&) {
  }
}

void weights_input(const uint8_t* data, size_t size) {
  if (size < 4) return;
  const uint32_t width = 1 + data[0] % 32;
  std::vector<uint32_t> layer_sizes{1u + data[2] % 8};
  for (int k = 0; k < data[1] % 4 + 1; ++k) layer_sizes.push_back(1u + data[3] % 8);
  const std::string path = scratch().write("weights.pb", std::string(reinterpret_cast<const char*>(data) + 4, size - 4));
  try {
    workloads::load_weights(path, layer_sizes, width);
  } catch (const Error&) {
  }
}

Entry entry_named(const std::string& name) {
  if (name == "config") return config_input;
  if (name == "dataset") return dataset_input;
  if (name == "weights") return weights_input;
  return nullptr;
}

std::vector<std::string> entry_names() { return {"config", "dataset", "weights"}; }

}  // namespace nmsim::fuzz
