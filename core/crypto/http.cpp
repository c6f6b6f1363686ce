#include "core/crypto/http.hpp"

#include <openssl/err.h>
#include <openssl/http.h>

#include <string>

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "core/ossl/ossl.hpp"

namespace eseal {

namespace {

// The reasons OpenSSL's HTTP client queued, oldest first, with their data
// ("code=404,reason=Not Found", the content length over the maximum): the
// last one alone is often only "error receiving".
std::string lastOpensslError() {
    std::string text;
    const char* data = nullptr;
    int flags = 0;
    for (unsigned long code; (code = ERR_get_error_all(nullptr, nullptr, nullptr, &data, &flags)) != 0;) {
        const char* reason = ERR_reason_error_string(code);
        std::string item = reason ? reason : "error " + std::to_string(code);
        if (data && *data && (flags & ERR_TXT_STRING)) item += std::string(": ") + data;
        if (text.find(item) == std::string::npos) text += (text.empty() ? "" : "; ") + item;
    }
    ERR_clear_error();
    return text;
}

void requireHttp(const std::string& url) {
    if (url.rfind("http://", 0) != 0)
        throw Error(ErrorCategory::Unsupported, tr("only http:// URLs are supported for this service"), url);
}

Bytes readAll(BIO* bio, const std::string& url, std::size_t max) {
    Bytes out;
    unsigned char buf[4096];
    for (;;) {
        const int n = BIO_read(bio, buf, sizeof buf);
        if (n <= 0) break;
        out.insert(out.end(), buf, buf + n);
        if (out.size() > max) throw Error(ErrorCategory::Crypto, tr("the answer is too large"), url);
    }
    ERR_clear_error();
    return out;
}

}  // namespace

Bytes httpPost(const std::string& url, const std::string& contentType, ByteView body,
               const std::string& expectedType, const HttpLimits& limits) {
    requireHttp(url);
    char *host = nullptr, *port = nullptr, *path = nullptr;
    int ssl = 0;
    if (OSSL_HTTP_parse_url(url.c_str(), &ssl, nullptr, &host, &port, nullptr, &path, nullptr, nullptr) !=
        1) {
        ERR_clear_error();
        throw Error(ErrorCategory::Usage, tr("not a usable URL"), url);
    }
    struct Free {
        char* p;
        ~Free() { OPENSSL_free(p); }
    } fh{host}, fp{port}, fpa{path};
    ossl::BioPtr req(BIO_new_mem_buf(body.data(), static_cast<int>(body.size())));
    if (!req) throw Error(ErrorCategory::Internal, tr("out of memory"));
    ossl::BioPtr resp(OSSL_HTTP_transfer(nullptr, host, port, path, 0, nullptr, nullptr, nullptr, nullptr,
                                         nullptr, nullptr, 0, nullptr, contentType.c_str(), req.get(),
                                         expectedType.c_str(), 1, limits.maxResponseBytes,
                                         limits.timeoutSeconds, 0));
    if (!resp) {
        const std::string why = lastOpensslError();
        throw Error(ErrorCategory::Crypto,
                    tr("the service did not answer") + (why.empty() ? "" : " (" + why + ")"), url);
    }
    return readAll(resp.get(), url, limits.maxResponseBytes);
}

Bytes httpGet(const std::string& url, const HttpLimits& limits) {
    requireHttp(url);
    ossl::BioPtr resp(OSSL_HTTP_get(url.c_str(), nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, 0,
                                    nullptr, nullptr, 1, limits.maxResponseBytes, limits.timeoutSeconds));
    if (!resp) {
        const std::string why = lastOpensslError();
        throw Error(ErrorCategory::Crypto, tr("the download failed") + (why.empty() ? "" : " (" + why + ")"),
                    url);
    }
    return readAll(resp.get(), url, limits.maxResponseBytes);
}

}  // namespace eseal
