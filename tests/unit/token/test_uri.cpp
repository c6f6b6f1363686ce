#include <boost/test/unit_test.hpp>

#include "core/base/error.hpp"
#include "core/token/pkcs11_uri.hpp"

using eseal::Bytes;
using eseal::Error;
using eseal::ErrorCategory;
using eseal::Pkcs11Uri;

namespace {

// The message of the Usage error parse() throws, or "" when it does not throw.
std::string parseError(const std::string& text) {
    try {
        Pkcs11Uri::parse(text);
    } catch (const Error& e) {
        BOOST_TEST((e.category() == ErrorCategory::Usage));
        return e.what();
    }
    return {};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(uri)

BOOST_AUTO_TEST_CASE(full_uri) {
    auto u = Pkcs11Uri::parse(
        "pkcs11:token=eseal-test;manufacturer=SoftHSM%20project;model=SoftHSM%20v2;serial=50bf973e05392b17;"
        "library-manufacturer=SoftHSM;library-description=Implementation%20of%20PKCS11;library-version=2.6;"
        "slot-id=42;slot-description=x;slot-manufacturer=y;object=signer-rsa;id=%01;type=private"
        "?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-source=file:///tmp/pin.txt");
    BOOST_TEST(*u.token == "eseal-test");
    BOOST_TEST(*u.manufacturer == "SoftHSM project");
    BOOST_TEST(*u.model == "SoftHSM v2");
    BOOST_TEST(*u.serial == "50bf973e05392b17");
    BOOST_TEST(*u.libraryManufacturer == "SoftHSM");
    BOOST_TEST(*u.libraryDescription == "Implementation of PKCS11");
    BOOST_TEST(*u.libraryVersion == "2.6");
    BOOST_TEST(*u.slotId == 42ul);
    BOOST_TEST(*u.slotDescription == "x");
    BOOST_TEST(*u.slotManufacturer == "y");
    BOOST_TEST(*u.object == "signer-rsa");
    BOOST_TEST((*u.id == Bytes{0x01}));
    BOOST_TEST(*u.type == "private");
    BOOST_TEST(*u.modulePath == "/usr/lib/softhsm/libsofthsm2.so");
    BOOST_TEST(*u.pinSource == "/tmp/pin.txt");
    BOOST_TEST(!u.moduleName);
}

BOOST_AUTO_TEST_CASE(minimal_and_empty) {
    auto u = Pkcs11Uri::parse("pkcs11:");
    BOOST_TEST(!u.token);
    BOOST_TEST(!u.modulePath);
    auto v = Pkcs11Uri::parse("PKCS11:token=a?module-name=softhsm2");
    BOOST_TEST(*v.token == "a");
    BOOST_TEST(*v.moduleName == "softhsm2");
    // An attribute given with an empty value matches the empty label.
    BOOST_TEST(*Pkcs11Uri::parse("pkcs11:object=").object == "");
}

BOOST_AUTO_TEST_CASE(percent_decoding) {
    // UTF-8 label (测试) and reserved characters, each percent-encoded.
    auto u = Pkcs11Uri::parse("pkcs11:token=%E6%B5%8B%E8%AF%95%3B%3F%25;id=%00%ff%7F;object=a=b&c");
    BOOST_TEST(*u.token == "\xE6\xB5\x8B\xE8\xAF\x95;?%");
    BOOST_TEST((*u.id == Bytes{0x00, 0xff, 0x7f}));
    BOOST_TEST(*u.object == "a=b&c");  // '=' and '&' are allowed raw in a path value
    auto q = Pkcs11Uri::parse("pkcs11:token=x?module-path=/opt/a%20b/lib.so");
    BOOST_TEST(*q.modulePath == "/opt/a b/lib.so");
    BOOST_TEST(*Pkcs11Uri::parse("pkcs11:?pin-source=/run/pin").pinSource == "/run/pin");
    BOOST_TEST(*Pkcs11Uri::parse("pkcs11:?pin-source=file:/run/pin").pinSource == "/run/pin");
}

BOOST_AUTO_TEST_CASE(round_trip) {
    Pkcs11Uri u;
    u.token = "Unit 'A' 测试";
    u.object = "seal;1";
    u.id = Bytes{0x01, 0xAB};
    u.type = "private";
    u.modulePath = "/usr/lib/x86_64-linux-gnu/pkcs11/p11-kit-client.so";
    std::string s = u.toString();
    BOOST_TEST(s.find(' ') == std::string::npos);
    BOOST_TEST(s.find('\'') == std::string::npos);  // safe between single quotes in a shell
    BOOST_TEST(s.find("module-path=/usr/lib/x86_64-linux-gnu/pkcs11/p11-kit-client.so") != std::string::npos);
    auto back = Pkcs11Uri::parse(s);
    BOOST_TEST(*back.token == *u.token);
    BOOST_TEST(*back.object == *u.object);
    BOOST_TEST((*back.id == *u.id));
    BOOST_TEST(*back.type == "private");
    BOOST_TEST(*back.modulePath == *u.modulePath);
    BOOST_TEST(back.toString() == s);
    BOOST_TEST(back.tokenOnly().toString().find("object=") == std::string::npos);
}

// Found by tests/fuzz/fuzz_pkcs11_uri: a file: pin-source whose path holds ':'
// or starts with '|' was accepted, then printed bare and refused on re-parse.
BOOST_AUTO_TEST_CASE(pin_source_paths_round_trip) {
    for (const char* text : {"pkcs11:?pin-source=file:a:b", "pkcs11:?pin-source=file:%7Cpin-prog",
                             "pkcs11:?pin-source=/run/pin", "pkcs11:?pin-source=./pin:1"}) {
        BOOST_TEST_CONTEXT(text) {
            auto u = Pkcs11Uri::parse(text);
            std::string printed = u.toString();
            auto back = Pkcs11Uri::parse(printed);
            BOOST_TEST(*back.pinSource == *u.pinSource);
            BOOST_TEST(back.toString() == printed);
        }
    }
    BOOST_TEST(*Pkcs11Uri::parse("pkcs11:?pin-source=file:a:b").pinSource == "a:b");
    BOOST_TEST(*Pkcs11Uri::parse("pkcs11:?pin-source=file:%7Cpin-prog").pinSource == "|pin-prog");
}

BOOST_AUTO_TEST_CASE(invalid) {
    BOOST_TEST(parseError("pkcs11").find("must start with 'pkcs11:'") != std::string::npos);
    BOOST_TEST(parseError("p12:/x.p12").find("must start with 'pkcs11:'") != std::string::npos);
    BOOST_TEST(parseError("pkcs11:tokn=x").find("unknown attribute 'tokn'") != std::string::npos);
    BOOST_TEST(parseError("pkcs11:token=a;token=b").find("'token' given twice") != std::string::npos);
    BOOST_TEST(parseError("pkcs11:?module-path=/a&module-path=/b").find("'module-path' given twice") !=
               std::string::npos);
    BOOST_TEST(parseError("pkcs11:?x-vendor=1").find("unknown query attribute 'x-vendor'") !=
               std::string::npos);
    BOOST_TEST(parseError("pkcs11:token=a%2").find("percent-encoding") != std::string::npos);
    BOOST_TEST(parseError("pkcs11:token=a%zz").find("percent-encoding") != std::string::npos);
    BOOST_TEST(parseError("pkcs11:token=my token").find("must be percent-encoded as %20") !=
               std::string::npos);
    BOOST_TEST(parseError("pkcs11:token=a/b").find("'/' in token must be percent-encoded as %2F") !=
               std::string::npos);
    BOOST_TEST(parseError("pkcs11:token=a;").find("empty attribute") != std::string::npos);
    BOOST_TEST(parseError("pkcs11:token").find("not name=value") != std::string::npos);
    BOOST_TEST(parseError("pkcs11:type=secret-key").find("cannot sign") != std::string::npos);
    BOOST_TEST(parseError("pkcs11:type=key").find("type must be private, cert or public") !=
               std::string::npos);
    BOOST_TEST(parseError("pkcs11:slot-id=12a").find("slot-id") != std::string::npos);
    BOOST_TEST(parseError("pkcs11:slot-id=99999999999999999999999").find("slot-id") != std::string::npos);
    BOOST_TEST(parseError("pkcs11:library-version=v2").find("library-version") != std::string::npos);
    BOOST_TEST(parseError("pkcs11:module-path=/x.so").find("belongs in the query part") != std::string::npos);
    BOOST_TEST(parseError("pkcs11:token=a?").find("empty query") != std::string::npos);
    BOOST_TEST(parseError("pkcs11:?pin-source=|/bin/askpin").find("must name a file") != std::string::npos);
    BOOST_TEST(parseError("pkcs11:?module-path=").find("module-path is empty") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(pin_value_refused) {
    std::string msg = parseError("pkcs11:token=eseal-test;object=signer-rsa?pin-value=11223344");
    BOOST_TEST(msg.find("pin-value is refused") != std::string::npos);
    BOOST_TEST(msg.find("11223344") == std::string::npos);  // the PIN is not echoed
    BOOST_TEST(!parseError("pkcs11:?module-path=/x.so&pin-value=1").empty());
    BOOST_TEST(parseError("pkcs11:pin-value=1").find("pin-value is refused") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(uri_robustness)

// Random strings over the URI's own alphabet: parse() either succeeds or throws
// Error(Usage); it never crashes, and what it accepts survives a round trip.
BOOST_AUTO_TEST_CASE(random_inputs) {
    const std::string alphabet = "pkcs11:tokenobjectidtype=;?&%0aF/ \xE6-._~'slot-idmodule-pathpin-value";
    unsigned state = 12345;
    auto next = [&] {
        state = state * 1103515245u + 12345u;
        return (state >> 16) & 0x7fff;
    };
    int accepted = 0;
    for (int i = 0; i < 20000; ++i) {
        std::string s = i % 2 ? "pkcs11:" : "";
        std::size_t len = next() % 40;
        for (std::size_t k = 0; k < len; ++k) s.push_back(alphabet[next() % alphabet.size()]);
        try {
            Pkcs11Uri u = Pkcs11Uri::parse(s);
            ++accepted;
            Pkcs11Uri again = Pkcs11Uri::parse(u.toString());
            BOOST_TEST(again.toString() == u.toString());
        } catch (const Error& e) {
            BOOST_TEST((e.category() == ErrorCategory::Usage));
        }
    }
    BOOST_TEST(accepted > 0);
}

BOOST_AUTO_TEST_SUITE_END()
