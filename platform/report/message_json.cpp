#include "platform/report/message_json.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/util/json_util.h>

#include "models/base/errors.h"
#include "platform/report/direct_json.h"

namespace nmsim::report {

namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

constexpr unsigned long long kLargestExactInteger = 1ULL << 53;

bool is_64_bit_integer(const FieldDescriptor* field) {
  if (field == nullptr) return false;
  const auto type = field->cpp_type();
  return type == FieldDescriptor::CPPTYPE_INT64 || type == FieldDescriptor::CPPTYPE_UINT64;
}

// "-123" or "123" (no sign other than '-', no leading zeros beyond "0") with |value| <= 2^53.
bool exact_as_double(const std::string& digits) {
  const std::size_t start = !digits.empty() && digits[0] == '-' ? 1 : 0;
  const std::size_t n = digits.size() - start;
  if (n == 0 || n > 16) return false;  // 2^53 has 16 digits
  if (n > 1 && digits[start] == '0') return false;
  unsigned long long value = 0;
  for (std::size_t i = start; i < digits.size(); ++i) {
    if (digits[i] < '0' || digits[i] > '9') return false;
    value = value * 10 + static_cast<unsigned long long>(digits[i] - '0');
  }
  return value <= kLargestExactInteger;
}

// Copies protobuf's JSON to m_out value by value, knowing each value's field.
class Rewriter {
 public:
  explicit Rewriter(const std::string& in) : m_in(in) {}

  std::string run(const Descriptor& type) {
    copy_space();
    object(&type, nullptr);
    copy_space();
    NMSIM_ASSERT(m_pos == m_in.size(), "JSON: text after the top-level object");
    return std::move(m_out);
  }

 private:
  char peek() const {
    NMSIM_ASSERT(m_pos < m_in.size(), "JSON: unexpected end of text");
    return m_in[m_pos];
  }
  void copy_space() {
    while (m_pos < m_in.size() && (m_in[m_pos] == ' ' || m_in[m_pos] == '\n' || m_in[m_pos] == '\r' ||
                                   m_in[m_pos] == '\t')) {
      m_out += m_in[m_pos++];
    }
  }
  void expect(char c) {
    NMSIM_ASSERT(peek() == c, std::string("JSON: expected '") + c + "'");
    m_out += m_in[m_pos++];
  }

  // A string token as written (quotes and escapes kept), not yet copied.
  std::string string_token() {
    NMSIM_ASSERT(peek() == '"', "JSON: expected a string");
    const std::size_t start = m_pos++;
    while (peek() != '"') m_pos += peek() == '\\' ? 2 : 1;
    ++m_pos;
    return m_in.substr(start, m_pos - start);
  }

  // An object of message `type` (a map's entries if `every_value` is set: every key's value
  // is that field). A null type (a field nmsim does not know): copied unchanged.
  void object(const Descriptor* type, const FieldDescriptor* every_value) {
    expect('{');
    copy_space();
    if (peek() == '}') {
      expect('}');
      return;
    }
    for (;;) {
      const std::string key = string_token();
      m_out += key;
      const FieldDescriptor* field = every_value;
      if (field == nullptr && type != nullptr) field = type->FindFieldByName(key.substr(1, key.size() - 2));
      copy_space();
      expect(':');
      copy_space();
      value(field, false);
      copy_space();
      if (peek() == '}') break;
      expect(',');
      copy_space();
    }
    expect('}');
  }

  // A value of `field` (one element of it if `element`).
  void value(const FieldDescriptor* field, bool element) {
    const char c = peek();
    if (c == '{') {
      const bool map = field != nullptr && field->is_map() && !element;
      const Descriptor* type =
          field != nullptr && field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE ? field->message_type() : nullptr;
      object(map ? nullptr : type, map ? type->map_value() : nullptr);
    } else if (c == '[') {
      expect('[');
      copy_space();
      if (peek() != ']') {
        for (;;) {
          value(field, true);
          copy_space();
          if (peek() == ']') break;
          expect(',');
          copy_space();
        }
      }
      expect(']');
    } else if (c == '"') {
      const std::string token = string_token();
      const std::string text = token.substr(1, token.size() - 2);
      m_out += is_64_bit_integer(field) && exact_as_double(text) ? text : token;
    } else {  // a number, true, false or null
      while (m_pos < m_in.size() && std::string(",}] \n\r\t").find(m_in[m_pos]) == std::string::npos) {
        m_out += m_in[m_pos++];
      }
    }
  }

  const std::string& m_in;
  std::size_t m_pos = 0;
  std::string m_out;
};

}  // namespace

std::string unquote_exact_integers(const std::string& json, const Descriptor& type) {
  return Rewriter(json).run(type);
}

std::string message_to_json(const google::protobuf::Message& message) {
  std::string direct;
  if (write_json_directly(message, direct)) return direct;  // the same bytes, much faster
  return message_to_json_by_protobuf(message);
}

std::string message_to_json_by_protobuf(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;  // reports show zeros
  options.preserve_proto_field_names = true;
  options.add_whitespace = true;
  std::string json;
  const auto status = google::protobuf::util::MessageToJsonString(message, &json, options);
  NMSIM_ASSERT(status.ok(), "message to JSON failed: " + status.ToString());
  return unquote_exact_integers(json, *message.GetDescriptor());
}

}  // namespace nmsim::report
