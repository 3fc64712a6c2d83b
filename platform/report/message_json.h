// A protobuf message as nmsim writes it to JSON: field names as in the .proto, zero-valued
// fields printed, indented, and 64-bit integers as JSON numbers where every reader gets them
// exactly.
//
// protobuf's JSON printer quotes every int64/uint64 ("cycles": "5115785") because a JSON
// number is read as a double by most readers (JavaScript, jq, pandas' default), and a double
// holds integers exactly only up to 2^53. nmsim's rule: a 64-bit integer field whose value
// v has |v| <= 2^53 = 9007199254740992 is written as a number ("cycles": 5115785); a larger
// one stays a string, as protobuf writes it. protobuf's JSON parser (nmsim's own readers)
// accepts both forms.
#pragma once

#include <string>

#include <google/protobuf/message.h>

namespace nmsim::report {

// The message as JSON under the rule above.
// Written directly (direct_json.h) unless the message holds what only protobuf's printer
// writes; the bytes are those of message_to_json_by_protobuf either way.
std::string message_to_json(const google::protobuf::Message& message);
// The same through protobuf's JSON printer and unquote_exact_integers (the reference).
std::string message_to_json_by_protobuf(const google::protobuf::Message& message);

// protobuf's JSON text of a message of type `type`, with the 64-bit integer fields that fit
// unquoted. Walks the text as JSON (strings, escapes, nesting) beside the message's
// descriptor, so only the values of 64-bit integer fields change, never a string field
// that happens to hold digits.
std::string unquote_exact_integers(const std::string& json, const google::protobuf::Descriptor& type);

}  // namespace nmsim::report
