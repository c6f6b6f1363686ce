// Encryption of what an incremental update adds to an encrypted PDF (ISO
// 32000-1 7.6): every string and stream of a new or rewritten object is
// encrypted as the file's own are, with the key of its object (7.6.2,
// Algorithm 1; AESV3 uses the file key itself, ISO 32000-2 7.6.3.3), so that
// readers decrypt the seal like the rest of the file. Left in the clear, as
// 7.6.1 requires: the /Contents of a signature dictionary (the CMS is hashed
// and read as bytes), cross-reference streams, and the /Encrypt dictionary.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/base/bytes.hpp"

class InputSource;
class QPDF;

namespace eseal::pdf {

class ObjectCipher {
public:
    enum class Method { None, Rc4, Aes128, Aes256 };

    // The cipher of a file qpdf opened; nullopt when it is not encrypted.
    // Throws Error(Unsupported) for what eseal cannot write: a security
    // handler other than the standard one, or an unknown crypt filter.
    static std::optional<ObjectCipher> of(QPDF& qpdf);

    // The encrypted bytes of a string / stream data of object num gen.
    Bytes encryptString(int num, int gen, ByteView plain) const;
    Bytes encryptStream(int num, int gen, ByteView plain) const;

    // A body in PDF syntax (a dictionary, an array, ...) with each literal or
    // hex string replaced by the hex string of its encrypted bytes (7.3.4).
    // Throws Error(Internal) on an unterminated string.
    std::string encryptStrings(int num, int gen, std::string_view body) const;

    // For tests: a cipher over a given file key.
    ObjectCipher(std::string fileKey, int v, int r, Method strings, Method streams);

private:
    Bytes encrypt(Method method, int num, int gen, ByteView plain) const;

    std::string fileKey_;
    int v_;
    int r_;
    Method strings_;
    Method streams_;
};

// An encrypted file as it is stored, for a reader without its password: the
// trailers' /Encrypt entry (7.5.5 Table 15; also in a cross-reference stream's
// dictionary, 7.5.8.2) reads under another name, so qpdf opens the file as
// unencrypted. Dictionaries, names, numbers and references are never
// encrypted (7.6.1), nor is a signature's /Contents or its /ByteRange, so the
// signature fields and what they sign can be found; strings read as their
// encrypted bytes and streams, object streams too, cannot be decoded.
std::shared_ptr<InputSource> withoutEncryption(std::shared_ptr<InputSource> in);

}  // namespace eseal::pdf
