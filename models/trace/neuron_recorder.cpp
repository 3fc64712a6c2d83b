#include "models/trace/neuron_recorder.h"

#include <algorithm>
#include <charconv>
#include <utility>

namespace nmsim::trace {

namespace {

constexpr std::size_t kFlushBytes = std::size_t{1} << 16;
constexpr std::size_t kMaxRowBytes = 96;  // six numbers of at most 20 digits, commas, newline

// One CSV output: rows formatted into a buffer of fixed capacity, written out when it fills.
class CsvRows {
 public:
  CsvRows(const std::string& path, const char* header) : m_file(path) {
    m_buffer.reserve(kFlushBytes + kMaxRowBytes);
    m_buffer = header;
  }

  void row(Cycle at, const StepPosition& position, uint32_t neuron, const int32_t* potential) {
    char line[kMaxRowBytes];
    char* out = line;
    char* const end = line + sizeof line;
    const auto field = [&](auto value, char separator) {
      out = std::to_chars(out, end - 1, value).ptr;  // room for the separator, whatever happens
      *out++ = separator;
    };
    field(at.value(), ',');
    field(position.sample, ',');
    field(position.step, ',');
    field(position.layer, ',');
    if (potential == nullptr) {
      field(neuron, '\n');
    } else {
      field(neuron, ',');
      field(*potential, '\n');
    }
    m_buffer.append(line, static_cast<std::size_t>(out - line));
    if (m_buffer.size() >= kFlushBytes) flush();
  }

  OutputFile finish() {
    flush();
    m_file.close();
    return std::move(m_file);
  }

 private:
  void flush() {
    m_file.stream().write(m_buffer.data(), static_cast<std::streamsize>(m_buffer.size()));
    m_buffer.clear();
  }

  OutputFile m_file;
  std::string m_buffer;
};

}  // namespace

struct NeuronRecorder::Impl {
  NeuronRecordOptions options;
  std::optional<CsvRows> spikes;
  std::optional<CsvRows> membrane;
  bool inside(Cycle at) const { return options.start <= at && at <= options.end; }
};

NeuronRecorder::NeuronRecorder(NeuronRecordOptions options) : m_impl(std::make_unique<Impl>()) {
  m_impl->options = std::move(options);
  if (!m_impl->options.spikes_path.empty()) {
    m_impl->spikes.emplace(m_impl->options.spikes_path, "cycle,sample,step,layer,neuron\n");
  }
  if (!m_impl->options.membrane_path.empty()) {
    m_impl->membrane.emplace(m_impl->options.membrane_path, "cycle,sample,step,layer,neuron,potential\n");
  }
}

NeuronRecorder::~NeuronRecorder() = default;

bool NeuronRecorder::records_spikes() const { return m_impl->spikes.has_value(); }

std::vector<uint32_t> NeuronRecorder::watched(uint32_t layer, uint32_t first_neuron, uint32_t count) const {
  std::vector<uint32_t> local;
  if (!m_impl->membrane || count == 0) return local;
  const uint32_t last_neuron = first_neuron + count - 1;
  for (const NeuronRange& range : m_impl->options.membrane_neurons) {
    if (range.layer != layer || range.last < first_neuron || range.first > last_neuron) continue;
    for (uint32_t n = std::max(range.first, first_neuron); n <= std::min(range.last, last_neuron); ++n) {
      local.push_back(n - first_neuron);
    }
  }
  std::sort(local.begin(), local.end());
  local.erase(std::unique(local.begin(), local.end()), local.end());
  return local;
}

void NeuronRecorder::spike(Cycle at, const StepPosition& position, uint32_t neuron) {
  if (m_impl->spikes && m_impl->inside(at)) m_impl->spikes->row(at, position, neuron, nullptr);
}

void NeuronRecorder::potential(Cycle at, const StepPosition& position, uint32_t neuron, int32_t value) {
  if (m_impl->membrane && m_impl->inside(at)) m_impl->membrane->row(at, position, neuron, &value);
}

std::vector<OutputFile> NeuronRecorder::finish() {
  std::vector<OutputFile> files;
  if (m_impl->spikes) files.push_back(m_impl->spikes->finish());
  if (m_impl->membrane) files.push_back(m_impl->membrane->finish());
  return files;
}

std::unique_ptr<NeuronRecorder> attach_neuron_recorder(const std::optional<NeuronRecordOptions>& options,
                                                       SimContext& ctx) {
  if (!options) return nullptr;
  auto recorder = std::make_unique<NeuronRecorder>(*options);
  ctx.neurons = recorder.get();
  return recorder;
}

}  // namespace nmsim::trace
