#include "core/crypto/cms_verify.hpp"

#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <memory>
#include <system_error>

#include "core/base/error.hpp"
#include "core/base/time.hpp"
#include "core/crypto/der.hpp"
#include "core/crypto/digest.hpp"
#include "core/crypto/sm2.hpp"
#include "core/ossl/ossl.hpp"

namespace eseal {

namespace {

// ---------------------------------------------------------------------------
// Verdicts. Worst wins: FAILED > INDETERMINATE > PASSED; at equal level the
// first problem found keeps its sub-indication.
int rank(Indication i) {
    switch (i) {
        case Indication::Passed:
            return 0;
        case Indication::Indeterminate:
            return 1;
        case Indication::Failed:
            return 2;
    }
    return 1;
}

struct Verdict {
    Indication indication = Indication::Passed;
    SubIndication sub = SubIndication::None;
    void lower(Indication i, SubIndication s) {
        if (rank(i) > rank(indication)) {
            indication = i;
            sub = s;
        }
    }
};

std::string opensslErrors() {
    std::string text;
    unsigned long code = 0;
    while ((code = ERR_get_error()) != 0) {
        char buf[256];
        ERR_error_string_n(code, buf, sizeof buf);
        if (!text.empty()) text += "; ";
        text += buf;
    }
    return text;
}

std::time_t toTimeT(const ASN1_TIME* t) {
    std::tm tm{};
    if (!t || ASN1_TIME_to_tm(t, &tm) != 1) return 0;
    return timegm(&tm);
}

Bytes nameDer(const X509_NAME* name) {
    unsigned char* buf = nullptr;
    const int len = i2d_X509_NAME(name, &buf);
    if (len <= 0) return {};
    Bytes out(buf, buf + len);
    OPENSSL_free(buf);
    return out;
}

std::string nameText(const X509_NAME* name) {
    ossl::BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio) return {};
    // RFC 2253 form, but UTF-8 kept as characters (not \XX escapes) so Chinese names stay readable.
    X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio.get(), &data);
    return n > 0 ? std::string(data, static_cast<std::size_t>(n)) : std::string();
}

std::string commonNameOf(const X509_NAME* name) {
    const int idx = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
    if (idx < 0) return {};
    unsigned char* utf8 = nullptr;
    const int n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, idx)));
    if (n < 0) return {};
    std::string out(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(n));
    OPENSSL_free(utf8);
    return out;
}

CertificateInfo describe(X509* cert, ByteView der) {
    CertificateInfo info;
    info.subject = nameText(X509_get_subject_name(cert));
    info.commonName = commonNameOf(X509_get_subject_name(cert));
    info.issuer = nameText(X509_get_issuer_name(cert));
    const ASN1_INTEGER* serial = X509_get0_serialNumber(cert);
    info.serialHex =
        toHex(ByteView(ASN1_STRING_get0_data(serial), static_cast<std::size_t>(ASN1_STRING_length(serial))));
    if (info.serialHex.empty()) info.serialHex = "00";
    info.notBefore = isoUtc(toTimeT(X509_get0_notBefore(cert)));
    info.notAfter = isoUtc(toTimeT(X509_get0_notAfter(cert)));
    info.sha256 = toHex(digest(DigestAlgorithm::Sha256, der));
    // RFC 5280 4.2.1.3, in KeyUsage bit order.
    if (X509_get_extension_flags(cert) & EXFLAG_KUSAGE) {
        const std::uint32_t ku = X509_get_key_usage(cert);
        const std::pair<std::uint32_t, const char*> names[] = {{KU_DIGITAL_SIGNATURE, "digitalSignature"},
                                                               {KU_NON_REPUDIATION, "nonRepudiation"},
                                                               {KU_KEY_ENCIPHERMENT, "keyEncipherment"},
                                                               {KU_DATA_ENCIPHERMENT, "dataEncipherment"},
                                                               {KU_KEY_AGREEMENT, "keyAgreement"},
                                                               {KU_KEY_CERT_SIGN, "keyCertSign"},
                                                               {KU_CRL_SIGN, "cRLSign"},
                                                               {KU_ENCIPHER_ONLY, "encipherOnly"},
                                                               {KU_DECIPHER_ONLY, "decipherOnly"}};
        for (const auto& [bit, name] : names)
            if (ku & bit) info.keyUsage.push_back(name);
    }
    return info;
}

CertificateInfo describe(X509* cert) {
    try {
        return describe(cert, ossl::toDer(cert));
    } catch (const Error&) {
        return {};
    }
}

// ---------------------------------------------------------------------------
// Algorithms.

std::optional<DigestAlgorithm> digestFromNid(int nid) {
    switch (nid) {
        case NID_sha256:
            return DigestAlgorithm::Sha256;
        case NID_sha384:
            return DigestAlgorithm::Sha384;
        case NID_sha512:
            return DigestAlgorithm::Sha512;
        case NID_sm3:
            return DigestAlgorithm::Sm3;
        case NID_sha1:
            return DigestAlgorithm::Sha1;  // verified, then judged too weak (see weakDigest)
        default:
            return std::nullopt;
    }
}

std::string digestName(int nid) {
    if (auto d = digestFromNid(nid)) return toString(*d);
    switch (nid) {
        case NID_sha1:
            return "SHA-1";
        case NID_sha224:
            return "SHA-224";
        case NID_md5:
            return "MD5";
        default:
            break;
    }
    const char* sn = OBJ_nid2sn(nid);
    return sn && nid != NID_undef ? sn : "unknown digest";
}

bool weakDigest(int nid) { return nid == NID_sha1 || nid == NID_md5 || nid == NID_md2 || nid == NID_md4; }

std::string objText(const ASN1_OBJECT* obj) {
    char buf[128];
    const int n = OBJ_obj2txt(buf, sizeof buf, obj, 0);
    return n > 0 && static_cast<std::size_t>(n) < sizeof buf ? std::string(buf) : std::string("unknown");
}

