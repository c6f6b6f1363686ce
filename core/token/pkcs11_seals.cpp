#include "core/token/pkcs11_seals.hpp"

#include "core/base/error.hpp"
#include "core/token/pkcs11_module.hpp"
#include "core/token/pkcs11_token.hpp"

namespace eseal {

using namespace pkcs11;

namespace {

constexpr std::size_t kMaxSealValue = 16 * 1024 * 1024;

void readToken(const Module& module, CK_SLOT_ID slot, TokenSeals& out) {
    Session session(module, slot, false);
    CK_OBJECT_CLASS data = CKO_DATA;
    std::string application = kSealApplication;
    for (CK_OBJECT_HANDLE h : session.find({attr(CKA_CLASS, &data, sizeof data),
                                            attr(CKA_APPLICATION, application.data(), application.size())},
                                           256)) {
        auto value = session.attribute(h, CKA_VALUE);
        if (!value || value->empty() || value->size() > kMaxSealValue) continue;
        out.sealLabels.push_back(session.textAttribute(h, CKA_LABEL));
        out.sealValues.push_back(std::move(*value));
    }
    CK_OBJECT_CLASS cert = CKO_CERTIFICATE;
    for (CK_OBJECT_HANDLE h : session.find({attr(CKA_CLASS, &cert, sizeof cert)}, 256))
        if (auto der = session.attribute(h, CKA_VALUE)) out.certificates.push_back(std::move(*der));
}

}  // namespace

std::vector<TokenSeals> readTokenSeals(const std::optional<std::string>& modulePath) {
    std::vector<std::string> failures;
    std::vector<Module> modules = Module::openPathOrRegistered(modulePath, &failures);
    std::vector<TokenSeals> out;
    for (const auto& f : failures) out.push_back(TokenSeals{{}, {}, {}, {}, {}, f});
    for (const Module& module : modules) {
        try {
            for (CK_SLOT_ID slot : module.slots()) {
                CK_TOKEN_INFO t{};
                if (module.fn()->C_GetTokenInfo(slot, &t) != CKR_OK || !(t.flags & CKF_TOKEN_INITIALIZED))
                    continue;
                TokenSeals ts;
                ts.tokenLabel = fieldText(t.label);
                ts.tokenUri = tokenUriFor(module, t, false);
                try {
                    readToken(module, slot, ts);
                } catch (const Error& e) {
                    ts.error = e.what();
                }
                out.push_back(std::move(ts));
            }
        } catch (const Error& e) {
            out.push_back(TokenSeals{{}, module.path(), {}, {}, {}, e.what()});
        }
    }
    return out;
}

}  // namespace eseal
