#include "core/token/skf_library.hpp"

#include <dlfcn.h>

#include <algorithm>
#include <cstdio>

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"

namespace eseal::skf {

namespace {

// Name lists and certificates from a device are bounded: a misbehaving
// library must not make eseal allocate without limit.
constexpr ULONG kMaxListSize = 64 * 1024;
constexpr ULONG kMaxCertSize = 64 * 1024;

template <typename Fn>
void resolve(void* handle, const std::string& path, const char* name, Fn& out, bool required = true) {
    out = reinterpret_cast<Fn>(::dlsym(handle, name));
    if (!out && required)
        throw TokenError(TokenError::Kind::NotFound,
                         fill(tr("{path} is not an SKF (GM/T 0016) library: it has no function {function}"),
                              {{"{path}", path}, {"{function}", name}}));
}

template <typename Call>
std::vector<std::string> nameList(Call call, const std::string& what) {
    ULONG size = 0;
    check(call(nullptr, &size), what);
    if (size > kMaxListSize) throw TokenError(TokenError::Kind::Other, what + tr(": the list is too long"));
    std::vector<char> buf(size + 2, '\0');
    ULONG got = size;
    check(call(buf.data(), &got), what);
    if (got > size) throw TokenError(TokenError::Kind::Other, what + tr(": the library overran the buffer"));
    std::vector<std::string> out;
    for (std::size_t i = 0; i < got && buf[i] != '\0';) {
        std::string name(&buf[i]);
        i += name.size() + 1;
        out.push_back(std::move(name));
    }
    return out;
}

}  // namespace

std::string sarName(ULONG rv) {
    struct Entry {
        ULONG code;
        const char* name;
    };
    static const Entry table[] = {
        {SAR_OK, "SAR_OK"},
        {SAR_FAIL, "SAR_FAIL"},
        {SAR_NOTSUPPORTYETERR, "SAR_NOTSUPPORTYETERR"},
        {SAR_INVALIDHANDLEERR, "SAR_INVALIDHANDLEERR"},
        {SAR_INVALIDPARAMERR, "SAR_INVALIDPARAMERR"},
        {SAR_INDATALENERR, "SAR_INDATALENERR"},
        {SAR_KEYNOTFOUNTERR, "SAR_KEYNOTFOUNTERR"},
        {SAR_CERTNOTFOUNTERR, "SAR_CERTNOTFOUNTERR"},
        {SAR_BUFFER_TOO_SMALL, "SAR_BUFFER_TOO_SMALL"},
        {SAR_DEVICE_REMOVED, "SAR_DEVICE_REMOVED"},
        {SAR_PIN_INCORRECT, "SAR_PIN_INCORRECT"},
        {SAR_PIN_LOCKED, "SAR_PIN_LOCKED"},
        {SAR_PIN_INVALID, "SAR_PIN_INVALID"},
        {SAR_PIN_LEN_RANGE, "SAR_PIN_LEN_RANGE"},
        {SAR_USER_NOT_LOGGED_IN, "SAR_USER_NOT_LOGGED_IN"},
        {SAR_APPLICATION_NOT_EXISTS, "SAR_APPLICATION_NOT_EXISTS"},
        {SAR_FILE_ALREADY_EXIST, "SAR_FILE_ALREADY_EXIST"},
        {SAR_NO_ROOM, "SAR_NO_ROOM"},
        {SAR_FILE_NOT_EXIST, "SAR_FILE_NOT_EXIST"},
    };
    char hex[16];
    std::snprintf(hex, sizeof hex, "0x%08X", static_cast<unsigned>(rv));
    for (const auto& e : table)
        if (e.code == rv) return std::string(e.name) + " (" + hex + ")";
    return fill(tr("SKF error {code}"), {{"{code}", hex}});
}

void check(ULONG rv, const std::string& what) {
    if (rv == SAR_OK) return;
    TokenError::Kind kind = TokenError::Kind::Other;
    if (rv == SAR_PIN_INCORRECT || rv == SAR_PIN_INVALID || rv == SAR_PIN_LEN_RANGE)
        kind = TokenError::Kind::WrongPin;
    else if (rv == SAR_PIN_LOCKED)
        kind = TokenError::Kind::PinLocked;
    else if (rv == SAR_DEVICE_REMOVED || rv == SAR_APPLICATION_NOT_EXISTS || rv == SAR_KEYNOTFOUNTERR ||
             rv == SAR_CERTNOTFOUNTERR)
        kind = TokenError::Kind::NotFound;
    throw TokenError(kind, fill(tr("{what} failed: {code}"), {{"{what}", what}, {"{code}", sarName(rv)}}),
                     rv);
}

std::shared_ptr<Library> Library::open(const std::string& path) {
    std::shared_ptr<Library> lib(new Library(path));
    // RTLD_LOCAL: a vendor library's symbols must not leak into eseal or other modules.
    lib->handle_ = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!lib->handle_) {
        const char* why = ::dlerror();
        throw TokenError(TokenError::Kind::NotFound,
                         fill(tr("cannot load the SKF library {path}: {why}"),
                              {{"{path}", path}, {"{why}", why ? why : tr("unknown error")}}));
    }
    void* h = lib->handle_;
    resolve(h, path, "SKF_EnumDev", lib->EnumDev);
    resolve(h, path, "SKF_ConnectDev", lib->ConnectDev);
    resolve(h, path, "SKF_DisConnectDev", lib->DisConnectDev);
    resolve(h, path, "SKF_GetDevInfo", lib->GetDevInfo);
    resolve(h, path, "SKF_ChangePIN", lib->ChangePIN);
    resolve(h, path, "SKF_GetPINInfo", lib->GetPINInfo);
    resolve(h, path, "SKF_VerifyPIN", lib->VerifyPIN);
    resolve(h, path, "SKF_UnblockPIN", lib->UnblockPIN);
    resolve(h, path, "SKF_ClearSecureState", lib->ClearSecureState, false);
    resolve(h, path, "SKF_EnumApplication", lib->EnumApplication);
    resolve(h, path, "SKF_OpenApplication", lib->OpenApplication);
    resolve(h, path, "SKF_CloseApplication", lib->CloseApplication);
    resolve(h, path, "SKF_CreateFile", lib->CreateFile, false);
    resolve(h, path, "SKF_DeleteFile", lib->DeleteFile, false);
    resolve(h, path, "SKF_EnumFiles", lib->EnumFiles, false);
    resolve(h, path, "SKF_GetFileInfo", lib->GetFileInfo, false);
    resolve(h, path, "SKF_ReadFile", lib->ReadFile, false);
    resolve(h, path, "SKF_WriteFile", lib->WriteFile, false);
    resolve(h, path, "SKF_EnumContainer", lib->EnumContainer);
    resolve(h, path, "SKF_OpenContainer", lib->OpenContainer);
    resolve(h, path, "SKF_CloseContainer", lib->CloseContainer);
    resolve(h, path, "SKF_CreateContainer", lib->CreateContainer, false);
    resolve(h, path, "SKF_DeleteContainer", lib->DeleteContainer, false);
    resolve(h, path, "SKF_GenECCKeyPair", lib->GenECCKeyPair, false);
    resolve(h, path, "SKF_GenRSAKeyPair", lib->GenRSAKeyPair, false);
    resolve(h, path, "SKF_ImportCertificate", lib->ImportCertificate, false);
    resolve(h, path, "SKF_GetContainerType", lib->GetContainerType);
    resolve(h, path, "SKF_ExportCertificate", lib->ExportCertificate);
    resolve(h, path, "SKF_ExportPublicKey", lib->ExportPublicKey, false);
    resolve(h, path, "SKF_RSASignData", lib->RSASignData);
    resolve(h, path, "SKF_ECCSignData", lib->ECCSignData);
    return lib;
}

