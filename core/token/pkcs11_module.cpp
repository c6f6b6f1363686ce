#include "core/token/pkcs11_module.hpp"

#include <dlfcn.h>
#include <p11-kit/p11-kit.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <utility>

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"

namespace eseal::pkcs11 {

std::string rvName(CK_RV rv) {
    struct Entry {
        CK_RV rv;
        const char* name;
    };
    static const Entry table[] = {
        {CKR_OK, "CKR_OK"},
        {CKR_CANCEL, "CKR_CANCEL"},
        {CKR_HOST_MEMORY, "CKR_HOST_MEMORY"},
        {CKR_SLOT_ID_INVALID, "CKR_SLOT_ID_INVALID"},
        {CKR_GENERAL_ERROR, "CKR_GENERAL_ERROR"},
        {CKR_FUNCTION_FAILED, "CKR_FUNCTION_FAILED"},
        {CKR_ARGUMENTS_BAD, "CKR_ARGUMENTS_BAD"},
        {CKR_NO_EVENT, "CKR_NO_EVENT"},
        {CKR_NEED_TO_CREATE_THREADS, "CKR_NEED_TO_CREATE_THREADS"},
        {CKR_CANT_LOCK, "CKR_CANT_LOCK"},
        {CKR_ATTRIBUTE_READ_ONLY, "CKR_ATTRIBUTE_READ_ONLY"},
        {CKR_ATTRIBUTE_SENSITIVE, "CKR_ATTRIBUTE_SENSITIVE"},
        {CKR_ATTRIBUTE_TYPE_INVALID, "CKR_ATTRIBUTE_TYPE_INVALID"},
        {CKR_ATTRIBUTE_VALUE_INVALID, "CKR_ATTRIBUTE_VALUE_INVALID"},
        {CKR_ACTION_PROHIBITED, "CKR_ACTION_PROHIBITED"},
        {CKR_DATA_INVALID, "CKR_DATA_INVALID"},
        {CKR_DATA_LEN_RANGE, "CKR_DATA_LEN_RANGE"},
        {CKR_DEVICE_ERROR, "CKR_DEVICE_ERROR"},
        {CKR_DEVICE_MEMORY, "CKR_DEVICE_MEMORY"},
        {CKR_DEVICE_REMOVED, "CKR_DEVICE_REMOVED"},
        {CKR_ENCRYPTED_DATA_INVALID, "CKR_ENCRYPTED_DATA_INVALID"},
        {CKR_ENCRYPTED_DATA_LEN_RANGE, "CKR_ENCRYPTED_DATA_LEN_RANGE"},
        {CKR_FUNCTION_CANCELED, "CKR_FUNCTION_CANCELED"},
        {CKR_FUNCTION_NOT_PARALLEL, "CKR_FUNCTION_NOT_PARALLEL"},
        {CKR_FUNCTION_NOT_SUPPORTED, "CKR_FUNCTION_NOT_SUPPORTED"},
        {CKR_KEY_HANDLE_INVALID, "CKR_KEY_HANDLE_INVALID"},
        {CKR_KEY_SIZE_RANGE, "CKR_KEY_SIZE_RANGE"},
        {CKR_KEY_TYPE_INCONSISTENT, "CKR_KEY_TYPE_INCONSISTENT"},
        {CKR_KEY_NOT_NEEDED, "CKR_KEY_NOT_NEEDED"},
        {CKR_KEY_CHANGED, "CKR_KEY_CHANGED"},
        {CKR_KEY_NEEDED, "CKR_KEY_NEEDED"},
        {CKR_KEY_INDIGESTIBLE, "CKR_KEY_INDIGESTIBLE"},
        {CKR_KEY_FUNCTION_NOT_PERMITTED, "CKR_KEY_FUNCTION_NOT_PERMITTED"},
        {CKR_KEY_NOT_WRAPPABLE, "CKR_KEY_NOT_WRAPPABLE"},
        {CKR_KEY_UNEXTRACTABLE, "CKR_KEY_UNEXTRACTABLE"},
        {CKR_MECHANISM_INVALID, "CKR_MECHANISM_INVALID"},
        {CKR_MECHANISM_PARAM_INVALID, "CKR_MECHANISM_PARAM_INVALID"},
        {CKR_OBJECT_HANDLE_INVALID, "CKR_OBJECT_HANDLE_INVALID"},
        {CKR_OPERATION_ACTIVE, "CKR_OPERATION_ACTIVE"},
        {CKR_OPERATION_NOT_INITIALIZED, "CKR_OPERATION_NOT_INITIALIZED"},
        {CKR_PIN_INCORRECT, "CKR_PIN_INCORRECT"},
        {CKR_PIN_INVALID, "CKR_PIN_INVALID"},
        {CKR_PIN_LEN_RANGE, "CKR_PIN_LEN_RANGE"},
        {CKR_PIN_EXPIRED, "CKR_PIN_EXPIRED"},
        {CKR_PIN_LOCKED, "CKR_PIN_LOCKED"},
        {CKR_SESSION_CLOSED, "CKR_SESSION_CLOSED"},
        {CKR_SESSION_COUNT, "CKR_SESSION_COUNT"},
        {CKR_SESSION_HANDLE_INVALID, "CKR_SESSION_HANDLE_INVALID"},
        {CKR_SESSION_PARALLEL_NOT_SUPPORTED, "CKR_SESSION_PARALLEL_NOT_SUPPORTED"},
        {CKR_SESSION_READ_ONLY, "CKR_SESSION_READ_ONLY"},
        {CKR_SESSION_EXISTS, "CKR_SESSION_EXISTS"},
        {CKR_SESSION_READ_ONLY_EXISTS, "CKR_SESSION_READ_ONLY_EXISTS"},
        {CKR_SESSION_READ_WRITE_SO_EXISTS, "CKR_SESSION_READ_WRITE_SO_EXISTS"},
        {CKR_SIGNATURE_INVALID, "CKR_SIGNATURE_INVALID"},
        {CKR_SIGNATURE_LEN_RANGE, "CKR_SIGNATURE_LEN_RANGE"},
        {CKR_TEMPLATE_INCOMPLETE, "CKR_TEMPLATE_INCOMPLETE"},
        {CKR_TEMPLATE_INCONSISTENT, "CKR_TEMPLATE_INCONSISTENT"},
        {CKR_TOKEN_NOT_PRESENT, "CKR_TOKEN_NOT_PRESENT"},
        {CKR_TOKEN_NOT_RECOGNIZED, "CKR_TOKEN_NOT_RECOGNIZED"},
        {CKR_TOKEN_WRITE_PROTECTED, "CKR_TOKEN_WRITE_PROTECTED"},
        {CKR_UNWRAPPING_KEY_SIZE_RANGE, "CKR_UNWRAPPING_KEY_SIZE_RANGE"},
        {CKR_UNWRAPPING_KEY_TYPE_INCONSISTENT, "CKR_UNWRAPPING_KEY_TYPE_INCONSISTENT"},
        {CKR_USER_ALREADY_LOGGED_IN, "CKR_USER_ALREADY_LOGGED_IN"},
        {CKR_USER_NOT_LOGGED_IN, "CKR_USER_NOT_LOGGED_IN"},
        {CKR_USER_PIN_NOT_INITIALIZED, "CKR_USER_PIN_NOT_INITIALIZED"},
        {CKR_USER_TYPE_INVALID, "CKR_USER_TYPE_INVALID"},
        {CKR_USER_ANOTHER_ALREADY_LOGGED_IN, "CKR_USER_ANOTHER_ALREADY_LOGGED_IN"},
        {CKR_USER_TOO_MANY_TYPES, "CKR_USER_TOO_MANY_TYPES"},
        {CKR_WRAPPED_KEY_INVALID, "CKR_WRAPPED_KEY_INVALID"},
        {CKR_WRAPPED_KEY_LEN_RANGE, "CKR_WRAPPED_KEY_LEN_RANGE"},
        {CKR_WRAPPING_KEY_HANDLE_INVALID, "CKR_WRAPPING_KEY_HANDLE_INVALID"},
        {CKR_WRAPPING_KEY_SIZE_RANGE, "CKR_WRAPPING_KEY_SIZE_RANGE"},
        {CKR_WRAPPING_KEY_TYPE_INCONSISTENT, "CKR_WRAPPING_KEY_TYPE_INCONSISTENT"},
        {CKR_RANDOM_SEED_NOT_SUPPORTED, "CKR_RANDOM_SEED_NOT_SUPPORTED"},
        {CKR_RANDOM_NO_RNG, "CKR_RANDOM_NO_RNG"},
        {CKR_DOMAIN_PARAMS_INVALID, "CKR_DOMAIN_PARAMS_INVALID"},
        {CKR_CURVE_NOT_SUPPORTED, "CKR_CURVE_NOT_SUPPORTED"},
        {CKR_BUFFER_TOO_SMALL, "CKR_BUFFER_TOO_SMALL"},
        {CKR_SAVED_STATE_INVALID, "CKR_SAVED_STATE_INVALID"},
        {CKR_INFORMATION_SENSITIVE, "CKR_INFORMATION_SENSITIVE"},
        {CKR_STATE_UNSAVEABLE, "CKR_STATE_UNSAVEABLE"},
        {CKR_CRYPTOKI_NOT_INITIALIZED, "CKR_CRYPTOKI_NOT_INITIALIZED"},
        {CKR_CRYPTOKI_ALREADY_INITIALIZED, "CKR_CRYPTOKI_ALREADY_INITIALIZED"},
        {CKR_MUTEX_BAD, "CKR_MUTEX_BAD"},
        {CKR_MUTEX_NOT_LOCKED, "CKR_MUTEX_NOT_LOCKED"},
        {CKR_NEW_PIN_MODE, "CKR_NEW_PIN_MODE"},
        {CKR_NEXT_OTP, "CKR_NEXT_OTP"},
        {CKR_EXCEEDED_MAX_ITERATIONS, "CKR_EXCEEDED_MAX_ITERATIONS"},
        {CKR_FIPS_SELF_TEST_FAILED, "CKR_FIPS_SELF_TEST_FAILED"},
        {CKR_LIBRARY_LOAD_FAILED, "CKR_LIBRARY_LOAD_FAILED"},
        {CKR_PIN_TOO_WEAK, "CKR_PIN_TOO_WEAK"},
        {CKR_PUBLIC_KEY_INVALID, "CKR_PUBLIC_KEY_INVALID"},
        {CKR_FUNCTION_REJECTED, "CKR_FUNCTION_REJECTED"},
    };
    for (const auto& e : table)
        if (e.rv == rv) return e.name;
    char buf[32];
    std::snprintf(buf, sizeof buf, "CKR_0x%08lX", static_cast<unsigned long>(rv));
    return buf;
}

void check(CK_RV rv, std::string_view what) {
    if (rv == CKR_OK) return;
    TokenError::Kind kind = TokenError::Kind::Other;
    switch (rv) {
        case CKR_PIN_INCORRECT:
            kind = TokenError::Kind::WrongPin;
            break;
        case CKR_PIN_LOCKED:
            kind = TokenError::Kind::PinLocked;
            break;
        case CKR_PIN_EXPIRED:
            kind = TokenError::Kind::PinExpired;
            break;
        case CKR_SLOT_ID_INVALID:
        case CKR_TOKEN_NOT_PRESENT:
        case CKR_DEVICE_REMOVED:
        case CKR_OBJECT_HANDLE_INVALID:
        case CKR_KEY_HANDLE_INVALID:
            kind = TokenError::Kind::NotFound;
            break;
        default:
            break;
    }
    std::string message =
        fill(tr("{what} failed: {code}"), {{"{what}", std::string(what)}, {"{code}", rvName(rv)}});
    if (rv == CKR_DEVICE_REMOVED || rv == CKR_TOKEN_NOT_PRESENT) message += tr(" (the USB Key was removed?)");
    throw TokenError(kind, message, rv);
}

std::string fieldText(const unsigned char* field, std::size_t size) {
    std::string s(reinterpret_cast<const char*>(field), size);
    // PKCS#11 2.40 3.2: these fields are padded with blanks, not NUL-terminated;
    // some modules pad with NULs anyway.
    while (!s.empty() && (s.back() == ' ' || s.back() == '\0')) s.pop_back();
    return s;
}

// --- Module -----------------------------------------------------------------

namespace {

// Initialisations of modules loaded by path, per function list. A library is
// loaded once per process (dlopen refcounts it), so two Module objects for it
// share one C_Initialize; only the last may call C_Finalize.
struct InitCount {
    int users = 0;
    bool ours = false;  // false: someone else in the process initialised it
};
std::mutex initMutex;
std::map<CK_FUNCTION_LIST*, InitCount>& initCounts() {
    static std::map<CK_FUNCTION_LIST*, InitCount> counts;
    return counts;
}

std::string takeString(char* s) {
    if (!s) return {};
    std::string out(s);
    std::free(s);
    return out;
}

// "libsofthsm2.so" -> "softhsm2", for RFC 7512 module-name matching.
std::string libraryStem(const std::string& path) {
    std::string base = path.substr(path.find_last_of('/') + 1);
    if (base.rfind("lib", 0) == 0) base.erase(0, 3);
    auto dot = base.find(".so");
    if (dot != std::string::npos) base.erase(dot);
    return base;
}

}  // namespace

struct Registry {
    CK_FUNCTION_LIST** modules = nullptr;
    ~Registry() {
        if (modules) p11_kit_modules_release(modules);
    }
};

Module Module::open(const std::string& path) {
    if (path.empty()) throw TokenError(TokenError::Kind::NotFound, tr("empty PKCS#11 module path"));
    // RTLD_NODELETE: modules keep global state (OpenSSL, threads) that does not
    // survive being unloaded and loaded again within one process.
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
    if (!handle) {
        const char* why = dlerror();
        throw TokenError(TokenError::Kind::NotFound,
                         fill(tr("cannot load PKCS#11 module {path}: {why}"),
                              {{"{path}", path}, {"{why}", why ? why : tr("unknown error")}}));
    }
    Module m;
    m.handle_ = handle;
    m.path_ = path;
    void* sym = dlsym(handle, "C_GetFunctionList");
    if (!sym)
        throw TokenError(
            TokenError::Kind::NotFound,
            fill(tr("{path} is not a PKCS#11 module (no C_GetFunctionList)"), {{"{path}", path}}));
    auto getList = reinterpret_cast<CK_C_GetFunctionList>(sym);
    CK_FUNCTION_LIST* fn = nullptr;
    check(getList(&fn), "C_GetFunctionList of " + path);
    if (!fn)
        throw TokenError(TokenError::Kind::Other,
                         fill(tr("{path}: C_GetFunctionList returned no function list"), {{"{path}", path}}));

    std::lock_guard<std::mutex> lock(initMutex);
    InitCount& count = initCounts()[fn];
    if (count.users == 0) {
        CK_C_INITIALIZE_ARGS args{};
        args.flags = CKF_OS_LOCKING_OK;  // PKCS#11 2.40 5.4: the OS's own locking
        CK_RV rv = fn->C_Initialize(&args);
        if (rv == CKR_CRYPTOKI_ALREADY_INITIALIZED) {
            count.ours = false;
        } else {
            if (rv != CKR_OK) initCounts().erase(fn);
            check(rv, "C_Initialize of " + path);
            count.ours = true;
        }
    }
    ++count.users;
    m.fn_ = fn;
    return m;
}

std::vector<Module> Module::openPathOrRegistered(const std::optional<std::string>& path,
                                                 std::vector<std::string>* failures) {
    if (!path) return openRegistered(std::nullopt, failures);
    std::vector<Module> one;
    one.push_back(open(*path));
    return one;
}

std::vector<Module> Module::openRegistered(const std::optional<std::string>& name,
                                           std::vector<std::string>* failures) {
    auto registry = std::make_shared<Registry>();
    registry->modules = p11_kit_modules_load(nullptr, 0);
    if (!registry->modules) {
        const char* why = p11_kit_message();
        throw TokenError(TokenError::Kind::NotFound,
                         fill(tr("cannot read p11-kit's module configuration: {why}"),
                              {{"{why}", why ? why : tr("unknown error")}}));
    }
    std::vector<Module> out;
    for (CK_FUNCTION_LIST** p = registry->modules; *p; ++p) {
        std::string moduleName = takeString(p11_kit_module_get_name(*p));
        std::string file = takeString(p11_kit_module_get_filename(*p));
        if (name && *name != moduleName && *name != libraryStem(file)) continue;
        CK_RV rv = p11_kit_module_initialize(*p);
        if (rv != CKR_OK) {
            if (failures)
                failures->push_back(moduleName + " (" + file + "): C_Initialize failed: " + rvName(rv));
            continue;
        }
        Module m;
        m.fn_ = *p;
        m.registry_ = registry;
        m.path_ = file;
        m.name_ = moduleName;
        out.push_back(std::move(m));
    }
    return out;
}

Module::Module(Module&& other) noexcept
    : fn_(std::exchange(other.fn_, nullptr)),
      handle_(std::exchange(other.handle_, nullptr)),
      registry_(std::move(other.registry_)),
      path_(std::move(other.path_)),
      name_(std::move(other.name_)) {}

Module& Module::operator=(Module&& other) noexcept {
    if (this != &other) {
        release();
        fn_ = std::exchange(other.fn_, nullptr);
        handle_ = std::exchange(other.handle_, nullptr);
        registry_ = std::move(other.registry_);
        path_ = std::move(other.path_);
        name_ = std::move(other.name_);
    }
    return *this;
}

Module::~Module() { release(); }

void Module::release() noexcept {
    if (fn_ && registry_) {
        p11_kit_module_finalize(fn_);
    } else if (fn_) {
        std::lock_guard<std::mutex> lock(initMutex);
        auto it = initCounts().find(fn_);
        if (it != initCounts().end() && --it->second.users == 0) {
            if (it->second.ours) fn_->C_Finalize(nullptr);
            initCounts().erase(it);
        }
    }
    fn_ = nullptr;
    registry_.reset();
    if (handle_) dlclose(handle_);  // RTLD_NODELETE keeps the code mapped
    handle_ = nullptr;
}

CK_INFO Module::info() const {
    CK_INFO info{};
    check(fn_->C_GetInfo(&info), "C_GetInfo");
    return info;
}

std::vector<CK_SLOT_ID> Module::slots() const {
    // The list can change between the two calls (a USB Key plugged in).
    for (int attempt = 0; attempt < 3; ++attempt) {
        CK_ULONG n = 0;
        check(fn_->C_GetSlotList(CK_TRUE, nullptr, &n), "C_GetSlotList");
        std::vector<CK_SLOT_ID> slots(n);
        CK_RV rv = fn_->C_GetSlotList(CK_TRUE, slots.data(), &n);
        if (rv == CKR_BUFFER_TOO_SMALL) continue;
        check(rv, "C_GetSlotList");
        slots.resize(n);
        return slots;
    }
    throw TokenError(TokenError::Kind::Other, tr("the slot list keeps changing; try again"));
}

CK_TOKEN_INFO Module::tokenInfo(CK_SLOT_ID slot) const {
    CK_TOKEN_INFO info{};
    check(fn_->C_GetTokenInfo(slot, &info), "C_GetTokenInfo");
    return info;
}

CK_SLOT_INFO Module::slotInfo(CK_SLOT_ID slot) const {
    CK_SLOT_INFO info{};
    check(fn_->C_GetSlotInfo(slot, &info), "C_GetSlotInfo");
    return info;
}

std::vector<CK_MECHANISM_TYPE> Module::signMechanisms(CK_SLOT_ID slot) const {
    CK_ULONG n = 0;
    check(fn_->C_GetMechanismList(slot, nullptr, &n), "C_GetMechanismList");
    std::vector<CK_MECHANISM_TYPE> all(n);
    check(fn_->C_GetMechanismList(slot, all.data(), &n), "C_GetMechanismList");
    all.resize(n);
    std::vector<CK_MECHANISM_TYPE> out;
    for (CK_MECHANISM_TYPE m : all) {
        CK_MECHANISM_INFO info{};
        if (fn_->C_GetMechanismInfo(slot, m, &info) == CKR_OK && (info.flags & CKF_SIGN)) out.push_back(m);
    }
    return out;
}

// --- Session ----------------------------------------------------------------

Session::Session(const Module& module, CK_SLOT_ID slot, bool readWrite) : fn_(module.fn()), slot_(slot) {
    CK_FLAGS flags = CKF_SERIAL_SESSION | (readWrite ? CKF_RW_SESSION : 0);
    check(fn_->C_OpenSession(slot, flags, nullptr, nullptr, &handle_), "C_OpenSession");
    open_ = true;
}

Session::Session(Session&& other) noexcept
    : fn_(other.fn_),
      handle_(other.handle_),
      slot_(other.slot_),
      open_(std::exchange(other.open_, false)),
      loggedIn_(std::exchange(other.loggedIn_, false)) {}

namespace {

// PKCS#11 2.40 5.6: the login state belongs to the application and the token,
// not to one session, and C_Logout ends it for every session. Sessions of
// eseal that share a login count it here; the last one out logs out.
std::mutex loginMutex;
std::map<std::pair<CK_FUNCTION_LIST*, CK_SLOT_ID>, int>& loginUsers() {
    static std::map<std::pair<CK_FUNCTION_LIST*, CK_SLOT_ID>, int> users;
    return users;
}

}  // namespace

Session::~Session() {
    if (!open_) return;
    // Errors are ignored: the token may be gone, and nothing can be done here.
    if (loggedIn_) {
        bool last = true;
        {
            std::lock_guard<std::mutex> lock(loginMutex);
            auto it = loginUsers().find({fn_, slot_});
            if (it != loginUsers().end() && --it->second > 0)
                last = false;
            else if (it != loginUsers().end())
                loginUsers().erase(it);
        }
        if (last) fn_->C_Logout(handle_);
    }
    fn_->C_CloseSession(handle_);
}

void Session::markLoggedIn() {
    if (loggedIn_) return;
    std::lock_guard<std::mutex> lock(loginMutex);
    ++loginUsers()[{fn_, slot_}];
    loggedIn_ = true;
}

bool Session::joinExistingLogin() {
    if (loggedIn_) return true;
    std::lock_guard<std::mutex> lock(loginMutex);
    auto it = loginUsers().find({fn_, slot_});
    if (it == loginUsers().end()) return false;
    ++it->second;
    loggedIn_ = true;
    return true;
}

bool Session::userLoggedIn() const {
    CK_SESSION_INFO info{};
    if (fn_->C_GetSessionInfo(handle_, &info) != CKR_OK) return false;
    return info.state == CKS_RO_USER_FUNCTIONS || info.state == CKS_RW_USER_FUNCTIONS;
}

CK_RV Session::login(CK_USER_TYPE user, const SecretString* pin) {
    SecretString copy(pin ? pin->view() : std::string_view());
    CK_RV rv = fn_->C_Login(handle_, user, pin ? ckPin(copy) : nullptr, pin ? ckPinLen(copy) : 0);
    if (user == CKU_CONTEXT_SPECIFIC) return rv;
    if (rv == CKR_USER_ALREADY_LOGGED_IN) {
        // Logged in by another session: share that login if it is one of
        // eseal's; never log out someone else's.
        joinExistingLogin();
        return CKR_OK;
    }
    if (rv == CKR_OK) markLoggedIn();
    return rv;
}

std::vector<CK_OBJECT_HANDLE> Session::find(std::vector<CK_ATTRIBUTE> tmpl, std::size_t limit) const {
    check(fn_->C_FindObjectsInit(handle_, tmpl.empty() ? nullptr : tmpl.data(),
                                 static_cast<CK_ULONG>(tmpl.size())),
          "C_FindObjectsInit");
    std::vector<CK_OBJECT_HANDLE> out;
    CK_RV rv = CKR_OK;
    while (out.size() < limit) {
        CK_OBJECT_HANDLE batch[64];
        CK_ULONG got = 0;
        rv = fn_->C_FindObjects(handle_, batch, 64, &got);
        if (rv != CKR_OK || got == 0) break;
        out.insert(out.end(), batch, batch + std::min<CK_ULONG>(got, 64));
    }
    fn_->C_FindObjectsFinal(handle_);
    check(rv, "C_FindObjects");
    if (out.size() > limit) out.resize(limit);
    return out;
}

std::optional<Bytes> Session::attribute(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type) const {
    CK_ATTRIBUTE a{type, nullptr, 0};
    CK_RV rv = fn_->C_GetAttributeValue(handle_, object, &a, 1);
    if (rv == CKR_ATTRIBUTE_SENSITIVE || rv == CKR_ATTRIBUTE_TYPE_INVALID) return std::nullopt;
    check(rv, "C_GetAttributeValue");
    if (a.ulValueLen == CK_UNAVAILABLE_INFORMATION) return std::nullopt;
    // A hostile or broken module could claim anything; certificates and keys
    // are far below this.
    if (a.ulValueLen > (1u << 20))
        throw TokenError(TokenError::Kind::Other,
                         fill(tr("the token reports an attribute of {n} bytes; refusing it"),
                              {{"{n}", std::to_string(a.ulValueLen)}}));
    Bytes value(a.ulValueLen);
    a.pValue = value.data();
    rv = fn_->C_GetAttributeValue(handle_, object, &a, 1);
    if (rv == CKR_ATTRIBUTE_SENSITIVE || rv == CKR_ATTRIBUTE_TYPE_INVALID) return std::nullopt;
    check(rv, "C_GetAttributeValue");
    if (a.ulValueLen > value.size())
        throw TokenError(TokenError::Kind::Other, tr("the token wrote past an attribute buffer"));
    value.resize(a.ulValueLen);
    return value;
}

std::optional<CK_ULONG> Session::ulongAttribute(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type) const {
    auto v = attribute(object, type);
    if (!v || v->size() != sizeof(CK_ULONG)) return std::nullopt;
    CK_ULONG out = 0;
    std::memcpy(&out, v->data(), sizeof out);
    return out;
}

std::optional<bool> Session::boolAttribute(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type) const {
    auto v = attribute(object, type);
    if (!v || v->size() != sizeof(CK_BBOOL)) return std::nullopt;
    return (*v)[0] != CK_FALSE;
}

std::string Session::textAttribute(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type) const {
    auto v = attribute(object, type);
    if (!v) return {};
    return std::string(v->begin(), v->end());
}

}  // namespace eseal::pkcs11
