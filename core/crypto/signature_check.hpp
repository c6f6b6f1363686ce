// The signature value of a CMS SignerInfo: which method its algorithm
// identifiers name (RSA PKCS#1 v1.5, RSA-PSS with its RFC 4055 parameters,
// ECDSA, SM2) and the check itself. For the CMS files of core/crypto.
#pragma once

#include <openssl/types.h>

#include <optional>
#include <string>

#include "core/base/bytes.hpp"
#include "core/key/algorithms.hpp"

namespace eseal::cms {

// nullopt for a digest eseal does not accept (SHA-1 is accepted, then judged weak).
std::optional<DigestAlgorithm> digestFromNid(int nid);
std::string digestName(int nid);  // "SHA-256"
bool weakDigest(int nid);
std::string objText(const ASN1_OBJECT* obj);  // dotted OID text

// How the signature value is to be checked.
struct SignatureMethod {
    SignatureScheme scheme = SignatureScheme::RsaPkcs1v15;
    int mdNid = 0;       // digest the signature itself uses
    int mgf1MdNid = 0;   // RSA-PSS only
    int saltLength = 0;  // RSA-PSS only
    std::string text;    // "ECDSA with SHA-256"
};

// Maps the SignerInfo's signatureAlgorithm (and digestAlgorithm) to a method;
// nullopt for an algorithm eseal does not check.
std::optional<SignatureMethod> signatureMethod(const X509_ALGOR* sigAlg, int signerDigestNid);

bool keyFits(EVP_PKEY* pub, SignatureScheme scheme);

// Verifies `signature` over `data` (the signed attributes) with the method's digest.
bool verifyOverData(EVP_PKEY* pub, const SignatureMethod& m, ByteView data, ByteView signature);
// Verifies `signature` over a digest computed elsewhere (CMS without signed attributes).
bool verifyOverDigest(EVP_PKEY* pub, const SignatureMethod& m, ByteView digestValue, ByteView signature);

}  // namespace eseal::cms
