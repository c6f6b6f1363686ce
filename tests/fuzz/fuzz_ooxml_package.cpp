// Fuzzes the OPC parsers of the OOXML adapter on untrusted package parts: a
// relationships part (parse, rewrite, relationship transform) and
// [Content_Types].xml. Error is the expected outcome for bad data; any other
// exception, a crash or a sanitizer report is a bug.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>

#include "core/base/error.hpp"
#include "formats/ooxml/ooxml_package.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const eseal::ByteView bytes(data, size);
    try {
        const auto rels = eseal::ooxml::parseRelationships(bytes, "fuzz.rels");
        eseal::ooxml::parseRelationships(eseal::ooxml::writeRelationships(rels), "again.rels");
        std::set<std::string> ids;
        for (const auto& r : rels) {
            if (ids.size() % 2 == 0) ids.insert(r.id);
            eseal::ooxml::resolveTarget("word/document.xml", r.target);
        }
        eseal::ooxml::relationshipTransform(bytes, ids, {}, "fuzz.rels");
    } catch (const eseal::Error&) {
    }
    try {
        const eseal::ooxml::ContentTypes types(bytes, "fuzz");
        types.of("word/document.xml");
    } catch (const eseal::Error&) {
    }
    return 0;
}
