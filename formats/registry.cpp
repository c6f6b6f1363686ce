#include <cerrno>
#include <cstring>
#include <fstream>

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "core/package/zip.hpp"
#include "formats/format.hpp"
#include "formats/odf/odf_format.hpp"
#include "formats/ofd/ofd_format.hpp"
#include "formats/ooxml/ooxml_format.hpp"
#include "formats/pdf/pdf_format.hpp"

namespace eseal {

const std::vector<const FormatAdapter*>& formatAdapters() {
    static const std::vector<const FormatAdapter*> table = {&pdfFormat(), &ofdFormat(), &odfFormat(),
                                                            &ooxmlFormat()};
    return table;
}

const FormatAdapter& adapterFor(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error(ErrorCategory::InputUnreadable, std::string(tr("cannot open: ")) + std::strerror(errno),
                    path);
    Bytes head(1024);
    in.read(reinterpret_cast<char*>(head.data()), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<std::size_t>(in.gcount()));
    if (head.empty()) throw Error(ErrorCategory::BadInput, tr("file is empty"), path);
    for (const FormatAdapter* adapter : formatAdapters())
        if (adapter->detectFile(path, head)) return *adapter;
    // A package no adapter claims: say what is wrong with the ZIP itself
    // (a path escape, a duplicate name, a zip bomb) when that is the reason.
    if (package::isZipHead(head)) const package::ZipArchive zip(path);
    throw Error(ErrorCategory::BadInput, tr("not a format eseal knows (PDF, OFD, ODF, OOXML)"), path);
}

}  // namespace eseal
