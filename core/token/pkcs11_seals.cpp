#include "core/token/pkcs11_seals.hpp"

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "core/token/pkcs11_module.hpp"
#include "core/token/pkcs11_token.hpp"

namespace eseal {

using namespace pkcs11;

namespace {

void readToken(const Session& session, TokenSeals& out) {
    CK_OBJECT_CLASS data = CKO_DATA;
    std::string application = kSealApplication;
    for (CK_OBJECT_HANDLE h : session.find({attr(CKA_CLASS, &data, sizeof data),
                                            attr(CKA_APPLICATION, application.data(), application.size())},
                                           256)) {
        auto value = session.attribute(h, CKA_VALUE);
        if (!value || value->empty() || value->size() > kMaxKeySealBytes) continue;
        out.sealLabels.push_back(session.textAttribute(h, CKA_LABEL));
        out.sealValues.push_back(std::move(*value));
    }
    CK_OBJECT_CLASS cert = CKO_CERTIFICATE;
    for (CK_OBJECT_HANDLE h : session.find({attr(CKA_CLASS, &cert, sizeof cert)}, 256))
        if (auto der = session.attribute(h, CKA_VALUE)) out.certificates.push_back(std::move(*der));
}

}  // namespace

std::vector<TokenSeals> readPkcs11Seals(const std::optional<std::string>& modulePath) {
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
                    readToken(Session(module, slot, false), ts);
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

TokenSeals pkcs11SealsOf(std::string_view text) {
    const Pkcs11Uri uri = Pkcs11Uri::parse(text);
    TokenRef token = openToken(uri);
    TokenSeals out;
    out.tokenLabel = token.label;
    out.tokenUri = token.uri;
    readToken(Session(token.module, token.slot, false), out);
    return out;
}

std::string storePkcs11Seal(std::string_view text, const SealToStore& seal, PinSource& pins) {
    std::string label = seal.label.empty() ? seal.name : seal.label;
    if (label.empty() || label.size() > 255)
        throw Error(ErrorCategory::Usage, tr("a seal's label must have 1 to 255 bytes"));
    if (seal.der.empty() || seal.der.size() > kMaxKeySealBytes)
        throw Error(ErrorCategory::BadInput, tr("the seal is empty or larger than 1 MiB"));
    const Pkcs11Uri uri = Pkcs11Uri::parse(text);
    TokenRef token = openToken(uri);
    Session session(token.module, token.slot, true);
    TokenSeals present;
    readToken(session, present);
    for (std::size_t i = 0; i < present.sealValues.size(); ++i) {
        if (present.sealValues[i] == seal.der)
            throw TokenError(TokenError::Kind::Other,
                             fill(tr("this seal is on token '{token}' already (label '{label}')"),
                                  {{"{token}", token.label}, {"{label}", present.sealLabels[i]}}));
        if (present.sealLabels[i] == label)
            throw TokenError(TokenError::Kind::Other,
                             fill(tr("token '{token}' has a seal labelled '{label}' already; give another "
                                     "one with --label"),
                                  {{"{token}", token.label}, {"{label}", label}}));
    }
    std::optional<FilePinSource> filePins;
    if (uri.pinSource) filePins.emplace(*uri.pinSource, &pins);
    loginUser(session, token, filePins ? static_cast<PinSource&>(*filePins) : pins);

    CK_OBJECT_CLASS cls = CKO_DATA;
    CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
    std::string application = kSealApplication;
    Bytes value = seal.der;
    std::vector<CK_ATTRIBUTE> t{
        attr(CKA_CLASS, &cls, sizeof cls),
        attr(CKA_TOKEN, &yes, sizeof yes),
        attr(CKA_PRIVATE, &no, sizeof no),  // read without a PIN, as seal list and sign --seal NAME do
        attr(CKA_MODIFIABLE, &yes, sizeof yes),
        attr(CKA_LABEL, label.data(), label.size()),
        attr(CKA_APPLICATION, application.data(), application.size()),
        attr(CKA_VALUE, value.data(), value.size()),
    };
    CK_OBJECT_HANDLE h = 0;
    check(token.module.fn()->C_CreateObject(session.handle(), t.data(), static_cast<CK_ULONG>(t.size()), &h),
          fill(tr("storing the seal on token '{token}' (C_CreateObject)"), {{"{token}", token.label}}));
    return label;
}

}  // namespace eseal
