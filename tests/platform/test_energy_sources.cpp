// The energy presets cite the repository's own sources document: every Quantity a preset
// sets names platform/energy/ENERGY_SOURCES.md in its source, and every entry of the
// table's schema appears in that document.
#include <catch2/catch.hpp>

#include <fstream>
#include <functional>
#include <sstream>
#include <string>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/text_format.h>

#include "platform/config/presets.h"
#include "proto/energy.pb.h"

namespace {

namespace pb = google::protobuf;

constexpr const char* kDocument = "platform/energy/ENERGY_SOURCES.md";

// Calls `visit(path, quantity or null)` for every Quantity field of the schema under `message`.
void walk(const pb::Message& message, const std::string& prefix,
          const std::function<void(const std::string&, const nmsim::Quantity*)>& visit) {
  const pb::Descriptor* d = message.GetDescriptor();
  const pb::Reflection* r = message.GetReflection();
  for (int i = 0; i < d->field_count(); ++i) {
    const pb::FieldDescriptor* f = d->field(i);
    if (f->cpp_type() != pb::FieldDescriptor::CPPTYPE_MESSAGE || f->is_repeated()) continue;  // the split: not entries
    const std::string path = prefix + f->name();
    const bool set = r->HasField(message, f);
    if (f->message_type() == nmsim::Quantity::descriptor()) {
      visit(path, set ? static_cast<const nmsim::Quantity*>(&r->GetMessage(message, f)) : nullptr);
    } else {
      walk(r->GetMessage(message, f), path + ".", visit);
    }
  }
}

}  // namespace

TEST_CASE("energy sources: every preset entry cites the document, which lists every entry", "[energy][sources]") {
  std::ifstream in(std::string(NMSIM_SOURCE_DIR) + "/" + kDocument);
  REQUIRE(in.good());
  std::stringstream text;
  text << in.rdbuf();
  const std::string document = text.str();

  const auto names = nmsim::config::preset_names("energy");
  REQUIRE(names.size() == 3);
  for (const std::string& name : names) {
    nmsim::EnergyTable table;
    REQUIRE(pb::TextFormat::ParseFromString(nmsim::config::preset_text("energy_" + name), &table));
    // The document has a section per preset file.
    REQUIRE(document.find("energy_" + name + ".textproto") != std::string::npos);
    int quantities = 0;
    walk(table, "", [&](const std::string& path, const nmsim::Quantity* q) {
      INFO("energy_" << name << ": " << path);
      REQUIRE(document.find("| " + path + " |") != std::string::npos);
      if (q == nullptr) return;
      ++quantities;
      REQUIRE(q->source().find(kDocument) != std::string::npos);
      REQUIRE(q->source().find("ENERGY.md") == std::string::npos);
    });
    REQUIRE(quantities > 20);
  }
}
