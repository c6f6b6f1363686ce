#include "formats/pdf/pdf_encrypt.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <memory>
#include <qpdf/InputSource.hh>
#include <qpdf/QPDF.hh>
#include <utility>

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"

namespace eseal::pdf {

namespace {

ObjectCipher::Method methodOf(QPDF::encryption_method_e m) {
    switch (m) {
        case QPDF::e_none:
            return ObjectCipher::Method::None;
        case QPDF::e_rc4:
            return ObjectCipher::Method::Rc4;
        case QPDF::e_aes:
            return ObjectCipher::Method::Aes128;
        case QPDF::e_aesv3:
            return ObjectCipher::Method::Aes256;
        case QPDF::e_unknown:
            break;
    }
    throw Error(ErrorCategory::Unsupported, tr("encrypted PDF with a crypt filter eseal cannot write"));
}

// RC4 (the stream cipher of 7.6.2 for /V 1, 2 and the /V2 crypt filter).
// OpenSSL 3 keeps it in its legacy provider only, so it is written here.
Bytes rc4(ByteView key, ByteView data) {
    std::array<std::uint8_t, 256> s{};
    for (int i = 0; i < 256; ++i) s[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(i);
    std::size_t j = 0;
    for (std::size_t i = 0; i < 256; ++i) {
        j = (j + s[i] + key[i % key.size()]) & 0xFF;
        std::swap(s[i], s[j]);
    }
    Bytes out(data.size());
    std::size_t a = 0, b = 0;
    for (std::size_t n = 0; n < data.size(); ++n) {
        a = (a + 1) & 0xFF;
        b = (b + s[a]) & 0xFF;
        std::swap(s[a], s[b]);
        out[n] = static_cast<std::uint8_t>(data[n] ^ s[(s[a] + s[b]) & 0xFF]);
    }
    return out;
}

// AES in CBC mode with PKCS#5 padding and a random 16-byte IV before the
// ciphertext (7.6.2: the /AESV2 and /AESV3 crypt filters).
Bytes aesCbc(ByteView key, ByteView data) {
    const EVP_CIPHER* cipher = key.size() == 32 ? EVP_aes_256_cbc() : EVP_aes_128_cbc();
    Bytes out(16 + data.size() + 16);
    if (RAND_bytes(out.data(), 16) != 1)
        throw Error(ErrorCategory::Crypto, tr("no random bytes for the AES IV"));
    std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(),
                                                                        EVP_CIPHER_CTX_free);
    int len = 0, tail = 0;
    if (!ctx || EVP_EncryptInit_ex(ctx.get(), cipher, nullptr, key.data(), out.data()) != 1 ||
        EVP_EncryptUpdate(ctx.get(), out.data() + 16, &len, data.data(), static_cast<int>(data.size())) !=
            1 ||
        EVP_EncryptFinal_ex(ctx.get(), out.data() + 16 + len, &tail) != 1)
        throw Error(ErrorCategory::Crypto, tr("AES encryption failed"));
    out.resize(16 + static_cast<std::size_t>(len) + static_cast<std::size_t>(tail));
    return out;
}

int hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bool isPdfSpace(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\0'; }

// The bytes of a literal string whose "(" is at body[at]; `at` ends after ")" (7.3.4.2).
Bytes literalString(std::string_view body, std::size_t& at) {
    Bytes out;
    int depth = 0;
    for (++at; at < body.size(); ++at) {
        char c = body[at];
        if (c == '\\') {
            if (++at >= body.size()) break;
            char e = body[at];
            switch (e) {
                case 'n':
                    out.push_back('\n');
                    break;
                case 'r':
                    out.push_back('\r');
                    break;
                case 't':
                    out.push_back('\t');
                    break;
                case 'b':
                    out.push_back('\b');
                    break;
                case 'f':
                    out.push_back('\f');
                    break;
                case '\r':
                    if (at + 1 < body.size() && body[at + 1] == '\n') ++at;
                    break;  // a line continuation
                case '\n':
                    break;
                default:
                    if (e >= '0' && e <= '7') {
                        int v = e - '0';
                        for (int k = 0;
                             k < 2 && at + 1 < body.size() && body[at + 1] >= '0' && body[at + 1] <= '7'; ++k)
                            v = v * 8 + (body[++at] - '0');
                        out.push_back(static_cast<std::uint8_t>(v & 0xFF));
                    } else {
                        out.push_back(static_cast<std::uint8_t>(e));
                    }
            }
            continue;
        }
        if (c == '(') ++depth;
        if (c == ')' && depth-- == 0) {
            ++at;
            return out;
        }
        out.push_back(static_cast<std::uint8_t>(c));
    }
    // Internal: eseal's own object syntax is broken (a bug); stays English.
    throw Error(ErrorCategory::Internal, "unterminated string in a PDF object eseal writes");
}

// The bytes of a hex string whose "<" is at body[at]; `at` ends after ">" (7.3.4.3).
Bytes hexString(std::string_view body, std::size_t& at) {
    Bytes out;
    int high = -1;
    for (++at; at < body.size(); ++at) {
        char c = body[at];
        if (c == '>') {
            if (high >= 0) out.push_back(static_cast<std::uint8_t>(high << 4));  // odd count: a final 0
            ++at;
            return out;
        }
        if (isPdfSpace(c)) continue;
        int v = hexValue(c);
        if (v < 0) break;
        if (high < 0) {
            high = v;
        } else {
            out.push_back(static_cast<std::uint8_t>(high << 4 | v));
            high = -1;
        }
    }
    // Internal, as above.
    throw Error(ErrorCategory::Internal, "bad hex string in a PDF object eseal writes");
}

}  // namespace

ObjectCipher::ObjectCipher(std::string fileKey, int v, int r, Method strings, Method streams)
    : fileKey_(std::move(fileKey)), v_(v), r_(r), strings_(strings), streams_(streams) {}

std::optional<ObjectCipher> ObjectCipher::of(QPDF& qpdf) {
    int r = 0, p = 0, v = 0;
    QPDF::encryption_method_e stream = QPDF::e_none, string = QPDF::e_none, file = QPDF::e_none;
    if (!qpdf.isEncrypted(r, p, v, stream, string, file)) return std::nullopt;
    QPDFObjectHandle encrypt = qpdf.getTrailer().getKey("/Encrypt");
    if (!encrypt.isDictionary() || !encrypt.getKey("/Filter").isNameAndEquals("/Standard"))
        throw Error(ErrorCategory::Unsupported,
                    tr("encrypted PDF with a security handler other than the standard one"));
    // Crypt filters exist from /V 4 on (7.6.5); below, everything is RC4 (qpdf
    // reports no method for those files).
    if (v < 4) return ObjectCipher(qpdf.getEncryptionKey(), v, r, Method::Rc4, Method::Rc4);
    return ObjectCipher(qpdf.getEncryptionKey(), v, r, methodOf(string), methodOf(stream));
}

Bytes ObjectCipher::encrypt(Method method, int num, int gen, ByteView plain) const {
    if (method == Method::None) return Bytes(plain.begin(), plain.end());
    const bool aes = method == Method::Aes128 || method == Method::Aes256;
    const std::string key = QPDF::compute_data_key(fileKey_, num, gen, aes, v_, r_);
    const ByteView keyBytes(reinterpret_cast<const std::uint8_t*>(key.data()), key.size());
    if (keyBytes.empty()) throw Error(ErrorCategory::Internal, "empty PDF object key");  // a bug: English
    return aes ? aesCbc(keyBytes, plain) : rc4(keyBytes, plain);
}

Bytes ObjectCipher::encryptString(int num, int gen, ByteView plain) const {
    return encrypt(strings_, num, gen, plain);
}

Bytes ObjectCipher::encryptStream(int num, int gen, ByteView plain) const {
    return encrypt(streams_, num, gen, plain);
}

std::string ObjectCipher::encryptStrings(int num, int gen, std::string_view body) const {
    if (strings_ == Method::None) return std::string(body);
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(body.size() * 2);
    std::size_t at = 0;
    while (at < body.size()) {
        const char c = body[at];
        Bytes plain;
        if (c == '(') {
            plain = literalString(body, at);
        } else if (c == '<' && (at + 1 >= body.size() || body[at + 1] != '<')) {
            plain = hexString(body, at);
        } else if (c == '<') {
            out.append("<<");
            at += 2;
            continue;
        } else {
            out.push_back(c);
            ++at;
            continue;
        }
        const Bytes sealed = encryptString(num, gen, plain);
        out.push_back('<');
        for (std::uint8_t b : sealed) {
            out.push_back(kHex[b >> 4]);
            out.push_back(kHex[b & 0xF]);
        }
        out.push_back('>');
    }
    return out;
}

namespace {

// Reads as `in` does, but every "/Encrypt" that is a whole name (followed by
// white space or a delimiter, 7.2.2) reads as "/encrypt". A name that
// straddles the edge of a read is found by looking a few bytes beyond it.
// Only this reader is changed: the signatures are checked on the file's bytes.
class EncryptionHidden final : public InputSource {
public:
    explicit EncryptionHidden(std::shared_ptr<InputSource> in) : in_(std::move(in)) {}

