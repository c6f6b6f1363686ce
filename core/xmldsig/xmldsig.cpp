#include "core/xmldsig/xmldsig.hpp"

#include <libxml/c14n.h>
#include <libxml/tree.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include <map>
#include <set>

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "core/base/time.hpp"
#include "core/crypto/aia.hpp"
#include "core/crypto/certificate.hpp"
#include "core/crypto/chain.hpp"
#include "core/crypto/digest.hpp"
#include "core/crypto/signature_check.hpp"

namespace eseal::xmldsig {

namespace {

using package::XmlDocument;

// ---- canonicalization (W3C C14N 1.0, C14N 1.1, Exclusive C14N) ----

struct Mode {
    int mode;
    int comments;
};

std::optional<Mode> modeOf(const std::string& algorithm) {
    if (algorithm == kC14n) return Mode{XML_C14N_1_0, 0};
    if (algorithm == kC14nComments) return Mode{XML_C14N_1_0, 1};
    if (algorithm == kExcC14n) return Mode{XML_C14N_EXCLUSIVE_1_0, 0};
    if (algorithm == std::string(kExcC14n) + "WithComments") return Mode{XML_C14N_EXCLUSIVE_1_0, 1};
    if (algorithm == kC14n11) return Mode{XML_C14N_1_1, 0};
    if (algorithm == std::string(kC14n11) + "#WithComments") return Mode{XML_C14N_1_1, 1};
    return std::nullopt;
}

// A node-set of the subtree at root (XML-DSig 4.4.3.3: a same-document
// reference selects the element with its descendants, comments aside).
int inSubtree(void* root, xmlNodePtr node, xmlNodePtr parent) {
    const xmlNode* n = (node->type == XML_NAMESPACE_DECL || node->type == XML_ATTRIBUTE_NODE) ? parent : node;
    for (; n; n = n->parent)
        if (n == root) return 1;
    return 0;
}

void collectIds(const xmlNode* node, const std::string& id, std::vector<const xmlNode*>& out) {
    for (const xmlNode* c = node; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) continue;
        if (package::attribute(c, "Id").value_or("\x01") == id) out.push_back(c);
        collectIds(c->children, id, out);
    }
}

bool inside(const xmlNode* node, const xmlNode* ancestor) {
    for (; node; node = node->parent)
        if (node == ancestor) return true;
    return false;
}

bool isDsig(const xmlNode* n, const char* local) {
    return n && n->type == XML_ELEMENT_NODE && package::localName(n) == local && n->ns && n->ns->href &&
           std::string(reinterpret_cast<const char*>(n->ns->href)) == kDsigNs;
}

// Every descendant element with this local name (any namespace).
void descendants(const xmlNode* node, const std::string& local, std::vector<const xmlNode*>& out) {
    for (const xmlNode* c = node ? node->children : nullptr; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) continue;
        if (package::localName(c) == local) out.push_back(c);
        descendants(c, local, out);
    }
}

std::string trim(std::string s) {
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return {};
    return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

// ---- algorithm identifiers ----

std::optional<DigestAlgorithm> digestOf(const std::string& uri) {
    if (uri == "http://www.w3.org/2001/04/xmlenc#sha256") return DigestAlgorithm::Sha256;
    if (uri == "http://www.w3.org/2001/04/xmldsig-more#sha384") return DigestAlgorithm::Sha384;
    if (uri == "http://www.w3.org/2001/04/xmlenc#sha512") return DigestAlgorithm::Sha512;
    if (uri == "http://www.w3.org/2000/09/xmldsig#sha1") return DigestAlgorithm::Sha1;
    return std::nullopt;
}

}  // namespace

std::optional<DigestAlgorithm> digestAlgorithmOf(const std::string& uri) { return digestOf(uri); }

const char* digestUri(DigestAlgorithm d) {
    switch (d) {
        case DigestAlgorithm::Sha384:
            return "http://www.w3.org/2001/04/xmldsig-more#sha384";
        case DigestAlgorithm::Sha512:
            return "http://www.w3.org/2001/04/xmlenc#sha512";
        default:
            return "http://www.w3.org/2001/04/xmlenc#sha256";
    }
}