// How the signature value is to be checked.
struct SignatureMethod {
    SignatureScheme scheme = SignatureScheme::RsaPkcs1v15;
    int mdNid = NID_undef;      // digest the signature itself uses
    int mgf1MdNid = NID_undef;  // RSA-PSS only
    int saltLength = 0;         // RSA-PSS only
    std::string text;           // "ECDSA with SHA-256"
};

// RFC 4055 3.1 RSASSA-PSS-params; absent fields take the DEFAULTs (SHA-1, MGF1-SHA-1, 20).
bool parsePssParams(const X509_ALGOR* alg, SignatureMethod& m) {
    m.mdNid = NID_sha1;
    m.mgf1MdNid = NID_sha1;
    m.saltLength = 20;
    int ptype = 0;
    const void* pval = nullptr;
    X509_ALGOR_get0(nullptr, &ptype, &pval, alg);
    if (ptype != V_ASN1_SEQUENCE || !pval) return false;
    const auto* seqString = static_cast<const ASN1_STRING*>(pval);
    ByteView encoded(ASN1_STRING_get0_data(seqString),
                     static_cast<std::size_t>(ASN1_STRING_length(seqString)));
    der::Reader outer(encoded);
    auto seq = outer.nextIf(der::kSequence);
    if (!seq || !outer.empty()) return false;
    auto algNid = [](ByteView algId) -> int {
        der::Reader r(algId);
        auto oid = r.nextIf(der::kOid);
        if (!oid) return NID_undef;
        return OBJ_txt2nid(der::oidText(oid->content).c_str());
    };
    der::Reader fields(seq->content);
    if (auto hash = fields.nextIf(der::contextConstructed(0))) {
        der::Reader r(hash->content);
        auto id = r.nextIf(der::kSequence);
        if (!id) return false;
        m.mdNid = algNid(id->content);
    }
    if (auto mgf = fields.nextIf(der::contextConstructed(1))) {
        der::Reader r(mgf->content);
        auto id = r.nextIf(der::kSequence);
        if (!id) return false;
        der::Reader inner(id->content);
        auto oid = inner.nextIf(der::kOid);
        if (!oid || OBJ_txt2nid(der::oidText(oid->content).c_str()) != NID_mgf1) return false;
        auto hashId = inner.nextIf(der::kSequence);
        if (!hashId) return false;
        m.mgf1MdNid = algNid(hashId->content);
    }
    if (auto salt = fields.nextIf(der::contextConstructed(2))) {
        der::Reader r(salt->content);
        auto value = r.nextIf(der::kInteger);
        if (!value || value->content.empty() || value->content.size() > 2 || (value->content[0] & 0x80))
            return false;
        int v = 0;
        for (auto b : value->content) v = v << 8 | b;
        m.saltLength = v;
    }
    if (auto trailer = fields.nextIf(der::contextConstructed(3))) {
        // Only trailerFieldBC (1) is defined.
        if (trailer->content.size() != 3 || trailer->content[2] != 1) return false;
    }
    return fields.empty() && m.mdNid != NID_undef && m.mgf1MdNid != NID_undef;
}

// Maps the SignerInfo's signatureAlgorithm (and digestAlgorithm) to a method;
// nullopt for an algorithm eseal does not check.
std::optional<SignatureMethod> signatureMethod(const X509_ALGOR* sigAlg, int signerDigestNid) {
    const ASN1_OBJECT* obj = nullptr;
    X509_ALGOR_get0(&obj, nullptr, nullptr, sigAlg);
    const int nid = OBJ_obj2nid(obj);
    SignatureMethod m;
    if (nid == NID_rsaEncryption) {
        // RFC 3370 3.2: the digest is the SignerInfo's digestAlgorithm.
        m.scheme = SignatureScheme::RsaPkcs1v15;
        m.mdNid = signerDigestNid;
    } else if (nid == NID_rsassaPss) {
        m.scheme = SignatureScheme::RsaPss;
        if (!parsePssParams(sigAlg, m)) return std::nullopt;
    } else if (nid == NID_X9_62_id_ecPublicKey) {
        m.scheme = SignatureScheme::Ecdsa;
        m.mdNid = signerDigestNid;
    } else if (nid == NID_sm2) {
        m.scheme = SignatureScheme::Sm2;
        m.mdNid = NID_sm3;
    } else {
        int mdNid = NID_undef, pkNid = NID_undef;
        if (OBJ_find_sigid_algs(nid, &mdNid, &pkNid) != 1) return std::nullopt;
        if (pkNid == NID_rsaEncryption)
            m.scheme = SignatureScheme::RsaPkcs1v15;
        else if (pkNid == NID_X9_62_id_ecPublicKey)
            m.scheme = SignatureScheme::Ecdsa;
        else if (pkNid == NID_sm2)
            m.scheme = SignatureScheme::Sm2;
        else
            return std::nullopt;
        // RFC 5652 5.4: the signed attributes are digested with the SignerInfo's
        // digestAlgorithm (OpenSSL does the same); the OID's own digest is the fallback.
        m.mdNid = EVP_get_digestbynid(signerDigestNid) ? signerDigestNid : mdNid;
    }
    if (m.mdNid == NID_undef || !EVP_get_digestbynid(m.mdNid)) return std::nullopt;
    m.text = std::string(toString(m.scheme)) + " with " + digestName(m.mdNid);
    return m;
}

bool keyFits(EVP_PKEY* pub, SignatureScheme scheme) {
    switch (scheme) {
        case SignatureScheme::RsaPkcs1v15:
            return EVP_PKEY_is_a(pub, "RSA");
        case SignatureScheme::RsaPss:
            return EVP_PKEY_is_a(pub, "RSA") || EVP_PKEY_is_a(pub, "RSA-PSS");
        case SignatureScheme::Ecdsa:
            return EVP_PKEY_is_a(pub, "EC");
        case SignatureScheme::Sm2:
            return EVP_PKEY_is_a(pub, "SM2") || EVP_PKEY_is_a(pub, "EC");
    }
    return false;
}

// GM/T 0009 default signer ID.
constexpr char kSm2DefaultId[] = "1234567812345678";