    qpdf_offset_t findAndSkipNextEOL() override { return in_->findAndSkipNextEOL(); }
    std::string const& getName() const override { return in_->getName(); }
    qpdf_offset_t tell() override { return in_->tell(); }
    void seek(qpdf_offset_t offset, int whence) override { in_->seek(offset, whence); }
    void rewind() override { in_->rewind(); }
    void unreadCh(char ch) override { in_->unreadCh(ch); }

    std::size_t read(char* out, std::size_t length) override {
        const qpdf_offset_t at = in_->tell();
        const std::size_t n = in_->read(out, length);
        last_offset = in_->getLastOffset();
        if (n == 0) return 0;
        static constexpr std::string_view kName = "/Encrypt";
        // The byte patched is the 'E': one byte before the read for its '/',
        // the name's length after it for the rest and the delimiter.
        const qpdf_offset_t from = std::max<qpdf_offset_t>(0, at - 1);
        const std::size_t before = static_cast<std::size_t>(at - from);
        std::string window(before + n + kName.size(), '\0');
        in_->seek(from, SEEK_SET);
        window.resize(in_->read(window.data(), window.size()));
        in_->seek(at + static_cast<qpdf_offset_t>(n), SEEK_SET);
        for (std::size_t p = window.find(kName); p != std::string::npos; p = window.find(kName, p + 1)) {
            const std::size_t next = p + kName.size();
            // At the end of the file a name ends too.
            const bool whole =
                next >= window.size() ||
                std::string_view(" \t\r\n\f\0()<>[]{}/%", 17).find(window[next]) != std::string_view::npos;
            const std::size_t e = p + 1;  // the 'E'
            if (whole && e >= before && e - before < n) out[e - before] = 'e';
        }
        return n;
    }

private:
    std::shared_ptr<InputSource> in_;
};

}  // namespace

std::shared_ptr<InputSource> withoutEncryption(std::shared_ptr<InputSource> in) {
    return std::make_shared<EncryptionHidden>(std::move(in));
}

}  // namespace eseal::pdf