namespace {

struct Method {
    SignatureScheme scheme;
    DigestAlgorithm digest;
};

// RFC 6931 2.3 and XML-DSig 1.1 6.4.
std::optional<Method> methodOf(const std::string& uri) {
    static const std::map<std::string, Method> table = {
        {"http://www.w3.org/2000/09/xmldsig#rsa-sha1", {SignatureScheme::RsaPkcs1v15, DigestAlgorithm::Sha1}},
        {"http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
         {SignatureScheme::RsaPkcs1v15, DigestAlgorithm::Sha256}},
        {"http://www.w3.org/2001/04/xmldsig-more#rsa-sha384",
         {SignatureScheme::RsaPkcs1v15, DigestAlgorithm::Sha384}},
        {"http://www.w3.org/2001/04/xmldsig-more#rsa-sha512",
         {SignatureScheme::RsaPkcs1v15, DigestAlgorithm::Sha512}},
        {"http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
         {SignatureScheme::Ecdsa, DigestAlgorithm::Sha256}},
        {"http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384",
         {SignatureScheme::Ecdsa, DigestAlgorithm::Sha384}},
        {"http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512",
         {SignatureScheme::Ecdsa, DigestAlgorithm::Sha512}},
    };
    const auto it = table.find(uri);
    if (it == table.end()) return std::nullopt;
    return it->second;
}

std::string methodUri(const Method& m) {
    const std::string d = m.digest == DigestAlgorithm::Sha384   ? "sha384"
                          : m.digest == DigestAlgorithm::Sha512 ? "sha512"
                                                                : "sha256";
    return std::string("http://www.w3.org/2001/04/xmldsig-more#") +
           (m.scheme == SignatureScheme::Ecdsa ? "ecdsa-" : "rsa-") + d;
}

int nidOf(DigestAlgorithm d) { return EVP_MD_get_type(evpMd(d)); }

// XML-DSig 1.1 6.4.3: ECDSA values are r || s, each as long as the group order.
std::optional<Bytes> ecdsaRawFromDer(ByteView der, std::size_t half) {
    const unsigned char* p = der.data();
    ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size()));
    if (!sig) return std::nullopt;
    Bytes out(2 * half);
    const bool ok = BN_bn2binpad(ECDSA_SIG_get0_r(sig), out.data(), static_cast<int>(half)) > 0 &&
                    BN_bn2binpad(ECDSA_SIG_get0_s(sig), out.data() + half, static_cast<int>(half)) > 0;
    ECDSA_SIG_free(sig);
    if (!ok) return std::nullopt;
    return out;
}

std::optional<Bytes> ecdsaDerFromRaw(ByteView raw) {
    if (raw.empty() || raw.size() % 2) return std::nullopt;
    const int half = static_cast<int>(raw.size() / 2);
    ECDSA_SIG* sig = ECDSA_SIG_new();
    BIGNUM* r = BN_bin2bn(raw.data(), half, nullptr);
    BIGNUM* s = BN_bin2bn(raw.data() + half, half, nullptr);
    if (!sig || !r || !s || ECDSA_SIG_set0(sig, r, s) != 1) {
        BN_free(r);
        BN_free(s);
        ECDSA_SIG_free(sig);
        return std::nullopt;
    }
    unsigned char* der = nullptr;
    const int n = i2d_ECDSA_SIG(sig, &der);
    ECDSA_SIG_free(sig);
    if (n <= 0) return std::nullopt;
    Bytes out(der, der + n);
    OPENSSL_free(der);
    return out;
}

std::size_t ecHalf(EVP_PKEY* pub) { return static_cast<std::size_t>((EVP_PKEY_get_bits(pub) + 7) / 8); }

std::string serialDecimal(X509* cert) {
    BIGNUM* bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr);
    char* dec = bn ? BN_bn2dec(bn) : nullptr;
    std::string out = dec ? dec : "";
    OPENSSL_free(dec);
    BN_free(bn);
    return out;
}

