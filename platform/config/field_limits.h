// The allowed values of one config field, read from its options in proto/options.proto
// ((int_min), (int_max), (multiple_of), (real_min), (real_max), (real_min_exclusive), (rule)):
// validate() checks them and `nmsim describe` shows them, so they are written once.
#pragma once

#include <string>

namespace google::protobuf {
class FieldDescriptor;
class Message;
}  // namespace google::protobuf

namespace nmsim::config {

// "1..64", ">= 1", "(0, 1]", "> 0", then ", multiple of 8" and ", <rule>" when the field has
// them; empty for a field without limits.
std::string allowed_values(const google::protobuf::FieldDescriptor& field);

// Why value `index` of `field` in `message` (index -1: a singular field) is not allowed:
// "must be in 1..64", "must be >= 1", "must be a multiple of 8"; empty when it is. Checks the
// numeric options only; a (rule) is checked by hand in validate.cpp.
std::string violation(const google::protobuf::Message& message, const google::protobuf::FieldDescriptor& field,
                      int index);

}  // namespace nmsim::config
