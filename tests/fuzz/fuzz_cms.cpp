// Fuzzes eseal::parseCms and eseal::verifyCms with an untrusted DER CMS (the
// /Contents of a PDF signature). The content digest is a fixed SHA-256 value,
// so the parser, signed-attribute checks and chain building are reached
// without any PDF. The verdict is a value: any exception at all is a bug.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "core/crypto/cms_verify.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > (1u << 20)) return 0;
    // Built once for the whole run, as a command builds it once.
    static const eseal::TrustStore trust([] {
        eseal::TrustPolicy policy;
        policy.useSystemStore = false;
        return policy;
    }());
    // SHA-256 of the empty string; the length is what a SHA-256 check expects.
    static const eseal::Bytes fixed{0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4,
                                    0xc8, 0x99, 0x6f, 0xb9, 0x24, 0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b,
                                    0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55};
    eseal::CmsVerifyOptions options;
    options.claimedSigningTime = 1893456000;  // 2030-01-01, inside the seed certificates' validity
    options.validationTime = 1893456000;      // fixed, so a run does not depend on the clock
    try {
        const eseal::ParsedCms parsed = eseal::parseCms(eseal::ByteView(data, size));
        (void)parsed.digestAlgorithm();
        const eseal::CmsVerification result = eseal::verifyCms(parsed, fixed, trust, options);
        if (!parsed.ok() && result.verdict.indication() != eseal::Indication::Failed) std::abort();
    } catch (...) {
        std::abort();  // parseCms and verifyCms must never throw
    }
    return 0;
}
