#include "platform/report/direct_json.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <vector>

#include <google/protobuf/descriptor.h>

#include "proto/report.pb.h"

namespace nmsim::report {

namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;
using nmsim::Stat;

constexpr unsigned long long kLargestExactInteger = 1ULL << 53;

class DirectWriter {
 public:
  explicit DirectWriter(std::string& out) : m_out(out) {}

  bool message(const Message& message, int depth) {
    const Descriptor& type = *message.GetDescriptor();
    if (&type == Stat::descriptor() && stat_layout_known()) {
      if (const auto* stat = dynamic_cast<const Stat*>(&message)) return this->stat(*stat, depth);
    }
    const Reflection& reflection = *message.GetReflection();
    m_out += '{';
    bool first = true;
    // protobuf's order: the fields outside any oneof in declaration order, then the set
    // members of oneofs (proto3 `optional` fields included) by field number.
    for (int i = 0; i < type.field_count(); ++i) {
      const FieldDescriptor& field = *type.field(i);
      if (!supported(field)) return false;
      if (field.containing_oneof() != nullptr) continue;
      if (field.cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && !field.is_repeated() &&
          !reflection.HasField(message, &field)) {
        continue;
      }
      if (!member(message, reflection, field, first, depth)) return false;
    }
    if (type.oneof_decl_count() > 0) {
      std::vector<const FieldDescriptor*> set;
      for (int i = 0; i < type.field_count(); ++i) {
        const FieldDescriptor* field = type.field(i);
        if (field->containing_oneof() != nullptr && reflection.HasField(message, field)) set.push_back(field);
      }
      std::sort(set.begin(), set.end(),
                [](const FieldDescriptor* a, const FieldDescriptor* b) { return a->number() < b->number(); });
      for (const FieldDescriptor* field : set) {
        if (!member(message, reflection, *field, first, depth)) return false;
      }
    }
    if (!first) new_line(depth);
    m_out += '}';
    return true;
  }

 private:
  // One field as `"name": value`, after a comma unless it is the first.
  bool member(const Message& message, const Reflection& reflection, const FieldDescriptor& field, bool& first,
              int depth) {
    key(field.name(), depth, first);  // proto field names are [A-Za-z0-9_]: nothing to escape
    first = false;
    if (!field.is_repeated()) return value(message, reflection, field, -1, depth + 1);
    const int size = reflection.FieldSize(message, &field);
    m_out += '[';
    for (int e = 0; e < size; ++e) {
      if (e > 0) m_out += ',';
      new_line(depth + 2);
      if (!value(message, reflection, field, e, depth + 2)) return false;
    }
    if (size > 0) new_line(depth + 1);
    m_out += ']';
    return true;
  }

  // A report's statistics are most of its JSON (640 of them at 8 x 8): they are written with
  // Stat's generated accessors instead of reflection, field for field as message() would,
  // while Stat's fields are the ones below (else message() writes them, so a field added to
  // Stat is never left out).
  static bool stat_layout_known() {
    static const bool known = [] {
      struct Expected {
        const char* name;
        FieldDescriptor::CppType type;
        bool repeated;
      };
      static const Expected kFields[] = {
          {"name", FieldDescriptor::CPPTYPE_STRING, false},   {"unit", FieldDescriptor::CPPTYPE_STRING, false},
          {"description", FieldDescriptor::CPPTYPE_STRING, false},
          {"value", FieldDescriptor::CPPTYPE_DOUBLE, false},  {"by_phase", FieldDescriptor::CPPTYPE_DOUBLE, true},
          {"energy_pj", FieldDescriptor::CPPTYPE_DOUBLE, false},
          {"energy_kind", FieldDescriptor::CPPTYPE_STRING, false},
          {"size_kb", FieldDescriptor::CPPTYPE_DOUBLE, false}, {"width_bits", FieldDescriptor::CPPTYPE_UINT32, false}};
      const Descriptor& type = *Stat::descriptor();
      if (type.field_count() != static_cast<int>(std::size(kFields)) || type.oneof_decl_count() != 0) return false;
      for (int i = 0; i < type.field_count(); ++i) {
        const FieldDescriptor& field = *type.field(i);
        if (field.name() != kFields[i].name || field.cpp_type() != kFields[i].type ||
            field.is_repeated() != kFields[i].repeated || field.type() == FieldDescriptor::TYPE_BYTES) {
          return false;
        }
      }
      return true;
    }();
    return known;
  }

