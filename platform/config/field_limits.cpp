#include "platform/config/field_limits.h"

#include <cmath>
#include <cstdint>
#include <sstream>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include "proto/options.pb.h"

namespace nmsim::config {

namespace {

namespace pb = google::protobuf;

std::string number(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

// The numeric bounds alone: "1..64", ">= 1", "<= 8", "(0, 1]", "[0, 1]", "> 0", ">= 0".
std::string bounds(const pb::FieldOptions& o) {
  if (o.HasExtension(nmsim::int_min) || o.HasExtension(nmsim::int_max)) {
    if (!o.HasExtension(nmsim::int_max)) return ">= " + std::to_string(o.GetExtension(nmsim::int_min));
    if (!o.HasExtension(nmsim::int_min)) return "<= " + std::to_string(o.GetExtension(nmsim::int_max));
    return std::to_string(o.GetExtension(nmsim::int_min)) + ".." + std::to_string(o.GetExtension(nmsim::int_max));
  }
  const bool has_low = o.HasExtension(nmsim::real_min), has_high = o.HasExtension(nmsim::real_max);
  const bool open = o.GetExtension(nmsim::real_min_exclusive);
  const std::string low = number(o.GetExtension(nmsim::real_min)), high = number(o.GetExtension(nmsim::real_max));
  if (has_low && has_high) return (open ? "(" : "[") + low + ", " + high + "]";
  if (has_low) return (open ? "> " : ">= ") + low;
  if (has_high) return "<= " + high;
  return "";
}

// An integer field's value, widened so that every int32..uint64 compares exactly with the
// int64 bounds: `beyond_int64` marks a uint64 above INT64_MAX.
struct Integer {
  int64_t value = 0;
  bool beyond_int64 = false;
};

Integer integer_value(const pb::Message& m, const pb::FieldDescriptor& f, int index) {
  const pb::Reflection& r = *m.GetReflection();
  const bool list = index >= 0;
  switch (f.cpp_type()) {
    case pb::FieldDescriptor::CPPTYPE_INT32: return {list ? r.GetRepeatedInt32(m, &f, index) : r.GetInt32(m, &f)};
    case pb::FieldDescriptor::CPPTYPE_INT64: return {list ? r.GetRepeatedInt64(m, &f, index) : r.GetInt64(m, &f)};
    case pb::FieldDescriptor::CPPTYPE_UINT32: return {list ? r.GetRepeatedUInt32(m, &f, index) : r.GetUInt32(m, &f)};
    case pb::FieldDescriptor::CPPTYPE_UINT64: {
      const uint64_t v = list ? r.GetRepeatedUInt64(m, &f, index) : r.GetUInt64(m, &f);
      return v > static_cast<uint64_t>(INT64_MAX) ? Integer{INT64_MAX, true} : Integer{static_cast<int64_t>(v)};
    }
    default: return {};
  }
}

bool is_integer(const pb::FieldDescriptor& f) {
  switch (f.cpp_type()) {
    case pb::FieldDescriptor::CPPTYPE_INT32:
    case pb::FieldDescriptor::CPPTYPE_INT64:
    case pb::FieldDescriptor::CPPTYPE_UINT32:
    case pb::FieldDescriptor::CPPTYPE_UINT64: return true;
    default: return false;
  }
}

bool is_real(const pb::FieldDescriptor& f) {
  return f.cpp_type() == pb::FieldDescriptor::CPPTYPE_DOUBLE || f.cpp_type() == pb::FieldDescriptor::CPPTYPE_FLOAT;
}

std::string must_be(const pb::FieldOptions& o) {
  const std::string b = bounds(o);
  return (b[0] == '>' || b[0] == '<') ? "must be " + b : "must be in " + b;
}

}  // namespace

std::string allowed_values(const pb::FieldDescriptor& field) {
  const pb::FieldOptions& o = field.options();
  std::string text = bounds(o);
  const auto append = [&](const std::string& part) { text += (text.empty() ? "" : ", ") + part; };
  if (o.HasExtension(nmsim::multiple_of)) append("multiple of " + std::to_string(o.GetExtension(nmsim::multiple_of)));
  if (o.HasExtension(nmsim::rule)) append(o.GetExtension(nmsim::rule));
  return text;
}

std::string violation(const pb::Message& message, const pb::FieldDescriptor& field, int index) {
  const pb::FieldOptions& o = field.options();
  if (is_integer(field)) {
    const Integer v = integer_value(message, field, index);
    const bool too_low = o.HasExtension(nmsim::int_min) && !v.beyond_int64 && v.value < o.GetExtension(nmsim::int_min);
    const bool too_high = o.HasExtension(nmsim::int_max) && (v.beyond_int64 || v.value > o.GetExtension(nmsim::int_max));
    if (too_low || too_high) return must_be(o);
    const uint32_t step = o.GetExtension(nmsim::multiple_of);
    if (step > 1 && !v.beyond_int64 && v.value % step != 0) return "must be a multiple of " + std::to_string(step);
    return "";
  }
  if (is_real(field)) {
    const pb::Reflection& r = *message.GetReflection();
    const bool list = index >= 0;
    const double v = field.cpp_type() == pb::FieldDescriptor::CPPTYPE_DOUBLE
                         ? (list ? r.GetRepeatedDouble(message, &field, index) : r.GetDouble(message, &field))
                         : (list ? r.GetRepeatedFloat(message, &field, index) : r.GetFloat(message, &field));
    // An infinity or NaN would turn every figure computed from it into one.
    if (!std::isfinite(v)) return "must be a finite number";
    const double low = o.GetExtension(nmsim::real_min), high = o.GetExtension(nmsim::real_max);
    const bool exclusive = o.GetExtension(nmsim::real_min_exclusive);
    // Written as "not within" so that a NaN is refused too.
    const bool low_ok = !o.HasExtension(nmsim::real_min) || (exclusive ? v > low : v >= low);
    const bool high_ok = !o.HasExtension(nmsim::real_max) || v <= high;
    if (!(low_ok && high_ok)) return must_be(o);
  }
  return "";
}

}  // namespace nmsim::config
