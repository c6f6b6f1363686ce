// Electronic seals (SES_Seal, 电子印章) of GM/T 0031-2014 (header version 1)
// and GB/T 38540-2020 (header version 4; version 5 keeps the V4 layout).
// Reading is bounded and never trusts a length; the maker's signature is
// checked over the bytes the standard says were signed.
#pragma once

#include <cstdint>
#include <ctime>
#include <string>
#include <vector>

#include "core/base/bytes.hpp"

namespace eseal::seal {

// Seals are small (a picture and a few certificates); larger input is refused.
inline constexpr std::size_t kMaxSealBytes = 16 * 1024 * 1024;

enum class SealLayout {
    V1,  // GM/T 0031-2014: SES_Seal { SES_SealInfo, SES_SignInfo { cert, alg, signData } }
    V4,  // GB/T 38540-2020 7.1: SES_Seal { SES_SealInfo, cert, signAlgID, signedValue }
};

struct SealHeader {
    std::string id;  // "ES"
    long version = 0;
    std::string vendorId;
};

struct CertDigest {
    std::string type;  // PrintableString, e.g. "sm3"
    Bytes value;
};

// GB/T 38540 7.1 SES_ESPropertyInfo (GM/T 0031: without certListType).
struct SealProperty {
    long type = 0;  // 1 legal-person seal, 2 official seal, 3 special-purpose seal, ... (issuer-defined)
    std::string name;
    long certListType = 0;  // V4: 1 certificates, 2 certificate digests; V1: 0 (always certificates)
    std::vector<Bytes> certificates;  // DER certificates
    std::vector<CertDigest> certDigests;
    std::time_t createDate = 0;
    std::time_t validStart = 0;
    std::time_t validEnd = 0;
};

// GB/T 38540 7.1 SES_ESPictureInfo.
struct SealPicture {
    std::string type;  // "PNG", "GIF", "JPG", "OFD", ...
    Bytes data;
    long widthMm = 0;
    long heightMm = 0;
};

struct ExtData {
    std::string oid;
    bool critical = false;
    Bytes value;
};

struct SesSeal {
    SealLayout layout = SealLayout::V4;
    SealHeader header;
    std::string esId;
    SealProperty property;
    SealPicture picture;
    std::vector<ExtData> extensions;
    Bytes makerCertificate;             // DER
    std::string signatureAlgorithm;     // dotted OID
    Bytes signature;                    // the BIT STRING's bits (an SM2Signature DER for SM2)
    Bytes signedBytes;                  // what the maker signed (see readSeal)
    Bytes encoded;                      // the whole SES_Seal as read
    std::vector<std::string> warnings;  // accepted deviations from DER and the standard

    // True when t lies within [validStart, validEnd].
    bool validAt(std::time_t t) const noexcept { return t >= property.validStart && t <= property.validEnd; }
};

// Reads a seal. Throws Error(BadInput) naming `name` for malformed input and
// Error(Unsupported) for header versions other than 1, 4 and 5.
SesSeal readSeal(ByteView der, const std::string& name = "seal");
SesSeal loadSeal(const std::string& path);
// A file's bytes, at most kMaxSealBytes (Error InputUnreadable / BadInput).
Bytes loadSealBytes(const std::string& path);

// GB/T 38540-2020 7.1 encoding (DER) of a V4 seal's SES_SealInfo from
// header, esId, property (certificates, certListType 1), picture and
// extensions; the bytes the maker signs.
Bytes encodeSealInfoV4(const SesSeal& seal);
// SES_Seal { sealInfo, cert, signAlgID, signedValue BIT STRING }.
Bytes encodeSealV4(ByteView sealInfo, ByteView makerCertificate, const std::string& algorithmOid,
                   ByteView signature);

struct MakerCheck {
    bool valid = false;
    std::string detail;  // why not, or the algorithm checked
};

// Checks the maker's signature with the maker certificate's key: SM2 with SM3
// and the GM/T 0009 default ID, or RSA / ECDSA by the algorithm OID.
// Never throws for hostile input.
MakerCheck checkMakerSignature(const SesSeal& seal);

// What a person needs to recognise a certificate a seal carries.
struct CertSummary {
    bool readable = false;
    std::string subject;  // RFC 2253, UTF-8
    std::string issuer;
    std::string serialHex;
    std::time_t notBefore = 0;
    std::time_t notAfter = 0;
};
CertSummary describeCertificate(ByteView der);

// Human names.
const char* layoutName(SealLayout layout) noexcept;
std::string algorithmName(const std::string& oid);

}  // namespace eseal::seal
