// The report model's strings, exit codes, JSON (docs/CLI.md) and text.
#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <ctime>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/report/report.hpp"

using namespace eseal;

namespace {

SignatureReport signature(Indication i, SubIndication s = SubIndication::None) {
    SignatureReport r;
    r.id = "Seal1";
    r.verdict.worsenTo(i, s);
    return r;
}

Report withSignatures(std::vector<SignatureReport> sigs) {
    Report r;
    r.file = "a.pdf";
    r.format = "PDF";
    r.fileSize = 1234;
    r.revisions = 2;
    r.signatures = std::move(sigs);
    return r;
}

Report fullReport() {
    SignatureReport s = signature(Indication::Indeterminate, SubIndication::NoCertificateChainFound);
    CertificateInfo c;
    c.subject = "CN=测试单位 RSA 签章人,O=测试单位,C=CN";
    c.commonName = "测试单位 RSA 签章人";
    c.issuer = "CN=eseal Test Intermediate CA,O=eseal test PKI,C=CN";
    c.serialHex = "0a1b";
    c.notBefore = "2025-01-01T00:00:00Z";
    c.notAfter = "2045-12-31T23:59:59Z";
    c.sha256 = std::string(64, 'a');
    c.keyUsage = {"digitalSignature", "nonRepudiation"};
    s.signer = c;
    s.errors = {"The certificate leads to a root that is not trusted here."};
    s.warnings = {"a warning"};
    s.digestAlgorithm = "SHA-256";
    s.signatureAlgorithm = "ECDSA with SHA-256";
    s.format = "ETSI.CAdES.detached";
    s.signingTime = "2026-11-25T12:00:00Z";
    s.signingTimeSource = "claimed (PDF /M)";
    s.reason = "Approved";
    s.digestMatches = s.signatureValid = s.signingCertificateBound = true;
    s.coverage = Coverage::EarlierRevision;
    s.coverageDetail = "bytes 0-100 and 200-300 of 400";
    s.revision = 1;
    s.laterRevisions = {2};
    s.modifications = {{2, ModificationKind::PageContent, "5 0 R", "page 1 content replaced", false},
                       {2, ModificationKind::AnnotationAdded, "", "a comment", true}};
    s.chain.status = ChainStatus::Untrusted;
    s.chain.message = "self-signed certificate in certificate chain (the issuing CA certificate at depth 2)";
    s.chain.path = {c, c};
    s.chain.validationTime = "2026-11-25T12:00:00Z";
    s.appearances = {{1, 400.5, 100.25, 119.06, 119.06, "Seal1"}};
    return withSignatures({s});
}

}  // namespace

BOOST_AUTO_TEST_SUITE(report)

BOOST_AUTO_TEST_CASE(strings) {
    BOOST_TEST(std::string(toString(Indication::Passed)) == "PASSED");
    BOOST_TEST(std::string(toString(Indication::Indeterminate)) == "INDETERMINATE");
    BOOST_TEST(std::string(toString(Indication::Failed)) == "FAILED");
    BOOST_TEST(std::string(toString(SubIndication::None)) == "");
    BOOST_TEST(std::string(toString(SubIndication::HashFailure)) == "HASH_FAILURE");
    BOOST_TEST(std::string(toString(SubIndication::OutOfBoundsNoPoe)) == "OUT_OF_BOUNDS_NO_POE");
    BOOST_TEST(std::string(toString(SubIndication::CertificateChainGeneralFailure)) ==
               "CERTIFICATE_CHAIN_GENERAL_FAILURE");
    BOOST_TEST(std::string(toString(SubIndication::SignedDataNotFound)) == "SIGNED_DATA_NOT_FOUND");
    BOOST_TEST(std::string(toString(Coverage::EntireFile)) == "entire-file");
    BOOST_TEST(std::string(toString(Coverage::EarlierRevision)) == "earlier-revision");
    BOOST_TEST(std::string(toString(Coverage::BrokenRange)) == "broken-range");
    BOOST_TEST(std::string(toString(Coverage::Unknown)) == "unknown");
    const std::pair<ChainStatus, const char*> chain[] = {
        {ChainStatus::Trusted, "trusted"},           {ChainStatus::Untrusted, "untrusted"},
        {ChainStatus::Incomplete, "incomplete"},     {ChainStatus::Expired, "expired"},
        {ChainStatus::NotYetValid, "not-yet-valid"}, {ChainStatus::KeyUsageInvalid, "key-usage-invalid"},
        {ChainStatus::Invalid, "invalid"},           {ChainStatus::NotChecked, "not-checked"}};
    for (const auto& [s, text] : chain) BOOST_TEST(std::string(toString(s)) == text);
}