bool configure(EVP_PKEY_CTX* pctx, const SignatureMethod& m) {
    switch (m.scheme) {
        case SignatureScheme::RsaPkcs1v15:
            return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) == 1;
        case SignatureScheme::RsaPss:
            return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
                   EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, m.saltLength) == 1 &&
                   EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_get_digestbynid(m.mgf1MdNid)) == 1;
        case SignatureScheme::Ecdsa:
            return true;
        case SignatureScheme::Sm2:
            return EVP_PKEY_CTX_set1_id(pctx, kSm2DefaultId, sizeof kSm2DefaultId - 1) == 1;
    }
    return false;
}

// Verifies `signature` over `data` (signed attributes) with the digest of the method.
bool verifyOverData(EVP_PKEY* pub, const SignatureMethod& m, ByteView data, ByteView signature) {
    // SM2: e = SM3(Z || data) with the GM/T 0009 default ID (core/crypto/sm2).
    if (m.scheme == SignatureScheme::Sm2) return sm2::verify(pub, data, signature);
    ossl::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    EVP_PKEY_CTX* pctx = nullptr;
    if (!ctx) return false;
    if (EVP_DigestVerifyInit(ctx.get(), &pctx, EVP_get_digestbynid(m.mdNid), nullptr, pub) != 1)
        return false;
    if (!configure(pctx, m)) return false;
    return EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), data.data(), data.size()) == 1;
}

// Verifies `signature` over a digest computed elsewhere (CMS without signed attributes).
bool verifyOverDigest(EVP_PKEY* pub, const SignatureMethod& m, ByteView digestValue, ByteView signature) {
    ossl::EvpPkeyCtxPtr pctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pub, nullptr));
    if (!pctx || EVP_PKEY_verify_init(pctx.get()) != 1 || !configure(pctx.get(), m)) return false;
    if (m.scheme != SignatureScheme::Ecdsa &&
        EVP_PKEY_CTX_set_signature_md(pctx.get(), EVP_get_digestbynid(m.mdNid)) != 1)
        return false;
    return EVP_PKEY_verify(pctx.get(), signature.data(), signature.size(), digestValue.data(),
                           digestValue.size()) == 1;
}

// ---------------------------------------------------------------------------
// Structure.

// The signed attributes exactly as received (RFC 5652 5.4: the DER SET OF,
// tag 0x31, not the [0] IMPLICIT tag), found by walking the DER. nullopt when
// the encoding is not DER (e.g. BER indefinite lengths).
std::optional<Bytes> rawSignedAttributes(ByteView cms) {
    der::Reader top(cms);
    auto contentInfo = top.nextIf(der::kSequence);
    if (!contentInfo) return std::nullopt;
    der::Reader ci(contentInfo->content);
    if (!ci.nextIf(der::kOid)) return std::nullopt;
    auto explicit0 = ci.nextIf(der::contextConstructed(0));
    if (!explicit0) return std::nullopt;
    der::Reader e(explicit0->content);
    auto signedData = e.nextIf(der::kSequence);
    if (!signedData) return std::nullopt;
    der::Reader sd(signedData->content);
    if (!sd.nextIf(der::kInteger) || !sd.nextIf(der::kSet) || !sd.nextIf(der::kSequence)) return std::nullopt;
    sd.nextIf(der::contextConstructed(0));  // certificates
    sd.nextIf(der::contextConstructed(1));  // crls
    auto signerInfos = sd.nextIf(der::kSet);
    if (!signerInfos) return std::nullopt;
    der::Reader sis(signerInfos->content);
    auto si = sis.nextIf(der::kSequence);
    if (!si) return std::nullopt;
    der::Reader s(si->content);
    if (!s.nextIf(der::kInteger) || !s.next() || !s.nextIf(der::kSequence)) return std::nullopt;
    auto attrs = s.nextIf(der::contextConstructed(0));
    if (!attrs) return std::nullopt;
    // Same length and content octets; only the tag differs.
    Bytes out;
    out.reserve(attrs->whole.size());
    out.push_back(der::kSet);
    out.insert(out.end(), attrs->whole.begin() + 1, attrs->whole.end());
    return out;
}

// The same bytes rebuilt from the parsed attributes in received order, as
// OpenSSL itself does; used when the input is BER.
Bytes reencodedSignedAttributes(const CMS_SignerInfo* si) {
    Bytes content;
    const int n = CMS_signed_get_attr_count(si);
    for (int i = 0; i < n; ++i) {
        unsigned char* buf = nullptr;
        const int len = i2d_X509_ATTRIBUTE(CMS_signed_get_attr(si, i), &buf);
        if (len <= 0) return {};
        content.insert(content.end(), buf, buf + len);
        OPENSSL_free(buf);
    }
    return der::tlv(der::kSet, content);
}

int countAttributes(const CMS_SignerInfo* si, int nid) {
    int count = 0;
    for (int pos = CMS_signed_get_attr_by_NID(si, nid, -1); pos >= 0;
         pos = CMS_signed_get_attr_by_NID(si, nid, pos))
        ++count;
    return count;
}

// The single value of a single-instance signed attribute, nullptr otherwise.
const ASN1_TYPE* singleValue(const CMS_SignerInfo* si, int nid) {
    if (countAttributes(si, nid) != 1) return nullptr;
    X509_ATTRIBUTE* attr = CMS_signed_get_attr(si, CMS_signed_get_attr_by_NID(si, nid, -1));
    if (!attr || X509_ATTRIBUTE_count(attr) != 1) return nullptr;
    return X509_ATTRIBUTE_get0_type(attr, 0);
}

enum class Binding { Absent, Matches, Mismatch, Malformed };

