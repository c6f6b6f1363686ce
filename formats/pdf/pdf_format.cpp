#include "formats/pdf/pdf_format.hpp"

#include <algorithm>
#include <string_view>

#include "formats/pdf/pdf_sign.hpp"
#include "formats/pdf/pdf_unseal.hpp"
#include "formats/pdf/pdf_verify.hpp"

namespace eseal {

namespace {

class PdfFormat final : public FormatAdapter {
public:
    std::string_view name() const override { return "PDF"; }

    // ISO 32000-1 7.5.2: the header is "%PDF-1.n"; readers accept it within the
    // first 1024 bytes, as Acrobat does.
    bool detect(ByteView head) const override {
        std::string_view text(reinterpret_cast<const char*>(head.data()), head.size());
        return text.find("%PDF-") != std::string_view::npos;
    }

    void check(const SealRequest& request) const override { pdf::checkPdfRequest(request); }

    bool carriesElectronicSeal() const override { return true; }
    // qpdf objects and Poppler documents are per file (Poppler's GlobalParams
    // is made and counted under Poppler's own lock, and kept for the process:
    // pdf_keyword.cpp), OpenSSL 3 is thread-safe, the encoded seal image is
    // shared under a mutex (pdf_appearance.cpp), the output is a per-call
    // AtomicFile.
    bool sealsConcurrently() const override { return true; }

    SealResult seal(const SealRequest& request, Key& key) const override {
        return pdf::sealPdf(request, key);
    }

    UnsealResult unseal(const std::string& input, const std::string& output) const override {
        return pdf::unsealPdf(input, output);
    }

    Report verify(const std::string& path, const TrustStore& trust,
                  const VerifyOptions& options) const override {
        return pdf::verifyPdf(path, trust, options);
    }
};

}  // namespace

const FormatAdapter& pdfFormat() {
    static const PdfFormat format;
    return format;
}

}  // namespace eseal
