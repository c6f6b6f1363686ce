// Fuzzes the streaming seal placement in word/document.xml (formats/ooxml/
// ooxml_word): the input is the main part of a package; the spot is found at
// the end of the body and at two keywords, the splices applied as the part
// streams, and the result must still be well-formed XML (checkXml). Error is
// the expected outcome for bad data; any other exception, a crash, a
// sanitizer report, or a spliced part that does not parse is a bug.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "core/base/error.hpp"
#include "core/package/xml.hpp"
#include "core/package/zip.hpp"
#include "formats/ooxml/ooxml_word.hpp"
#include "memfd_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace eseal;
    const Bytes zip = package::writeZip({{"word/document.xml", Bytes(data, data + size)}});
    const package::ZipArchive archive(fuzz::inputAsFile(zip.data(), zip.size()));
    const std::string run = "<w:r xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"/>";
    for (const char* keyword : {"", "甲方（盖章）", "ab"}) {
        Placement p;
        if (*keyword) {
            p.mode = Placement::Mode::Keyword;
            p.keyword = keyword;
            p.occurrence = Placement::kLastOccurrence;
        }
        std::vector<package::Splice> splices;
        try {
            const auto spot = ooxml::findWordSpot(archive, "word/document.xml", p, "fuzz.docx");
            splices = ooxml::wordSplices(archive, "word/document.xml", *spot, run);
        } catch (const Error&) {
            continue;  // refused: bad XML, no body, no keyword
        }
        try {
            package::checkXml(
                [&](const std::function<void(ByteView)>& sink) {
                    package::streamSpliced(archive, "word/document.xml", splices, sink);
                },
                "spliced");
        } catch (const Error&) {
            std::abort();  // an input that scanned well must splice into well-formed XML
        }
    }
    return 0;
}
