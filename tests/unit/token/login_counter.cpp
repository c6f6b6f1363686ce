// Test-only PKCS#11 module: forwards every call to the real module (SoftHSM2,
// or ESEAL_REAL_PKCS11_MODULE) and counts C_Login calls.
#include <dlfcn.h>
#include <p11-kit/pkcs11.h>

#include <atomic>
#include <cstdlib>

namespace {

CK_FUNCTION_LIST* real = nullptr;
CK_FUNCTION_LIST shim;
std::atomic<unsigned long> logins{0};

CK_RV countingLogin(CK_SESSION_HANDLE session, CK_USER_TYPE user, CK_UTF8CHAR_PTR pin, CK_ULONG len) {
    ++logins;
    return real->C_Login(session, user, pin, len);
}

}  // namespace

extern "C" {

__attribute__((visibility("default"))) CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR list) {
    if (!list) return CKR_ARGUMENTS_BAD;
    if (!real) {
        const char* path = std::getenv("ESEAL_REAL_PKCS11_MODULE");
        if (!path) path = "/usr/lib/softhsm/libsofthsm2.so";
        void* handle = dlopen(path, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
        if (!handle) return CKR_GENERAL_ERROR;
        auto get = reinterpret_cast<CK_C_GetFunctionList>(dlsym(handle, "C_GetFunctionList"));
        CK_FUNCTION_LIST* fns = nullptr;
        if (!get || get(&fns) != CKR_OK || !fns) return CKR_GENERAL_ERROR;
        shim = *fns;
        shim.C_Login = countingLogin;
        real = fns;
    }
    *list = &shim;
    return CKR_OK;
}

__attribute__((visibility("default"))) unsigned long eseal_test_login_count() { return logins.load(); }

}  // extern "C"
