// One libFuzzer target: NMSIM_FUZZ_ENTRY names the entry of fuzz_entries.h it drives.
#include "tests/fuzz/fuzz_entries.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const nmsim::fuzz::Entry entry = nmsim::fuzz::entry_named(NMSIM_FUZZ_ENTRY);
  entry(data, size);
  return 0;
}
