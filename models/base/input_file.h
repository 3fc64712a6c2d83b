// Reading a whole input file (a config, a data set, weights): a directory is refused, not
// read as an empty file, and a failure says why in the OS's words.
#pragma once

#include <string>

namespace nmsim {

// The bytes of the file at `path` into `content`; false, with `reason` the OS's ("No such file
// or directory", "Permission denied", "Is a directory"), when it cannot be read.
bool read_input_file(const std::string& path, std::string& content, std::string& reason);

}  // namespace nmsim
