#include "formats/pdf/pdf_update_parts.hpp"

#include <algorithm>
#include <string>

#include "core/base/error.hpp"
#include "core/crypto/digest.hpp"

namespace eseal::pdf {

namespace {

// Characters between the /ByteRange brackets: "0 a b c" for any 64-bit offsets.
constexpr std::size_t kByteRangeWidth = 1 + 3 * 21;

std::string idString(ByteView seed) {
    Bytes d = digest(DigestAlgorithm::Sha256, seed);
    d.resize(16);
    return "<" + toHex(d, true) + ">";
}

// "1.7" -> 17, "2.0" -> 20; 0 when unreadable.
int versionNumber(const std::string& v) {
    if (v.size() < 3 || v[1] != '.' || v[0] < '1' || v[0] > '9' || v[2] < '0' || v[2] > '9') return 0;
    return (v[0] - '0') * 10 + (v[2] - '0');
}

long long extensionLevel(QPDFObjectHandle ext) {
    if (!ext.isDictionary()) return -1;
    QPDFObjectHandle level = ext.getKey("/ExtensionLevel");
    return level.isInteger() ? level.getIntValue() : -1;
}

}  // namespace

std::map<std::string, std::string> extensionChanges(QPDFObjectHandle root, const std::string& headerVersion,
                                                    const UsedFeatures& used) {
    // 7.7.2: the catalog's /Version overrides the header when it is later.
    int version = versionNumber(headerVersion);
    if (root.getKey("/Version").isName())
        version = std::max(version, versionNumber(root.getKey("/Version").getName().substr(1)));
    std::map<std::string, std::string> extensions, changes;
    QPDFObjectHandle existing = root.getKey("/Extensions");
    if (!existing.isDictionary()) existing = QPDFObjectHandle::newNull();
    int raiseTo = version;
    // ISO/TS 32002:2022 (ECDSA curves, EdDSA), an extension of PDF 2.0; an
    // array of extensions under one prefix (ISO 32000-2 7.12.3).
    const bool pdfaBefore4 = used.pdfaPart >= 1 && used.pdfaPart <= 3;
    if (used.iso32002 && !pdfaBefore4) {
        raiseTo = std::max(raiseTo, 20);
        QPDFObjectHandle iso = existing.isNull() ? existing : existing.getKey("/ISO_");
        bool declared = false;
        if (iso.isArray()) {
            for (QPDFObjectHandle e : iso.getArrayAsVector())
                declared = declared || extensionLevel(e) == 32002;
        } else {
            declared = extensionLevel(iso) == 32002;
        }
        if (!declared) {
            const std::string entry =
                "<< /Type /DeveloperExtensions /BaseVersion /2.0 /ExtensionLevel 32002 /ExtensionRevision "
                "(:2022) /URL (https://www.iso.org/standard/45875.html) >>";
            extensions["/ISO_"] = iso.isDictionary()
                                      ? "[" + iso.unparse() + " " + entry + "]"
                                      : arrayWith(iso.isArray() ? iso : QPDFObjectHandle::newNull(), entry);
        }
    }
    // ETSI EN 319 142-1: /ESIC, BaseVersion 1.7: level 1 for a /DSS, level 2
    // for the ETSI.CAdES.detached SubFilter (a level includes the ones below).
    const long long esic = used.cadesSubFilter ? 2 : used.dss ? 1 : 0;
    if (esic > 0 && raiseTo < 20 && used.pdfaPart != 1) {
        raiseTo = std::max(raiseTo, 17);
        QPDFObjectHandle have = existing.isNull() ? existing : existing.getKey("/ESIC");
        if (extensionLevel(have) < esic)
            extensions["/ESIC"] = "<< /Type /DeveloperExtensions /BaseVersion /1.7 /ExtensionLevel " +
                                  std::to_string(esic) + " >>";
    }
    if (!extensions.empty()) {
        changes["/Extensions"] = existing.isNull()
                                     ? dictionaryWith(QPDFObjectHandle::newDictionary(), extensions)
                                     : dictionaryWith(existing, extensions);
    }
    if (raiseTo > version && (!extensions.empty() || version < raiseTo))
        changes["/Version"] = "/" + std::to_string(raiseTo / 10) + "." + std::to_string(raiseTo % 10);
    return changes;
}

std::string dictionaryWith(QPDFObjectHandle dict, const std::map<std::string, std::string>& overrides) {
    std::string s = "<<";
    for (const std::string& key : dict.getKeys()) {
        if (overrides.count(key) != 0) continue;
        s += " " + QPDFObjectHandle::newName(key).unparse() + " " + dict.getKey(key).unparse();
    }
    for (const auto& [key, value] : overrides)
        s += " " + QPDFObjectHandle::newName(key).unparse() + " " + value;
    return s + " >>";
}

std::string arrayWith(QPDFObjectHandle array, const std::string& extra) {
    std::string s = "[";
    if (array.isArray()) {
        for (QPDFObjectHandle item : array.getArrayAsVector()) s += item.unparse() + " ";
    }
    return s + extra + "]";
}

std::string trailerEntries(QPDFObjectHandle trailer, QPDFObjectHandle root, const std::string& seed) {
    QPDFObjectHandle id = trailer.getKey("/ID");
    std::string firstId;
    if (id.isArray() && id.getArrayNItems() >= 1 && id.getArrayItem(0).isString()) {
        firstId = "<" + toHex(asBytes(id.getArrayItem(0).getStringValue()), true) + ">";
    } else {
        firstId = idString(asBytes("first|" + seed));
    }
    std::string out = "/Root " + root.unparse();
    if (trailer.hasKey("/Info")) out += " /Info " + trailer.getKey("/Info").unparse();
    // 7.6.1: every revision of an encrypted file names its /Encrypt dictionary.
    if (trailer.hasKey("/Encrypt")) out += " /Encrypt " + trailer.getKey("/Encrypt").unparse();
    return out + " /ID [" + firstId + " " + idString(asBytes(firstId + "|" + seed)) + "]";
}

std::size_t writeSignatureSlot(UpdateWriter& out, std::size_t reserve, PreparedUpdate& update) {
    out.append("\n/ByteRange [");
    const std::size_t byteRangeAt = out.mark();
    out.append(std::string(kByteRangeWidth, ' '));
    out.append("]\n/Contents ");
    update.contentsAt = out.mark();
    out.append("<" + std::string(reserve * 2, '0') + ">");
    update.contentsEnd = out.mark();
    return byteRangeAt;
}

void fillByteRange(PreparedUpdate& update, std::size_t byteRangeAt) {
    const std::uint64_t a = update.base + update.contentsAt;
    const std::uint64_t b = update.base + update.contentsEnd;
    const std::string ranges =
        "0 " + std::to_string(a) + " " + std::to_string(b) + " " + std::to_string(update.totalSize() - b);
    // Internal (the reserved width is eseal's own choice): stays English.
    if (ranges.size() > kByteRangeWidth) throw Error(ErrorCategory::Internal, "byte range does not fit");
    std::copy(ranges.begin(), ranges.end(), update.bytes.begin() + static_cast<std::ptrdiff_t>(byteRangeAt));
}

}  // namespace eseal::pdf
