#include "core/ossl/ossl.hpp"

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"

namespace eseal::ossl {

X509Ptr parseCertificate(ByteView der) {
    const unsigned char* p = der.data();
    X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
    if (!cert) throw CryptoError(tr("not a DER X.509 certificate"));
    return cert;
}

Bytes toDer(const X509* cert) {
    int len = i2d_X509(cert, nullptr);
    if (len <= 0) throw CryptoError("cannot encode certificate");
    Bytes out(static_cast<std::size_t>(len));
    unsigned char* p = out.data();
    i2d_X509(cert, &p);
    return out;
}

}  // namespace eseal::ossl
