// A protobuf message written to JSON by reflection, byte for byte as message_to_json's
// protobuf route writes it (protobuf 3's printer with field names as in the .proto, zero
// values printed, one space of indent per level, then the 64-bit integers that fit unquoted),
// at a fraction of its cost: protobuf's printer serialises the message, resolves a type,
// re-reads the bytes and builds a tree of default values before it writes a character, about
// a third of a short `nmsim traffic` run.
//
// What protobuf does and this writer copies (tests/platform/test_direct_json.cpp checks it on
// full reports and on every byte of ASCII):
// - the fields outside any oneof in declaration order, always (repeated ones as [] when
//   empty), but a message field only when set; then the set members of oneofs (proto3
//   `optional` fields are members of one each) by field number;
// - `{` / `[`, then each member on its own line indented one space deeper, `,` after all but
//   the last, the closing bracket on its own line at the parent's indent; empty: {} or [];
//   the top-level object ends with a newline;
// - doubles as printf's %.15g, or %.17g when %.15g does not read back to the same double
//   (std::to_chars with those precisions: the same characters);
//   NaN and infinities as the strings "NaN", "Infinity", "-Infinity";
// - int32/uint32 as numbers; int64/uint64 as numbers when |v| <= 2^53, else quoted;
//   bools as true/false; enums by name (by number when the value has no name);
// - strings escaped: \" \\ \b \f \n \r \t, other control characters, DEL, < and > as \u00xx.
// A report's statistics (nmsim.Stat, most of its bytes) are written with Stat's generated
// accessors instead of reflection, the same bytes, for as long as Stat has the fields the
// writer knows (a changed Stat goes through reflection).
// What it leaves to protobuf (returns false): maps, bytes and float fields, google.protobuf
// well-known types, and strings with bytes above 0x7f (protobuf checks and escapes UTF-8).
#pragma once

#include <string>

#include <google/protobuf/message.h>

namespace nmsim::report {

// Writes `message` to `out` (replacing its contents) and returns true, or returns false
// if the message holds something listed above as protobuf's (then `out` is unspecified).
bool write_json_directly(const google::protobuf::Message& message, std::string& out);

}  // namespace nmsim::report
