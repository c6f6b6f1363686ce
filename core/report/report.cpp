#include "core/report/report.hpp"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/base/exit_code.hpp"
#include "core/base/i18n.hpp"
#include "core/base/time.hpp"

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

const char* toString(RevocationStatus s) noexcept {
    switch (s) {
        case RevocationStatus::Good:
            return "good";
        case RevocationStatus::Revoked:
            return "revoked";
        case RevocationStatus::Unknown:
            return "unknown";
        case RevocationStatus::NotChecked:
            break;
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

Json appearanceJson(const SealAppearance& a) {
    Json app = {{"page", a.page},   {"x", a.x},           {"y", a.y},
                {"width", a.width}, {"height", a.height}, {"fieldName", a.fieldName}};
    if (a.hasMm) {
        app["centreXMm"] = a.centreXMm;
        app["centreYMm"] = a.centreYMm;
        app["widthMm"] = a.widthMm;
        app["heightMm"] = a.heightMm;
    }
    return app;
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
    j["laterChangesChecked"] = s.laterChangesChecked;
    auto path = Json::array();
    for (const auto& c : s.chain.path) path.push_back(certJson(c));
    j["chain"] = {{"status", toString(s.chain.status)},
                  {"message", s.chain.message},
                  {"path", std::move(path)},
                  {"validationTime", s.chain.validationTime}};
    if (s.timestamp) {
        const TimestampInfo& t = *s.timestamp;
        auto tsaPath = Json::array();
        for (const auto& c : t.chain.path) tsaPath.push_back(certJson(c));
        j["timestamp"] = {{"kind", t.kind},
                          {"time", t.time ? Json(*t.time) : Json(nullptr)},
                          {"tsa", t.tsa ? certJson(*t.tsa) : Json(nullptr)},
                          {"digestAlgorithm", t.digestAlgorithm},
                          {"signatureValid", t.signatureValid},
                          {"imprintMatches", t.imprintMatches},
                          {"chain",
                           {{"status", toString(t.chain.status)},
                            {"message", t.chain.message},
                            {"path", std::move(tsaPath)},
                            {"validationTime", t.chain.validationTime}}},
                          {"problem", t.problem}};
    } else {
        j["timestamp"] = nullptr;
    }
    j["revocation"] = {{"status", toString(s.revocation.status)},
                       {"message", s.revocation.message},
                       {"sources", s.revocation.sources}};
    auto apps = Json::array();
    for (const auto& a : s.appearances) apps.push_back(appearanceJson(a));
    j["appearances"] = std::move(apps);
    if (s.electronicSeal) {
        const ElectronicSealInfo& e = *s.electronicSeal;
        j["electronicSeal"] = {{"standard", e.standard},
                               {"version", e.version},
                               {"name", e.name},
                               {"esID", e.esId},
                               {"vendorId", e.vendorId},
                               {"type", e.type},
                               {"validStart", e.validStart},
                               {"validEnd", e.validEnd},
                               {"pictureType", e.pictureType},
                               {"widthMm", e.widthMm},
                               {"heightMm", e.heightMm},
                               {"maker", e.maker},
                               {"makerSignatureValid", e.makerSignatureValid},
                               {"signerListed", e.signerListed}};
        if (!e.pictureOnPage.empty()) j["electronicSeal"]["pictureOnPage"] = e.pictureOnPage;
        if (!e.carriedIn.empty()) j["electronicSeal"]["carriedIn"] = e.carriedIn;
    }
    if (s.sesSignature) {
        const SesSignatureInfo& g = *s.sesSignature;
        j["sesSignature"] = {{"standard", g.standard},
                             {"version", g.version},
                             {"carriedIn", g.carriedIn},
                             {"signatureAlgorithm", g.signatureAlgorithm},
                             {"dataHashAlgorithm", g.dataHashAlgorithm},
                             {"timeInfo", g.timeInfo},
                             {"propertyInfo", g.propertyInfo},
                             {"sealName", g.sealName},
                             {"signatureValid", g.signatureValid},
                             {"dataHashMatches", g.dataHashMatches},
                             {"sameSeal", g.sameSeal},
                             {"sameSigner", g.sameSigner}};
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
        case Overall::Passed:
            return toInt(ExitCode::Ok);
        case Overall::Failed:
            return toInt(ExitCode::VerifyFailed);
        case Overall::Indeterminate:
            return toInt(ExitCode::VerifyIndeterminate);
        case Overall::NoSignature:
            return toInt(ExitCode::NoSignature);
        case Overall::Unreadable:
            return toInt(ExitCode::BadInput);
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
    auto fields = Json::array();
    for (const auto& f : report.unsignedFields)
        fields.push_back({{"name", f.name}, {"state", f.state}, {"page", f.page}, {"visible", f.visible}});
    j["unsignedFields"] = std::move(fields);
    // Invalid UTF-8 from a hostile file is replaced, never thrown on.
    return j.dump(pretty ? 2 : -1, ' ', false, Json::error_handler_t::replace);
}

namespace {

// "2026-11-25T12:00:00Z" in local time with the offset; as given when not that form.
std::string local(const std::string& utc, bool full = true) {
    auto t = parseIsoUtc(utc);
    return t ? localTimeText(*t, full) : utc;
}

// Columns on a terminal: CJK characters (3-byte UTF-8) take two.
std::size_t displayWidth(const std::string& s) {
    std::size_t w = 0;
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        const std::size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        w += n == 3 ? 2 : 1;
        i += n;
    }
    return w;
}

// "    Signer:       " with the label translated and the values aligned.
std::string label(const char* msgid) {
    std::string l = std::string("    ") + tr(msgid) + ":";
    const std::size_t w = displayWidth(l);
    return l + std::string(w < 18 ? 18 - w : 1, ' ');
}

// A JSON code word ("entire-file", "trusted") for the text report: its translation
// (msgid "report-code:entire-file"), the code itself where there is none.
std::string codeWord(const char* code) {
    const std::string msgid = std::string("report-code:") + code;
    const char* t = tr(msgid.c_str());
    return msgid == t ? std::string(code) : std::string(t);
}

// "added the field 34 0 R (allowed)" -> "added the field (allowed)": PDF object
// numbers (ISO 32000-1 7.3.10) mean nothing to a clerk.
std::string withoutObjectNumbers(const std::string& text) {
    std::string out;
    auto digits = [&](std::size_t i) {
        std::size_t j = i;
        while (j < text.size() && text[j] >= '0' && text[j] <= '9') ++j;
        return j;
    };
    for (std::size_t i = 0; i < text.size();) {
        const bool wordStart = i == 0 || text[i - 1] == ' ' || text[i - 1] == '(';
        if (wordStart && text[i] >= '0' && text[i] <= '9') {
            std::size_t a = digits(i);
            if (a + 1 < text.size() && text[a] == ' ') {
                std::size_t b = digits(a + 1);
                if (b > a + 1 && b < text.size() && text[b] == ' ' && b + 1 < text.size() &&
                    text[b + 1] == 'R' &&
                    (b + 2 == text.size() || text[b + 2] == ' ' || text[b + 2] == ')' ||
                     text[b + 2] == ',')) {
                    i = b + 2;
                    continue;
                }
            }
        }
        out += text[i++];
    }
    for (std::string junk : {" ()", "()"})
        for (auto at = out.find(junk); at != std::string::npos; at = out.find(junk))
            out.erase(at, junk.size());
    while (!out.empty() && out.back() == ' ') out.pop_back();
    for (auto at = out.find("  "); at != std::string::npos; at = out.find("  ")) out.erase(at, 1);
    return out;
}

std::string signerName(const SignatureReport& s) {
    if (!s.signer) return tr("an unknown signer");
    return s.signer->commonName.empty() ? s.signer->subject : s.signer->commonName;
}

bool onlyAllowedChanges(const SignatureReport& s) {
    for (const auto& m : s.modifications)
        if (!m.allowed) return false;
    return true;
}

// The sentence a clerk acts on, for one signature.
std::string verdictSentence(const SignatureReport& s) {
    const std::vector<std::pair<std::string, std::string>> v{
        {"{signer}", signerName(s)},
        {"{time}", s.signingTime ? local(*s.signingTime, false) : std::string(tr("an unstated time"))},
        {"{reason}", s.verdict.subIndication() == SubIndication::None ? toString(s.verdict.indication())
                                                                      : toString(s.verdict.subIndication())},
        {"{chain}", toString(s.chain.status)}};
    switch (s.verdict.indication()) {
        case Indication::Passed:
            if (!s.laterRevisions.empty())
                return fill(tr("Valid: sealed by {signer} on {time}; only allowed changes (such as further "
                               "seals) were added after it."),
                            v);
            return fill(tr("Valid: sealed by {signer} on {time}; the file has not been changed since."), v);
        case Indication::Failed:
            if (s.verdict.subIndication() == SubIndication::HashFailure || !s.digestMatches)
                return fill(tr("NOT valid: the file was changed after {signer} sealed it; it is not the "
                               "sealed document. Ask the sender for the original."),
                            v);
            if (!onlyAllowedChanges(s))
                return fill(tr("NOT valid: after {signer} sealed the file on {time}, changes were made that "
                               "the seal does not allow."),
                            v);
            return fill(tr("NOT valid: the seal of {signer} does not verify ({reason}). Do not act on this "
                           "file."),
                        v);
        case Indication::Indeterminate:
            if (s.digestMatches && s.signatureValid && s.chain.status != ChainStatus::Trusted &&
                !s.laterRevisions.empty() && s.laterChangesChecked && onlyAllowedChanges(s))
                return fill(tr("Not confirmed: the seal of {signer} ({time}) is intact and only allowed "
                               "changes (such as further seals) were added after it, but the certificate is "
                               "not trusted here ({chain}); give the unit's root certificate with --trust."),
                            v);
            if (s.digestMatches && s.signatureValid && s.chain.status != ChainStatus::Trusted &&
                s.laterRevisions.empty() && s.laterChangesChecked)
                return fill(
                    tr("Not confirmed: the seal of {signer} ({time}) is intact and the file unchanged, "
                       "but the certificate is not trusted here ({chain}); give the unit's root "
                       "certificate with --trust."),
                    v);
            return fill(tr("Not confirmed: the seal of {signer} could not be fully checked ({reason})."), v);
    }
    return {};
}

// One line per unsigned signature field: no verdict, it is no signature.
void unsignedFieldLines(const Report& report, Lines& out) {
    for (const auto& f : report.unsignedFields) {
        const std::string state = f.state == "placeholder"
                                      ? tr("a signature placeholder that was never signed")
                                      : tr("an empty signature field");
        std::string line =
            fill(tr("Unsigned field {name}: not signed ({state})"),
                 {{"{name}", f.name.empty() ? std::string(tr("(unnamed)")) : f.name}, {"{state}", state}});
        if (f.page > 0) line += ", " + fill(tr("page {page}"), {{"{page}", std::to_string(f.page)}});
        out.add("  " + line);
        if (f.visible)
            out.add("    " + std::string(tr("warning: ")) +
                    tr("it shows a picture on the page but carries no signature; do not take it for a seal"));
    }
}

}  // namespace

std::string verdictLine(const Report& report) {
    const Overall o = overall(report);
    if (o == Overall::Unreadable) return tr("Cannot read: the file is not a readable document.");
    if (o == Overall::NoSignature && !report.unsignedFields.empty())
        return fill(tr("No seal: the file carries no seal or signature, only {n} unsigned signature "
                       "field(s)."),
                    {{"{n}", std::to_string(report.unsignedFields.size())}});
    if (o == Overall::NoSignature) return tr("No seal: the file carries no seal or signature.");
    if (report.signatures.size() == 1) return verdictSentence(report.signatures.front());
    {
        // The worst signature speaks for the file; the count says there are more.
        const SignatureReport* worst = &report.signatures.front();
        auto rank = [](Indication i) {
            return i == Indication::Failed ? 0 : i == Indication::Indeterminate ? 1 : 2;
        };
        for (const auto& s : report.signatures)
            if (rank(s.verdict.indication()) < rank(worst->verdict.indication())) worst = &s;
        if (o == Overall::Passed) {
            // Document timestamps (PAdES B-LTA) are not seals: they neither count nor name the sealer.
            std::vector<const SignatureReport*> seals;
            for (const auto& s : report.signatures)
                if (!s.timestamp || s.timestamp->kind != "document") seals.push_back(&s);
            if (seals.empty()) seals.push_back(&report.signatures.back());
            if (seals.size() == 1) return verdictSentence(*seals.back());
            const SignatureReport& last = *seals.back();
            return (fill(
                tr("Valid: all {n} seals are valid; the last, by {signer} on {time}, was not followed by "
                   "any change."),
                {{"{n}", std::to_string(seals.size())},
                 {"{signer}", signerName(last)},
                 {"{time}", last.signingTime ? local(*last.signingTime, false)
                                             : std::string(tr("an unstated time"))}}));
        }
        return verdictSentence(*worst) + " " +
               fill(tr("({n} seals in the file.)"), {{"{n}", std::to_string(report.signatures.size())}});
    }
}

std::string toText(const Report& report, const TextOptions& options) {
    Lines out;
    const Overall o = overall(report);
    out.add(verdictLine(report));  // first the sentence to act on
    out.add("");
    std::string head = report.file;
    if (!report.format.empty())
        head += " (" + report.format + ", " + std::to_string(report.fileSize) + " " + tr("bytes");
    if (!report.format.empty() && report.revisions > 0)
        head += ", " + std::to_string(report.revisions) + " " + tr("revision(s)");
    if (!report.format.empty()) head += ")";
    out.add(head);
    for (const auto& e : report.errors) out.add(std::string("  ") + tr("error: ") + e);
    if (o == Overall::Unreadable) {
        out.add(std::string("  ") + tr("result: UNREADABLE (the file could not be read)"));
        return out.str();
    }
    if (o == Overall::NoSignature) {
        unsignedFieldLines(report, out);
        out.add(std::string("  ") + tr("result: NO_SIGNATURE (the file carries no signature or seal)"));
        return out.str();
    }
    for (const auto& s : report.signatures) {
        out.add("");
        std::string verdict = toString(s.verdict.indication());
        if (s.verdict.subIndication() != SubIndication::None)
            verdict += std::string(" / ") + toString(s.verdict.subIndication());
        out.add(std::string("  ") + tr("Signature") + " " +
                (s.id.empty() ? std::string(tr("(unnamed)")) : s.id) + ": " + verdict);
        if (s.signer) {
            out.add(label("Signer") + signerName(s));
            out.add(label("Issuer") + s.signer->issuer);
            out.add(label("Certificate") +
                    fill(tr("serial {serial}, valid {from} to {to}"), {{"{serial}", s.signer->serialHex},
                                                                       {"{from}", local(s.signer->notBefore)},
                                                                       {"{to}", local(s.signer->notAfter)}}));
        } else {
            out.add(label("Signer") + tr("unknown (no signer certificate found)"));
        }
        if (s.signingTime)
            out.add(label("Signing time") + local(*s.signingTime) +
                    (s.signingTimeSource.empty()
                         ? std::string()
                         : " (" + std::string(tr("source: ")) + codeWord(s.signingTimeSource.c_str()) + ")"));
        else
            out.add(label("Signing time") + tr("not stated"));
        if (!s.signatureAlgorithm.empty() || !s.format.empty())
            out.add(label("Algorithm") + s.signatureAlgorithm +
                    (s.format.empty() ? "" : "  [" + s.format + "]"));
        if (!s.reason.empty()) out.add(label("Reason") + s.reason);
        if (!s.location.empty()) out.add(label("Location") + s.location);
        if (!s.contactInfo.empty()) out.add(label("Contact") + s.contactInfo);
        for (const auto& a : s.appearances) {
            std::string where;
            if (a.hasMm)
                where = fill(tr("page {page}, centre {x},{y} mm from the top-left, {w} x {h} mm"),
                             {{"{page}", std::to_string(a.page)},
                              {"{x}", number(a.centreXMm)},
                              {"{y}", number(a.centreYMm)},
                              {"{w}", number(a.widthMm)},
                              {"{h}", number(a.heightMm)}});
            else
                where = fill(tr("page {page}"), {{"{page}", std::to_string(a.page)}});
            if (options.verbose)
                where += " [x=" + number(a.x) + " y=" + number(a.y) + " " + number(a.width) + " x " +
                         number(a.height) + " pt]";
            out.add(label("Seal") + where +
                    (a.fieldName.empty() ? "" : ", " + std::string(tr("field ")) + a.fieldName));
        }
        if (s.electronicSeal) {
            const ElectronicSealInfo& e = *s.electronicSeal;
            out.add(label("Seal") + fill(tr("{name} ({standard} V{version}, seal ID {id}, vendor {vendor})"),
                                         {{"{name}", e.name},
                                          {"{standard}", e.standard},
                                          {"{version}", std::to_string(e.version)},
                                          {"{id}", e.esId},
                                          {"{vendor}", e.vendorId}}));
            out.add(label("Seal valid") + e.validStart + " - " + e.validEnd + "; " + e.pictureType + " " +
                    std::to_string(e.widthMm) + " x " + std::to_string(e.heightMm) + " mm");
            out.add(label("Seal maker") + e.maker + ", " +
                    (e.makerSignatureValid ? tr("maker signature valid") : tr("maker signature NOT valid")) +
                    ", " +
                    (e.signerListed ? tr("signer listed in the seal") : tr("signer NOT listed in the seal")));
            if (e.pictureOnPage == "matches")
                out.add(label("Seal picture") + tr("the picture on the page is the seal's picture"));
            else if (e.pictureOnPage == "differs")
                out.add(label("Seal picture") + tr("the picture on the page is NOT the seal's picture"));
            else if (e.pictureOnPage == "not-compared")
                out.add(label("Seal picture") + tr("not compared with the picture on the page"));
            if (s.sesSignature) {
                const SesSignatureInfo& g = *s.sesSignature;
                out.add(
                    label("SES_Signature") +
                    fill(tr("{standard} V{version}, {algorithm}, time {time}: signature {signature}, data "
                            "hash {hash}, seal {seal}, signer {signer}"),
                         {{"{standard}", g.standard},
                          {"{version}", std::to_string(g.version)},
                          {"{algorithm}", g.signatureAlgorithm},
                          {"{time}", g.timeInfo.empty() ? g.timeInfo : local(g.timeInfo)},
                          {"{signature}", g.signatureValid ? tr("valid") : tr("NOT valid")},
                          {"{hash}", g.dataHashMatches ? tr("matches") : tr("does NOT match")},
                          {"{seal}", g.sameSeal ? tr("the CMS's") : tr("NOT the CMS's")},
                          {"{signer}", g.sameSigner ? tr("the CMS's") : tr("NOT the CMS's")}}));
            }
        } else if (s.appearances.empty()) {
            out.add(label("Seal") + tr("no visible seal"));
        }
        if (s.signer)
            out.add(label("Integrity") +
                    fill(tr("content digest {digest}, signature {signature}, signer certificate {bound} by a "
                            "signed "
                            "attribute"),
                         {{"{digest}", s.digestMatches ? tr("matches") : tr("does NOT match")},
                          {"{signature}", s.signatureValid ? tr("valid") : tr("NOT valid")},
                          {"{bound}", s.signingCertificateBound ? tr("bound") : tr("not bound")}}));
        else
            out.add(label("Integrity") + tr("not established"));
        out.add(label("Coverage") + codeWord(toString(s.coverage)) +
                (options.verbose && !s.coverageDetail.empty() ? " (" + s.coverageDetail + ")" : ""));
        if (s.revision > 0) out.add(label("Revision") + std::to_string(s.revision));
        if (!s.laterRevisions.empty()) out.add(label("Later revisions") + joinInts(s.laterRevisions));
        if (!options.verbose) {
            // Allowed changes, one line per revision (their kinds); the others with
            // their description, PDF object numbers left out.
            std::map<int, std::vector<std::string>> allowedKinds;
            for (const auto& m : s.modifications) {
                if (!m.allowed) continue;
                auto& kinds = allowedKinds[m.revision];
                const std::string kind = codeWord(toString(m.kind));
                if (std::find(kinds.begin(), kinds.end(), kind) == kinds.end()) kinds.push_back(kind);
            }
            for (const auto& [revision, kinds] : allowedKinds) {
                std::string list;
                for (const auto& k : kinds) list += (list.empty() ? "" : tr(", ")) + k;
                out.add("    " +
                        fill(tr("Change in revision {n}: {kind}"),
                             {{"{n}", std::to_string(revision)}, {"{kind}", list}}) +
                        " (" + tr("allowed") + ")");
            }
            for (const auto& m : s.modifications)
                if (!m.allowed)
                    out.add(
                        "    " +
                        fill(tr("Change in revision {n}: {kind}"),
                             {{"{n}", std::to_string(m.revision)}, {"{kind}", codeWord(toString(m.kind))}}) +
                        (m.description.empty() ? "" : " - " + withoutObjectNumbers(m.description)) + " (" +
                        tr("NOT allowed") + ")");
        }
        for (const auto& m : s.modifications)
            if (options.verbose)
                out.add("    " +
                        fill(tr("Change in revision {n}: {kind}"),
                             {{"{n}", std::to_string(m.revision)}, {"{kind}", codeWord(toString(m.kind))}}) +
                        (options.verbose && !m.object.empty() ? " " + m.object : "") +
                        (m.description.empty() ? "" : " - " + m.description) +
                        (m.allowed ? std::string(" (") + tr("allowed") + ")"
                                   : std::string(" (") + tr("NOT allowed") + ")"));
        out.add(label("Chain") + codeWord(toString(s.chain.status)) +
                (s.chain.message.empty() ? "" : " - " + s.chain.message));
        for (std::size_t i = 0; i < s.chain.path.size(); ++i) {
            const auto& c = s.chain.path[i];
            out.add("      " + std::to_string(i) + ": " + (c.commonName.empty() ? c.subject : c.commonName) +
                    " (" + fill(tr("valid to {to}"), {{"{to}", local(c.notAfter)}}) + ")");
        }
        if (!s.chain.validationTime.empty()) out.add(label("Checked at") + local(s.chain.validationTime));
        if (s.timestamp) {
            const TimestampInfo& t = *s.timestamp;
            const std::string tsa = t.tsa ? (t.tsa->commonName.empty() ? t.tsa->subject : t.tsa->commonName)
                                          : std::string(tr("unknown TSA"));
            out.add(label("Timestamp") + (t.time ? local(*t.time) : std::string("-")) + " (" + tsa + "; " +
                    (t.problem.empty() ? std::string(tr("valid")) : t.problem) + ")");
        }
        if (s.revocation.status != RevocationStatus::NotChecked || !s.revocation.message.empty())
            out.add(label("Revocation") + codeWord(toString(s.revocation.status)) +
                    (s.revocation.message.empty() ? "" : " - " + s.revocation.message));
        for (const auto& e : s.errors) out.add(std::string("    ") + tr("error: ") + e);
        for (const auto& w : s.warnings) out.add(std::string("    ") + tr("warning: ") + w);
    }
    if (!report.unsignedFields.empty()) {
        out.add("");
        unsignedFieldLines(report, out);
    }
    out.add("");
    out.add(std::string("  ") + tr("Overall: ") + toString(o));
    return out.str();
}

}  // namespace eseal