BOOST_AUTO_TEST_CASE(exit_codes) {
    using I = Indication;
    BOOST_TEST(verifyExitCode(withSignatures({signature(I::Passed)})) == 0);
    BOOST_TEST(verifyExitCode(withSignatures({signature(I::Passed), signature(I::Passed)})) == 0);
    BOOST_TEST(verifyExitCode(withSignatures({signature(I::Failed)})) == 1);
    BOOST_TEST(verifyExitCode(withSignatures({signature(I::Passed), signature(I::Failed)})) == 1);
    BOOST_TEST(verifyExitCode(withSignatures({signature(I::Indeterminate), signature(I::Failed)})) == 1);
    BOOST_TEST(verifyExitCode(withSignatures({signature(I::Passed), signature(I::Indeterminate)})) == 2);
    BOOST_TEST(verifyExitCode(withSignatures({signature(I::Indeterminate)})) == 2);
    BOOST_TEST(verifyExitCode(withSignatures({})) == 3);
    Report unreadable = withSignatures({});
    unreadable.readable = false;
    BOOST_TEST(verifyExitCode(unreadable) == 4);
    unreadable.signatures = {signature(I::Passed)};  // unreadable wins
    BOOST_TEST(verifyExitCode(unreadable) == 4);
}

BOOST_AUTO_TEST_CASE(json_shape) {
    const Report r = fullReport();
    const auto j = nlohmann::json::parse(toJson(r));
    for (const char* k : {"file", "format", "fileSize", "revisions", "readable", "errors", "indication",
                          "signatures", "unsignedFields"})
        BOOST_TEST(j.contains(k), k);
    BOOST_TEST(j.size() == 9u);
    BOOST_TEST(j["file"] == "a.pdf");
    BOOST_TEST(j["fileSize"] == 1234);
    BOOST_TEST(j["revisions"] == 2);
    BOOST_TEST(j["readable"] == true);
    BOOST_TEST(j["indication"] == "INDETERMINATE");
    BOOST_REQUIRE(j["signatures"].size() == 1u);
    const auto& s = j["signatures"][0];
    for (const char* k : {"id",
                          "indication",
                          "subIndication",
                          "errors",
                          "warnings",
                          "signer",
                          "digestAlgorithm",
                          "signatureAlgorithm",
                          "format",
                          "signingTime",
                          "signingTimeSource",
                          "timestamped",
                          "reason",
                          "location",
                          "contactInfo",
                          "digestMatches",
                          "signatureValid",
                          "signingCertificateBound",
                          "coverage",
                          "coverageDetail",
                          "revision",
                          "laterRevisions",
                          "modifications",
                          "laterChangesChecked",
                          "chain",
                          "timestamp",
                          "revocation",
                          "appearances"})
        BOOST_TEST(s.contains(k), k);
    BOOST_TEST(s.size() == 28u);
    BOOST_TEST(s["laterChangesChecked"] == true);
    BOOST_TEST(s["timestamp"].is_null());
    BOOST_TEST(s["revocation"]["status"] == "not-checked");
    BOOST_TEST(s["indication"] == "INDETERMINATE");
    BOOST_TEST(s["subIndication"] == "NO_CERTIFICATE_CHAIN_FOUND");
    BOOST_TEST(s["coverage"] == "earlier-revision");
    BOOST_TEST(s["signer"]["commonName"] == "测试单位 RSA 签章人");
    for (const char* k :
         {"subject", "commonName", "issuer", "serialHex", "notBefore", "notAfter", "sha256", "keyUsage"})
        BOOST_TEST(s["signer"].contains(k), k);
    BOOST_TEST(s["signer"]["keyUsage"][1] == "nonRepudiation");
    BOOST_TEST(s["laterRevisions"] == nlohmann::json::array({2}));
    BOOST_TEST(s["modifications"][0]["kind"] == "page-content");
    BOOST_TEST(s["modifications"][0]["object"] == "5 0 R");
    BOOST_TEST(s["modifications"][0]["allowed"] == false);
    BOOST_TEST(s["modifications"][1]["allowed"] == true);
    BOOST_TEST(s["chain"]["status"] == "untrusted");
    BOOST_TEST(s["chain"]["path"].size() == 2u);
    BOOST_TEST(s["chain"]["validationTime"] == "2026-11-25T12:00:00Z");
    for (const char* k : {"status", "message", "path", "validationTime"})
        BOOST_TEST(s["chain"].contains(k), k);
    BOOST_TEST(s["appearances"][0]["page"] == 1);
    BOOST_TEST(s["appearances"][0]["x"].get<double>() == 400.5);
    BOOST_TEST(s["appearances"][0]["fieldName"] == "Seal1");
    BOOST_TEST(s["signingTime"] == "2026-11-25T12:00:00Z");
    BOOST_TEST(s["timestamped"] == false);
    // Compact form parses to the same document.
    BOOST_TEST(nlohmann::json::parse(toJson(r, false)) == j);
    BOOST_TEST(toJson(r, false).find('\n') == std::string::npos);
}

