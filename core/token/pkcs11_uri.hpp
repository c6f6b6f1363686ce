// RFC 7512 PKCS#11 URIs: pkcs11:token=Unit;object=seal;type=private?module-path=/usr/lib/x.so
// A small strict parser: unknown or repeated attributes are errors, values are
// percent-decoded, and pin-value is refused (PINs never appear on a command line).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/base/bytes.hpp"

namespace eseal {

struct Pkcs11Uri {
    // Path attributes (RFC 7512 2.3). Absent attributes match anything.
    std::optional<std::string> token;                // CK_TOKEN_INFO label
    std::optional<std::string> manufacturer;         // CK_TOKEN_INFO manufacturerID
    std::optional<std::string> serial;               // CK_TOKEN_INFO serialNumber
    std::optional<std::string> model;                // CK_TOKEN_INFO model
    std::optional<std::string> libraryManufacturer;  // CK_INFO manufacturerID
    std::optional<std::string> libraryDescription;   // CK_INFO libraryDescription
    std::optional<std::string> libraryVersion;       // CK_INFO libraryVersion, "M" or "M.m"
    std::optional<unsigned long> slotId;
    std::optional<std::string> slotDescription;
    std::optional<std::string> slotManufacturer;
    std::optional<std::string> object;  // CKA_LABEL
    std::optional<Bytes> id;            // CKA_ID
    std::optional<std::string> type;    // "private", "cert" or "public"
    // Query attributes.
    std::optional<std::string> modulePath;
    std::optional<std::string> moduleName;
    std::optional<std::string> pinSource;  // a file path (file: URIs are reduced to the path)
    // eseal's own query attribute: the vendor mechanism (CK_MECHANISM_TYPE) that
    // signs e = SM3(Z || M) with an SM2 key; vendors disagree on the number.
    std::optional<unsigned long> sm2Mechanism;

    // Throws Error(Usage) naming the problem.
    static Pkcs11Uri parse(std::string_view text);
    // The URI again, every value percent-encoded where RFC 7512 needs it (and
    // "'" too, so it can be pasted between single quotes in a shell), except
    // UTF-8 text in labels, printed readable.
    std::string toString() const;
    // Only the token-selecting parts (no object, id, type, pin-source).
    Pkcs11Uri tokenOnly() const;
};

// "0x80000101" (hex) or decimal, at most 32 bits: a PKCS#11 mechanism number.
// Throws Error(Usage) naming sm2-mechanism.
unsigned long parseMechanismNumber(std::string_view text);

// Percent-encodes all but RFC 3986 unreserved characters (and "/" when
// `query`), so the result is valid in an RFC 7512 path or query value. With
// readableUtf8, a value that is valid UTF-8 keeps its non-ASCII characters as
// they are (parse accepts them), so people read "token=宜昌CA-UK".
std::string pkcs11PercentEncode(std::string_view value, bool query, bool readableUtf8 = false);

}  // namespace eseal