  bool stat(const Stat& stat, int depth) {
    static const std::string kName = "name", kUnit = "unit", kDescription = "description", kValue = "value",
                             kByPhase = "by_phase", kEnergyPj = "energy_pj", kEnergyKind = "energy_kind",
                             kSizeKb = "size_kb", kWidthBits = "width_bits";
    m_out += '{';
    key(kName, depth, true);
    if (!string(stat.name())) return false;
    key(kUnit, depth, false);
    if (!string(stat.unit())) return false;
    key(kDescription, depth, false);
    if (!string(stat.description())) return false;
    key(kValue, depth, false);
    real(stat.value());
    key(kByPhase, depth, false);
    m_out += '[';
    for (int e = 0; e < stat.by_phase_size(); ++e) {
      if (e > 0) m_out += ',';
      new_line(depth + 2);
      real(stat.by_phase(e));
    }
    if (stat.by_phase_size() > 0) new_line(depth + 1);
    m_out += ']';
    key(kEnergyPj, depth, false);
    real(stat.energy_pj());
    key(kEnergyKind, depth, false);
    if (!string(stat.energy_kind())) return false;
    key(kSizeKb, depth, false);
    real(stat.size_kb());
    key(kWidthBits, depth, false);
    unsigned_integer(stat.width_bits());
    new_line(depth);
    m_out += '}';
    return true;
  }

  // A member's start in one append: `,` unless it is the first, the line break and indent of
  // a member of a message at `depth`, `"name": `.
  void key(const std::string& name, int depth, bool first) {
    char buffer[128];
    const std::size_t indent = static_cast<std::size_t>(depth) + 1;
    if (indent + name.size() + 6 > sizeof buffer) {  // deeper or longer than any report's
      if (!first) m_out += ',';
      new_line(depth + 1);
      m_out += '"';
      m_out += name;
      m_out += "\": ";
      return;
    }
    char* p = buffer;
    if (!first) *p++ = ',';
    *p++ = '\n';
    std::memset(p, ' ', indent);
    p += indent;
    *p++ = '"';
    std::memcpy(p, name.data(), name.size());
    p += name.size();
    std::memcpy(p, "\": ", 3);
    p += 3;
    m_out.append(buffer, static_cast<std::size_t>(p - buffer));
  }

  static bool supported(const FieldDescriptor& field) {
    if (field.is_map()) return false;
    switch (field.cpp_type()) {
      case FieldDescriptor::CPPTYPE_FLOAT: return false;
      case FieldDescriptor::CPPTYPE_STRING: return field.type() != FieldDescriptor::TYPE_BYTES;
      case FieldDescriptor::CPPTYPE_MESSAGE:
        // Well-known types (Timestamp, Any, wrappers, Struct...) have JSON forms of their own.
        return field.message_type()->file()->package() != "google.protobuf";
      default: return true;
    }
  }

  // One append per line: a line break and its indent are a prefix of a fixed buffer (depths
  // past its length, which reports never reach, add the rest one space at a time).
  void new_line(int depth) {
    static const std::string kBreakAndIndent = "\n" + std::string(64, ' ');
    const std::size_t wanted = static_cast<std::size_t>(depth) + 1;
    const std::size_t from_buffer = std::min(wanted, kBreakAndIndent.size());
    m_out.append(kBreakAndIndent.data(), from_buffer);
    if (wanted > from_buffer) m_out.append(wanted - from_buffer, ' ');
  }

