// A small VCD reader for the tests, written apart from models/trace/tracer.cpp so a trace is
// checked by a second reading of the format (IEEE 1364 VCD plus GTKWave's string values, as
// fst2vcd prints them too): the header's timescale, comment and variables by dotted name, and
// each variable's value changes.
#pragma once

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace nmsim::testing {

class VcdReader {
 public:
  struct Var {
    std::string type;  // wire, integer, string, ...
    uint32_t width = 0;
    std::string code;
  };

  explicit VcdReader(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::vector<std::string> scopes;
    std::string token;
    uint64_t time = 0;
    while (in >> token) {
      if (token == "$scope") {
        std::string kind, name;
        in >> kind >> name;
        scopes.push_back(name);
        skip_to_end(in);
      } else if (token == "$upscope") {
        scopes.pop_back();
        skip_to_end(in);
      } else if (token == "$var") {
        Var var;
        std::string name;
        in >> var.type >> var.width >> var.code >> name;
        skip_to_end(in);
        std::string full;
        for (const std::string& s : scopes) full += s + ".";
        m_vars[full + name] = var;
      } else if (token == "$timescale") {
        for (const char c : words_to_end(in)) {
          if (c != ' ') m_timescale.push_back(c);  // "100 ps" and fst2vcd's "100ps" alike
        }
      } else if (token == "$comment") {
        m_comment = words_to_end(in);
      } else if (token == "$dumpvars" || token == "$end" || token == "$enddefinitions") {
        if (token == "$enddefinitions") skip_to_end(in);
      } else if (token[0] == '$') {
        skip_to_end(in);  // $version, $date, $dumpon, ...
      } else if (token[0] == '#') {
        const uint64_t next = std::stoull(token.substr(1));
        if (next < time) throw std::runtime_error("time goes back at " + token);
        time = next;
        m_end_time = time;
      } else if (token[0] == 'b' || token[0] == 'B' || token[0] == 's' || token[0] == 'r') {
        std::string code;
        in >> code;
        m_changes[code].push_back({time, token.substr(1)});
      } else {
        m_changes[token.substr(1)].push_back({time, token.substr(0, 1)});  // a scalar: 0!, 1!
      }
    }
  }

  const std::string& timescale() const { return m_timescale; }  // without spaces: "100ps"
  const std::string& comment() const { return m_comment; }
  uint64_t end_time() const { return m_end_time; }
  bool has(const std::string& name) const { return m_vars.count(name) > 0; }
  const Var& var(const std::string& name) const {
    const auto found = m_vars.find(name);
    if (found == m_vars.end()) throw std::runtime_error("no variable " + name);
    return found->second;
  }
  std::vector<std::string> names() const {
    std::vector<std::string> all;
    for (const auto& [name, var] : m_vars) all.push_back(name);
    return all;
  }
  // The value text at `time` (the last change at or before it; binary digits or a string).
  std::string text_at(const std::string& name, uint64_t time) const {
    const auto found = m_changes.find(var(name).code);
    if (found == m_changes.end()) return "x";
    const std::vector<Change>& changes = found->second;
    const auto after = std::upper_bound(changes.begin(), changes.end(), time,
                                        [](uint64_t t, const Change& c) { return t < c.time; });
    return after == changes.begin() ? "x" : std::prev(after)->text;
  }
  // A binary or scalar value as a number.
  uint64_t value_at(const std::string& name, uint64_t time) const {
    const std::string text = text_at(name, time);
    uint64_t value = 0;
    for (const char c : text) {
      if (c != '0' && c != '1') throw std::runtime_error(name + ": not a number: " + text);
      value = value * 2 + static_cast<uint64_t>(c - '0');
    }
    return value;
  }
  // How many times the value changed in (from, to].
  std::size_t changes_between(const std::string& name, uint64_t from, uint64_t to) const {
    std::size_t count = 0;
    const auto found = m_changes.find(var(name).code);
    if (found == m_changes.end()) return 0;
    for (const auto& [at, text] : found->second) count += at > from && at <= to;
    return count;
  }

 private:
  struct Change {
    uint64_t time;
    std::string text;
  };
  static void skip_to_end(std::istream& in) {
    std::string word;
    while (in >> word && word != "$end") {
    }
  }
  static std::string words_to_end(std::istream& in) {
    std::string word, text;
    while (in >> word && word != "$end") text += (text.empty() ? "" : " ") + word;
    return text;
  }

  std::map<std::string, Var> m_vars;
  std::map<std::string, std::vector<Change>> m_changes;
  std::string m_timescale;
  std::string m_comment;
  uint64_t m_end_time = 0;
};

}  // namespace nmsim::testing
