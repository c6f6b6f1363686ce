// GB/T 38540 / GM/T 0031 seals and signatures made by other implementations
// (../shared/testdata/gbt38540, see its README.md): every file is read and its
// maker (and signer) signature checked; hostile variants never crash.
#define BOOST_TEST_MODULE ses_seal
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <random>
#include <set>
#include <string>

#include "core/base/error.hpp"
#include "core/crypto/der.hpp"
#include "core/seal/ses_seal.hpp"
#include "core/seal/ses_signature.hpp"

namespace eseal {
inline std::ostream& operator<<(std::ostream& os, ErrorCategory c) { return os << toString(c); }
}  // namespace eseal

namespace fs = std::filesystem;
using eseal::Bytes;
using eseal::Error;
using eseal::ErrorCategory;
using namespace eseal::seal;

namespace {

// The CI clone has shared/ beside the repository.
fs::path dataDir() { return fs::path(ESEAL_SOURCE_DIR) / ".." / "shared" / "testdata" / "gbt38540"; }
Bytes load(const std::string& name) { return eseal::readFile((dataDir() / name).string()); }

std::time_t utc(int y, int mo, int d, int h, int mi, int s) {
    std::tm tm{};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = s;
    return timegm(&tm);
}

// The vendor seal's cert field holds the bound signer certificate (CN test111),
// not the seal maker's: its signature verifies with that key neither over
// SES_SealInfo as written nor re-encoded in DER, nor in the GM/T 0031 form.
// (Checked with `openssl pkeyutl -verify -rawin -digest sm3 -pkeyopt
// distid:1234567812345678`.) eseal must say so, not accept it.
const std::string kVendorSeal = "HebeiGede-seal-v4.der";

bool isSealFile(const fs::path& p) { return p.extension() == ".esl" || p.extension() == ".der"; }

ErrorCategory categoryOf(const Bytes& data) {
    try {
        readSeal(data);
    } catch (const Error& e) {
        return e.category();
    }
    return ErrorCategory::Internal;  // read fine
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_file_in_the_folder_is_read_and_its_signature_checked) {
    BOOST_REQUIRE_MESSAGE(fs::is_directory(dataDir()), "test data missing: " << dataDir());
    // Keys (.p12) and the README are not seals; everything else must be one.
    std::set<std::string> checked;
    for (const auto& entry : fs::directory_iterator(dataDir())) {
        if (!entry.is_regular_file()) continue;
        const auto p = entry.path();
        const auto name = p.filename().string();
        if (p.extension() == ".p12" || p.extension() == ".md") continue;
        BOOST_TEST_CONTEXT(name) {
            const Bytes data = eseal::readFile(p.string());
            if (isSealFile(p)) {
                const SesSeal seal = readSeal(data, name);
                const MakerCheck check = checkMakerSignature(seal);
                BOOST_TEST(check.valid == (name != kVendorSeal), check.detail);
                BOOST_TEST(seal.encoded == data);
            } else {
                const SesSignature sig = readSignature(data, name);
                BOOST_TEST(checkMakerSignature(sig.seal).valid);
                const MakerCheck check = checkSignerSignature(sig);
                BOOST_TEST(check.valid, check.detail);
            }
            checked.insert(name);
        }
    }
    const std::set<std::string> expected{"UserV1.esl", "UserV4.esl", "UserV5.esl", "HebeiGede-seal-v4.der",
                                         "SignedValueV4.dat"};
    for (const auto& e : expected) BOOST_TEST(checked.count(e) == 1u, e);
}

BOOST_AUTO_TEST_CASE(v1_seal_fields) {
    const SesSeal s = readSeal(load("UserV1.esl"));
    BOOST_TEST((s.layout == SealLayout::V1));
    BOOST_TEST(s.header.id == "ES");
    BOOST_TEST(s.header.version == 1);
    BOOST_TEST(s.header.vendorId == "OFDR&WTest");
    BOOST_TEST(s.esId == "40C8CDD24DEF43388B86E62CCE1D6832");
    BOOST_TEST(s.property.type == 1);
    BOOST_TEST(s.property.name == "OFDRW测试用印章");
    BOOST_TEST(s.property.certListType == 0);
    BOOST_TEST(s.property.certificates.size() == 1u);
    BOOST_TEST(s.property.certificates[0].size() == 528u);
    BOOST_TEST(s.property.createDate == utc(2020, 4, 22, 2, 18, 7));
    BOOST_TEST(s.property.validEnd == utc(2022, 4, 22, 2, 18, 7));
    BOOST_TEST(s.picture.type == "PNG");
    BOOST_TEST(s.picture.data.size() == 15693u);
    BOOST_TEST(s.picture.data[1] == 'P');
    BOOST_TEST(s.picture.widthMm == 40);
    BOOST_TEST(s.picture.heightMm == 40);
    BOOST_TEST(s.extensions.empty());
    BOOST_TEST(s.makerCertificate.size() == 526u);
    BOOST_TEST(s.signatureAlgorithm == "1.2.156.10197.1.501");
    BOOST_TEST(algorithmName(s.signatureAlgorithm) == "SM2-with-SM3");
    BOOST_TEST(s.warnings.empty());
    BOOST_TEST(s.validAt(utc(2021, 1, 1, 0, 0, 0)));
    BOOST_TEST(!s.validAt(utc(2023, 1, 1, 0, 0, 0)));
}

BOOST_AUTO_TEST_CASE(v4_and_v5_seal_fields) {
    const SesSeal v4 = readSeal(load("UserV4.esl"));
    BOOST_TEST((v4.layout == SealLayout::V4));
    BOOST_TEST(v4.header.version == 4);
    BOOST_TEST(v4.property.type == 3);
    BOOST_TEST(v4.property.name == "OFD R&W 测试用印章");
    BOOST_TEST(v4.property.certListType == 1);
    BOOST_TEST(v4.property.certificates.size() == 1u);
    BOOST_TEST(v4.property.validStart == utc(2020, 4, 22, 2, 9, 0));
    BOOST_TEST(v4.property.validEnd == utc(2022, 4, 22, 2, 9, 0));
    BOOST_TEST(v4.picture.widthMm == 40);
    // The V4 seal signs SES_SealInfo alone.
    BOOST_TEST(v4.signedBytes.size() == 16393u);

    const SesSeal v5 = readSeal(load("UserV5.esl"));
    BOOST_TEST((v5.layout == SealLayout::V4));
    BOOST_TEST(v5.header.version == 5);
    BOOST_TEST(v5.header.vendorId == "OFDR&WTestV5");
    BOOST_TEST(v5.property.name == "OFD R&W V5测试用印章");
    BOOST_TEST(v5.property.validEnd == utc(2028, 4, 24, 8, 53, 23));
}

BOOST_AUTO_TEST_CASE(vendor_seal_with_explicit_critical_false) {
    const SesSeal s = readSeal(load("HebeiGede-seal-v4.der"));
    BOOST_TEST(s.header.vendorId == "Vid HebeiGede");
    BOOST_TEST(s.esId == "esID130600");
    BOOST_TEST(s.property.type == 4);
    BOOST_TEST(s.property.name == "测试单位名称 合同专用章");
    BOOST_TEST(s.property.certificates.size() == 2u);
    BOOST_TEST(s.picture.type == "GIF");
    BOOST_TEST(s.picture.widthMm == 42);
    BOOST_TEST(s.picture.heightMm == 42);
    BOOST_REQUIRE(s.extensions.size() == 3u);
    BOOST_TEST(s.extensions[0].oid == "1.2.156.112600.7.1");
    BOOST_TEST(!s.extensions[0].critical);
    BOOST_TEST(s.extensions[1].critical);
    BOOST_TEST(std::string(s.extensions[2].value.begin(), s.extensions[2].value.end()) ==
               "HeBeiBaoDingShiCeShiDanWeiMingCheng");
    // Two explicit FALSEs, accepted and noted.
    BOOST_TEST(s.warnings.size() == 2u);
    BOOST_TEST(s.warnings[0].find("critical FALSE") != std::string::npos);
    BOOST_TEST(s.makerCertificate == s.property.certificates[0]);
    const MakerCheck check = checkMakerSignature(s);
    BOOST_TEST(!check.valid);
    BOOST_TEST(check.detail == "SM2-with-SM3 signature does not match");
}

BOOST_AUTO_TEST_CASE(signature_v4_fields) {
    const SesSignature sig = readSignature(load("SignedValueV4.dat"));
    BOOST_TEST(sig.version == 4);
    BOOST_TEST(sig.seal.esId == "51f044b76510434e9bc67a1185c2fba5");
    BOOST_TEST(sig.timeInfo == "20201012111403Z");
    BOOST_TEST(sig.signingTime == utc(2020, 10, 12, 11, 14, 3));
    BOOST_TEST(sig.dataHash.size() == 32u);
    BOOST_TEST(sig.propertyInfo == "/Doc_0/Signs/Sign_0/Signature.xml");
    BOOST_TEST(sig.signerCertificate.size() == 528u);
    // The signer certificate is the one the seal lists.
    BOOST_TEST(sig.signerCertificate == sig.seal.property.certificates.at(0));
}

BOOST_AUTO_TEST_CASE(a_changed_byte_breaks_the_maker_signature) {
    for (const char* name : {"UserV1.esl", "UserV4.esl", "UserV5.esl"}) {
        Bytes data = load(name);
        SesSeal s = readSeal(data);
        // A byte in the middle of the picture: still parses, no longer verifies.
        const std::size_t at = data.size() / 2;
        data[at] ^= 0x01;
        const SesSeal changed = readSeal(data);
        BOOST_TEST(!checkMakerSignature(changed).valid, name);
        // A wrong signature over the right data fails as well.
        s.signature.back() ^= 0x01;
        BOOST_TEST(!checkMakerSignature(s).valid, name);
    }
    SesSignature sig = readSignature(load("SignedValueV4.dat"));
    sig.dataHash[0] ^= 0x01;
    sig.signedBytes[sig.signedBytes.size() - 40] ^= 0x01;
    BOOST_TEST(!checkSignerSignature(sig).valid);
}

BOOST_AUTO_TEST_CASE(every_truncation_is_a_clear_error) {
    const Bytes data = load("HebeiGede-seal-v4.der");
    for (std::size_t n = 0; n < data.size(); n += 7) {
        const Bytes cut(data.begin(), data.begin() + static_cast<long>(n));
        BOOST_TEST((categoryOf(cut) == ErrorCategory::BadInput), "length " << n);
    }
    Bytes longer = data;
    longer.push_back(0);
    BOOST_TEST((categoryOf(longer) == ErrorCategory::BadInput));
}

BOOST_AUTO_TEST_CASE(random_corruption_never_crashes) {
    const Bytes data = load("UserV4.esl");
    std::mt19937 rng(38540);
    for (int i = 0; i < 3000; ++i) {
        Bytes bad = data;
        // Mostly the header area, where tags and lengths are.
        const std::size_t at = rng() % 2 ? rng() % 700 : rng() % bad.size();
        bad[at] = static_cast<std::uint8_t>(rng());
        try {
            const SesSeal s = readSeal(bad);
            (void)checkMakerSignature(s);
        } catch (const Error& e) {
            BOOST_TEST(
                (e.category() == ErrorCategory::BadInput || e.category() == ErrorCategory::Unsupported));
        }
    }
}

BOOST_AUTO_TEST_CASE(unknown_versions_and_wrong_ids_are_refused) {
    Bytes data = load("UserV4.esl");
    BOOST_REQUIRE(data[14] == 0x02 && data[16] == 0x04);  // header INTEGER version
    data[16] = 0x02;
    BOOST_TEST((categoryOf(data) == ErrorCategory::Unsupported));
    data[16] = 0x04;
    data[12] = 'X';  // "ES" -> "XS"
    BOOST_TEST((categoryOf(data) == ErrorCategory::BadInput));
    BOOST_TEST((categoryOf(Bytes(20 * 1024 * 1024, 0x30)) == ErrorCategory::BadInput));
    try {
        loadSeal((dataDir() / "no-such.esl").string());
        BOOST_FAIL("no error");
    } catch (const Error& e) {
        BOOST_TEST((e.category() == ErrorCategory::InputUnreadable));
    }
}
