// A small JSON parser for the tests (RFC 8259: objects, arrays, strings with escapes,
// numbers, true, false, null), written apart from the code under test so a trace is read the
// way a viewer would: any syntax error fails the parse, naming the offset.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace nmsim::testing {

struct JsonValue {
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject };
  Type type = Type::kNull;
  bool boolean = false;
  double number = 0;
  std::string text;  // a string's value; a number's digits
  std::vector<JsonValue> items;
  std::map<std::string, JsonValue> members;

  bool has(const std::string& key) const { return type == Type::kObject && members.count(key) > 0; }
  const JsonValue& operator[](const std::string& key) const {
    const auto found = members.find(key);
    if (type != Type::kObject || found == members.end()) throw std::runtime_error("json: no member " + key);
    return found->second;
  }
  // A number that must be a non-negative integer, read exactly from its digits.
  uint64_t as_uint() const {
    if (type != Type::kNumber || text.find_first_not_of("0123456789") != std::string::npos) {
      throw std::runtime_error("json: not an unsigned integer: " + text);
    }
    return std::strtoull(text.c_str(), nullptr, 10);
  }
  const std::string& as_string() const {
    if (type != Type::kString) throw std::runtime_error("json: not a string");
    return text;
  }
};

class JsonParser {
 public:
  static JsonValue parse(const std::string& text) {
    JsonParser p(text);
    JsonValue v = p.value();
    p.space();
    if (p.m_at != text.size()) p.fail("text after the value");
    return v;
  }

 private:
  explicit JsonParser(const std::string& text) : m_text(text) {}

  [[noreturn]] void fail(const std::string& what) const {
    throw std::runtime_error("json: " + what + " at offset " + std::to_string(m_at));
  }
  void space() {
    while (m_at < m_text.size() && (m_text[m_at] == ' ' || m_text[m_at] == '\n' || m_text[m_at] == '\r' ||
                                    m_text[m_at] == '\t')) {
      ++m_at;
    }
  }
  char peek() const { return m_at < m_text.size() ? m_text[m_at] : '\0'; }
  void expect(char c) {
    if (peek() != c) fail(std::string("expected '") + c + "'");
    ++m_at;
  }
  void literal(const std::string& word) {
    if (m_text.compare(m_at, word.size(), word) != 0) fail("expected " + word);
    m_at += word.size();
  }

  JsonValue value() {
    space();
    JsonValue v;
    const char c = peek();
    if (c == '{') {
      v.type = JsonValue::Type::kObject;
      ++m_at;
      space();
      if (peek() == '}') {
        ++m_at;
        return v;
      }
      for (;;) {
        space();
        const std::string key = string();
        space();
        expect(':');
        if (!v.members.emplace(key, value()).second) fail("duplicate key " + key);
        space();
        if (peek() == ',') {
          ++m_at;
          continue;
        }
        expect('}');
        return v;
      }
    }
    if (c == '[') {
      v.type = JsonValue::Type::kArray;
      ++m_at;
      space();
      if (peek() == ']') {
        ++m_at;
        return v;
      }
      for (;;) {
        v.items.push_back(value());
        space();
        if (peek() == ',') {
          ++m_at;
          continue;
        }
        expect(']');
        return v;
      }
    }
    if (c == '"') {
      v.type = JsonValue::Type::kString;
      v.text = string();
      return v;
    }
    if (c == 't' || c == 'f') {
      v.type = JsonValue::Type::kBool;
      v.boolean = c == 't';
      literal(v.boolean ? "true" : "false");
      return v;
    }
    if (c == 'n') {
      literal("null");
      return v;
    }
    return number();
  }

  JsonValue number() {
    const std::size_t begin = m_at;
    if (peek() == '-') ++m_at;
    if (peek() == '0') {
      ++m_at;
    } else if (peek() >= '1' && peek() <= '9') {
      while (peek() >= '0' && peek() <= '9') ++m_at;
    } else {
      fail("expected a value");
    }
    if (peek() == '.') {
      ++m_at;
      if (!(peek() >= '0' && peek() <= '9')) fail("expected a digit");
      while (peek() >= '0' && peek() <= '9') ++m_at;
    }
    if (peek() == 'e' || peek() == 'E') {
      ++m_at;
      if (peek() == '+' || peek() == '-') ++m_at;
      if (!(peek() >= '0' && peek() <= '9')) fail("expected a digit");
      while (peek() >= '0' && peek() <= '9') ++m_at;
    }
    JsonValue v;
    v.type = JsonValue::Type::kNumber;
    v.text = m_text.substr(begin, m_at - begin);
    v.number = std::strtod(v.text.c_str(), nullptr);
    return v;
  }

  std::string string() {
    expect('"');
    std::string out;
    for (;;) {
      if (m_at >= m_text.size()) fail("unterminated string");
      const char c = m_text[m_at++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) fail("control character in a string");
      if (c != '\\') {
        out += c;
        continue;
      }
      const char e = peek();
      ++m_at;
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          if (m_at + 4 > m_text.size()) fail("short \\u escape");
          const unsigned code = static_cast<unsigned>(std::stoul(m_text.substr(m_at, 4), nullptr, 16));
          m_at += 4;
          if (code >= 0x80) fail("\\u escape beyond ASCII (not needed by these tests)");
          out += static_cast<char>(code);
          break;
        }
        default: fail("bad escape");
      }
    }
  }

  const std::string& m_text;
  std::size_t m_at = 0;
};

}  // namespace nmsim::testing
