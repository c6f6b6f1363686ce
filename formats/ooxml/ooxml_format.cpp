#include "formats/ooxml/ooxml_format.hpp"

#include "core/base/error.hpp"
#include "core/package/zip.hpp"
#include "formats/ooxml/ooxml_package.hpp"
#include "formats/ooxml/ooxml_sign.hpp"
#include "formats/ooxml/ooxml_verify.hpp"

namespace eseal {

namespace {

class OoxmlFormat final : public FormatAdapter {
public:
    std::string_view name() const override { return "OOXML"; }
    bool detect(ByteView) const override { return false; }
    // A ZIP is OOXML when [Content_Types].xml and the package relationships
    // name a Word, Excel or PowerPoint main part (ECMA-376 part 2 10.1.2, 9.3).
    bool detectFile(const std::string& path, ByteView head) const override {
        if (!package::isZipHead(head)) return false;
        try {
            const package::ZipArchive zip(path);
            const ooxml::Package pkg(zip, path);
            return ooxml::mainPartOf(pkg).has_value();
        } catch (const Error&) {
            return false;
        }
    }
    void check(const SealRequest& request) const override { ooxml::checkOoxmlRequest(request); }
    // A signed ds:Object in the package signature (core/xmldsig/seal_object).
    bool carriesElectronicSeal() const override { return true; }
    SealResult seal(const SealRequest& request, Key& key) const override {
        return ooxml::sealOoxml(request, key);
    }
    Report verify(const std::string& path, const TrustStore& trust,
                  const VerifyOptions& options) const override {
        return ooxml::verifyOoxml(path, trust, options);
    }
};

}  // namespace

const FormatAdapter& ooxmlFormat() {
    static const OoxmlFormat format;
    return format;
}

}  // namespace eseal