// RFC 5035 / RFC 2634 5.4: the first ESSCertID(v2) names the signer certificate.
Binding checkCertId(ByteView sequenceDer, bool v2, X509* signer, ByteView signerDer) {
    der::Reader top(sequenceDer);
    auto signingCert = top.nextIf(der::kSequence);
    if (!signingCert || !top.empty()) return Binding::Malformed;
    der::Reader sc(signingCert->content);
    auto certs = sc.nextIf(der::kSequence);
    if (!certs) return Binding::Malformed;
    der::Reader ids(certs->content);
    auto first = ids.nextIf(der::kSequence);
    if (!first) return Binding::Malformed;
    der::Reader id(first->content);
    int hashNid = v2 ? NID_sha256 : NID_sha1;  // ESSCertIDv2 DEFAULT id-sha256; ESSCertID is SHA-1
    if (v2) {
        if (auto alg = id.nextIf(der::kSequence)) {
            der::Reader a(alg->content);
            auto oid = a.nextIf(der::kOid);
            if (!oid) return Binding::Malformed;
            hashNid = OBJ_txt2nid(der::oidText(oid->content).c_str());
        }
    }
    auto hash = id.nextIf(der::kOctetString);
    if (!hash) return Binding::Malformed;
    const EVP_MD* md = EVP_get_digestbynid(hashNid);
    if (!md) return Binding::Malformed;
    unsigned char computed[EVP_MAX_MD_SIZE];
    unsigned int computedLen = 0;
    if (EVP_Digest(signerDer.data(), signerDer.size(), computed, &computedLen, md, nullptr) != 1)
        return Binding::Malformed;
    if (hash->content.size() != computedLen ||
        !std::equal(hash->content.begin(), hash->content.end(), computed))
        return Binding::Mismatch;
    if (auto issuerSerial = id.nextIf(der::kSequence)) {
        der::Reader is(issuerSerial->content);
        auto names = is.nextIf(der::kSequence);
        auto serial = is.nextIf(der::kInteger);
        if (!names || !serial) return Binding::Malformed;
        unsigned char* buf = nullptr;
        const int len = i2d_ASN1_INTEGER(X509_get0_serialNumber(signer), &buf);
        if (len <= 0) return Binding::Malformed;
        const bool serialOk = serial->whole.size() == static_cast<std::size_t>(len) &&
                              std::equal(serial->whole.begin(), serial->whole.end(), buf);
        OPENSSL_free(buf);
        if (!serialOk) return Binding::Mismatch;
        const Bytes issuer = nameDer(X509_get_issuer_name(signer));
        bool issuerOk = false;
        der::Reader gn(names->content);
        while (auto name = gn.next())
            if (name->tag == der::contextConstructed(4) &&  // directoryName [4] EXPLICIT Name
                std::equal(name->content.begin(), name->content.end(), issuer.begin(), issuer.end()))
                issuerOk = true;
        if (!issuerOk) return Binding::Mismatch;
    }
    return Binding::Matches;
}

Binding checkSigningCertificate(const CMS_SignerInfo* si, X509* signer, ByteView signerDer) {
    Binding result = Binding::Absent;
    for (const auto& [nid, v2] : {std::pair{NID_id_smime_aa_signingCertificateV2, true},
                                  std::pair{NID_id_smime_aa_signingCertificate, false}}) {
        const int count = countAttributes(si, nid);
        if (count == 0) continue;
        const ASN1_TYPE* value = singleValue(si, nid);
        if (!value || value->type != V_ASN1_SEQUENCE) return Binding::Malformed;
        const ASN1_STRING* s = value->value.sequence;
        const Binding b =
            checkCertId(ByteView(ASN1_STRING_get0_data(s), static_cast<std::size_t>(ASN1_STRING_length(s))),
                        v2, signer, signerDer);
        if (b != Binding::Matches) return b;
        result = Binding::Matches;
    }
    return result;
}

// ---------------------------------------------------------------------------
// Trust anchors and chain.

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// Adds every certificate in a PEM (one or more) or DER file; returns how many.
int addCertificates(X509_STORE* store, const std::string& path, std::vector<std::string>& warnings) {
    Bytes data;
    try {
        data = readFile(path);
    } catch (const Error& e) {
        warnings.push_back(std::string("The trust file could not be read: ") + e.what());
        return 0;
    }
    int added = 0;
    ossl::BioPtr bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
    while (bio) {
        ossl::X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
        if (!cert) break;
        sm2::useDefaultIdForCertificate(cert.get());
        if (X509_STORE_add_cert(store, cert.get()) == 1) ++added;
    }
    ERR_clear_error();
    if (added == 0) {
        const unsigned char* p = data.data();
        ossl::X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(data.size())));
        sm2::useDefaultIdForCertificate(cert.get());
        if (cert && X509_STORE_add_cert(store, cert.get()) == 1) ++added;
        ERR_clear_error();
    }
    if (added == 0)
        warnings.push_back("The trust file " + path + " holds no certificate (PEM or DER); it was ignored.");
    return added;
}

ossl::X509StorePtr buildStore(const TrustPolicy& policy, std::vector<std::string>& warnings) {
    ossl::X509StorePtr store(X509_STORE_new());
    if (!store) return store;
    if (policy.useSystemStore && X509_STORE_set_default_paths(store.get()) != 1)
        warnings.push_back("The system certificate store could not be loaded.");
    for (const auto& file : policy.trustFiles) addCertificates(store.get(), file, warnings);
    for (const auto& dir : policy.trustDirs) {
        std::error_code ec;
        std::filesystem::directory_iterator it(dir, ec), end;
        if (ec) {
            warnings.push_back("The trust folder " + dir + " could not be read: " + ec.message());
            continue;
        }
        std::vector<std::string> files;
        for (; it != end; it.increment(ec)) {
            if (ec) break;
            const auto ext = lower(it->path().extension().string());
            if ((ext == ".pem" || ext == ".crt" || ext == ".cer") && it->is_regular_file(ec))
                files.push_back(it->path());
        }
        std::sort(files.begin(), files.end());
        for (const auto& f : files) addCertificates(store.get(), f, warnings);
    }
    ERR_clear_error();
    return store;
}

struct ChainError {
    int code;
    int depth;
};