  // Element `index` of a repeated field, or the singular field's value (index < 0).
  bool value(const Message& message, const Reflection& r, const FieldDescriptor& field, int index, int depth) {
    const bool repeated = index >= 0;
    switch (field.cpp_type()) {
      case FieldDescriptor::CPPTYPE_INT32:
        integer(repeated ? r.GetRepeatedInt32(message, &field, index) : r.GetInt32(message, &field));
        return true;
      case FieldDescriptor::CPPTYPE_UINT32:
        unsigned_integer(repeated ? r.GetRepeatedUInt32(message, &field, index) : r.GetUInt32(message, &field));
        return true;
      case FieldDescriptor::CPPTYPE_INT64: {
        const long long v = repeated ? r.GetRepeatedInt64(message, &field, index) : r.GetInt64(message, &field);
        const unsigned long long magnitude =
            v < 0 ? 0ULL - static_cast<unsigned long long>(v) : static_cast<unsigned long long>(v);
        quoted_unless(magnitude <= kLargestExactInteger, [&] { integer(v); });
        return true;
      }
      case FieldDescriptor::CPPTYPE_UINT64: {
        const unsigned long long v =
            repeated ? r.GetRepeatedUInt64(message, &field, index) : r.GetUInt64(message, &field);
        quoted_unless(v <= kLargestExactInteger, [&] { unsigned_integer(v); });
        return true;
      }
      case FieldDescriptor::CPPTYPE_DOUBLE:
        real(repeated ? r.GetRepeatedDouble(message, &field, index) : r.GetDouble(message, &field));
        return true;
      case FieldDescriptor::CPPTYPE_BOOL:
        m_out += (repeated ? r.GetRepeatedBool(message, &field, index) : r.GetBool(message, &field)) ? "true"
                                                                                                     : "false";
        return true;
      case FieldDescriptor::CPPTYPE_ENUM: {
        const int number = repeated ? r.GetRepeatedEnumValue(message, &field, index) : r.GetEnumValue(message, &field);
        const auto* named = field.enum_type()->FindValueByNumber(number);
        if (named == nullptr) {
          integer(number);
        } else {
          m_out += '"';
          m_out += named->name();
          m_out += '"';
        }
        return true;
      }
      case FieldDescriptor::CPPTYPE_STRING: {
        std::string scratch;
        const std::string& text = repeated ? r.GetRepeatedStringReference(message, &field, index, &scratch)
                                           : r.GetStringReference(message, &field, &scratch);
        return string(text);
      }
      case FieldDescriptor::CPPTYPE_MESSAGE:
        return this->message(repeated ? r.GetRepeatedMessage(message, &field, index) : r.GetMessage(message, &field),
                             depth);
      default:
        return false;
    }
  }

  template <typename Write>
  void quoted_unless(bool bare, Write write) {
    if (!bare) m_out += '"';
    write();
    if (!bare) m_out += '"';
  }

  void integer(long long v) {
    if (v < 0) {
      m_out += '-';
      unsigned_integer(0ULL - static_cast<unsigned long long>(v));
    } else {
      unsigned_integer(static_cast<unsigned long long>(v));
    }
  }
  void unsigned_integer(unsigned long long v) {
    char buffer[20];
    char* end = buffer + sizeof buffer;
    char* p = end;
    do {
      *--p = static_cast<char>('0' + v % 10);
      v /= 10;
    } while (v != 0);
    m_out.append(p, static_cast<std::size_t>(end - p));
  }

