#include "core/report/report.hpp"

#include "core/base/exit_code.hpp"

#include <nlohmann/json.hpp>
#include <sstream>

namespace eseal {

// Keys keep the order of docs/CLI.md, for people reading the output.
using Json = nlohmann::ordered_json;

const char* toString(Indication i) noexcept {
    switch (i) {
        case Indication::Passed:
            return "PASSED";
        case Indication::Indeterminate:
            return "INDETERMINATE";
        case Indication::Failed:
            return "FAILED";
    }
    return "INDETERMINATE";
}

const char* toString(SubIndication s) noexcept {
    switch (s) {
        case SubIndication::None:
            return "";
        case SubIndication::FormatFailure:
            return "FORMAT_FAILURE";
        case SubIndication::HashFailure:
            return "HASH_FAILURE";
        case SubIndication::SigCryptoFailure:
            return "SIG_CRYPTO_FAILURE";
        case SubIndication::Revoked:
            return "REVOKED";
        case SubIndication::Expired:
            return "EXPIRED";
        case SubIndication::NotYetValid:
            return "NOT_YET_VALID";
        case SubIndication::SigConstraintsFailure:
            return "SIG_CONSTRAINTS_FAILURE";
        case SubIndication::ChainConstraintsFailure:
            return "CHAIN_CONSTRAINTS_FAILURE";
        case SubIndication::CertificateChainGeneralFailure:
            return "CERTIFICATE_CHAIN_GENERAL_FAILURE";
        case SubIndication::CryptoConstraintsFailure:
            return "CRYPTO_CONSTRAINTS_FAILURE";
        case SubIndication::NoSigningCertificateFound:
            return "NO_SIGNING_CERTIFICATE_FOUND";
        case SubIndication::NoCertificateChainFound:
            return "NO_CERTIFICATE_CHAIN_FOUND";
        case SubIndication::OutOfBoundsNoPoe:
            return "OUT_OF_BOUNDS_NO_POE";
        case SubIndication::OutOfBoundsNotRevoked:
            return "OUT_OF_BOUNDS_NOT_REVOKED";
        case SubIndication::TryLater:
            return "TRY_LATER";
        case SubIndication::SignedDataNotFound:
            return "SIGNED_DATA_NOT_FOUND";
    }
    return "";
}

const char* toString(ModificationKind k) noexcept {
    switch (k) {
        case ModificationKind::SignatureAdded:
            return "signature-added";
        case ModificationKind::AnnotationAdded:
            return "annotation-added";
        case ModificationKind::PageContent:
            return "page-content";
        case ModificationKind::Page:
            return "page";
        case ModificationKind::Annotation:
            return "annotation";
        case ModificationKind::FormField:
            return "form-field";
        case ModificationKind::FormResources:
            return "form-resources";
        case ModificationKind::Catalog:
            return "catalog";
        case ModificationKind::Signature:
            return "signature";
        case ModificationKind::Dss:
            return "dss";
        case ModificationKind::Metadata:
            return "metadata";
        case ModificationKind::Unused:
            return "unused";
        case ModificationKind::Other:
            return "other";
    }
    return "other";
}

const char* toString(ChainStatus s) noexcept {
    switch (s) {
        case ChainStatus::Trusted:
            return "trusted";
        case ChainStatus::Untrusted:
            return "untrusted";
        case ChainStatus::Incomplete:
            return "incomplete";
        case ChainStatus::Expired:
            return "expired";
        case ChainStatus::NotYetValid:
            return "not-yet-valid";
        case ChainStatus::KeyUsageInvalid:
            return "key-usage-invalid";
        case ChainStatus::Invalid:
            return "invalid";
        case ChainStatus::NotChecked:
            return "not-checked";
    }
    return "not-checked";
}

const char* toString(Coverage c) noexcept {
    switch (c) {
        case Coverage::EntireFile:
            return "entire-file";
        case Coverage::EarlierRevision:
            return "earlier-revision";
        case Coverage::BrokenRange:
            return "broken-range";
        case Coverage::Unknown:
            return "unknown";
    }
    return "unknown";
}

namespace {

// The overall verdict of a file, as the CLI's "indication" and exit code see it.
enum class Overall { Passed, Indeterminate, Failed, NoSignature, Unreadable };

Overall overall(const Report& report) noexcept {
    if (!report.readable) return Overall::Unreadable;
    if (report.signatures.empty()) return Overall::NoSignature;
    bool indeterminate = false;
    for (const auto& s : report.signatures) {
        if (s.verdict.indication() == Indication::Failed) return Overall::Failed;
        if (s.verdict.indication() == Indication::Indeterminate) indeterminate = true;
    }
    return indeterminate ? Overall::Indeterminate : Overall::Passed;
}

const char* toString(Overall o) noexcept {
    switch (o) {
        case Overall::Passed:
            return "PASSED";
        case Overall::Indeterminate:
            return "INDETERMINATE";
        case Overall::Failed:
            return "FAILED";
        case Overall::NoSignature:
            return "NO_SIGNATURE";
        case Overall::Unreadable:
            return "UNREADABLE";
    }
    return "UNREADABLE";
}

Json certJson(const CertificateInfo& c) {
    return {{"subject", c.subject},     {"commonName", c.commonName}, {"issuer", c.issuer},
            {"serialHex", c.serialHex}, {"notBefore", c.notBefore},   {"notAfter", c.notAfter},
            {"sha256", c.sha256},       {"keyUsage", c.keyUsage}};
}

Json signatureJson(const SignatureReport& s) {
    Json j;
    j["id"] = s.id;
    j["indication"] = toString(s.verdict.indication());
    j["subIndication"] = toString(s.verdict.subIndication());
    j["errors"] = s.errors;
    j["warnings"] = s.warnings;
    j["signer"] = s.signer ? certJson(*s.signer) : Json(nullptr);
    j["digestAlgorithm"] = s.digestAlgorithm;
    j["signatureAlgorithm"] = s.signatureAlgorithm;
    j["format"] = s.format;
    j["signingTime"] = s.signingTime ? Json(*s.signingTime) : Json(nullptr);
    j["signingTimeSource"] = s.signingTimeSource;
    j["timestamped"] = s.timestamped;
    j["reason"] = s.reason;
    j["location"] = s.location;
    j["contactInfo"] = s.contactInfo;
    j["digestMatches"] = s.digestMatches;
    j["signatureValid"] = s.signatureValid;
    j["signingCertificateBound"] = s.signingCertificateBound;
    j["coverage"] = toString(s.coverage);
    j["coverageDetail"] = s.coverageDetail;
    j["revision"] = s.revision;
    j["laterRevisions"] = s.laterRevisions;
    auto mods = Json::array();
    for (const auto& m : s.modifications)
        mods.push_back({{"revision", m.revision},
                        {"kind", toString(m.kind)},
                        {"object", m.object},
                        {"description", m.description},
                        {"allowed", m.allowed}});
    j["modifications"] = std::move(mods);
    auto path = Json::array();
    for (const auto& c : s.chain.path) path.push_back(certJson(c));
    j["chain"] = {{"status", toString(s.chain.status)},
                  {"message", s.chain.message},
                  {"path", std::move(path)},
                  {"validationTime", s.chain.validationTime}};
    auto apps = Json::array();
    for (const auto& a : s.appearances)
        apps.push_back({{"page", a.page},
                        {"x", a.x},
                        {"y", a.y},
                        {"width", a.width},
                        {"height", a.height},
                        {"fieldName", a.fieldName}});
    j["appearances"] = std::move(apps);
    if (s.electronicSeal) {
        const ElectronicSealInfo& e = *s.electronicSeal;
        j["electronicSeal"] = {{"standard", e.standard},   {"version", e.version},
                               {"name", e.name},           {"esID", e.esId},
                               {"vendorId", e.vendorId},   {"type", e.type},
                               {"validStart", e.validStart}, {"validEnd", e.validEnd},
                               {"pictureType", e.pictureType}, {"widthMm", e.widthMm},
                               {"heightMm", e.heightMm},   {"maker", e.maker},
                               {"makerSignatureValid", e.makerSignatureValid},
                               {"signerListed", e.signerListed}};
    }
    return j;
}

// Lines of the text report are built here; trailing blanks are never written.
class Lines {
public:
    void add(const std::string& line) {
        std::string l = line;
        while (!l.empty() && (l.back() == ' ' || l.back() == '\t')) l.pop_back();
        out_ += l;
        out_ += '\n';
    }
    std::string str() const { return out_; }

private:
    std::string out_;
};

std::string number(double v) {
    std::ostringstream s;
    s.precision(1);
    s << std::fixed << v;
    return s.str();
}

std::string joinInts(const std::vector<int>& v) {
    std::string out;
    for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + std::to_string(v[i]);
    return out;
}

}  // namespace

int verifyExitCode(const Report& report) noexcept {
    switch (overall(report)) {
        case Overall::Passed: return toInt(ExitCode::Ok);
        case Overall::Failed: return toInt(ExitCode::VerifyFailed);
        case Overall::Indeterminate: return toInt(ExitCode::VerifyIndeterminate);
        case Overall::NoSignature: return toInt(ExitCode::NoSignature);
        case Overall::Unreadable: return toInt(ExitCode::BadInput);
    }
    return toInt(ExitCode::BadInput);
}

std::string toJson(const Report& report, bool pretty) {
    Json j;
    j["file"] = report.file;
    j["format"] = report.format;
    j["fileSize"] = report.fileSize;
    j["revisions"] = report.revisions;
    j["readable"] = report.readable;
    j["errors"] = report.errors;
    j["indication"] = toString(overall(report));
    auto sigs = Json::array();
    for (const auto& s : report.signatures) sigs.push_back(signatureJson(s));
    j["signatures"] = std::move(sigs);
    // Invalid UTF-8 from a hostile file is replaced, never thrown on.
    return j.dump(pretty ? 2 : -1, ' ', false, Json::error_handler_t::replace);
}

std::string toText(const Report& report) {
    Lines out;
    std::string head = report.file;
    if (!report.format.empty())
        head += " (" + report.format + ", " + std::to_string(report.fileSize) + " bytes";
    if (!report.format.empty() && report.revisions > 0)
        head += ", " + std::to_string(report.revisions) + " revision(s)";
    if (!report.format.empty()) head += ")";
    out.add(head);
    for (const auto& e : report.errors) out.add("  error: " + e);
    const Overall o = overall(report);
    if (o == Overall::Unreadable) {
        out.add("  result: UNREADABLE (the file could not be read)");
        return out.str();
    }
    if (o == Overall::NoSignature) {
        out.add("  result: NO_SIGNATURE (the file carries no signature or seal)");
        return out.str();
    }
    for (const auto& s : report.signatures) {
        out.add("");
        std::string verdict = toString(s.verdict.indication());
        if (s.verdict.subIndication() != SubIndication::None) verdict += std::string(" / ") + toString(s.verdict.subIndication());
        out.add("  Signature " + (s.id.empty() ? std::string("(unnamed)") : s.id) + ": " + verdict);
        if (s.signer) {
            out.add("    Signer:       " +
                    (s.signer->commonName.empty() ? s.signer->subject : s.signer->commonName));
            out.add("    Issuer:       " + s.signer->issuer);
            out.add("    Certificate:  serial " + s.signer->serialHex + ", valid " + s.signer->notBefore +
                    " to " + s.signer->notAfter);
        } else {
            out.add("    Signer:       unknown (no signer certificate found)");
        }
        if (s.signingTime)
            out.add("    Signing time: " + *s.signingTime +
                    (s.signingTimeSource.empty() ? std::string() : " (source: " + s.signingTimeSource + ")"));
        else
            out.add("    Signing time: not stated");
        if (!s.signatureAlgorithm.empty() || !s.format.empty())
            out.add("    Algorithm:    " + s.signatureAlgorithm +
                    (s.format.empty() ? "" : "  [" + s.format + "]"));
        if (!s.reason.empty()) out.add("    Reason:       " + s.reason);
        if (!s.location.empty()) out.add("    Location:     " + s.location);
        if (!s.contactInfo.empty()) out.add("    Contact:      " + s.contactInfo);
        for (const auto& a : s.appearances)
            out.add("    Seal:         page " + std::to_string(a.page) + " at x=" + number(a.x) +
                    " y=" + number(a.y) + " (" + number(a.width) + " x " + number(a.height) + " pt)" +
                    (a.fieldName.empty() ? "" : ", field " + a.fieldName));
        if (s.electronicSeal) {
            const ElectronicSealInfo& e = *s.electronicSeal;
            out.add("    Seal:         " + e.name + " (" + e.standard + " V" + std::to_string(e.version) + ", ID " +
                    e.esId + ", vendor " + e.vendorId + ")");
            out.add("    Seal valid:   " + e.validStart + " to " + e.validEnd + "; picture " + e.pictureType + " " +
                    std::to_string(e.widthMm) + " x " + std::to_string(e.heightMm) + " mm");
            out.add("    Seal maker:   " + e.maker + ", maker signature " +
                    (e.makerSignatureValid ? "valid" : "NOT valid") + ", signer " +
                    (e.signerListed ? "listed in the seal" : "NOT listed in the seal"));
        } else if (s.appearances.empty()) {
            out.add("    Seal:         no visible seal");
        }
        if (s.signer)
            out.add(std::string("    Integrity:    content digest ") +
                    (s.digestMatches ? "matches" : "does NOT match") + ", signature " +
                    (s.signatureValid ? "valid" : "NOT valid") + ", signer certificate " +
                    (s.signingCertificateBound ? "bound" : "not bound") + " by a signed attribute");
        else
            out.add("    Integrity:    not established");
        out.add(std::string("    Coverage:     ") + toString(s.coverage) +
                (s.coverageDetail.empty() ? "" : " (" + s.coverageDetail + ")"));
        if (s.revision > 0) out.add("    Revision:     " + std::to_string(s.revision));
        if (!s.laterRevisions.empty()) out.add("    Later revisions: " + joinInts(s.laterRevisions));
        for (const auto& m : s.modifications)
            out.add("    Change in revision " + std::to_string(m.revision) + ": " + toString(m.kind) +
                    (m.object.empty() ? "" : " " + m.object) +
                    (m.description.empty() ? "" : " - " + m.description) +
                    (m.allowed ? " (allowed)" : " (NOT allowed)"));
        out.add(std::string("    Chain:        ") + toString(s.chain.status) +
                (s.chain.message.empty() ? "" : " - " + s.chain.message));
        for (std::size_t i = 0; i < s.chain.path.size(); ++i) {
            const auto& c = s.chain.path[i];
            out.add("      " + std::to_string(i) + ": " + (c.commonName.empty() ? c.subject : c.commonName) +
                    " (valid to " + c.notAfter + ")");
        }
        if (!s.chain.validationTime.empty()) out.add("    Checked at:   " + s.chain.validationTime);
        for (const auto& e : s.errors) out.add("    error: " + e);
        for (const auto& w : s.warnings) out.add("    warning: " + w);
    }
    out.add("");
    out.add(std::string("  Overall: ") + toString(o));
    return out.str();
}

}  // namespace eseal