Library::~Library() {
    if (handle_) ::dlclose(handle_);
}

std::vector<std::string> Library::enumDevices() const {
    return nameList([&](char* buf, ULONG* size) { return EnumDev(kTrue, buf, size); },
                    tr("listing SKF devices (SKF_EnumDev)"));
}

std::vector<std::string> Library::enumApplications(DEVHANDLE dev) const {
    return nameList([&](char* buf, ULONG* size) { return EnumApplication(dev, buf, size); },
                    tr("listing applications (SKF_EnumApplication)"));
}

std::vector<std::string> Library::enumContainers(HAPPLICATION app) const {
    return nameList([&](char* buf, ULONG* size) { return EnumContainer(app, buf, size); },
                    tr("listing containers (SKF_EnumContainer)"));
}

std::vector<std::string> Library::enumFiles(HAPPLICATION app) const {
    if (!EnumFiles) return {};
    return nameList([&](char* buf, ULONG* size) { return EnumFiles(app, buf, size); },
                    tr("listing files (SKF_EnumFiles)"));
}

std::optional<std::vector<BYTE>> Library::readFile(HAPPLICATION app, const std::string& name,
                                                   std::size_t maxSize) const {
    if (!hasFiles()) return std::nullopt;
    std::string n = name;
    FILEATTRIBUTE attr{};
    const std::string what =
        fill(tr("reading file '{name}' (SKF_GetFileInfo, SKF_ReadFile)"), {{"{name}", name}});
    check(GetFileInfo(app, n.data(), &attr), what);
    if (attr.FileSize == 0 || attr.FileSize > maxSize) return std::nullopt;
    std::vector<BYTE> data(attr.FileSize);
    // Devices limit one transfer (often to a few kilobytes): read in pieces.
    constexpr ULONG kPiece = 2048;
    for (ULONG at = 0; at < attr.FileSize;) {
        const ULONG want = std::min<ULONG>(kPiece, attr.FileSize - at);
        ULONG got = want;
        const ULONG rv = ReadFile(app, n.data(), at, want, data.data() + at, &got);
        if (rv == SAR_USER_NOT_LOGGED_IN) return std::nullopt;  // readable after a login only
        check(rv, what);
        if (got == 0 || got > want) throw TokenError(TokenError::Kind::Other, what + tr(": bad read length"));
        at += got;
    }
    return data;
}