extern "C" int collectChainErrors(int ok, X509_STORE_CTX* ctx) {
    if (!ok) {
        auto* errors = static_cast<std::vector<ChainError>*>(X509_STORE_CTX_get_ex_data(ctx, 0));
        if (errors) errors->push_back({X509_STORE_CTX_get_error(ctx), X509_STORE_CTX_get_error_depth(ctx)});
        // Go on, so every problem of the chain is known, not only the first.
        return 1;
    }
    return ok;
}

ChainStatus classify(int code) {
    switch (code) {
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
            return ChainStatus::Incomplete;
        case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
        case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
        case X509_V_ERR_CERT_UNTRUSTED:
        case X509_V_ERR_CERT_REJECTED:
            return ChainStatus::Untrusted;
        case X509_V_ERR_CERT_HAS_EXPIRED:
            return ChainStatus::Expired;
        case X509_V_ERR_CERT_NOT_YET_VALID:
            return ChainStatus::NotYetValid;
        default:
            return ChainStatus::Invalid;
    }
}

// Which status the chain reports when it has several problems: a missing
// path first (nothing else means much without one), then broken signatures
// and constraints, then validity periods.
int chainPriority(ChainStatus s) {
    switch (s) {
        case ChainStatus::Incomplete:
            return 6;
        case ChainStatus::Untrusted:
            return 5;
        case ChainStatus::Invalid:
            return 4;
        case ChainStatus::Expired:
            return 3;
        case ChainStatus::NotYetValid:
            return 2;
        case ChainStatus::KeyUsageInvalid:
            return 1;
        case ChainStatus::Trusted:
        case ChainStatus::NotChecked:
            return 0;
    }
    return 0;
}

std::string whichCert(int depth) {
    return depth == 0 ? "the signer certificate"
                      : "the issuing CA certificate at depth " + std::to_string(depth);
}

void checkChain(X509* signer, STACK_OF(X509) * embedded, const TrustPolicy& policy, std::time_t at,
                SignatureReport& out) {
    out.chain.validationTime = isoUtc(at);
    out.chain.path.clear();
    ossl::X509StorePtr store = buildStore(policy, out.warnings);
    ossl::X509StoreCtxPtr ctx(X509_STORE_CTX_new());
    std::vector<ChainError> errors;
    // SM2 certificate signatures are checked with the GM/T 0009 default ID.
    sm2::useDefaultIdForCertificate(signer);
    for (int i = 0; embedded && i < sk_X509_num(embedded); ++i)
        sm2::useDefaultIdForCertificate(sk_X509_value(embedded, i));
    if (!store || !ctx || X509_STORE_CTX_init(ctx.get(), store.get(), signer, embedded) != 1) {
        out.chain.status = ChainStatus::NotChecked;
        out.chain.message = "the certificate chain could not be checked: " + opensslErrors();
        return;
    }
    X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
    X509_VERIFY_PARAM_set_time(param, at);
    // A trust anchor need not be self-signed (RFC 5280 6.1.1(d)): an
    // intermediate the user trusts ends the path.
    X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_PARTIAL_CHAIN);
    X509_STORE_CTX_set_ex_data(ctx.get(), 0, &errors);
    X509_STORE_CTX_set_verify_cb(ctx.get(), collectChainErrors);
    const int rc = X509_verify_cert(ctx.get());
    if (rc < 0 && errors.empty()) errors.push_back({X509_STORE_CTX_get_error(ctx.get()), 0});
    ERR_clear_error();

    if (STACK_OF(X509)* chain = X509_STORE_CTX_get0_chain(ctx.get()))
        for (int i = 0; i < sk_X509_num(chain); ++i)
            out.chain.path.push_back(describe(sk_X509_value(chain, i)));

    ChainStatus status = ChainStatus::Trusted;
    std::string message;
    for (const auto& e : errors) {
        const ChainStatus s = classify(e.code);
        if (chainPriority(s) > chainPriority(status)) {
            status = s;
            message = std::string(X509_verify_cert_error_string(e.code)) + " (" + whichCert(e.depth) + ")";
        }
    }
    // RFC 5280 4.2.1.3: a signer certificate with a key usage extension must
    // allow digitalSignature or nonRepudiation to sign documents.
    if (status == ChainStatus::Trusted && (X509_get_extension_flags(signer) & EXFLAG_KUSAGE) &&
        !(X509_get_key_usage(signer) & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION))) {
        status = ChainStatus::KeyUsageInvalid;
        message = "the signer certificate's key usage allows neither digitalSignature nor nonRepudiation";
    }
    if (status == ChainStatus::Trusted)
        message = "a path to a trusted root was found and every certificate is valid";
    out.chain.status = status;
    out.chain.message = message;
}

std::string chainError(ChainStatus s, const SignatureReport& out) {
    const std::string signer = out.signer ? out.signer->commonName : std::string("the signer");
    switch (s) {
        case ChainStatus::Untrusted:
            return "The certificate of " + signer +
                   " leads to a root that is not trusted here. If you know this issuer, add its root "
                   "certificate "
                   "with --trust or to ~/.config/eseal/trust.";
        case ChainStatus::Incomplete:
            return "The certificate chain of " + signer +
                   " is incomplete: an issuing CA certificate is neither in the signature nor among the "
                   "trusted "
                   "certificates.";
        case ChainStatus::Expired:
            return "A certificate in the chain of " + signer + " was expired at " + out.chain.validationTime +
                   ", and no timestamp proves the signature was made while it was valid.";
        case ChainStatus::NotYetValid:
            return "A certificate in the chain of " + signer + " was not yet valid at " +
                   out.chain.validationTime + ".";
        case ChainStatus::KeyUsageInvalid: {
            std::string usages;
            if (out.signer)
                for (const auto& u : out.signer->keyUsage) usages += (usages.empty() ? "" : ", ") + u;
            return "The certificate of " + signer + " is not meant for signing (key usage: " +
                   (usages.empty() ? std::string("none") : usages) + ").";
        }
        case ChainStatus::Invalid:
            return "The certificate chain of " + signer + " is invalid: " + out.chain.message + ".";
        case ChainStatus::Trusted:
        case ChainStatus::NotChecked:
            break;
    }
    return {};
}