std::string randomHex(std::size_t n) {
    Bytes b(n);
    if (RAND_bytes(b.data(), static_cast<int>(n)) != 1)
        throw Error(ErrorCategory::Crypto, tr("no random bytes"));
    return toHex(b, true);
}

void fail(SignatureReport& r, SubIndication s, const std::string& why) {
    r.verdict.worsenTo(Indication::Failed, s);
    r.errors.push_back(why);
}
void indeterminate(SignatureReport& r, SubIndication s, const std::string& why) {
    r.verdict.worsenTo(Indication::Indeterminate, s);
    r.errors.push_back(why);
}

std::vector<std::string> transformsOf(const xmlNode* reference) {
    std::vector<std::string> out;
    for (const xmlNode* t : package::children(package::child(reference, "Transforms"), "Transform"))
        out.push_back(package::attribute(t, "Algorithm").value_or(""));
    return out;
}

// One ds:Reference (XML-DSig 4.4.3): its digest over what the URI and the
// transforms give. Same-document references resolve to exactly one element
// inside the signature. Returns whether it matched; findings go into r.
bool checkReference(const XmlDocument& doc, const xmlNode* signature, const xmlNode* ref,
                    const NodeDereference& dereference, SignatureReport& r, std::set<std::string>& seenUris,
                    std::set<std::string>& sameDocIds, std::vector<std::string>& externalUris) {
    const auto uriAttr = package::attribute(ref, "URI");
    const std::string uri = uriAttr.value_or("");
    if (!uriAttr || uri.empty()) {
        fail(r, SubIndication::FormatFailure, tr("a Reference without URI"));
        return false;
    }
    if (!seenUris.insert(uri).second) {
        fail(r, SubIndication::FormatFailure, fill(tr("two References to {uri}"), {{"{uri}", uri}}));
        return false;
    }
    const std::string dmText =
        package::attribute(package::child(ref, "DigestMethod"), "Algorithm").value_or("");
    const auto dm = digestOf(dmText);
    const auto expected = fromBase64(package::text(package::child(ref, "DigestValue")));
    if (!dm) {
        indeterminate(r, SubIndication::CryptoConstraintsFailure,
                      fill(tr("unsupported digest method {method}"), {{"{method}", dmText}}));
        return false;
    }
    if (r.digestAlgorithm.empty()) r.digestAlgorithm = toString(*dm);
    if (*dm == DigestAlgorithm::Sha1)
        indeterminate(r, SubIndication::CryptoConstraintsFailure, tr("a reference digest is SHA-1"));
    if (!expected) {
        fail(r, SubIndication::FormatFailure,
             fill(tr("DigestValue of {uri} is not Base64"), {{"{uri}", uri}}));
        return false;
    }
    const auto transforms = transformsOf(ref);
    std::optional<Octets> octets;
    std::string why;
    if (uri[0] == '#') {
        const std::string id = uri.substr(1);
        std::vector<const xmlNode*> found;
        collectIds(doc.root(), id, found);
        // A second element with the same Id is how signature wrapping hides content.
        if (found.size() != 1 || !inside(found[0], signature)) {
            fail(r, SubIndication::FormatFailure,
                 fill(found.empty() ? tr("reference {uri} names nothing")
                                    : tr("reference {uri} is ambiguous or outside the signature"),
                      {{"{uri}", uri}}));
            return false;
        }
        std::string algorithm = kC14n;  // XML-DSig 4.4.3.2: node-set to octets by C14N
        bool ok = true;
        for (const auto& t : transforms) {
            if (!isCanonicalization(t)) ok = false;
            algorithm = t;
        }
        if (!ok) {
            indeterminate(r, SubIndication::FormatFailure,
                          fill(tr("unsupported transform in reference {uri}"), {{"{uri}", uri}}));
            return false;
        }
        octets = canonicalizeSubtree(doc, found[0], algorithm);
        sameDocIds.insert(id);
    } else {
        octets = dereference(uri, ref, why);
        if (!octets) {
            fail(r, SubIndication::SignedDataNotFound,
                 why.empty() ? fill(tr("cannot read {uri}"), {{"{uri}", uri}}) : why);
            return false;
        }
    }
    if (digestOf(*dm, *octets) != *expected) {
        fail(r, SubIndication::HashFailure,
             fill(tr("signed content changed (digest differs): {uri}"), {{"{uri}", uri}}));
        return false;
    }
    if (uri[0] != '#') externalUris.push_back(uri);
    return true;
}

}  // namespace