BOOST_AUTO_TEST_CASE(json_overall_indication) {
    auto overall = [](const Report& r) {
        return nlohmann::json::parse(toJson(r))["indication"].get<std::string>();
    };
    BOOST_TEST(overall(withSignatures({signature(Indication::Passed)})) == "PASSED");
    BOOST_TEST(overall(withSignatures({signature(Indication::Passed), signature(Indication::Failed)})) ==
               "FAILED");
    BOOST_TEST(overall(withSignatures({})) == "NO_SIGNATURE");
    Report u;
    u.file = "x.pdf";
    u.readable = false;
    u.errors = {"not a PDF file"};
    const auto j = nlohmann::json::parse(toJson(u));
    BOOST_TEST(j["indication"] == "UNREADABLE");
    BOOST_TEST(j["errors"][0] == "not a PDF file");
    BOOST_TEST(j["signatures"].is_array());
    // Absent signer / signing time are null, not missing.
    const auto s =
        nlohmann::json::parse(toJson(withSignatures({signature(Indication::Failed)})))["signatures"][0];
    BOOST_TEST(s["signer"].is_null());
    BOOST_TEST(s["signingTime"].is_null());
}

BOOST_AUTO_TEST_CASE(json_survives_invalid_utf8) {
    Report r = withSignatures({signature(Indication::Failed)});
    r.signatures[0].reason = std::string("bad \xff\xfe utf8");
    BOOST_CHECK_NO_THROW({
        auto parsed = nlohmann::json::parse(toJson(r));
        (void)parsed;
    });
}

