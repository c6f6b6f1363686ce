// OFD verification on documents other implementations signed
// (../shared/testdata/gbt38540/ofd): integrity and seals verify; one changed
// byte in any protected file, in Signature.xml or in the signed value FAILs.
// Tampered copies are rezipped by Python's zipfile (tamper_ofd.py).
#define BOOST_TEST_MODULE ofd
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "core/base/error.hpp"
#include "core/package/zip.hpp"
#include "core/seal/ses_signature.hpp"
#include "formats/format.hpp"
#include "formats/ofd/ofd_format.hpp"
#include "formats/ofd/ofd_verify.hpp"

namespace fs = std::filesystem;
using namespace eseal;

namespace {

fs::path ofdDir() { return fs::path(ESEAL_SOURCE_DIR) / ".." / "shared" / "testdata" / "gbt38540" / "ofd"; }

TrustPolicy noTrust() {
    TrustPolicy p;
    p.useSystemStore = false;
    return p;
}

Report verifyFile(const fs::path& file) {
    return adapterFor(file.string()).verify(file.string(), TrustStore(noTrust()), VerifyOptions{});
}

fs::path tampered(const std::string& ofd, const std::string& entry) {
    const fs::path dir = fs::path(ESEAL_TEST_DATA) / "ofd-tampered";
    fs::create_directories(dir);
    std::string safe = entry;
    for (auto& c : safe)
        if (c == '/') c = '_';
    const fs::path out = dir / (ofd + "." + safe + ".ofd");
    const std::string cmd = "python3 " + std::string(ESEAL_SOURCE_DIR) + "/tests/unit/ofd/tamper_ofd.py " +
                            (ofdDir() / ofd).string() + " " + out.string() + " " + entry;
    BOOST_REQUIRE(std::system(cmd.c_str()) == 0);
    return out;
}

bool anyError(const SignatureReport& s, const std::string& part) {
    for (const auto& e : s.errors)
        if (e.find(part) != std::string::npos) return true;
    return false;
}

}  // namespace

BOOST_AUTO_TEST_CASE(ofd_is_detected_by_content) {
    BOOST_TEST(adapterFor((ofdDir() / "ofdrw-v4-signed.ofd").string()).name() == "OFD");
    // A ZIP without OFD.xml is not OFD.
    const fs::path zip = fs::path(ESEAL_TEST_DATA) / "not-ofd.zip";
    fs::create_directories(zip.parent_path());
    const std::string cmd =
        "python3 -c \"import zipfile; zipfile.ZipFile('" + zip.string() + "', 'w').writestr('a.txt', 'x')\"";
    BOOST_REQUIRE(std::system(cmd.c_str()) == 0);
    try {
        adapterFor(zip.string());
        BOOST_FAIL("a plain ZIP was taken for a known format");
    } catch (const Error& e) {
        BOOST_TEST((e.category() == ErrorCategory::BadInput));
    }
}

BOOST_AUTO_TEST_CASE(locations_stay_inside_the_package) {
    BOOST_TEST(ofd::resolveLoc("Doc_0/Signs", "Sign_0/Signature.xml") == "Doc_0/Signs/Sign_0/Signature.xml");
    BOOST_TEST(ofd::resolveLoc("Doc_0/Signs", "/Doc_0/Signs/Sign_0/Signature.xml") ==
               "Doc_0/Signs/Sign_0/Signature.xml");
    BOOST_TEST(ofd::resolveLoc("Doc_0", "./x/../y.xml") == "Doc_0/y.xml");
    BOOST_TEST(ofd::resolveLoc("Doc_0", "../../etc/passwd") == "");
    BOOST_TEST(ofd::resolveLoc("", "") == "");
}

BOOST_AUTO_TEST_CASE(sealed_documents_verify_their_integrity_and_show_their_seals) {
    struct Case {
        const char* file;
        const char* sealName;
        const char* signerCn;
        std::size_t protectedFiles;
    };
    const Case cases[] = {
        {"jiangsu-tax-signed.ofd", "国家税务总局江苏省税务局", "国家税务总局江苏省税务局", 13},
        {"ofdrw-v4-signed.ofd", "OFD R&W 测试用印章", "Test Certificate", 5},
    };
    for (const Case& c : cases) {
        BOOST_TEST_CONTEXT(c.file) {
            const Report r = verifyFile(ofdDir() / c.file);
            BOOST_TEST(r.readable);
            BOOST_TEST(r.format == "OFD");
            BOOST_REQUIRE(r.signatures.size() == 1u);
            const SignatureReport& s = r.signatures[0];
            // The only error: the vendor's root is not trusted here (no issuer certificate).
            BOOST_TEST(s.errors.size() == 1u);
            BOOST_TEST((s.chain.status == ChainStatus::Incomplete));
            BOOST_TEST((s.verdict.subIndication() == SubIndication::NoCertificateChainFound));
            BOOST_TEST(s.signatureValid);
            BOOST_TEST(s.digestMatches);
            BOOST_TEST((s.coverage == Coverage::EntireFile));
            BOOST_TEST(s.coverageDetail == std::to_string(c.protectedFiles) + " of " +
                                               std::to_string(c.protectedFiles) + " protected files match");
            BOOST_REQUIRE(s.signer.has_value());
            BOOST_TEST(s.signer->commonName == c.signerCn);
            BOOST_TEST(s.signatureAlgorithm == "SM2-with-SM3");
            BOOST_REQUIRE(s.electronicSeal.has_value());
            BOOST_TEST(s.electronicSeal->name == c.sealName);
            BOOST_TEST(s.electronicSeal->makerSignatureValid);
            BOOST_TEST(s.electronicSeal->signerListed);
            // Integrity holds; the chain is not established: INDETERMINATE, not FAILED.
            BOOST_TEST((s.verdict.indication() == Indication::Indeterminate));
            BOOST_TEST(verifyExitCode(r) == 2);
        }
    }
}