Bytes digestOf(DigestAlgorithm algorithm, const Octets& octets) {
    if (!octets.stream) return digest(algorithm, octets.data);
    Hasher h(algorithm);
    octets.stream([&](ByteView piece) { h.update(piece); });
    return h.finish();
}

bool isCanonicalization(const std::string& algorithm) { return modeOf(algorithm).has_value(); }

Bytes canonicalize(ByteView xml, const std::string& algorithm, const std::string& name) {
    const auto mode = modeOf(algorithm);
    if (!mode)
        throw Error(ErrorCategory::BadInput,
                    fill(tr("unknown canonicalization {algorithm}"), {{"{algorithm}", algorithm}}), name);
    const XmlDocument doc(xml, name);
    xmlChar* out = nullptr;
    const int n = xmlC14NDocDumpMemory(doc.get(), nullptr, mode->mode, nullptr, mode->comments, &out);
    if (n < 0 || !out) throw Error(ErrorCategory::BadInput, tr("cannot canonicalize the XML"), name);
    Bytes bytes(out, out + n);
    xmlFree(out);
    return bytes;
}

Bytes canonicalizeSubtree(const XmlDocument& doc, const xmlNode* node, const std::string& algorithm) {
    const auto mode = modeOf(algorithm);
    if (!mode)
        throw Error(ErrorCategory::BadInput,
                    fill(tr("unknown canonicalization {algorithm}"), {{"{algorithm}", algorithm}}));
    xmlOutputBufferPtr buf = xmlAllocOutputBuffer(nullptr);
    if (!buf) throw Error(ErrorCategory::Internal, tr("out of memory"));
    const int rc = xmlC14NExecute(doc.get(), inSubtree, const_cast<xmlNode*>(node), mode->mode, nullptr,
                                  mode->comments, buf);
    Bytes out;
    if (rc >= 0) {
        const xmlChar* content = xmlOutputBufferGetContent(buf);
        out.assign(content, content + xmlOutputBufferGetSize(buf));
    }
    xmlOutputBufferClose(buf);
    if (rc < 0) throw Error(ErrorCategory::BadInput, tr("cannot canonicalize an XML element"));
    return out;
}

