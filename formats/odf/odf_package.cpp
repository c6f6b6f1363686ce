#include "formats/odf/odf_package.hpp"

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "core/package/uri.hpp"

namespace eseal::odf {

bool isOdfMimetype(const std::string& m) { return m.rfind("application/vnd.oasis.opendocument.", 0) == 0; }

bool odfHead(ByteView head) {
    // Local file header (APPNOTE 4.3.7): name at 30, its length at 26, method at 8.
    if (!package::isZipHead(head) || head.size() < 38 + 35) return false;
    const std::size_t nameLen = head[26] | (head[27] << 8);
    const std::size_t extraLen = head[28] | (head[29] << 8);
    if (nameLen != 8 || std::string(head.begin() + 30, head.begin() + 38) != "mimetype") return false;
    if ((head[8] | (head[9] << 8)) != 0) return false;
    const std::size_t at = 30 + nameLen + extraLen;
    if (head.size() < at + 35) return false;
    return isOdfMimetype(
        std::string(head.begin() + static_cast<long>(at), head.begin() + static_cast<long>(at) + 35));
}

std::string mimetypeOf(const package::ZipArchive& zip, const std::string& path) {
    if (!zip.contains("mimetype"))
        throw Error(ErrorCategory::BadInput, tr("not an OpenDocument package (no mimetype entry)"), path);
    const Bytes m = zip.read("mimetype");
    const std::string type(m.begin(), m.end());
    if (!isOdfMimetype(type))
        throw Error(
            ErrorCategory::BadInput,
            fill(tr("not an OpenDocument package (mimetype {type})"), {{"{type}", type.substr(0, 80)}}),
            path);
    return type;
}

bool signedEntry(const std::string& name) {
    return !name.empty() && name.back() != '/' && name != kSignaturesEntry &&
           name != "META-INF/macrosignatures.xml";
}

std::string uriOf(const std::string& name) { return package::percentEncodePath(name); }

std::string nameOf(const std::string& uri) { return package::percentDecode(uri); }

}  // namespace eseal::odf
