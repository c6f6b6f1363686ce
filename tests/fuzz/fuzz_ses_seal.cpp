// Fuzzes eseal::seal::readSeal and readSignature (GB/T 38540 / GM/T 0031 DER):
// a seal file or an OFD SignedValue is untrusted input. Error is the expected
// outcome for bad data; any other exception, a crash or a sanitizer report is a bug.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "core/base/error.hpp"
#include "core/seal/ses_seal.hpp"
#include "core/seal/ses_signature.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const eseal::ByteView in(data, size);
    try {
        const eseal::seal::SesSeal s = eseal::seal::readSeal(in);
        (void)eseal::seal::checkMakerSignature(s);
        for (const auto& c : s.property.certificates) (void)eseal::seal::describeCertificate(c);
    } catch (const eseal::Error&) {
    } catch (...) {
        std::abort();
    }
    try {
        const eseal::seal::SesSignature s = eseal::seal::readSignature(in);
        (void)eseal::seal::checkSignerSignature(s);
    } catch (const eseal::Error&) {
    } catch (...) {
        std::abort();
    }
    return 0;
}