std::string base64(ByteView data) {
    std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data.data(),
                                  static_cast<int>(data.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

std::optional<Bytes> fromBase64(const std::string& text) {
    std::string s;
    for (char c : text)
        if (c != ' ' && c != '\n' && c != '\r' && c != '\t') s += c;
    if (s.empty() || s.size() % 4 != 0) return std::nullopt;
    Bytes out(s.size() / 4 * 3);
    const int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(s.data()),
                                  static_cast<int>(s.size()));
    if (n < 0) return std::nullopt;
    std::size_t len = static_cast<std::size_t>(n);
    if (s.back() == '=') --len;
    if (s[s.size() - 2] == '=') --len;
    out.resize(len);
    return out;
}

std::string escape(const std::string& text) {
    std::string out;
    for (char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\r':
                out += "&#13;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

// ---- signing ----

std::string sign(const SignInput& in, Key& key) {
    const auto& chain = key.certificateChain();
    if (chain.empty()) throw Error(ErrorCategory::Token, tr("the key has no certificate"));
    const Certificate signer = Certificate::fromDer(chain[0]);

    std::optional<SignatureAlgorithm> alg;
    for (const auto& a : key.algorithms())
        if (!alg && (a.scheme == SignatureScheme::RsaPkcs1v15 || a.scheme == SignatureScheme::Ecdsa) &&
            a.digest == in.digest)
            alg = a;
    if (!alg)
        throw Error(ErrorCategory::Unsupported,
                    fill(tr("XML signatures need an RSA or ECDSA key with {digest}; this key offers neither"),
                         {{"{digest}", toString(in.digest)}}));
    const Method method{alg->scheme, alg->digest};

    const std::string suffix = randomHex(8);
    const std::string sigId = in.signatureId.empty() ? "ID_" + randomHex(16) : in.signatureId;
    const std::string propId = "idSignatureProperty_" + suffix;
    const std::string spId = "idSignedProperties_" + suffix;
    const std::string when = isoUtc(in.signingTime);
    const std::string dm = std::string("<DigestMethod Algorithm=\"") + digestUri(in.digest) + "\"/>";

    std::string keyInfo = "<KeyInfo><X509Data><X509IssuerSerial><X509IssuerName>" +
                          escape(nameText(X509_get_issuer_name(signer.get()))) +
                          "</X509IssuerName><X509SerialNumber>" + serialDecimal(signer.get()) +
                          "</X509SerialNumber></X509IssuerSerial>";
    // The signer alone in KeyInfo, its issuers in CertificateValues (EN 319 132-1 5.5.2), as LibreOffice
    // does.
    keyInfo += "<X509Certificate>" + base64(chain[0]) + "</X509Certificate></X509Data></KeyInfo>";
    std::string unsignedProps;
    if (chain.size() > 1) {
        unsignedProps = "<xd:UnsignedProperties><xd:UnsignedSignatureProperties><xd:CertificateValues>";
        for (std::size_t i = 1; i < chain.size(); ++i)
            unsignedProps +=
                "<xd:EncapsulatedX509Certificate>" + base64(chain[i]) + "</xd:EncapsulatedX509Certificate>";
        unsignedProps += "</xd:CertificateValues></xd:UnsignedSignatureProperties></xd:UnsignedProperties>";
    }

    std::string objects;
    std::vector<std::string> objectIds;
    for (const auto& [xml, id] : in.objects) {
        objects += xml;
        objectIds.push_back(id);
    }
    if (in.dcDateProperty) {
        objects += "<Object><SignatureProperties><SignatureProperty Id=\"" + propId + "\" Target=\"#" +
                   sigId + "\"><dc:date xmlns:dc=\"http://purl.org/dc/elements/1.1/\">" + when +
                   "</dc:date></SignatureProperty></SignatureProperties></Object>";
        objectIds.push_back(propId);
    }
    // ETSI EN 319 132-1 5.2.1 SigningTime, 5.2.2 SigningCertificate (XAdES 1.3.2 form).
    objects += "<Object xmlns:xd=\"" + std::string(kXadesNs) + "\"><xd:QualifyingProperties Target=\"#" +
               sigId + "\"><xd:SignedProperties Id=\"" + spId +
               "\"><xd:SignedSignatureProperties><xd:SigningTime>" + when +
               "</xd:SigningTime><xd:SigningCertificate><xd:Cert><xd:CertDigest>" + dm + "<DigestValue>" +
               base64(digest(in.digest, chain[0])) +
               "</DigestValue></xd:CertDigest><xd:IssuerSerial><X509IssuerName>" +
               escape(nameText(X509_get_issuer_name(signer.get()))) + "</X509IssuerName><X509SerialNumber>" +
               serialDecimal(signer.get()) +
               "</X509SerialNumber></xd:IssuerSerial></xd:Cert></xd:SigningCertificate>"
               "<xd:SignaturePolicyIdentifier><xd:SignaturePolicyImplied/></xd:SignaturePolicyIdentifier>"
               "</xd:SignedSignatureProperties></xd:SignedProperties>" +
               unsignedProps + "</xd:QualifyingProperties></Object>";

    auto assemble = [&](const std::string& signedInfo, const std::string& value) {
        return in.documentPrefix + "<Signature xmlns=\"" + kDsigNs + "\" Id=\"" + sigId + "\">" + signedInfo +
               "<SignatureValue>" + value + "</SignatureValue>" + keyInfo + objects + "</Signature>" +
               in.documentSuffix;
    };
    auto elementById = [](const XmlDocument& doc, const std::string& id) {
        std::vector<const xmlNode*> found;
        collectIds(doc.root(), id, found);
        if (found.size() != 1) throw Error(ErrorCategory::Internal, "signature element Id not unique: " + id);
        return found[0];
    };

    // Pass 1: the digests of the objects in the document they end up in.
    std::string refs;
    for (const Reference& r : in.references) {
        refs += "<Reference URI=\"" + escape(r.uri) + "\"" +
                (r.type.empty() ? "" : " Type=\"" + r.type + "\"") + ">";
        if (!r.transforms.empty()) {
            refs += "<Transforms>";
            for (const auto& t : r.transforms) refs += "<Transform Algorithm=\"" + t + "\"/>";
            refs += "</Transforms>";
        }
        refs +=
            dm + "<DigestValue>" + base64(digestOf(in.digest, r.digestInput)) + "</DigestValue></Reference>";
    }
    {
        const std::string draft = assemble("<SignedInfo/>", "");
        const XmlDocument doc(asBytes(draft), "signature");
        auto sameDocument = [&](const std::string& id, const std::string& type) {
            const Bytes c = canonicalizeSubtree(doc, elementById(doc, id), kC14n);
            // No Transforms: XML-DSig 4.4.3.2 canonicalises a same-document node-set with C14N.
            refs += "<Reference URI=\"#" + id + "\"" + (type.empty() ? "" : " Type=\"" + type + "\"") + ">" +
                    dm + "<DigestValue>" + base64(digest(in.digest, c)) + "</DigestValue></Reference>";
        };
        for (const auto& id : objectIds) sameDocument(id, in.objectType);
        sameDocument(spId, kSignedPropertiesType);
    }
    const std::string signedInfo = "<SignedInfo><CanonicalizationMethod Algorithm=\"" + std::string(kC14n) +
                                   "\"/><SignatureMethod Algorithm=\"" + methodUri(method) + "\"/>" + refs +
                                   "</SignedInfo>";

    // Pass 2: SignedInfo canonicalised in place, digested, signed by the key.
    Bytes value;
    {
        const std::string draft = assemble(signedInfo, "");
        const XmlDocument doc(asBytes(draft), "signature");
        const xmlNode* sig = elementById(doc, sigId);
        const Bytes c = canonicalizeSubtree(doc, package::child(sig, "SignedInfo"), kC14n);
        value = key.sign(digest(in.digest, c), *alg);
        if (alg->scheme == SignatureScheme::Ecdsa) {
            const auto raw = ecdsaRawFromDer(value, ecHalf(X509_get0_pubkey(signer.get())));
            if (!raw) throw Error(ErrorCategory::Crypto, tr("the key returned a malformed ECDSA signature"));
            value = *raw;
        }
    }
    return assemble(signedInfo, base64(value));
}

// ---- verification ----

Checked verify(const XmlDocument& doc, const xmlNode* signature, const Dereference& dereference,
               const TrustStore& trust, const VerifyOptions& options) {
    Checked out;
    SignatureReport& r = out.report;
    r.id = package::attribute(signature, "Id").value_or("");
    r.format = "XML-DSig / XAdES";
    r.coverage = Coverage::Unknown;
    try {
        const xmlNode* info = package::child(signature, "SignedInfo");
        if (!isDsig(signature, "Signature") || !isDsig(info, "SignedInfo")) {
            fail(r, SubIndication::FormatFailure, tr("not an XML-DSig Signature (no SignedInfo)"));
            return out;
        }
        // Exactly one of each, in the places XML-DSig 4.1 puts them.
        if (package::children(signature, "SignedInfo").size() != 1 ||
            package::children(signature, "SignatureValue").size() != 1 ||
            package::children(info, "CanonicalizationMethod").size() != 1 ||
            package::children(info, "SignatureMethod").size() != 1) {
            fail(r, SubIndication::FormatFailure,
                 tr("SignedInfo, SignatureValue or their methods appear twice"));
            return out;
        }
        const std::string canon =
            package::attribute(package::child(info, "CanonicalizationMethod"), "Algorithm").value_or("");
        const std::string methodText =
            package::attribute(package::child(info, "SignatureMethod"), "Algorithm").value_or("");
        const auto method = methodOf(methodText);
        r.signatureAlgorithm = methodText;
        if (!isCanonicalization(canon))
            indeterminate(r, SubIndication::FormatFailure,
                          fill(tr("unsupported canonicalization method {method}"), {{"{method}", canon}}));
        // CVE-2021-25635: an algorithm nobody checks must never count as valid.
        if (!method)
            indeterminate(r, SubIndication::CryptoConstraintsFailure,
                          fill(tr("unsupported signature method {method}"), {{"{method}", methodText}}));
        else
            r.signatureAlgorithm = toString(SignatureAlgorithm{method->scheme, method->digest});
        if (method && method->digest == DigestAlgorithm::Sha1)
            indeterminate(r, SubIndication::CryptoConstraintsFailure,
                          tr("the signature uses SHA-1, which is broken"));

        // References.
        std::set<std::string> seenUris;
        std::set<std::string>& sameDocIds = out.sameDocumentIds;
        int matched = 0;
        const auto refs = package::children(info, "Reference");
        if (refs.empty()) fail(r, SubIndication::FormatFailure, tr("SignedInfo has no Reference"));
        const NodeDereference byNode = [&](const std::string& uri, const xmlNode* ref, std::string& why) {
            return dereference(uri, transformsOf(ref), why);
        };
        for (const xmlNode* ref : refs)
            if (checkReference(doc, signature, ref, byNode, r, seenUris, sameDocIds, out.externalUris))
                ++matched;
        r.digestMatches = matched > 0 && matched == static_cast<int>(refs.size());

        // XAdES: one SignedProperties, referenced; one SigningTime (CVE-2021-25634).
        std::vector<const xmlNode*> signedProps, times, qualifying;
        descendants(signature, "SignedProperties", signedProps);
        descendants(signature, "SigningTime", times);
        descendants(signature, "QualifyingProperties", qualifying);
        if (signedProps.size() > 1 || qualifying.size() > 1 || times.size() > 1)
            fail(r, SubIndication::FormatFailure,
                 tr("the signature carries more than one set of signed properties"));
        if (signedProps.size() == 1 &&
            !sameDocIds.count(package::attribute(signedProps[0], "Id").value_or("\x01")))
            fail(r, SubIndication::FormatFailure, tr("the XAdES SignedProperties are not signed"));
        if (times.size() == 1 && signedProps.size() == 1 && inside(times[0], signedProps[0])) {
            const std::string t = trim(package::text(times[0]));
            r.signingTime =
                parseIsoUtc(t.substr(0, 19) + "Z") ? isoUtc(*parseIsoUtc(t.substr(0, 19) + "Z")) : t;
            r.signingTimeSource = "claimed (XAdES SigningTime)";
        }

        // Certificates: the signer is the one SigningCertificate names (CVE-2021-25633).
        const xmlNode* x509data = package::child(package::child(signature, "KeyInfo"), "X509Data");
        std::vector<Bytes> certs;
        for (const xmlNode* c : package::children(x509data, "X509Certificate")) {
            if (auto der = fromBase64(package::text(c))) certs.push_back(*der);
        }
        const std::size_t keyInfoCerts = certs.size();
        std::vector<const xmlNode*> encapsulated;
        for (const xmlNode* q : qualifying) descendants(q, "EncapsulatedX509Certificate", encapsulated);
        for (const xmlNode* c : encapsulated)
            if (auto der = fromBase64(package::text(c))) certs.push_back(*der);
        std::optional<std::size_t> signerIndex;
        std::vector<const xmlNode*> certDigests;
        if (signedProps.size() == 1) descendants(signedProps[0], "CertDigest", certDigests);
        if (!certDigests.empty()) {
            const xmlNode* first = certDigests[0];
            const auto d =
                digestOf(package::attribute(package::child(first, "DigestMethod"), "Algorithm").value_or(""));
            const auto value = fromBase64(package::text(package::child(first, "DigestValue")));
            for (std::size_t i = 0; d && value && i < certs.size(); ++i)
                if (digest(*d, certs[i]) == *value) signerIndex = i;
            if (!signerIndex)
                fail(r, SubIndication::SigConstraintsFailure,
                     tr("no certificate in the signature is the one its SigningCertificate names"));
            else
                r.signingCertificateBound = true;
        } else if (keyInfoCerts == 1) {
            signerIndex = 0;
            r.warnings.push_back(
                tr("no XAdES SigningCertificate: the signer certificate is not bound by the signature"));
        } else {
            indeterminate(r, SubIndication::NoSigningCertificateFound,
                          keyInfoCerts == 0 ? tr("the signature carries no certificate")
                                            : tr("several certificates and none named as the signer"));
        }
        if (!signerIndex) return out;
        const Certificate signer = Certificate::fromDer(certs[*signerIndex]);
        r.signer = signer.describe();
        out.signerCertificate = certs[*signerIndex];
        // A KeyInfo X509IssuerSerial naming another certificate is a mix-up.
        for (const xmlNode* is : package::children(x509data, "X509IssuerSerial")) {
            if (trim(package::text(package::child(is, "X509SerialNumber"))) != serialDecimal(signer.get()))
                fail(r, SubIndication::SigConstraintsFailure,
                     tr("KeyInfo names a certificate other than the signer (serial number)"));
        }

        // The signature value.
        if (method && isCanonicalization(canon)) {
            auto value = fromBase64(package::text(package::child(signature, "SignatureValue")));
            EVP_PKEY* pub = X509_get0_pubkey(signer.get());
            if (value && method->scheme == SignatureScheme::Ecdsa) value = ecdsaDerFromRaw(*value);
            cms::SignatureMethod m;
            m.scheme = method->scheme;
            m.mdNid = nidOf(method->digest);
            r.signatureValid = value && pub && cms::keyFits(pub, method->scheme) &&
                               cms::verifyOverData(pub, m, canonicalizeSubtree(doc, info, canon), *value);
            if (!r.signatureValid)
                fail(r, SubIndication::SigCryptoFailure,
                     tr("the signature value does not verify with the signer's key"));
        }

        // The chain, through the core's service.
        const std::time_t at = options.validationTime ? *options.validationTime : now();
        std::vector<Certificate> extra;
        for (std::size_t i = 0; i < certs.size(); ++i) {
            if (i == *signerIndex) continue;
            try {
                extra.push_back(Certificate::fromDer(certs[i]));
            } catch (const Error&) {
                r.warnings.push_back(tr("a certificate in KeyInfo cannot be read; it was ignored"));
            }
        }
        // RFC 5280 4.2.2.1: with --online, issuers the signature lacks from caIssuers URLs.
        const auto fetched = aiaPathCandidates(signer, extra, trust, options.aia.get(), r.warnings);
        extra.insert(extra.end(), fetched.begin(), fetched.end());
        r.chain = validateChain(signer, extra, trust, at, KeyUsagePurpose::DocumentSigning);
        if (r.chain.status != ChainStatus::Trusted)
            indeterminate(r, chainSubIndication(r.chain.status), chainProblem(r.chain, r.signer));
    } catch (const Error& e) {
        fail(r, SubIndication::FormatFailure, e.what());
    }
    return out;
}

std::vector<std::string> verifyManifest(const XmlDocument& doc, const xmlNode* signature,
                                        const xmlNode* manifest, const NodeDereference& dereference,
                                        SignatureReport& r) {
    std::vector<std::string> external;
    std::set<std::string> seen, sameDoc;
    try {
        const auto refs = package::children(manifest, "Reference");
        if (refs.empty()) fail(r, SubIndication::FormatFailure, tr("a Manifest without Reference"));
        for (const xmlNode* ref : refs)
            checkReference(doc, signature, ref, dereference, r, seen, sameDoc, external);
    } catch (const Error& e) {
        fail(r, SubIndication::FormatFailure, e.what());
    }
    return external;
}

}  // namespace eseal::xmldsig
