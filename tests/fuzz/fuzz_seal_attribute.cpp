// Fuzzes eseal::seal::sealAttributeValue (core/seal/binding.hpp): the signed
// attributes of a PDF signature are untrusted input, and the electronic seal
// attribute's value is read as an SES_Seal and described for the report as
// eseal verify does. Error is the expected outcome for bad data; any other
// exception, a crash or a sanitizer report is a bug.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "core/base/error.hpp"
#include "core/seal/binding.hpp"
#include "core/seal/ses_seal.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > (1u << 20)) return 0;
    try {
        const auto value = eseal::seal::sealAttributeValue(eseal::ByteView(data, size));
        if (!value) return 0;
        if (value->empty() || value->size() > size) std::abort();
        const eseal::seal::SesSeal s = eseal::seal::readSeal(*value, "seal attribute");
        (void)eseal::seal::describeSeal(s, {});
        for (const auto& c : s.property.certificates) (void)eseal::seal::describeSeal(s, c);
    } catch (const eseal::Error&) {
    } catch (...) {
        std::abort();
    }
    return 0;
}
