#include "formats/ofd/ofd_format.hpp"

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "core/package/zip.hpp"
#include "formats/ofd/ofd_verify.hpp"

namespace eseal {

namespace {

class OfdFormat final : public FormatAdapter {
public:
    std::string_view name() const override { return "OFD"; }
    bool detect(ByteView head) const override { return package::isZipHead(head); }
    // A ZIP is OFD when it holds OFD.xml (GB/T 33190 7.2: the package entry point).
    bool detectFile(const std::string& path, ByteView head) const override {
        if (!package::isZipHead(head)) return false;
        try {
            return package::ZipArchive(path).contains("OFD.xml");
        } catch (const Error&) {
            return false;
        }
    }
    SealResult seal(const SealRequest& request, Key&) const override {
        throw Error(ErrorCategory::Unsupported, tr("sealing OFD documents is not supported yet"),
                    request.input);
    }
    void check(const SealRequest& request) const override {
        throw Error(ErrorCategory::Unsupported, tr("sealing OFD documents is not supported yet"),
                    request.input);
    }
    Report verify(const std::string& path, const TrustStore& trust,
                  const VerifyOptions& options) const override {
        return ofd::verifyOfd(path, trust, options);
    }
};

}  // namespace

const FormatAdapter& ofdFormat() {
    static const OfdFormat format;
    return format;
}

}  // namespace eseal
