// Renewal on an SKF (GM/T 0016) USB Key: a new key pair generated in a new
// container with a PKCS#10 request signed by it (eseal token csr), and the
// certificate the CA issues stored next to its key (eseal token import-cert).
#pragma once

#include <string>
#include <string_view>

#include "core/base/bytes.hpp"
#include "core/key/pin.hpp"

namespace eseal {

enum class SkfKeyType { Sm2, Rsa2048 };

struct SkfRequest {
    Bytes der;              // the PKCS#10 request
    std::string container;  // the new container holding the key
    std::string keySpec;    // skf:...&container=NAME, for --key once the certificate is stored
};

// spec names the application (skf:LIB?device=D&app=A; a container in it is
// the new container's name when `container` is empty). Before the PIN:
// subject, container name (1 to 64 bytes, not present yet) and the library's
// key-generation functions are checked. Then one login, SKF_CreateContainer,
// SKF_GenECCKeyPair (SGD_SM2_1) or SKF_GenRSAKeyPair (2048), and the request
// signed on the device: SM2 with SM3 (e = SM3(Z || info), ID 1234567812345678)
// or RSA PKCS#1 v1.5 with SHA-256. The signature is checked against the new
// public key before the request is returned; on failure the new container is
// deleted when the library can.
SkfRequest makeSkfCertificateRequest(std::string_view spec, PinSource& pins, const std::string& container,
                                     SkfKeyType type, const std::string& subject);

struct SkfImported {
    std::string container;
    std::string keySpec;
};

// SKF_ImportCertificate (the signing certificate) into the container whose
// signing public key (SKF_ExportPublicKey) is the certificate's; found before
// the PIN. Refuses a certificate already there and one whose key is on no
// container of the application.
SkfImported importSkfCertificate(std::string_view spec, PinSource& pins, ByteView certDer);

}  // namespace eseal
