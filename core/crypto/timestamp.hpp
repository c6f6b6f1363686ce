// RFC 3161 timestamps: asking a TSA for a token (PAdES B-T signature
// timestamps, B-LTA document timestamps) and checking one: its own CMS
// signature, the message imprint, the TSA certificate (extended key usage
// timeStamping, RFC 3161 2.3) and its chain.
#pragma once

#include <ctime>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/base/bytes.hpp"
#include "core/crypto/certificate.hpp"
#include "core/crypto/trust.hpp"
#include "core/key/algorithms.hpp"
#include "core/report/report.hpp"

namespace eseal {

// Room to reserve for one token in a signature (a token with the TSA's chain of
// two RSA certificates is about 5 KB).
inline constexpr std::size_t kTimestampTokenReserve = 12 * 1024;

// Asks the TSA at url (http://) for a token over digest(algorithm, data), with
// a nonce and the TSA certificate requested (RFC 3161 2.4.1). The answer is
// checked (status granted, same imprint and nonce, the token's signature) and
// the TimeStampToken (a DER ContentInfo) returned. Throws Error(Crypto) naming
// the URL otherwise.
Bytes requestTimestamp(const std::string& url, ByteView data, DigestAlgorithm algorithm);
// The same for data already digested (a PDF byte range, streamed).
Bytes requestTimestampForDigest(const std::string& url, ByteView hashed, DigestAlgorithm algorithm);

// The digest of the timestamped data with the token's algorithm; nullopt when
// the data cannot be read.
using ImprintDigest = std::function<std::optional<Bytes>(DigestAlgorithm)>;

struct TimestampCheck {
    TimestampInfo info;             // what the report shows
    std::optional<std::time_t> at;  // genTime, when the token could be read
    // Intact: the token's signature verifies and its imprint matches.
    bool intact = false;
    // Intact and its TSA chain is trusted: the time is proven.
    bool trusted() const noexcept { return intact && info.chain.status == ChainStatus::Trusted; }
};

// Checks a TimeStampToken against the timestamped data. extraCertificates help
// build the TSA's path (those of a PDF's DSS). Never throws.
TimestampCheck verifyTimestamp(ByteView token, const ImprintDigest& digestOf, const TrustStore& trust,
                               const std::vector<Certificate>& extraCertificates, const std::string& kind);

}  // namespace eseal
