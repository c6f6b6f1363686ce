// PKCS#11 plumbing shared by the key and the token administration: one
// move-only RAII class per handle (Module, Session) and one checker that turns
// a CK_RV into a TokenError carrying it. Internal to core/token.
#pragma once

#include <p11-kit/pkcs11.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/bytes.hpp"
#include "core/base/secret.hpp"

namespace eseal::pkcs11 {

// "CKR_PIN_INCORRECT"; "CKR_0x..." for codes without a name here.
std::string rvName(CK_RV rv);
// Throws TokenError(kind from rv, "<what>: <CKR name>", rv) unless rv is CKR_OK.
void check(CK_RV rv, std::string_view what);

// Blank-padded CK_UTF8CHAR fields (labels, serials) as a trimmed string.
std::string fieldText(const unsigned char* field, std::size_t size);
template <std::size_t N>
std::string fieldText(const unsigned char (&field)[N]) {
    return fieldText(field, N);
}

struct Registry;  // p11-kit's list of configured modules

// An initialised PKCS#11 module. Loaded from a path (dlopen + C_GetFunctionList,
// C_Initialize with CKF_OS_LOCKING_OK) or taken from p11-kit's registry.
// Several Module objects for the same library share one initialisation: the
// last one to go calls C_Finalize, so one never finalises another's sessions.
class Module {
public:
    // Throws TokenError(NotFound) when the library cannot be loaded.
    static Module open(const std::string& path);
    // The modules p11-kit is configured with (p11-kit(8)); only those named
    // `name` (p11-kit's name, or the library file name without "lib" and
    // ".so") when given. Modules that fail to initialise are skipped and
    // reported in `failures` when given.
    static std::vector<Module> openRegistered(const std::optional<std::string>& name,
                                              std::vector<std::string>* failures = nullptr);
    // The module at `path` when given (throws as open), else openRegistered(nullopt, failures).
    static std::vector<Module> openPathOrRegistered(const std::optional<std::string>& path,
                                                    std::vector<std::string>* failures);

    Module(Module&& other) noexcept;
    Module& operator=(Module&& other) noexcept;
    Module(const Module&) = delete;
    Module& operator=(const Module&) = delete;
    ~Module();

    CK_FUNCTION_LIST* fn() const noexcept { return fn_; }
    // The library path (as given, or p11-kit's file name for the module).
    const std::string& path() const noexcept { return path_; }
    // p11-kit's module name; empty for a module loaded by path.
    const std::string& name() const noexcept { return name_; }
    bool fromRegistry() const noexcept { return registry_ != nullptr; }

    CK_INFO info() const;
    // Slots with a token present.
    std::vector<CK_SLOT_ID> slots() const;
    CK_TOKEN_INFO tokenInfo(CK_SLOT_ID slot) const;
    CK_SLOT_INFO slotInfo(CK_SLOT_ID slot) const;
    // Mechanisms the token offers for signing (CKF_SIGN set).
    std::vector<CK_MECHANISM_TYPE> signMechanisms(CK_SLOT_ID slot) const;

private:
    Module() = default;
    void release() noexcept;

    CK_FUNCTION_LIST* fn_ = nullptr;
    void* handle_ = nullptr;              // dlopen handle (path modules)
    std::shared_ptr<Registry> registry_;  // p11-kit modules
    std::string path_;
    std::string name_;
};

// An open session. The destructor logs out (when this session logged in and no
// other eseal session shares that login) and closes the session; it never
// throws. It must not outlive its Module.
// A PIN as PKCS#11 prototypes take it (a non-const CK_UTF8CHAR_PTR and a
// length): pass a SecretString copy, so the buffer the module sees is wiped too.
inline CK_UTF8CHAR_PTR ckPin(SecretString& pin) {
    return reinterpret_cast<CK_UTF8CHAR_PTR>(pin.mutableData());
}
inline CK_ULONG ckPinLen(const SecretString& pin) { return static_cast<CK_ULONG>(pin.size()); }

class Session {
public:
    Session(const Module& module, CK_SLOT_ID slot, bool readWrite);
    Session(Session&& other) noexcept;
    Session& operator=(Session&& other) = delete;
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;
    ~Session();

    CK_SESSION_HANDLE handle() const noexcept { return handle_; }
    CK_FUNCTION_LIST* fn() const noexcept { return fn_; }
    CK_SLOT_ID slot() const noexcept { return slot_; }

    // C_Login; a null pin means the protected authentication path (PIN pad).
    // Returns the raw CK_RV so that callers can explain PIN failures; a
    // successful login (or CKR_USER_ALREADY_LOGGED_IN) is remembered.
    CK_RV login(CK_USER_TYPE user, const SecretString* pin);
    bool loggedIn() const noexcept { return loggedIn_; }
    // Whether the token is already in a user state for this application (an
    // earlier session of the same process logged in).
    bool userLoggedIn() const;
    // Shares the login of another of eseal's sessions on this token (this
    // session then logs out only if it is the last one); false when the login
    // is not eseal's (this session will then never log out).
    bool joinExistingLogin();

    // C_FindObjects over the template, at most `limit` handles.
    std::vector<CK_OBJECT_HANDLE> find(std::vector<CK_ATTRIBUTE> tmpl, std::size_t limit = 4096) const;
    // One attribute's value; nullopt when the object has no such attribute or
    // it is sensitive.
    std::optional<Bytes> attribute(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type) const;
    std::optional<CK_ULONG> ulongAttribute(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type) const;
    std::optional<bool> boolAttribute(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type) const;
    std::string textAttribute(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type) const;

private:
    void markLoggedIn();

    CK_FUNCTION_LIST* fn_ = nullptr;
    CK_SESSION_HANDLE handle_ = 0;
    CK_SLOT_ID slot_ = 0;
    bool open_ = false;
    bool loggedIn_ = false;
};

// Template helpers: the attribute points into `value`, which must outlive it.
inline CK_ATTRIBUTE attr(CK_ATTRIBUTE_TYPE type, void* value, std::size_t size) {
    return CK_ATTRIBUTE{type, value, static_cast<CK_ULONG>(size)};
}

}  // namespace eseal::pkcs11
