#include "core/crypto/der.hpp"

#include <openssl/objects.h>

#include <algorithm>
#include <memory>

#include "core/base/error.hpp"

namespace eseal::der {

Bytes tlv(std::uint8_t tag, ByteView content) {
    Bytes out;
    out.reserve(content.size() + 6);
    out.push_back(tag);
    const std::size_t n = content.size();
    if (n < 0x80) {
        out.push_back(static_cast<std::uint8_t>(n));
    } else {
        // X.690 8.1.3.5: long form, minimal number of length octets.
        std::uint8_t len[sizeof(std::size_t)];
        int count = 0;
        for (std::size_t v = n; v != 0; v >>= 8) len[count++] = static_cast<std::uint8_t>(v & 0xff);
        out.push_back(static_cast<std::uint8_t>(0x80 | count));
        while (count > 0) out.push_back(len[--count]);
    }
    out.insert(out.end(), content.begin(), content.end());
    return out;
}

Bytes wrap(std::uint8_t tag, const std::vector<Bytes>& parts) {
    Bytes content;
    for (const auto& p : parts) content.insert(content.end(), p.begin(), p.end());
    return tlv(tag, content);
}

Bytes sequence(const std::vector<Bytes>& parts) { return wrap(kSequence, parts); }

Bytes setOf(std::vector<Bytes> elements, std::uint8_t tag) {
    // X.690 11.6: compare as octet strings, the shorter padded with zeros at the end.
    std::sort(elements.begin(), elements.end(), [](const Bytes& a, const Bytes& b) {
        const std::size_t n = std::max(a.size(), b.size());
        for (std::size_t i = 0; i < n; ++i) {
            const std::uint8_t x = i < a.size() ? a[i] : 0, y = i < b.size() ? b[i] : 0;
            if (x != y) return x < y;
        }
        return false;
    });
    return wrap(tag, elements);
}

Bytes oid(const std::string& dotted) {
    std::unique_ptr<ASN1_OBJECT, void (*)(ASN1_OBJECT*)> obj(OBJ_txt2obj(dotted.c_str(), 1),
                                                             ASN1_OBJECT_free);
    if (!obj) throw Error(ErrorCategory::Internal, "bad OID " + dotted);
    return tlv(kOid, ByteView(OBJ_get0_data(obj.get()), OBJ_length(obj.get())));
}

Bytes integer(long value) {
    // Two's complement, minimal octets (X.690 8.3.2).
    std::uint8_t buf[sizeof(long) + 1];
    std::size_t start = sizeof buf;
    bool more = true;
    while (more && start > 0) {
        const auto byte = static_cast<std::uint8_t>(value & 0xff);
        buf[--start] = byte;
        value >>= 8;
        more = !((value == 0 && !(byte & 0x80)) || (value == -1 && (byte & 0x80)));
    }
    return tlv(kInteger, ByteView(buf + start, sizeof buf - start));
}

Bytes octetString(ByteView content) { return tlv(kOctetString, content); }

Bytes null() { return Bytes{kNull, 0x00}; }

std::optional<Tlv> Reader::next() {
    if (rest_.size() < 2) return std::nullopt;
    const std::uint8_t tag = rest_[0];
    if ((tag & 0x1f) == 0x1f) return std::nullopt;  // high tag numbers are not used here
    std::size_t pos = 2, length = rest_[1];
    if (length & 0x80) {
        const std::size_t count = length & 0x7f;
        if (count == 0 || count > 4 || rest_.size() < 2 + count) return std::nullopt;  // indefinite or absurd
        length = 0;
        for (std::size_t i = 0; i < count; ++i) length = length << 8 | rest_[2 + i];
        pos += count;
    }
    if (length > rest_.size() - pos) return std::nullopt;
    Tlv t;
    t.tag = tag;
    t.content = rest_.subspan(pos, length);
    t.whole = rest_.subspan(0, pos + length);
    rest_ = rest_.subspan(pos + length);
    return t;
}

std::optional<Tlv> Reader::nextIf(std::uint8_t tag) {
    if (rest_.empty() || rest_[0] != tag) return std::nullopt;
    return next();
}

std::string oidText(ByteView content) {
    Bytes encoded = tlv(kOid, content);
    const unsigned char* p = encoded.data();
    std::unique_ptr<ASN1_OBJECT, void (*)(ASN1_OBJECT*)> obj(
        d2i_ASN1_OBJECT(nullptr, &p, static_cast<long>(encoded.size())), ASN1_OBJECT_free);
    if (!obj) return {};
    char buf[128];
    const int n = OBJ_obj2txt(buf, sizeof buf, obj.get(), 1);
    if (n <= 0 || static_cast<std::size_t>(n) >= sizeof buf) return {};
    return buf;
}

}  // namespace eseal::der
