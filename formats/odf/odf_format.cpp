#include "formats/odf/odf_format.hpp"

#include "core/base/error.hpp"
#include "core/package/zip.hpp"
#include "formats/odf/odf_package.hpp"
#include "formats/odf/odf_sign.hpp"
#include "formats/odf/odf_verify.hpp"

namespace eseal {

namespace {

class OdfFormat final : public FormatAdapter {
public:
    std::string_view name() const override { return "ODF"; }
    bool detect(ByteView head) const override { return odf::odfHead(head); }
    // An ODF package says so in its mimetype entry (ODF 1.2 part 3 3.3); a
    // ZIP without one (OFD, OOXML) is not ODF.
    bool detectFile(const std::string& path, ByteView head) const override {
        if (odf::odfHead(head)) return true;
        if (!package::isZipHead(head)) return false;
        try {
            const package::ZipArchive zip(path);
            odf::mimetypeOf(zip, path);
            return true;
        } catch (const Error&) {
            return false;
        }
    }
    bool signsPlacedPicture() const override { return true; }
    // A signed ds:Object in documentsignatures.xml (core/xmldsig/seal_object).
    bool carriesElectronicSeal() const override { return true; }
    void check(const SealRequest& request) const override { odf::checkOdfRequest(request); }
    SealResult seal(const SealRequest& request, Key& key) const override {
        return odf::sealOdf(request, key);
    }
    Report verify(const std::string& path, const TrustStore& trust,
                  const VerifyOptions& options) const override {
        return odf::verifyOdf(path, trust, options);
    }
};

}  // namespace

const FormatAdapter& odfFormat() {
    static const OdfFormat format;
    return format;
}

}  // namespace eseal
