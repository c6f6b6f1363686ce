// PKCS#11 SM2 with a vendor mechanism number (?sm2-mechanism= in the key URI).
// SoftHSM2 has no SM2, so no token here signs with it: these tests cover the
// parsing, the choice (configured number taken as given; none: refused with
// the token's vendor-defined mechanisms named) and the signature conversion.
#include <boost/test/unit_test.hpp>

#include "core/base/error.hpp"
#include "core/token/pkcs11_key.hpp"
#include "core/token/pkcs11_uri.hpp"

using namespace eseal;

BOOST_AUTO_TEST_SUITE(sm2_mechanism)

BOOST_AUTO_TEST_CASE(parsed_from_the_key_uri) {
    auto u =
        Pkcs11Uri::parse("pkcs11:token=UK;object=seal?module-path=/usr/lib/x.so&sm2-mechanism=0x80000101");
    BOOST_REQUIRE(u.sm2Mechanism);
    BOOST_TEST(*u.sm2Mechanism == 0x80000101ul);
    BOOST_TEST(u.toString().find("sm2-mechanism=0x80000101") != std::string::npos, u.toString());
    BOOST_TEST(*Pkcs11Uri::parse(u.toString()).sm2Mechanism == 0x80000101ul);
    BOOST_TEST(*Pkcs11Uri::parse("pkcs11:token=UK?sm2-mechanism=2147549185").sm2Mechanism == 0x80010001ul);
    BOOST_TEST(!Pkcs11Uri::parse("pkcs11:token=UK").sm2Mechanism);
    // The token part keeps it: the key of that token signs with it.
    BOOST_TEST(u.tokenOnly().sm2Mechanism.has_value());
    for (const char* bad :
         {"pkcs11:token=UK?sm2-mechanism=", "pkcs11:token=UK?sm2-mechanism=0x",
          "pkcs11:token=UK?sm2-mechanism=0xG1", "pkcs11:token=UK?sm2-mechanism=0x100000000",
          "pkcs11:token=UK?sm2-mechanism=-1", "pkcs11:token=UK?sm2-mechanism=1&sm2-mechanism=2"}) {
        BOOST_TEST_CONTEXT(bad) {
            try {
                Pkcs11Uri::parse(bad);
                BOOST_FAIL("accepted");
            } catch (const Error& e) {
                BOOST_TEST((e.category() == ErrorCategory::Usage));
                BOOST_TEST(std::string(e.what()).find("sm2-mechanism") != std::string::npos, e.what());
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(the_configured_number_is_used_and_none_is_refused_with_the_vendor_list) {
    const std::vector<unsigned long> offered{0x00000001 /*CKM_RSA_PKCS*/, 0x00001041 /*CKM_ECDSA*/,
                                             0x80000101, 0x8000A001};
    BOOST_TEST(pkcs11::chooseSm2Mechanism(0x80000101ul, offered, "key 'k'") == 0x80000101ul);
    // Not listed: still taken (some vendors' C_GetMechanismList omits it; C_SignInit decides).
    BOOST_TEST(pkcs11::chooseSm2Mechanism(0x80001234ul, offered, "key 'k'") == 0x80001234ul);
    try {
        pkcs11::chooseSm2Mechanism(std::nullopt, offered, "key 'k'");
        BOOST_FAIL("no configured mechanism accepted");
    } catch (const Error& e) {
        const std::string m = e.what();
        BOOST_TEST((e.category() == ErrorCategory::Unsupported));
        BOOST_TEST(m.find("key 'k' is an SM2 key") != std::string::npos, m);
        BOOST_TEST(m.find("sm2-mechanism=") != std::string::npos, m);
        BOOST_TEST(m.find("0x80000101, 0x8000A001") != std::string::npos, m);
        BOOST_TEST(m.find("0x00001041") == std::string::npos, m);  // standard mechanisms are not listed
    }
    try {
        pkcs11::chooseSm2Mechanism(std::nullopt, {0x1}, "key 'k'");
        BOOST_FAIL("accepted");
    } catch (const Error& e) {
        BOOST_TEST(std::string(e.what()).find("none listed") != std::string::npos, e.what());
    }
}

BOOST_AUTO_TEST_CASE(raw_and_der_signatures_become_der) {
    Bytes raw(64);
    raw[0] = 0x80;  // r with the high bit: DER needs a leading zero
    raw[31] = 0x01;
    raw[63] = 0x02;  // s = 2
    const Bytes der = pkcs11::sm2SignatureToDer(raw);
    BOOST_REQUIRE(der.size() >= 8);
    BOOST_TEST(der[0] == 0x30);
    BOOST_TEST(der[2] == 0x02);
    BOOST_TEST(der[3] == 33);  // r: 0x00 + 32 bytes
    BOOST_TEST(der[4] == 0x00);
    BOOST_TEST(der[der.size() - 3] == 0x02);
    BOOST_TEST(der[der.size() - 2] == 0x01);
    BOOST_TEST(der.back() == 0x02);
    BOOST_TEST((pkcs11::sm2SignatureToDer(der) == der));  // DER passes through
    BOOST_CHECK_THROW(pkcs11::sm2SignatureToDer(Bytes(10, 1)), TokenError);
    Bytes notDer(70, 0x30);
    BOOST_CHECK_THROW(pkcs11::sm2SignatureToDer(notDer), TokenError);
}

BOOST_AUTO_TEST_SUITE_END()
