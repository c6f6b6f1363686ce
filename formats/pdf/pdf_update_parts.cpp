#include "formats/pdf/pdf_update_parts.hpp"

#include "core/crypto/digest.hpp"

namespace eseal::pdf {

namespace {

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
    return out + " /ID [" + firstId + " " + idString(asBytes(firstId + "|" + seed)) + "]";
}

}  // namespace eseal::pdf
