#include "formats/ofd/ofd_verify.hpp"

#include <openssl/evp.h>

#include <filesystem>
#include <map>
#include <set>

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "core/base/time.hpp"
#include "core/crypto/aia.hpp"
#include "core/crypto/certificate.hpp"
#include "core/crypto/chain.hpp"
#include "core/crypto/digest.hpp"
#include "core/package/xml.hpp"
#include "core/package/zip.hpp"
#include "core/seal/binding.hpp"
#include "core/seal/ses_seal.hpp"
#include "core/seal/ses_signature.hpp"

namespace eseal::ofd {

namespace {

using package::XmlDocument;

std::string dirOf(const std::string& entry) {
    const auto slash = entry.rfind('/');
    return slash == std::string::npos ? "" : entry.substr(0, slash);
}

std::optional<Bytes> base64(const std::string& text) {
    std::string s;
    for (char c : text)
        if (c != ' ' && c != '\n' && c != '\r' && c != '\t') s += c;
    if (s.empty() || s.size() % 4 != 0 || s.size() > 4096) return std::nullopt;
    Bytes out(s.size() / 4 * 3);
    const int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(s.data()),
                                  static_cast<int>(s.size()));
    if (n < 0) return std::nullopt;
    std::size_t len = static_cast<std::size_t>(n);
    if (s.back() == '=') --len;
    if (s.size() >= 2 && s[s.size() - 2] == '=') --len;
    out.resize(len);
    return out;
}

// GB/T 33190 18.2.2 CheckMethod: an OID or a name; SM3 by default.
std::optional<DigestAlgorithm> checkMethod(const std::string& m) {
    if (m.empty() || m == "SM3" || m == "sm3" || m == "1.2.156.10197.1.401") return DigestAlgorithm::Sm3;
    if (m == "SHA256" || m == "SHA-256" || m == "2.16.840.1.101.3.4.2.1") return DigestAlgorithm::Sha256;
    return std::nullopt;
}

void fail(SignatureReport& r, SubIndication s, const std::string& why) {
    r.verdict.worsenTo(Indication::Failed, s);
    r.errors.push_back(why);
}

// The signer's chain through the core's chain service; the seal's
// certificates may hold intermediates.
void checkSignerChain(const Bytes& signerDer, const std::vector<Bytes>& extra, const TrustStore& trust,
                      const VerifyOptions& options, SignatureReport& r) {
    const std::time_t at = options.validationTime ? *options.validationTime : now();
    try {
        const Certificate signer = Certificate::fromDer(signerDer);
        std::vector<Certificate> intermediates;
        for (const Bytes& der : extra) {
            try {
                intermediates.push_back(Certificate::fromDer(der));
            } catch (const Error&) {
                r.warnings.push_back(tr("a certificate the seal lists cannot be read; it was ignored"));
            }
        }
        // RFC 5280 4.2.2.1: with --online, issuers the seal lacks from caIssuers URLs.
        const auto fetched = aiaPathCandidates(signer, intermediates, trust, options.aia.get(), r.warnings);
        intermediates.insert(intermediates.end(), fetched.begin(), fetched.end());
        r.chain = validateChain(signer, intermediates, trust, at, KeyUsagePurpose::DocumentSigning);
    } catch (const Error& e) {
        r.chain = ChainReport{};
        r.chain.status = ChainStatus::Invalid;
        r.chain.message = e.what();
        r.chain.validationTime = isoUtc(at);
    }
    if (r.chain.status != ChainStatus::Trusted) {
        r.verdict.worsenTo(Indication::Indeterminate, chainSubIndication(r.chain.status));
        r.errors.push_back(chainProblem(r.chain, r.signer));
    }
}

// One Signature.xml and what it protects.
SignatureReport verifyOne(const package::ZipArchive& zip, const std::string& id, const std::string& type,
                          const std::string& signatureXml, const TrustStore& trust,
                          const VerifyOptions& options, std::set<std::string>& signatureFiles) {
    SignatureReport r;
    r.id = id;
    r.format = type == "Sign" ? "GB/T 38540 (OFD, Sign)" : "GB/T 38540 (OFD, Seal)";
    r.coverage = Coverage::Unknown;
    if (signatureXml.empty() || !zip.contains(signatureXml)) {
        fail(r, SubIndication::SignedDataNotFound, tr("Signature.xml not found in the package"));
        return r;
    }
    signatureFiles.insert(signatureXml);
    const Bytes xmlBytes = zip.read(signatureXml);
    const XmlDocument doc(xmlBytes, signatureXml);
    const xmlNode* info = package::child(doc.root(), "SignedInfo");
    if (package::localName(doc.root()) != "Signature" || !info) {
        fail(r, SubIndication::FormatFailure,
             fill(tr("{file} is not an OFD Signature (no SignedInfo)"), {{"{file}", signatureXml}}));
        return r;
    }
    const std::string base = dirOf(signatureXml);

    // Every protected file's hash (GB/T 33190 18.2.2 References).
    const xmlNode* refs = package::child(info, "References");
    const auto method = checkMethod(package::attribute(refs, "CheckMethod").value_or(""));
    std::set<std::string> protectedFiles;
    int checked = 0;
    if (!refs || !method) {
        fail(r, SubIndication::FormatFailure,
             !refs ? fill(tr("no References in {file}"), {{"{file}", signatureXml}})
                   : fill(tr("unsupported CheckMethod {method}"),
                          {{"{method}", package::attribute(refs, "CheckMethod").value_or("")}}));
    } else {
        r.digestAlgorithm = *method == DigestAlgorithm::Sm3 ? "SM3" : "SHA-256";
        for (const xmlNode* ref : package::children(refs, "Reference")) {
            const std::string loc = package::attribute(ref, "FileRef").value_or("");
            const std::string file = resolveLoc(base, loc);
            const auto expected = base64(package::text(package::child(ref, "CheckValue")));
            if (file.empty() || !zip.contains(file)) {
                fail(r, SubIndication::SignedDataNotFound,
                     fill(tr("protected file missing: {file}"), {{"{file}", loc}}));
                continue;
            }
            protectedFiles.insert(file);
            if (!expected) {
                fail(r, SubIndication::FormatFailure,
                     fill(tr("CheckValue of {file} is not Base64"), {{"{file}", loc}}));
                continue;
            }
            if (digest(*method, zip.read(file)) != *expected) {
                fail(r, SubIndication::HashFailure,
                     fill(tr("protected file changed (hash differs): {file}"), {{"{file}", loc}}));
                continue;
            }
            ++checked;
        }
        if (checked == 0 && r.errors.empty()) fail(r, SubIndication::FormatFailure, tr("no protected files"));
    }

    // Files a change to which would go unnoticed (other signatures' files aside).
    std::vector<std::string> unprotected;
    for (const auto& n : zip.names())
        if (n.back() != '/' && !protectedFiles.count(n) && n.find("/Signs/") == std::string::npos)
            unprotected.push_back(n);
    r.coverage = unprotected.empty() ? Coverage::EntireFile : Coverage::Unknown;
    r.coverageDetail =
        fill(tr("{n} of {total} protected files match"),
             {{"{n}", std::to_string(checked)}, {"{total}", std::to_string(protectedFiles.size())}});
    for (const auto& n : unprotected)
        r.warnings.push_back(fill(tr("not protected by this signature: {file}"), {{"{file}", n}}));

    const std::string valueLoc = package::text(package::child(doc.root(), "SignedValue"));
    const std::string valueFile = resolveLoc(base, valueLoc);
    if (valueFile.empty() || !zip.contains(valueFile)) {
        fail(r, SubIndication::SignedDataNotFound,
             fill(tr("SignedValue not found: {file}"), {{"{file}", valueLoc}}));
        return r;
    }
    signatureFiles.insert(valueFile);
    if (const xmlNode* sealLoc = package::child(package::child(info, "Seal"), "BaseLoc"))
        signatureFiles.insert(resolveLoc(base, package::text(sealLoc)));
    const Bytes value = zip.read(valueFile);
    seal::SesSignature sig;
    try {
        sig = seal::readSignature(value, valueFile);
    } catch (const Error& e) {
        if (type == "Sign") {
            // A plain signature value without a certificate cannot be checked.
            r.verdict.worsenTo(Indication::Indeterminate, SubIndication::NoSigningCertificateFound);
            r.errors.push_back(
                tr("the signature value is not an electronic signature (SES_Signature); it carries "
                   "no certificate to check it with"));
        } else {
            fail(r, SubIndication::FormatFailure, e.what());
        }
        return r;
    }
    r.signatureAlgorithm = seal::algorithmName(sig.signatureAlgorithm);
    if (sig.layout == seal::SealLayout::V4) {
        r.signingTime = isoUtc(sig.signingTime);
        r.signingTimeSource = "claimed (TBS_Sign timeInfo)";
    }
    for (const auto& w : sig.warnings) r.warnings.push_back(w);
    try {
        r.signer = describeCertificate(sig.signerCertificate);
    } catch (const Error&) {
        fail(r, SubIndication::NoSigningCertificateFound, tr("the signer certificate cannot be read"));
    }
    const seal::MakerCheck signer = seal::checkSignerSignature(sig);
    r.signatureValid = signer.valid;
    if (!signer.valid)
        fail(r, SubIndication::SigCryptoFailure,
             fill(tr("the signature does not verify: {why}"), {{"{why}", signer.detail}}));
    // GB/T 38540 8.2 / GB/T 33190 18.2.3: dataHash is the hash of Signature.xml as stored.
    r.digestMatches = digest(DigestAlgorithm::Sm3, xmlBytes) == sig.dataHash;
    if (!r.digestMatches)
        fail(r, SubIndication::HashFailure,
             fill(tr("dataHash is not the SM3 of {file}"), {{"{file}", signatureXml}}));
    if (resolveLoc("", sig.propertyInfo) != signatureXml)
        r.warnings.push_back(fill(tr("propertyInfo names {named}, not {file}"),
                                  {{"{named}", sig.propertyInfo}, {"{file}", signatureXml}}));

    // The seal inside: maker signature, binding to the signer, validity.
    const seal::SesSeal& s = sig.seal;
    seal::recordSeal(s, sig.signerCertificate,
                     sig.layout == seal::SealLayout::V4 ? std::optional(sig.signingTime) : std::nullopt, r)
        .carriedIn = "SES_Signature";

    // The signer's chain; the seal's certificates may hold intermediates.
    checkSignerChain(sig.signerCertificate, s.property.certificates, trust, options, r);
    return r;
}

}  // namespace