  void real(double v) {
    if (std::isnan(v)) {
      m_out += "\"NaN\"";
      return;
    }
    if (std::isinf(v)) {
      m_out += v > 0 ? "\"Infinity\"" : "\"-Infinity\"";
      return;
    }
    // Most report values are counts: an integer below 10^15 is what %.15g prints, digit for
    // digit, and reads back exactly (zero keeps its sign: -0.0 prints as -0).
    if (v == std::trunc(v) && std::fabs(v) < 1e15 && !(v == 0 && std::signbit(v))) {
      integer(static_cast<long long>(v));
      return;
    }
    // std::to_chars with a precision prints as printf's %.15g does, without its locale and
    // stream machinery; from_chars reads back as strtod.
    char buffer[32];
    char* end = std::to_chars(buffer, buffer + sizeof buffer, v, std::chars_format::general, 15).ptr;
    double back = 0;
    std::from_chars(buffer, end, back);
    if (back != v) end = std::to_chars(buffer, buffer + sizeof buffer, v, std::chars_format::general, 17).ptr;
    m_out.append(buffer, static_cast<std::size_t>(end - buffer));
  }

  // Characters printed as they are: appended a run at a time, not one by one.
  static bool plain(unsigned char u) {
    return u >= 0x20 && u < 0x7f && u != '"' && u != '\\' && u != '<' && u != '>';
  }

  // Whether none of eight characters needs escaping, tested on the word at once (a report's
  // names and descriptions are long plain runs): no byte below 0x20, with its high bit set,
  // or equal to DEL or a character escaped above. Each test flags a word that has such a byte
  // (the per-byte flags after the first may be wrong; whether one is set is not).
  static bool plain_word(uint64_t w) {
    constexpr uint64_t kOnes = 0x0101010101010101ULL, kHigh = 0x8080808080808080ULL;
    const auto below = [&](uint64_t n) { return (w - kOnes * n) & ~w & kHigh; };
    const auto equal = [&](unsigned char c) {
      const uint64_t x = w ^ (kOnes * c);
      return (x - kOnes) & ~x & kHigh;
    };
    return ((w & kHigh) | below(0x20) | equal(0x7f) | equal('"') | equal('\\') | equal('<') | equal('>')) == 0;
  }

  bool string(const std::string& text) {
    m_out += '"';
    const std::size_t size = text.size();
    std::size_t run_start = 0;
    std::size_t i = 0;
    for (uint64_t word; i + 8 <= size; i += 8) {
      std::memcpy(&word, text.data() + i, 8);
      if (!plain_word(word)) break;  // the characters from here on one at a time
    }
    for (; i < size; ++i) {
      const char c = text[i];
      const unsigned char u = static_cast<unsigned char>(c);
      if (plain(u)) continue;
      m_out.append(text, run_start, i - run_start);
      run_start = i + 1;
      if (u >= 0x80) return false;  // UTF-8: protobuf's
      switch (c) {
        case '"': m_out += "\\\""; continue;
        case '\\': m_out += "\\\\"; continue;
        case '\b': m_out += "\\b"; continue;
        case '\f': m_out += "\\f"; continue;
        case '\n': m_out += "\\n"; continue;
        case '\r': m_out += "\\r"; continue;
        case '\t': m_out += "\\t"; continue;
        default: break;
      }
      // The rest (other control characters, DEL, '<', '>') as protobuf escapes them.
      static const char kHex[] = "0123456789abcdef";
      m_out += "\\u00";
      m_out += kHex[u >> 4];
      m_out += kHex[u & 15];
    }
    m_out.append(text, run_start, size - run_start);
    m_out += '"';
    return true;
  }

  std::string& m_out;
};

}  // namespace

bool write_json_directly(const Message& message, std::string& out) {
  out.clear();
  // JSON takes two to three times the binary encoding's bytes (a report's statistics: about
  // 285 against 130): reserved once, the string is not copied as it grows, and the pages
  // reserved beyond what is written are never touched.
  out.reserve(4 * message.ByteSizeLong() + 4096);
  DirectWriter writer(out);
  if (!writer.message(message, 0)) return false;
  out += '\n';
  return true;
}

}  // namespace nmsim::report
