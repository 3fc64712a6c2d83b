// FST (GTKWave's compressed waveform format) written by GTKWave's own writer: the tracer's VCD
// text is streamed into Debian's gtkwave `vcd2fst` (its fstapi library), running beside the
// simulation, so no FST encoder lives in nmsim and no VCD is stored on the way. fstapi is not
// packaged as a library of its own in Debian; its sources ship only inside GTKWave's and
// Verilator's trees.
#pragma once

#include <memory>
#include <ostream>
#include <string>

namespace nmsim::trace {

class Vcd2FstProcess {
 public:
  // Starts `vcd2fst - FST_PATH`. ConfigError when vcd2fst is not on the PATH.
  explicit Vcd2FstProcess(const std::string& fst_path);
  // Without finish(): ends the input and waits for the process (its file is the caller's to drop).
  ~Vcd2FstProcess();
  Vcd2FstProcess(const Vcd2FstProcess&) = delete;
  Vcd2FstProcess& operator=(const Vcd2FstProcess&) = delete;

  // Where the VCD text goes; bad once vcd2fst stopped reading.
  std::ostream& stream();
  // Ends the VCD and waits until the FST file is complete: DataError if vcd2fst failed.
  void finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

// The full path of `program` found on the PATH, empty if none.
std::string find_on_path(const std::string& program);

}  // namespace nmsim::trace