std::string resolveLoc(const std::string& baseDir, const std::string& loc) {
    if (loc.empty()) return {};
    std::string joined = loc[0] == '/' ? loc.substr(1) : (baseDir.empty() ? loc : baseDir + "/" + loc);
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (start <= joined.size()) {
        std::size_t end = joined.find('/', start);
        if (end == std::string::npos) end = joined.size();
        const std::string seg = joined.substr(start, end - start);
        if (seg == "..") {
            if (parts.empty()) return {};
            parts.pop_back();
        } else if (!seg.empty() && seg != ".") {
            parts.push_back(seg);
        }
        start = end + 1;
    }
    std::string out;
    for (const auto& p : parts) out += (out.empty() ? "" : "/") + p;
    return out;
}

Report verifyOfd(const std::string& path, const TrustStore& trust, const VerifyOptions& options) {
    Report report;
    report.file = path;
    report.format = "OFD";
    std::error_code ec;
    report.fileSize = std::filesystem::file_size(path, ec);
    try {
        const package::ZipArchive zip(path);
        if (!zip.contains("OFD.xml"))
            throw Error(ErrorCategory::BadInput, tr("not an OFD package (no OFD.xml)"), path);
        const XmlDocument ofd(zip.read("OFD.xml"), "OFD.xml");
        if (package::localName(ofd.root()) != "OFD")
            throw Error(ErrorCategory::BadInput, tr("OFD.xml has no OFD root element"), path);
        std::set<std::string> signatureFiles;
        for (const xmlNode* body : package::children(ofd.root(), "DocBody")) {
            const std::string sigsLoc = package::text(package::child(body, "Signatures"));
            if (sigsLoc.empty()) continue;
            const std::string sigsFile = resolveLoc("", sigsLoc);
            if (sigsFile.empty() || !zip.contains(sigsFile)) {
                report.errors.push_back(fill(tr("Signatures.xml not found: {file}"), {{"{file}", sigsLoc}}));
                continue;
            }
            const XmlDocument sigs(zip.read(sigsFile), sigsFile);
            for (const xmlNode* s : package::children(sigs.root(), "Signature")) {
                const std::string id = package::attribute(s, "ID").value_or("");
                const std::string type = package::attribute(s, "Type").value_or("Seal");
                const std::string loc = package::attribute(s, "BaseLoc").value_or("");
                const std::string file = resolveLoc(dirOf(sigsFile), loc);
                try {
                    report.signatures.push_back(
                        verifyOne(zip, id + " (" + loc + ")", type, file, trust, options, signatureFiles));
                } catch (const Error& e) {
                    SignatureReport r;
                    r.id = id + " (" + loc + ")";
                    fail(r, SubIndication::FormatFailure, e.what());
                    report.signatures.push_back(std::move(r));
                }
            }
        }
    } catch (const Error& e) {
        report.readable = false;
        report.errors.push_back(e.what());
    }
    return report;
}

}  // namespace eseal::ofd