// EU DSS / ETSI EN 319 102-1 5.2.6 mapping of the chain status to the
// signature's indication (applied only when the signature itself is intact):
//   trusted             -> PASSED
//   untrusted root      -> INDETERMINATE / NO_CERTIFICATE_CHAIN_FOUND
//   missing issuer      -> INDETERMINATE / NO_CERTIFICATE_CHAIN_FOUND
//   expired             -> INDETERMINATE / OUT_OF_BOUNDS_NO_POE (no proof of existence before expiry)
//   not yet valid       -> INDETERMINATE / NOT_YET_VALID
//   key usage           -> INDETERMINATE / CHAIN_CONSTRAINTS_FAILURE
//   other chain errors  -> INDETERMINATE / CERTIFICATE_CHAIN_GENERAL_FAILURE
SubIndication chainSubIndication(ChainStatus s) {
    switch (s) {
        case ChainStatus::Untrusted:
        case ChainStatus::Incomplete:
            return SubIndication::NoCertificateChainFound;
        case ChainStatus::Expired:
            return SubIndication::OutOfBoundsNoPoe;
        case ChainStatus::NotYetValid:
            return SubIndication::NotYetValid;
        case ChainStatus::KeyUsageInvalid:
            return SubIndication::ChainConstraintsFailure;
        case ChainStatus::Invalid:
        case ChainStatus::NotChecked:
            return SubIndication::CertificateChainGeneralFailure;
        case ChainStatus::Trusted:
            break;
    }
    return SubIndication::None;
}

// ---------------------------------------------------------------------------

struct CertStackDeleter {
    void operator()(STACK_OF(X509) * s) const noexcept { sk_X509_pop_free(s, X509_free); }
};