BOOST_AUTO_TEST_CASE(text_report) {
    setenv("TZ", "UTC", 1);  // the text report shows local time
    tzset();
    const std::string text = toText(fullReport());
    for (const char* needle :
         {"a.pdf", "Seal1", "INDETERMINATE / NO_CERTIFICATE_CHAIN_FOUND", "测试单位 RSA 签章人",
          "eseal Test Intermediate CA", "2026-11-25 12:00:00 +00:00", "claimed (PDF /M)", "page 1",
          "earlier-revision", "page-content", "NOT allowed", "(allowed)", "untrusted",
          "error: The certificate", "warning: a warning", "Later revisions: 2"})
        BOOST_TEST(text.find(needle) != std::string::npos, needle << " missing from\n" << text);
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        BOOST_TEST((line.empty() || (line.back() != ' ' && line.back() != '\t')),
                   "trailing blank: [" << line << "]");
    }
    BOOST_TEST(toText(withSignatures({})).find("NO_SIGNATURE") != std::string::npos);
    Report u;
    u.file = "x.pdf";
    u.readable = false;
    BOOST_TEST(toText(u).find("UNREADABLE") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(verdict_worsen_never_improves) {
    Verdict v;
    BOOST_TEST(v.passed());
    BOOST_TEST((v.subIndication() == SubIndication::None));
    v.worsenTo(Indication::Passed);
    BOOST_TEST(v.passed());
    v.worsenTo(Indication::Indeterminate, SubIndication::NoCertificateChainFound);
    BOOST_TEST((v.indication() == Indication::Indeterminate));
    // A tie keeps the first finding's sub-indication.
    v.worsenTo(Indication::Indeterminate, SubIndication::CryptoConstraintsFailure);
    BOOST_TEST((v.subIndication() == SubIndication::NoCertificateChainFound));
    // Better findings change nothing.
    v.worsenTo(Indication::Passed);
    BOOST_TEST((v.indication() == Indication::Indeterminate));
    BOOST_TEST((v.subIndication() == SubIndication::NoCertificateChainFound));
    // Worse wins, with its own sub-indication.
    v.worsenTo(Indication::Failed, SubIndication::HashFailure);
    BOOST_TEST((v.indication() == Indication::Failed));
    BOOST_TEST((v.subIndication() == SubIndication::HashFailure));
    v.worsenTo(Indication::Failed, SubIndication::FormatFailure);
    v.worsenTo(Indication::Indeterminate, SubIndication::TryLater);
    v.worsenTo(Indication::Passed);
    BOOST_TEST((v.indication() == Indication::Failed));
    BOOST_TEST((v.subIndication() == SubIndication::HashFailure));
    // Merging whole verdicts follows the same rule, in any order.
    Verdict a, b;
    a.worsenTo(Indication::Indeterminate, SubIndication::OutOfBoundsNoPoe);
    b.worsenTo(Indication::Failed, SubIndication::SigCryptoFailure);
    Verdict ab = a, ba = b;
    ab.worsenTo(b);
    ba.worsenTo(a);
    BOOST_TEST((ab == ba));
    BOOST_TEST((ab.subIndication() == SubIndication::SigCryptoFailure));
    Verdict passed;
    a.worsenTo(passed);
    BOOST_TEST((a.subIndication() == SubIndication::OutOfBoundsNoPoe));
}

BOOST_AUTO_TEST_CASE(modification_kind_names) {
    const std::pair<ModificationKind, const char*> names[] = {
        {ModificationKind::SignatureAdded, "signature-added"},
        {ModificationKind::AnnotationAdded, "annotation-added"},
        {ModificationKind::PageContent, "page-content"},
        {ModificationKind::Page, "page"},
        {ModificationKind::Annotation, "annotation"},
        {ModificationKind::FormField, "form-field"},
        {ModificationKind::FormResources, "form-resources"},
        {ModificationKind::Catalog, "catalog"},
        {ModificationKind::Signature, "signature"},
        {ModificationKind::Dss, "dss"},
        {ModificationKind::Metadata, "metadata"},
        {ModificationKind::Unused, "unused"},
        {ModificationKind::Other, "other"}};
    for (const auto& [kind, name] : names) BOOST_TEST(std::string(toString(kind)) == name);
    const auto j = nlohmann::json::parse(toJson(fullReport()));
    BOOST_TEST(j["signatures"][0]["modifications"][0]["kind"] == "page-content");
    BOOST_TEST(j["signatures"][0]["modifications"][1]["kind"] == "annotation-added");
}

BOOST_AUTO_TEST_CASE(untrusted_headline_tells_what_followed_the_seal) {
    // An intact seal of an untrusted signer: the headline may say "unchanged"
    // only when nothing followed it and that was analysed.
    SignatureReport s = signature(Indication::Indeterminate, SubIndication::NoCertificateChainFound);
    s.digestMatches = s.signatureValid = true;
    s.chain.status = ChainStatus::Untrusted;
    auto headline = [](const SignatureReport& sig) { return verdictLine(withSignatures({sig})); };
    const std::string unchanged = "the file unchanged";
    const std::string allowed = "only allowed changes";

    BOOST_TEST(headline(s).find(unchanged) != std::string::npos, headline(s));

    SignatureReport later = s;  // a further seal followed, and was judged allowed
    later.laterRevisions = {2};
    later.modifications = {{2, ModificationKind::SignatureAdded, "9 0 R", "a signature", true}};
    BOOST_TEST(headline(later).find(allowed) != std::string::npos, headline(later));
    BOOST_TEST(headline(later).find(unchanged) == std::string::npos, headline(later));

    SignatureReport unchecked = later;  // the analysis of what followed stopped short
    unchecked.laterChangesChecked = false;
    BOOST_TEST(headline(unchecked).find(allowed) == std::string::npos, headline(unchecked));
    BOOST_TEST(headline(unchecked).find(unchanged) == std::string::npos, headline(unchecked));

    SignatureReport tail = s;  // bytes after it that could not be read as a revision
    tail.laterChangesChecked = false;
    BOOST_TEST(headline(tail).find(unchanged) == std::string::npos, headline(tail));
    BOOST_TEST(headline(tail).find("could not be fully checked") != std::string::npos, headline(tail));
}

BOOST_AUTO_TEST_SUITE_END()
