// A minimal DER writer and reader for the few structures eseal encodes itself
// (CMS SignedData, ESS attributes). X.690 definite-length encoding only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/base/bytes.hpp"

namespace eseal::der {

// X.690 tags eseal uses.
inline constexpr std::uint8_t kInteger = 0x02;
inline constexpr std::uint8_t kOctetString = 0x04;
inline constexpr std::uint8_t kNull = 0x05;
inline constexpr std::uint8_t kOid = 0x06;
inline constexpr std::uint8_t kSequence = 0x30;
inline constexpr std::uint8_t kSet = 0x31;
inline constexpr std::uint8_t contextConstructed(int n) { return static_cast<std::uint8_t>(0xA0 | n); }

// Tag, definite length, content.
Bytes tlv(std::uint8_t tag, ByteView content);
// tag + the concatenation of parts.
Bytes wrap(std::uint8_t tag, const std::vector<Bytes>& parts);
Bytes sequence(const std::vector<Bytes>& parts);
// X.690 11.6: the elements of a DER SET OF are sorted by their encodings.
Bytes setOf(std::vector<Bytes> elements, std::uint8_t tag = kSet);
Bytes oid(const std::string& dotted);
Bytes integer(long value);
Bytes octetString(ByteView content);
Bytes null();

// One TLV read from a buffer.
struct Tlv {
    std::uint8_t tag = 0;
    ByteView content;
    ByteView whole;  // tag + length + content
};

// Reads consecutive TLVs (low tag numbers, definite lengths: DER). Every
// method returns false / nullopt on malformed input, never reads out of bounds.
class Reader {
public:
    explicit Reader(ByteView data) : rest_(data) {}
    bool empty() const noexcept { return rest_.empty(); }
    std::optional<Tlv> next();
    // The next TLV only when its tag is `tag`; nothing is consumed otherwise.
    std::optional<Tlv> nextIf(std::uint8_t tag);

private:
    ByteView rest_;
};

// The dotted form of an OID's content octets, "" when malformed.
std::string oidText(ByteView content);

}  // namespace eseal::der
