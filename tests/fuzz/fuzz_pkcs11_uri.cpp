// Fuzzes the RFC 7512 parser eseal::Pkcs11Uri::parse (URIs come from the
// command line and configuration). Error is expected for bad URIs. A URI that
// parses must print back to a URI that parses to the same string again.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/base/error.hpp"
#include "core/token/pkcs11_uri.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 64 * 1024) return 0;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    eseal::Pkcs11Uri uri;
    try {
        uri = eseal::Pkcs11Uri::parse(text);
    } catch (const eseal::Error&) {
        return 0;  // rejected: expected
    }
    // Round trip: toString() must give a URI the parser accepts, and printing that
    // again must be stable.
    const std::string printed = uri.toString();
    eseal::Pkcs11Uri again;
    try {
        again = eseal::Pkcs11Uri::parse(printed);
    } catch (const eseal::Error& e) {
        // toString() produced something parse() refuses.
        std::fprintf(stderr, "round trip failed: toString() gave '%s', which parse() refuses: %s\n",
                     printed.c_str(), e.what());
        std::abort();
    }
    if (again.toString() != printed) {
        std::fprintf(stderr, "round trip unstable: '%s' then '%s'\n", printed.c_str(),
                     again.toString().c_str());
        std::abort();
    }
    (void)uri.tokenOnly().toString();
    return 0;
}