void verifyInto(const CmsVerifyInput& input, const TrustPolicy& policy, SignatureReport& out, Verdict& v) {
    auto fail = [&](Indication i, SubIndication s, std::string message) {
        v.lower(i, s);
        out.errors.push_back(std::move(message));
    };

    // --- Parse (trailing zeros are the unused part of a PDF /Contents).
    const ByteView cmsBytes = input.cms;
    if (cmsBytes.empty()) {
        fail(Indication::Failed, SubIndication::FormatFailure, "The signature is empty.");
        return;
    }
    const unsigned char* p = cmsBytes.data();
    ossl::CmsPtr cms(d2i_CMS_ContentInfo(nullptr, &p, static_cast<long>(cmsBytes.size())));
    ERR_clear_error();
    if (!cms) {
        fail(Indication::Failed, SubIndication::FormatFailure,
             "The signature data is not a valid CMS/PKCS#7 structure (damaged or truncated).");
        return;
    }
    const std::size_t used = static_cast<std::size_t>(p - cmsBytes.data());
    const ByteView cmsDer = cmsBytes.first(used);
    if (!std::all_of(cmsBytes.begin() + static_cast<std::ptrdiff_t>(used), cmsBytes.end(),
                     [](std::uint8_t b) { return b == 0; })) {
        fail(Indication::Failed, SubIndication::FormatFailure,
             "Unexpected data follows the signature (only zero padding is allowed).");
        return;
    }
    if (OBJ_obj2nid(CMS_get0_type(cms.get())) != NID_pkcs7_signed) {
        fail(Indication::Failed, SubIndication::FormatFailure, "The signature is not CMS SignedData.");
        return;
    }
    if (ASN1_OCTET_STRING** content = CMS_get0_content(cms.get()); content && *content) {
        fail(Indication::Failed, SubIndication::FormatFailure,
             "The signature embeds its own content instead of signing the document (not a detached "
             "signature).");
        return;
    }
    STACK_OF(CMS_SignerInfo)* signerInfos = CMS_get0_SignerInfos(cms.get());
    if (!signerInfos || sk_CMS_SignerInfo_num(signerInfos) != 1) {
        fail(Indication::Failed, SubIndication::FormatFailure,
             "The signature must hold exactly one signer; it holds " +
                 std::to_string(signerInfos ? sk_CMS_SignerInfo_num(signerInfos) : 0) + ".");
        return;
    }
    CMS_SignerInfo* si = sk_CMS_SignerInfo_value(signerInfos, 0);

    // --- Algorithms.
    X509_ALGOR* digestAlg = nullptr;
    X509_ALGOR* sigAlg = nullptr;
    CMS_SignerInfo_get0_algs(si, nullptr, nullptr, &digestAlg, &sigAlg);
    const ASN1_OBJECT* digestObj = nullptr;
    X509_ALGOR_get0(&digestObj, nullptr, nullptr, digestAlg);
    const int digestNid = OBJ_obj2nid(digestObj);
    out.digestAlgorithm = digestNid == NID_undef ? objText(digestObj) : digestName(digestNid);
    const auto method = signatureMethod(sigAlg, digestNid);
    if (method) {
        out.signatureAlgorithm = method->text;
    } else {
        const ASN1_OBJECT* sigObj = nullptr;
        X509_ALGOR_get0(&sigObj, nullptr, nullptr, sigAlg);
        out.signatureAlgorithm = objText(sigObj);
    }

    // --- Signer certificate, by sid (issuerAndSerialNumber or subjectKeyIdentifier).
    std::unique_ptr<STACK_OF(X509), CertStackDeleter> certs(CMS_get1_certs(cms.get()));
    if (!certs) certs.reset(sk_X509_new_null());
    X509* signer = nullptr;
    for (int i = 0; certs && i < sk_X509_num(certs.get()); ++i)
        if (CMS_SignerInfo_cert_cmp(si, sk_X509_value(certs.get(), i)) == 0) {
            signer = sk_X509_value(certs.get(), i);
            break;
        }
    ERR_clear_error();

    // --- Signing time (needed for the report even when the rest fails).
    const bool hasSignedAttrs = CMS_signed_get_attr_count(si) > 0;
    if (hasSignedAttrs && countAttributes(si, NID_pkcs9_signingTime) > 0) {
        const ASN1_TYPE* t = singleValue(si, NID_pkcs9_signingTime);
        if (!t || (t->type != V_ASN1_UTCTIME && t->type != V_ASN1_GENERALIZEDTIME) ||
            ASN1_TIME_check(t->value.utctime) != 1) {
            fail(Indication::Failed, SubIndication::FormatFailure,
                 "The signing-time attribute is malformed (RFC 5652 11.3).");
        } else {
            out.signingTime = isoUtc(toTimeT(t->value.utctime));
            out.signingTimeSource = "signing-time attribute";
        }
    }
    if (!out.signingTime && input.claimedSigningTime) {
        out.signingTime = isoUtc(*input.claimedSigningTime);
        out.signingTimeSource = input.claimedSigningTimeSource;
    }

    if (!signer) {
        fail(Indication::Indeterminate, SubIndication::NoSigningCertificateFound,
             "The signer's certificate is not included in the signature, so it cannot be checked.");
        return;
    }
    Bytes signerDer;
    try {
        signerDer = ossl::toDer(signer);
    } catch (const Error&) {
        fail(Indication::Failed, SubIndication::FormatFailure, "The signer certificate cannot be encoded.");
        return;
    }
    out.signer = describe(signer, signerDer);
    EVP_PKEY* pub = X509_get0_pubkey(signer);
    ERR_clear_error();
    if (!pub) {
        fail(Indication::Failed, SubIndication::FormatFailure,
             "The signer certificate's public key cannot be read.");
        return;
    }

    // --- Content digest: the content is the caller's (detached signature).
    const auto digestAlgorithm = digestFromNid(digestNid);
    Bytes contentDigest;
    bool cryptoUnsupported = false;
    if (!digestAlgorithm) {
        cryptoUnsupported = true;
        fail(Indication::Indeterminate, SubIndication::CryptoConstraintsFailure,
             "The signature uses the digest algorithm " + out.digestAlgorithm +
                 ", which eseal does not accept (too weak or unknown); the content was not checked.");
    } else {
        try {
            contentDigest = input.digestContent(*digestAlgorithm);
        } catch (const std::exception& e) {
            fail(Indication::Indeterminate, SubIndication::SignedDataNotFound,
                 std::string("The signed content could not be read: ") + e.what());
            return;
        }
    }
    if (!method) {
        cryptoUnsupported = true;
        fail(Indication::Indeterminate, SubIndication::CryptoConstraintsFailure,
             "The signature algorithm " + out.signatureAlgorithm + " is not supported by eseal.");
    } else if (!keyFits(pub, method->scheme)) {
        fail(Indication::Failed, SubIndication::FormatFailure,
             "The signature algorithm " + out.signatureAlgorithm + " does not fit the signer's key.");
        return;
    }
    const ASN1_OCTET_STRING* sigValue = CMS_SignerInfo_get0_signature(si);
    const ByteView signature(ASN1_STRING_get0_data(sigValue),
                             static_cast<std::size_t>(ASN1_STRING_length(sigValue)));

    if (hasSignedAttrs) {
        // RFC 5652 5.3 / 11.1 / 11.2: content-type and message-digest are required,
        // each once with one value; content-type equals eContentType.
        const ASN1_TYPE* contentType = singleValue(si, NID_pkcs9_contentType);
        const ASN1_TYPE* messageDigest = singleValue(si, NID_pkcs9_messageDigest);
        if (!contentType || contentType->type != V_ASN1_OBJECT) {
            fail(Indication::Failed, SubIndication::FormatFailure,
                 "The content-type signed attribute is missing or malformed (RFC 5652 11.1).");
            return;
        }
        if (OBJ_cmp(contentType->value.object, CMS_get0_eContentType(cms.get())) != 0) {
            fail(Indication::Failed, SubIndication::FormatFailure,
                 "The content-type signed attribute does not match the signed content type.");
            return;
        }
        if (!messageDigest || messageDigest->type != V_ASN1_OCTET_STRING) {
            fail(Indication::Failed, SubIndication::FormatFailure,
                 "The message-digest signed attribute is missing or malformed (RFC 5652 11.2).");
            return;
        }
        if (digestAlgorithm) {
            const ASN1_OCTET_STRING* md = messageDigest->value.octet_string;
            const ByteView claimed(ASN1_STRING_get0_data(md),
                                   static_cast<std::size_t>(ASN1_STRING_length(md)));
            out.digestMatches =
                std::equal(claimed.begin(), claimed.end(), contentDigest.begin(), contentDigest.end());
            if (!out.digestMatches)
                fail(Indication::Failed, SubIndication::HashFailure,
                     "The document was changed after it was signed: its digest does not match the signed "
                     "one.");
        }
        if (method) {
            std::optional<Bytes> attrs = rawSignedAttributes(cmsDer);
            if (!attrs) attrs = reencodedSignedAttributes(si);
            out.signatureValid = !attrs->empty() && verifyOverData(pub, *method, *attrs, signature);
            ERR_clear_error();
            if (!out.signatureValid)
                fail(Indication::Failed, SubIndication::SigCryptoFailure,
                     "The signature value does not verify with the signer's public key.");
        }
        // RFC 5035 / ETSI EN 319 122-1 5.2.2: the signed attributes bind the signer certificate.
        switch (checkSigningCertificate(si, signer, signerDer)) {
            case Binding::Matches:
                out.signingCertificateBound = true;
                break;
            case Binding::Absent:
                out.warnings.push_back(
                    "The signature does not bind its signer certificate (no signing-certificate-v2 "
                    "attribute); "
                    "the certificate could be swapped for another with the same key.");
                break;
            case Binding::Mismatch:
                fail(Indication::Failed, SubIndication::FormatFailure,
                     "The signing-certificate attribute names a certificate other than the signer's.");
                break;
            case Binding::Malformed:
                fail(Indication::Failed, SubIndication::FormatFailure,
                     "The signing-certificate attribute is malformed.");
                break;
        }
    } else {
        // No signed attributes (older adbe.pkcs7.detached signers): the
        // signature is over the content digest itself (RFC 5652 5.4).
        out.warnings.push_back(
            "The signature has no signed attributes, so it does not bind the signer certificate or a content "
            "type.");
        if (method && digestAlgorithm) {
            if (method->scheme == SignatureScheme::Sm2) {
                cryptoUnsupported = true;
                fail(Indication::Indeterminate, SubIndication::CryptoConstraintsFailure,
                     "SM2 signatures without signed attributes cannot be checked by eseal.");
            } else if (method->mdNid != digestNid) {
                fail(Indication::Failed, SubIndication::FormatFailure,
                     "The signature and digest algorithms of the signature disagree.");
            } else {
                out.signatureValid = verifyOverDigest(pub, *method, contentDigest, signature);
                ERR_clear_error();
                out.digestMatches = out.signatureValid;
                if (!out.signatureValid)
                    fail(Indication::Failed, SubIndication::SigCryptoFailure,
                         "The signature does not verify: the document was changed or the signature is "
                         "damaged.");
            }
        }
    }

    // --- Chain. Validation time: the policy's, else now. A B-B signature has no
    // proof of existence, so its claimed time cannot be used (ETSI EN 319 102-1).
    const std::time_t at = policy.validationTime ? *policy.validationTime : now();
    checkChain(signer, certs.get(), policy, at, out);
    if (!policy.validationTime && out.signingTime && *out.signingTime != out.chain.validationTime)
        out.chain.message += "; checked at the current time, because the claimed signing time " +
                             *out.signingTime + " is not proven by a timestamp";
    if (out.chain.status != ChainStatus::Trusted) {
        const SubIndication sub = chainSubIndication(out.chain.status);
        fail(Indication::Indeterminate, sub, chainError(out.chain.status, out));
    }

    // --- Cryptographic constraints: reported only when nothing else is wrong.
    std::vector<std::string> weak;
    if (weakDigest(digestNid) && !cryptoUnsupported)
        weak.push_back("the digest algorithm " + out.digestAlgorithm);
    if (method && weakDigest(method->mdNid) && method->mdNid != digestNid)
        weak.push_back("the signature digest " + digestName(method->mdNid));
    const int bits = EVP_PKEY_get_bits(pub);
    if ((EVP_PKEY_is_a(pub, "RSA") || EVP_PKEY_is_a(pub, "RSA-PSS")) && bits < 2048)
        weak.push_back("an RSA key of " + std::to_string(bits) + " bits");
    if (EVP_PKEY_is_a(pub, "EC") && bits < 256)
        weak.push_back("an EC key of " + std::to_string(bits) + " bits");
    for (const auto& w : weak)
        out.warnings.push_back("The signature uses " + w + ", which is too weak to be relied on today.");
    if (!weak.empty() && v.indication == Indication::Passed)
        fail(Indication::Indeterminate, SubIndication::CryptoConstraintsFailure,
             "The signature is intact but uses weak cryptography (see warnings).");
}

}  // namespace

