// XML signatures (W3C XML-DSig 1.0 / 1.1) with XAdES signed properties
// (ETSI EN 319 132-1), shared by the package formats: ODF's
// META-INF/documentsignatures.xml and OOXML's _xmlsignatures/sigN.xml. The
// format decides what is referenced and how a reference's URI is read; this
// module canonicalises, digests, signs through eseal::Key and verifies.
#pragma once

#include <ctime>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/base/bytes.hpp"
#include "core/crypto/trust.hpp"
#include "core/key/key.hpp"
#include "core/package/xml.hpp"
#include "core/report/report.hpp"

namespace eseal::xmldsig {

inline constexpr const char* kDsigNs = "http://www.w3.org/2000/09/xmldsig#";
inline constexpr const char* kXadesNs = "http://uri.etsi.org/01903/v1.3.2#";
inline constexpr const char* kC14n = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315";
inline constexpr const char* kC14nComments = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments";
inline constexpr const char* kExcC14n = "http://www.w3.org/2001/10/xml-exc-c14n#";
inline constexpr const char* kC14n11 = "http://www.w3.org/2006/12/xml-c14n11";
inline constexpr const char* kSignedPropertiesType = "http://uri.etsi.org/01903#SignedProperties";

// True for the canonicalization methods this module implements.
bool isCanonicalization(const std::string& algorithm);
// Canonical form of a whole XML part (parsed with the safe loader, so no
// DOCTYPE). Throws Error(BadInput) naming `name` for bad XML or an unknown
// algorithm.
Bytes canonicalize(ByteView xml, const std::string& algorithm, const std::string& name);
// Canonical form of the subtree at node (namespaces in scope rendered as the
// algorithm says).
Bytes canonicalizeSubtree(const package::XmlDocument& doc, const xmlNode* node, const std::string& algorithm);

// The digest a DigestMethod URI names; nullopt for one this module does not know.
std::optional<DigestAlgorithm> digestAlgorithmOf(const std::string& uri);
// The XML-DSig / RFC 6931 DigestMethod URI of d (SHA-256 for those without one).
const char* digestUri(DigestAlgorithm d);

std::string base64(ByteView data);
std::optional<Bytes> fromBase64(const std::string& text);  // white space ignored
// Escapes & < > " for text and attribute values.
std::string escape(const std::string& text);

// Octets to digest: held in memory, or read in pieces from where they are
// (a package part streamed from its ZIP), so that a large part is never held whole.
using Sink = std::function<void(ByteView)>;
struct Octets {
    Octets() = default;
    Octets(Bytes bytes) : data(std::move(bytes)) {}  // NOLINT: implicit, as Bytes were used before
    Bytes data;
    std::function<void(const Sink&)> stream;  // when set, data is not used
};
Bytes digestOf(DigestAlgorithm algorithm, const Octets& octets);

// One ds:Reference to something outside the signature (a package part).
struct Reference {
    std::string uri;                      // as written, already URI-escaped
    std::vector<std::string> transforms;  // algorithm URIs, in order
    Octets digestInput;                   // the octets after the transforms
    std::string type;                     // the Type attribute, "" for none
};

// What to sign. The signature is built inside a document the format gives
// (prefix + signature + suffix) because inclusive canonicalization renders
// the namespaces the signature inherits there.
struct SignInput {
    std::string documentPrefix;  // e.g. "<?xml ...?><document-signatures xmlns=...>"
    std::string documentSuffix;  // "</document-signatures>"
    std::string signatureId;     // the ds:Signature Id; "" = chosen here
    std::time_t signingTime = 0;
    DigestAlgorithm digest = DigestAlgorithm::Sha256;
    std::vector<Reference> references;
    // Extra ds:Object elements written inside the signature before XAdES's,
    // each with the Id of the element in it to reference with kC14n (OOXML's
    // idPackageObject / idOfficeObject). "" = none.
    std::vector<std::pair<std::string, std::string>> objects;  // {xml, id}
    // The Type of the references to those objects ("" = none; OOXML:
    // http://www.w3.org/2000/09/xmldsig#Object, ECMA-376 part 2 13.2.4.2).
    std::string objectType;
    // ODF / LibreOffice: a SignatureProperty with dc:date (ODF 1.2 part 3 4.?).
    bool dcDateProperty = false;
};

// The whole document (prefix, the new ds:Signature, suffix) as UTF-8, signed
// with key: SignedInfo canonicalised with kC14n, RSA PKCS#1 v1.5 or ECDSA
// (XML-DSig 1.1 6.4.3, r || s) over SHA-256; KeyInfo holds the key's
// certificates; XAdES SignedProperties hold SigningTime and
// SigningCertificate (EN 319 132-1 5.2.1, 5.2.2). Throws Error(Unsupported)
// for a key that can do neither, Error(Crypto) for a failing signature.
std::string sign(const SignInput& input, Key& key);

// Reads one external reference: uri as written, transforms as listed.
// Returns the octets to digest, or nullopt with why set (a missing part, a
// transform the format does not allow).
using Dereference = std::function<std::optional<Octets>(
    const std::string& uri, const std::vector<std::string>& transforms, std::string& why)>;

// The same, given the ds:Reference element itself, for formats whose
// transforms carry parameters (OOXML's RelationshipTransform).
using NodeDereference =
    std::function<std::optional<Octets>(const std::string& uri, const xmlNode* reference, std::string& why)>;

struct Checked {
    SignatureReport report;
    std::vector<std::string> externalUris;  // every external reference whose digest matched
    std::set<std::string> sameDocumentIds;  // Ids of the signature's elements SignedInfo references
    Bytes signerCertificate;                // DER of the signer certificate; empty when none was found
};

// Verifies the ds:Signature at signature inside doc: every reference's
// digest (same-document "#id" references resolve to exactly one element of
// the signature with that Id), the SignatureValue with the one certificate
// XAdES SigningCertificate names (or the only one in KeyInfo), the XAdES
// properties (one SigningTime, one SignedProperties, referenced), then the
// core's chain validation. Never throws: findings go into the report.
Checked verify(const package::XmlDocument& doc, const xmlNode* signature, const Dereference& dereference,
               const TrustStore& trust, const VerifyOptions& options);

// The ds:References of a ds:Manifest inside signature (XML-DSig 5.1; the
// application decides what a manifest means: OOXML's idPackageObject lists
// the signed parts). Checked like SignedInfo's references; findings worsen
// report; returns the external URIs whose digest matched. Throws nothing.
std::vector<std::string> verifyManifest(const package::XmlDocument& doc, const xmlNode* signature,
                                        const xmlNode* manifest, const NodeDereference& dereference,
                                        SignatureReport& report);

}  // namespace eseal::xmldsig
