// Chains completed for signing (core/crypto/issuers): certificate files and
// folders, the issuer path up to (not including) the root, a key given the
// issuers it lacks, and the intermediates folder of verification.
#define BOOST_TEST_MODULE test_issuers
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/base/error.hpp"
#include "core/crypto/chain.hpp"
#include "core/crypto/issuers.hpp"
#include "core/crypto/trust.hpp"

using namespace eseal;
namespace fs = std::filesystem;

namespace {

const std::string kPki = ESEAL_TEST_PKI;

Certificate cert(const std::string& name) { return readCertificateFile(kPki + "/" + name + ".crt").front(); }

// A key that holds only what it is given; it is never asked to sign here.
class CertificatesOnly final : public Key {
public:
    explicit CertificatesOnly(std::vector<Bytes> chain) : chain_(std::move(chain)) {}
    std::string description() const override { return "test key"; }
    const std::vector<Bytes>& certificateChain() const override { return chain_; }
    std::vector<SignatureAlgorithm> algorithms() const override { return {}; }
    Bytes sign(ByteView, const SignatureAlgorithm&) override { throw Error(ErrorCategory::Internal, "no"); }

private:
    std::vector<Bytes> chain_;
};

struct TempDir {
    fs::path path = fs::temp_directory_path() / ("eseal-issuers-" + std::to_string(::getpid()));
    TempDir() { fs::create_directories(path); }
    ~TempDir() { fs::remove_all(path); }
};

}  // namespace

BOOST_AUTO_TEST_CASE(pem_with_several_and_der_files_are_read) {
    BOOST_TEST(readCertificateFile(kPki + "/ca-chain.pem").size() == 2u);
    BOOST_TEST(readCertificateFile(kPki + "/root-ca.der").size() == 1u);
    BOOST_CHECK_THROW(readCertificateFile(kPki + "/ca.cnf"), Error);
    BOOST_CHECK_THROW(readCertificateFile(kPki + "/no-such-file.pem"), Error);
}

BOOST_AUTO_TEST_CASE(issuer_path_stops_before_the_root) {
    const auto path =
        issuerPath(cert("signer-rsa"), {cert("root-ca"), cert("intermediate-ca"), cert("signer-ec")});
    BOOST_REQUIRE(path.size() == 1u);
    BOOST_TEST(path.front().der() == cert("intermediate-ca").der());
    BOOST_TEST(issuerPath(cert("signer-rsa"), {cert("signer-ec")}).empty());
    BOOST_TEST(issuerPath(cert("root-ca"), {cert("root-ca")}).empty());
}

BOOST_AUTO_TEST_CASE(a_key_gets_the_issuers_it_lacks_and_keeps_its_own) {
    const Bytes signer = cert("signer-rsa").der();
    auto key = withIssuers(std::make_unique<CertificatesOnly>(std::vector<Bytes>{signer}),
                           {cert("untrusted-root"), cert("intermediate-ca"), cert("root-ca")});
    BOOST_REQUIRE(key->certificateChain().size() == 2u);
    BOOST_TEST(key->certificateChain()[0] == signer);
    BOOST_TEST(key->certificateChain()[1] == cert("intermediate-ca").der());
    BOOST_TEST(key->description() == "test key");
    BOOST_TEST(missingIssuer(key->certificateChain()).empty());
    const std::string missing = missingIssuer({signer});
    BOOST_TEST(missing.find("eseal Test Intermediate CA") != std::string::npos, missing);
    BOOST_TEST(missingIssuer({cert("root-ca").der()}).empty());
}

BOOST_AUTO_TEST_CASE(verification_finds_intermediates_in_the_certs_folder) {
    TempDir home;
    fs::create_directories(home.path / "eseal" / "certs");
    fs::copy_file(kPki + "/intermediate-ca.crt", home.path / "eseal" / "certs" / "intermediate.pem");
    std::ofstream(home.path / "eseal" / "certs" / "broken.pem") << "not a certificate\n";
    ::setenv("XDG_CONFIG_HOME", home.path.c_str(), 1);
    TrustPolicy policy = defaultTrustPolicy();
    policy.useSystemStore = false;
    policy.trustFiles.push_back(kPki + "/trust.pem");
    const TrustStore trust(policy);
    BOOST_TEST(trust.intermediates().size() == 1u);
    BOOST_TEST(trust.warnings().size() == 1u);  // broken.pem, named
    const auto chain =
        validateChain(cert("signer-rsa"), {}, trust, 1800000000, KeyUsagePurpose::DocumentSigning);
    BOOST_TEST(toString(chain.status) == std::string("trusted"), chain.message);
    BOOST_TEST(chain.path.size() == 3u);

    ::setenv("XDG_CONFIG_HOME", (home.path / "none").c_str(), 1);
    TrustPolicy bare = defaultTrustPolicy();
    bare.useSystemStore = false;
    bare.trustFiles.push_back(kPki + "/trust.pem");
    const TrustStore without(bare);
    const auto incomplete =
        validateChain(cert("signer-rsa"), {}, without, 1800000000, KeyUsagePurpose::DocumentSigning);
    BOOST_TEST(toString(incomplete.status) == std::string("incomplete"), incomplete.message);
}

BOOST_AUTO_TEST_CASE(tsa_certificate_needs_critical_timestamping_eku) {
    TrustPolicy policy;
    policy.useSystemStore = false;
    policy.trustFiles.push_back(kPki + "/trust.pem");
    const TrustStore trust(policy);
    const auto tsa = validateChain(cert("tsa"), {cert("intermediate-ca")}, trust, 1800000000,
                                   KeyUsagePurpose::TimeStamping);
    BOOST_TEST(toString(tsa.status) == std::string("trusted"), tsa.message);
    const auto notTsa = validateChain(cert("signer-rsa"), {cert("intermediate-ca")}, trust, 1800000000,
                                      KeyUsagePurpose::TimeStamping);
    BOOST_TEST(toString(notTsa.status) == std::string("key-usage-invalid"), notTsa.message);
}