CertificateInfo describeCertificate(ByteView der) {
    ossl::X509Ptr cert = ossl::parseCertificate(der);
    return describe(cert.get(), der);
}

ChainStatus validateSignerChain(ByteView signerDer, const std::vector<Bytes>& extra, const TrustPolicy& policy,
                                SignatureReport& out) {
    const std::time_t at = policy.validationTime ? *policy.validationTime : now();
    out.chain = ChainReport{};
    out.chain.validationTime = isoUtc(at);
    try {
        ossl::X509Ptr signer = ossl::parseCertificate(signerDer);
        ossl::X509StackPtr certs(sk_X509_new_null());
        for (const auto& der : extra) {
            try {
                ossl::X509Ptr c = ossl::parseCertificate(der);
                if (certs && sk_X509_push(certs.get(), c.get()) > 0) c.release();
            } catch (const Error&) {
                out.warnings.push_back("A certificate carried with the signature cannot be read; it was ignored.");
            }
        }
        checkChain(signer.get(), certs.get(), policy, at, out);
    } catch (const Error& e) {
        out.chain.status = ChainStatus::Invalid;
        out.chain.message = e.what();
    }
    ERR_clear_error();
    if (out.chain.status != ChainStatus::Trusted) {
        const SubIndication sub = chainSubIndication(out.chain.status);
        // Worst wins: a FAILED or an INDETERMINATE with its reason stays.
        if (out.indication == Indication::Passed ||
            (out.indication == Indication::Indeterminate && out.subIndication == SubIndication::None)) {
            out.indication = Indication::Indeterminate;
            out.subIndication = sub;
        }
        const std::string why = chainError(out.chain.status, out);
        if (!why.empty()) out.errors.push_back(why);
    }
    return out.chain.status;
}

// Merge rule with what the caller set before the call (e.g. a broken PDF byte
// range): worst wins, FAILED > INDETERMINATE > PASSED. The struct's default
// INDETERMINATE with no sub-indication carries no verdict and is not a
// caller's finding; a caller's verdict wins ties, so its sub-indication stays.
void verifyDetachedCms(const CmsVerifyInput& input, const TrustPolicy& policy, SignatureReport& out) {
    const bool callerVerdict =
        out.indication == Indication::Failed ||
        (out.indication == Indication::Indeterminate && out.subIndication != SubIndication::None);
    Verdict caller{out.indication, out.subIndication};
    Verdict v;
    out.digestMatches = false;
    out.signatureValid = false;
    out.signingCertificateBound = false;
    try {
        verifyInto(input, policy, out, v);
    } catch (const std::exception& e) {
        v.lower(Indication::Failed, SubIndication::FormatFailure);
        out.errors.push_back(std::string("The signature could not be processed: ") + e.what());
    }
    ERR_clear_error();
    if (callerVerdict && rank(caller.indication) >= rank(v.indication)) v = caller;
    out.indication = v.indication;
    out.subIndication = v.sub;
}

}  // namespace eseal
