// A vendor's SKF (GM/T 0016) library, loaded at run time with dlopen and its
// functions resolved by name, plus RAII owners for its handles.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/token/skf_api.hpp"

namespace eseal::skf {

class Library {
public:
    // Throws TokenError(NotFound) when the file cannot be loaded or lacks a
    // function eseal needs (the message names it).
    static std::shared_ptr<Library> open(const std::string& path);
    ~Library();
    Library(const Library&) = delete;
    Library& operator=(const Library&) = delete;

    const std::string& path() const noexcept { return path_; }

    PFN_SKF_EnumDev EnumDev = nullptr;
    PFN_SKF_ConnectDev ConnectDev = nullptr;
    PFN_SKF_DisConnectDev DisConnectDev = nullptr;
    PFN_SKF_GetDevInfo GetDevInfo = nullptr;
    PFN_SKF_ChangePIN ChangePIN = nullptr;
    PFN_SKF_GetPINInfo GetPINInfo = nullptr;
    PFN_SKF_VerifyPIN VerifyPIN = nullptr;
    PFN_SKF_UnblockPIN UnblockPIN = nullptr;
    PFN_SKF_ClearSecureState ClearSecureState = nullptr;  // optional
    PFN_SKF_EnumApplication EnumApplication = nullptr;
    PFN_SKF_OpenApplication OpenApplication = nullptr;
    PFN_SKF_CloseApplication CloseApplication = nullptr;
    // Files (GM/T 0016 7.5): optional, a library without them keeps no seals.
    PFN_SKF_CreateFile CreateFile = nullptr;
    PFN_SKF_DeleteFile DeleteFile = nullptr;
    PFN_SKF_EnumFiles EnumFiles = nullptr;
    PFN_SKF_GetFileInfo GetFileInfo = nullptr;
    PFN_SKF_ReadFile ReadFile = nullptr;
    PFN_SKF_WriteFile WriteFile = nullptr;
    PFN_SKF_EnumContainer EnumContainer = nullptr;
    PFN_SKF_OpenContainer OpenContainer = nullptr;
    PFN_SKF_CloseContainer CloseContainer = nullptr;
    // Key generation and certificate import (eseal token csr / import-cert): optional.
    PFN_SKF_CreateContainer CreateContainer = nullptr;
    PFN_SKF_DeleteContainer DeleteContainer = nullptr;
    PFN_SKF_GenECCKeyPair GenECCKeyPair = nullptr;
    PFN_SKF_GenRSAKeyPair GenRSAKeyPair = nullptr;
    PFN_SKF_ImportCertificate ImportCertificate = nullptr;
    PFN_SKF_GetContainerType GetContainerType = nullptr;
    PFN_SKF_ExportCertificate ExportCertificate = nullptr;
    PFN_SKF_ExportPublicKey ExportPublicKey = nullptr;  // optional
    PFN_SKF_RSASignData RSASignData = nullptr;
    PFN_SKF_ECCSignData ECCSignData = nullptr;

    // SKF name lists: each name ends with '\0', the list with a second '\0'
    // (GM/T 0016 7.1.2). Sizes are bounded; throws TokenError on failure.
    std::vector<std::string> enumDevices() const;
    std::vector<std::string> enumApplications(DEVHANDLE dev) const;
    std::vector<std::string> enumContainers(HAPPLICATION app) const;
    // The application's files; empty when the library has no SKF_EnumFiles.
    std::vector<std::string> enumFiles(HAPPLICATION app) const;
    bool hasFiles() const noexcept { return EnumFiles && GetFileInfo && ReadFile; }
    // A whole file, read in pieces; nullopt when it is larger than maxSize or
    // cannot be read without a login (its read rights). Throws TokenError for
    // other failures.
    std::optional<std::vector<BYTE>> readFile(HAPPLICATION app, const std::string& name,
                                              std::size_t maxSize) const;

private:
    explicit Library(std::string path) : path_(std::move(path)) {}
    std::string path_;
    void* handle_ = nullptr;
};

// "SAR_PIN_INCORRECT (0x0A000024)".
std::string sarName(ULONG rv);
// Throws TokenError (kind from the code: PIN incorrect, locked, ...) unless rv is SAR_OK.
void check(ULONG rv, const std::string& what);

// Open handles, closed in noexcept destructors; each keeps the library loaded.
class Device {
public:
    Device(std::shared_ptr<Library> lib, const std::string& name);
    ~Device();
    Device(const Device&) = delete;
    Device& operator=(const Device&) = delete;
    DEVHANDLE get() const noexcept { return h_; }
    const Library& lib() const noexcept { return *lib_; }
    const std::string& name() const noexcept { return name_; }

private:
    std::shared_ptr<Library> lib_;
    std::string name_;
    DEVHANDLE h_ = nullptr;
};

class Application {
public:
    Application(std::shared_ptr<Device> dev, const std::string& name);
    ~Application();
    Application(const Application&) = delete;
    Application& operator=(const Application&) = delete;
    HAPPLICATION get() const noexcept { return h_; }
    const Library& lib() const noexcept { return dev_->lib(); }
    const Device& device() const noexcept { return *dev_; }
    const std::string& name() const noexcept { return name_; }
    bool loggedIn = false;  // VerifyPIN succeeded on this handle

private:
    std::shared_ptr<Device> dev_;
    std::string name_;
    HAPPLICATION h_ = nullptr;
};

class Container {
public:
    Container(std::shared_ptr<Application> app, const std::string& name);
    ~Container();
    Container(const Container&) = delete;
    Container& operator=(const Container&) = delete;
    HCONTAINER get() const noexcept { return h_; }
    const Library& lib() const noexcept { return app_->lib(); }
    Application& app() const noexcept { return *app_; }
    const std::string& name() const noexcept { return name_; }
    ULONG type() const;  // kContainerRsa, kContainerEcc, kContainerEmpty
    // The signing certificate (bSignFlag TRUE), DER; empty when the container has none.
    std::vector<std::uint8_t> signCertificate() const;

private:
    std::shared_ptr<Application> app_;
    std::string name_;
    HCONTAINER h_ = nullptr;
};

}  // namespace eseal::skf
