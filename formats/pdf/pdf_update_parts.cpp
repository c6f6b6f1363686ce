#include "formats/pdf/pdf_update_parts.hpp"

#include <algorithm>

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

}  // namespace

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
    if (ranges.size() > kByteRangeWidth) throw Error(ErrorCategory::Internal, "byte range does not fit");
    std::copy(ranges.begin(), ranges.end(), update.bytes.begin() + static_cast<std::ptrdiff_t>(byteRangeAt));
}

}  // namespace eseal::pdf