Device::Device(std::shared_ptr<Library> lib, const std::string& name) : lib_(std::move(lib)), name_(name) {
    check(lib_->ConnectDev(name_.data(), &h_),
          fill(tr("connecting to SKF device '{name}' (SKF_ConnectDev)"), {{"{name}", name_}}));
}
Device::~Device() {
    if (h_) lib_->DisConnectDev(h_);
}

Application::Application(std::shared_ptr<Device> dev, const std::string& name)
    : dev_(std::move(dev)), name_(name) {
    check(lib().OpenApplication(dev_->get(), name_.data(), &h_),
          fill(tr("opening application '{name}' (SKF_OpenApplication)"), {{"{name}", name_}}));
}
Application::~Application() {
    if (!h_) return;
    // Log out before closing, so the device does not stay unlocked for others.
    if (loggedIn && lib().ClearSecureState) lib().ClearSecureState(h_);
    lib().CloseApplication(h_);
}

Container::Container(std::shared_ptr<Application> app, const std::string& name)
    : app_(std::move(app)), name_(name) {
    check(lib().OpenContainer(app_->get(), name_.data(), &h_),
          fill(tr("opening container '{name}' (SKF_OpenContainer)"), {{"{name}", name_}}));
}
Container::~Container() {
    if (h_) lib().CloseContainer(h_);
}

ULONG Container::type() const {
    ULONG t = kContainerEmpty;
    check(lib().GetContainerType(h_, &t),
          fill(tr("reading the type of container '{name}' (SKF_GetContainerType)"), {{"{name}", name_}}));
    return t;
}

std::vector<std::uint8_t> Container::signCertificate() const {
    ULONG size = 0;
    const ULONG rv = lib().ExportCertificate(h_, kTrue, nullptr, &size);
    if (rv == SAR_CERTNOTFOUNTERR || (rv == SAR_OK && size == 0)) return {};
    const std::string what = fill(tr("reading the certificate of container '{name}' (SKF_ExportCertificate)"),
                                  {{"{name}", name_}});
    check(rv, what);
    if (size > kMaxCertSize) throw TokenError(TokenError::Kind::Other, what + tr(": certificate too large"));
    std::vector<std::uint8_t> der(size);
    ULONG got = size;
    check(lib().ExportCertificate(h_, kTrue, der.data(), &got), what);
    if (got > size) throw TokenError(TokenError::Kind::Other, what + tr(": the library overran the buffer"));
    der.resize(got);
    return der;
}

}  // namespace eseal::skf
