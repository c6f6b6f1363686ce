// A small HTTP/1.0 client for the services of long-term validation: RFC 3161
// timestamps, RFC 6960 OCSP, CRLs and AIA caIssuers (RFC 5280 4.2.2.1). It uses
// OpenSSL's own client (OSSL_HTTP_transfer), so no other library is needed.
// Plain http only: these services sign their answers, TLS adds nothing they need.
// Every answer is one DER object (RFC 3161 3.4, RFC 6960 A.1, RFC 5280
// 4.2.1.13), read whole into memory (OpenSSL would stream anything else).
#pragma once

#include <string>

#include "core/base/bytes.hpp"

namespace eseal {

struct HttpLimits {
    int timeoutSeconds = 10;
    std::size_t maxResponseBytes = 4u << 20;
};

// POSTs body with the Content-Type and returns the response body, which must
// have expectedType. Throws Error(Unsupported) for a URL that is not http://,
// Error(Crypto) naming the URL when the service cannot be reached or answers
// otherwise.
Bytes httpPost(const std::string& url, const std::string& contentType, ByteView body,
               const std::string& expectedType, const HttpLimits& limits = {});

// GETs url (any Content-Type) and returns the body.
Bytes httpGet(const std::string& url, const HttpLimits& limits = {});

}  // namespace eseal