BOOST_AUTO_TEST_CASE(a_changed_byte_in_any_protected_file_fails) {
    struct Case {
        const char* file;
        std::vector<std::string> entries;
    };
    const Case cases[] = {
        {"ofdrw-v4-signed.ofd",
         {"OFD.xml", "Doc_0/PublicRes.xml", "Doc_0/Pages/Page_0/Content.xml", "Doc_0/Signs/Sign_0/Seal.esl",
          "Doc_0/Document.xml"}},
        {"jiangsu-tax-signed.ofd",
         {"Doc_0/Annots/Page_0/Annotation.xml", "Doc_0/PublicRes.xml", "Doc_0/DocumentRes.xml",
          "Doc_0/Pages/Page_0/Content.xml", "Doc_0/Tpls/Tpl_0/Content.xml", "Doc_0/Document.xml",
          "Doc_0/Tags/CustomTags.xml", "Doc_0/Tags/CustomTag.xml", "Doc_0/Attachs/Attachments.xml",
          "Doc_0/Res/image_80.jb2", "Doc_0/Attachs/original_invoice.xml", "OFD.xml",
          "Doc_0/Annots/Annotations.xml"}},
    };
    for (const Case& c : cases) {
        for (const auto& entry : c.entries) {
            BOOST_TEST_CONTEXT(c.file << ": " << entry) {
                const Report r = verifyFile(tampered(c.file, entry));
                BOOST_REQUIRE(r.signatures.size() == 1u);
                const SignatureReport& s = r.signatures[0];
                BOOST_TEST((s.verdict.indication() == Indication::Failed));
                BOOST_TEST((s.verdict.subIndication() == SubIndication::HashFailure));
                BOOST_TEST(anyError(s, "protected file changed (hash differs): /" + entry));
                BOOST_TEST(verifyExitCode(r) == 1);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(a_changed_signature_xml_or_signed_value_fails) {
    const Report xml = verifyFile(tampered("ofdrw-v4-signed.ofd", "Doc_0/Signs/Sign_0/Signature.xml"));
    BOOST_REQUIRE(xml.signatures.size() == 1u);
    BOOST_TEST((xml.signatures[0].verdict.indication() == Indication::Failed));
    BOOST_TEST(!xml.signatures[0].digestMatches);

    const Report value = verifyFile(tampered("ofdrw-v4-signed.ofd", "Doc_0/Signs/Sign_0/SignedValue.dat"));
    BOOST_REQUIRE(value.signatures.size() == 1u);
    BOOST_TEST((value.signatures[0].verdict.indication() == Indication::Failed));
}

BOOST_AUTO_TEST_CASE(a_plain_signature_without_seal_is_indeterminate) {
    const Report r = verifyFile(ofdDir() / "plain-sm2-no-seal.ofd");
    BOOST_REQUIRE(r.signatures.size() == 1u);
    const SignatureReport& s = r.signatures[0];
    BOOST_TEST((s.verdict.indication() == Indication::Indeterminate));
    BOOST_TEST((s.verdict.subIndication() == SubIndication::NoSigningCertificateFound));
    BOOST_TEST(!s.electronicSeal.has_value());
    BOOST_TEST(s.coverageDetail == "4 of 4 protected files match");
    // Its protected files are still checked.
    const Report t = verifyFile(tampered("plain-sm2-no-seal.ofd", "Doc_0/Document.xml"));
    BOOST_TEST((t.signatures.at(0).verdict.indication() == Indication::Failed));
}

BOOST_AUTO_TEST_CASE(a_trusted_signer_passes_within_its_validity) {
    // Trust the signer certificate itself (a partial chain ends at a trusted
    // certificate) and check at a time when it was valid.
    const fs::path file = ofdDir() / "ofdrw-v4-signed.ofd";
    const package::ZipArchive zip(file.string());
    const seal::SesSignature sig = seal::readSignature(zip.read("Doc_0/Signs/Sign_0/SignedValue.dat"));
    const fs::path pem = fs::path(ESEAL_TEST_DATA) / "ofdrw-signer.pem";
    {
        const unsigned char* p = sig.signerCertificate.data();
        X509* cert = d2i_X509(nullptr, &p, static_cast<long>(sig.signerCertificate.size()));
        BOOST_REQUIRE(cert);
        FILE* f = std::fopen(pem.c_str(), "w");
        BOOST_REQUIRE(f);
        PEM_write_X509(f, cert);
        std::fclose(f);
        X509_free(cert);
    }
    TrustPolicy policy = noTrust();
    policy.trustFiles.push_back(pem.string());
    const TrustStore trust(policy);
    VerifyOptions options;
    options.validationTime = 1622505600;  // 2021-06-01
    const Report ok = ofdFormat().verify(file.string(), trust, options);
    BOOST_REQUIRE(ok.signatures.size() == 1u);
    BOOST_TEST((ok.signatures[0].chain.status == ChainStatus::Trusted));
    BOOST_TEST((ok.signatures[0].verdict.indication() == Indication::Passed), ok.signatures[0].errors.size());
    BOOST_TEST(verifyExitCode(ok) == 0);

    // Today the certificate has expired and no timestamp proves the signing time.
    options.validationTime.reset();
    const Report late = ofdFormat().verify(file.string(), trust, options);
    BOOST_TEST((late.signatures.at(0).chain.status == ChainStatus::Expired));
    BOOST_TEST((late.signatures.at(0).verdict.subIndication() == SubIndication::OutOfBoundsNoPoe));
}
