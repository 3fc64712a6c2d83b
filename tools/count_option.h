// Whole-number command-line options (cycles, samples, jobs, tasks). Boost's own parser reads
// "-5" into an unsigned type as a huge number (the conversion wraps), so such options take a
// Count<T>: digits only, within T, anything else an error naming the option and the range.
#pragma once

#include <charconv>
#include <limits>
#include <ostream>
#include <string>
#include <vector>

#include <boost/any.hpp>
#include <boost/program_options.hpp>

namespace nmsim::tools {

template <typename T>
struct Count {
  T value{};
};

template <typename T>
std::ostream& operator<<(std::ostream& out, const Count<T>& count) {
  return out << count.value;  // the default shown by --help
}

// Boost's hook for parsing one option value into a Count<T> (found by argument-dependent lookup).
template <typename T>
void validate(boost::any& result, const std::vector<std::string>& values, Count<T>*, int) {
  namespace po = boost::program_options;
  po::validators::check_first_occurrence(result);
  const std::string& text = po::validators::get_single_string(values);
  T value{};
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  if (text.empty() || text[0] == '-' || text[0] == '+' || error != std::errc() || stop != end) {
    throw po::error_with_option_name("the argument ('" + text + "') for option '%canonical_option%' must be a " +
                                     "whole number from 0 to " + std::to_string(std::numeric_limits<T>::max()));
  }
  result = Count<T>{value};
}

}  // namespace nmsim::tools
