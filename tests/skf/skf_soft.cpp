// A test SKF (GM/T 0016) library over software keys. eseal's SKF backend
// loads it with dlopen and calls it exactly as it would call a vendor's
// library. It is a test double of a USB Key, not part of eseal.
//
// Configuration: the file named by $ESEAL_SKF_SOFT_CONFIG, one setting a line:
//   device NAME            the one device (SKF_EnumDev lists it)
//   app NAME               the one application
//   user-pin PIN           initial user PIN      admin-pin PIN   initial admin PIN
//   max-retries N          tries before a PIN locks (both PINs)
//   default-pin 0|1        SKF_GetPINInfo's pbDefaultPin until the PIN is changed
//   state FILE             where PINs and retry counters persist across processes
//   container NAME KEY.pem CERT.pem    a signing key pair (SM2 or RSA) with its certificate
//   files DIR              where the application's files live (default: STATE.files)
//   containers DIR         where containers made by SKF_CreateContainer live, each
//                          NAME.con with NAME.key.pem and NAME.cert.pem once filled
//                          (default: STATE.containers)
// PIN state lives in the state file, rewritten atomically after every change,
// so a second process sees the counters the first one left.
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "core/token/skf_api.hpp"

using namespace eseal::skf;

namespace {

struct ContainerCfg {
    std::string name, keyPath, certPath;
};

struct Config {
    std::string device = "soft-skf-0", app = "ESEAL", userPin = "123456", adminPin = "12345678", state, files,
                containers;
    ULONG maxRetries = 6;
    bool defaultPin = false;
    std::vector<ContainerCfg> fixed;  // from the configuration; made ones are read from `containers`
};

struct State {
    std::string userPin, adminPin;
    ULONG userLeft = 0, adminLeft = 0;
    bool userDefault = false;
};

constexpr std::uint32_t kDevMagic = 0x44455631, kAppMagic = 0x41505031, kConMagic = 0x434f4e31;

struct Dev {
    std::uint32_t magic = kDevMagic;
};
struct App {
    std::uint32_t magic = kAppMagic;
    bool loggedIn = false;
};
struct Con {
    std::uint32_t magic = kConMagic;
    App* app = nullptr;
    ContainerCfg cfg;
};

std::mutex g_mutex;

bool loadConfig(Config& c) {
    const char* path = std::getenv("ESEAL_SKF_SOFT_CONFIG");
    if (!path) return false;
    std::ifstream in(path);
    if (!in) return false;
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream ls(line);
        std::string key;
        if (!(ls >> key) || key[0] == '#') continue;
        if (key == "device")
            ls >> c.device;
        else if (key == "app")
            ls >> c.app;
        else if (key == "user-pin")
            ls >> c.userPin;
        else if (key == "admin-pin")
            ls >> c.adminPin;
        else if (key == "max-retries")
            ls >> c.maxRetries;
        else if (key == "default-pin")
            ls >> c.defaultPin;
        else if (key == "state")
            ls >> c.state;
        else if (key == "files")
            ls >> c.files;
        else if (key == "containers")
            ls >> c.containers;
        else if (key == "container") {
            ContainerCfg cc;
            ls >> cc.name >> cc.keyPath >> cc.certPath;
            c.fixed.push_back(cc);
        }
    }
    if (c.files.empty()) c.files = c.state + ".files";
    if (c.containers.empty()) c.containers = c.state + ".containers";
    return !c.state.empty();
}

ContainerCfg madeContainer(const Config& c, const std::string& name) {
    const std::filesystem::path dir(c.containers);
    return {name, (dir / (name + ".key.pem")).string(), (dir / (name + ".cert.pem")).string()};
}

// The configured containers, then the ones SKF_CreateContainer made (sorted).
std::vector<ContainerCfg> allContainers(const Config& c) {
    std::vector<ContainerCfg> out = c.fixed;
    std::vector<std::string> made;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(c.containers, ec))
        if (e.path().extension() == ".con") made.push_back(e.path().stem().string());
    std::sort(made.begin(), made.end());
    for (const auto& name : made) out.push_back(madeContainer(c, name));
    return out;
}

// Container names made here: letters, digits, '_', '-', '.'; at most 64 bytes.
bool validContainerName(const char* name) {
    const std::size_t n = name ? std::strlen(name) : 0;
    if (n == 0 || n > 64 || name[0] == '.') return false;
    for (const char* p = name; *p; ++p)
        if (!(std::isalnum(static_cast<unsigned char>(*p)) || *p == '_' || *p == '-' || *p == '.'))
            return false;
    return true;
}

State loadState(const Config& c) {
    State s{c.userPin, c.adminPin, c.maxRetries, c.maxRetries, c.defaultPin};
    std::ifstream in(c.state);
    std::string key;
    while (in >> key) {
        if (key == "user-pin")
            in >> s.userPin;
        else if (key == "admin-pin")
            in >> s.adminPin;
        else if (key == "user-left")
            in >> s.userLeft;
        else if (key == "admin-left")
            in >> s.adminLeft;
        else if (key == "user-default")
            in >> s.userDefault;
    }
    return s;
}

bool saveState(const Config& c, const State& s) {
    const std::string tmp = c.state + ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        out << "user-pin " << s.userPin << "\nadmin-pin " << s.adminPin << "\nuser-left " << s.userLeft
            << "\nadmin-left " << s.adminLeft << "\nuser-default " << s.userDefault << "\n";
        if (!out.flush()) return false;
    }
    return std::rename(tmp.c_str(), c.state.c_str()) == 0;
}

ULONG putList(const std::vector<std::string>& names, LPSTR out, ULONG* size) {
    if (!size) return SAR_INVALIDPARAMERR;
    std::string list;
    for (const auto& n : names) list += n + '\0';
    list += '\0';
    if (!out) {
        *size = static_cast<ULONG>(list.size());
        return SAR_OK;
    }
    if (*size < list.size()) {
        *size = static_cast<ULONG>(list.size());
        return SAR_BUFFER_TOO_SMALL;
    }
    std::memcpy(out, list.data(), list.size());
    *size = static_cast<ULONG>(list.size());
    return SAR_OK;
}

App* asApp(HANDLE h) {
    auto* a = static_cast<App*>(h);
    return a && a->magic == kAppMagic ? a : nullptr;
}
Con* asCon(HANDLE h) {
    auto* c = static_cast<Con*>(h);
    return c && c->magic == kConMagic ? c : nullptr;
}

EVP_PKEY* loadKey(const std::string& path) {
    FILE* f = std::fopen(path.c_str(), "r");
    if (!f) return nullptr;
    EVP_PKEY* k = PEM_read_PrivateKey(f, nullptr, nullptr, nullptr);
    std::fclose(f);
    return k;
}

std::vector<unsigned char> loadCertDer(const std::string& path) {
    FILE* f = std::fopen(path.c_str(), "r");
    if (!f) return {};
    X509* x = PEM_read_X509(f, nullptr, nullptr, nullptr);
    std::fclose(f);
    if (!x) return {};
    unsigned char* der = nullptr;
    const int len = i2d_X509(x, &der);
    X509_free(x);
    if (len <= 0) return {};
    std::vector<unsigned char> out(der, der + len);
    OPENSSL_free(der);
    return out;
}

bool isEc(EVP_PKEY* k) { return EVP_PKEY_is_a(k, "SM2") || EVP_PKEY_is_a(k, "EC"); }

// One PIN check against the persisted counters (GM/T 0016 7.3.3 / 7.3.4).
ULONG checkPin(const Config& c, State& s, ULONG type, const char* pin, ULONG* retries) {
    std::string& right = type == ADMIN_TYPE ? s.adminPin : s.userPin;
    ULONG& left = type == ADMIN_TYPE ? s.adminLeft : s.userLeft;
    if (left == 0) {
        if (retries) *retries = 0;
        return SAR_PIN_LOCKED;
    }
    if (right == pin) {
        left = c.maxRetries;
        if (retries) *retries = left;
        return saveState(c, s) ? SAR_OK : SAR_FAIL;
    }
    --left;
    if (retries) *retries = left;
    saveState(c, s);
    return SAR_PIN_INCORRECT;
}

// Files (GM/T 0016 7.5): DIR/NAME.data with DIR/NAME.meta "size read-rights write-rights".
struct FileMeta {
    ULONG size = 0, read = 0, write = 0;
};

bool validFileName(const char* name) {
    const std::size_t n = name ? std::strlen(name) : 0;
    if (n == 0 || n > static_cast<std::size_t>(kMaxFileNameLen)) return false;
    for (const char* p = name; *p; ++p)
        if (!(std::isalnum(static_cast<unsigned char>(*p)) || *p == '_' || *p == '-' || *p == '.'))
            return false;
    return name[0] != '.';
}

std::filesystem::path filePath(const Config& c, const char* name, const char* ext) {
    return std::filesystem::path(c.files) / (std::string(name) + ext);
}

bool readMeta(const Config& c, const char* name, FileMeta& m) {
    std::ifstream in(filePath(c, name, ".meta"));
    return static_cast<bool>(in >> m.size >> m.read >> m.write);
}

// May the application's current state use a file with these rights?
bool allowed(const App& a, ULONG rights) {
    if (rights == SECURE_ANYONE_ACCOUNT) return true;
    if (rights & SECURE_USER_ACCOUNT) return a.loggedIn;
    return false;  // admin-only or never: not modelled
}

}  // namespace

extern "C" {

#define ESEAL_SKF_EXPORT __attribute__((visibility("default")))

ESEAL_SKF_EXPORT ULONG SKF_EnumDev(BOOL, LPSTR szNameList, ULONG* pulSize) {
    Config c;
    if (!loadConfig(c)) return putList({}, szNameList, pulSize);
    return putList({c.device}, szNameList, pulSize);
}

ESEAL_SKF_EXPORT ULONG SKF_ConnectDev(LPSTR szName, DEVHANDLE* phDev) {
    Config c;
    if (!szName || !phDev) return SAR_INVALIDPARAMERR;
    if (!loadConfig(c) || c.device != szName) return SAR_DEVICE_REMOVED;
    *phDev = new Dev;
    return SAR_OK;
}

ESEAL_SKF_EXPORT ULONG SKF_DisConnectDev(DEVHANDLE hDev) {
    auto* d = static_cast<Dev*>(hDev);
    if (!d || d->magic != kDevMagic) return SAR_INVALIDHANDLEERR;
    d->magic = 0;
    delete d;
    return SAR_OK;
}

ESEAL_SKF_EXPORT ULONG SKF_GetDevInfo(DEVHANDLE hDev, DEVINFO* info) {
    if (!hDev || !info) return SAR_INVALIDPARAMERR;
    std::memset(info, 0, sizeof *info);
    info->Version = {1, 0};
    std::snprintf(info->Manufacturer, sizeof info->Manufacturer, "eseal tests");
    std::snprintf(info->Label, sizeof info->Label, "soft SKF key");
    std::snprintf(info->SerialNumber, sizeof info->SerialNumber, "0001");
    info->AlgAsymCap = SGD_SM2_1 | SGD_RSA;
    return SAR_OK;
}

ESEAL_SKF_EXPORT ULONG SKF_EnumApplication(DEVHANDLE hDev, LPSTR szAppName, ULONG* pulSize) {
    Config c;
    if (!hDev || !loadConfig(c)) return SAR_INVALIDHANDLEERR;
    return putList({c.app}, szAppName, pulSize);
}

ESEAL_SKF_EXPORT ULONG SKF_OpenApplication(DEVHANDLE hDev, LPSTR szAppName, HAPPLICATION* phApp) {
    Config c;
    if (!hDev || !szAppName || !phApp || !loadConfig(c)) return SAR_INVALIDPARAMERR;
    if (c.app != szAppName) return SAR_APPLICATION_NOT_EXISTS;
    *phApp = new App;
    return SAR_OK;
}

ESEAL_SKF_EXPORT ULONG SKF_CloseApplication(HAPPLICATION hApp) {
    App* a = asApp(hApp);
    if (!a) return SAR_INVALIDHANDLEERR;
    a->magic = 0;
    delete a;
    return SAR_OK;
}

ESEAL_SKF_EXPORT ULONG SKF_GetPINInfo(HAPPLICATION hApp, ULONG type, ULONG* pulMax, ULONG* pulRemain,
                                      BOOL* pbDefault) {
    std::lock_guard<std::mutex> lock(g_mutex);
    Config c;
    if (!asApp(hApp) || !pulMax || !pulRemain || !pbDefault || !loadConfig(c)) return SAR_INVALIDPARAMERR;
    const State s = loadState(c);
    *pulMax = c.maxRetries;
    *pulRemain = type == ADMIN_TYPE ? s.adminLeft : s.userLeft;
    *pbDefault = type == USER_TYPE && s.userDefault ? 1 : 0;
    return SAR_OK;
}

ESEAL_SKF_EXPORT ULONG SKF_VerifyPIN(HAPPLICATION hApp, ULONG type, LPSTR szPIN, ULONG* pulRetryCount) {
    std::lock_guard<std::mutex> lock(g_mutex);
    Config c;
    App* a = asApp(hApp);
    if (!a || !szPIN || !loadConfig(c)) return SAR_INVALIDPARAMERR;
    if (const char* log = std::getenv("ESEAL_SKF_SOFT_LOG")) {
        std::ofstream(log, std::ios::app) << "VerifyPIN " << type << "\n";
    }
    State s = loadState(c);
    const ULONG rv = checkPin(c, s, type, szPIN, pulRetryCount);
    if (rv == SAR_OK && type == USER_TYPE) a->loggedIn = true;
    return rv;
}

ESEAL_SKF_EXPORT ULONG SKF_ChangePIN(HAPPLICATION hApp, ULONG type, LPSTR szOld, LPSTR szNew,
                                     ULONG* pulRetry) {
    std::lock_guard<std::mutex> lock(g_mutex);
    Config c;
    if (!asApp(hApp) || !szOld || !szNew || !loadConfig(c)) return SAR_INVALIDPARAMERR;
    const std::size_t n = std::strlen(szNew);
    if (n < 6 || n > 16) return SAR_PIN_LEN_RANGE;
    State s = loadState(c);
    const ULONG rv = checkPin(c, s, type, szOld, pulRetry);
    if (rv != SAR_OK) return rv;
    (type == ADMIN_TYPE ? s.adminPin : s.userPin) = szNew;
    if (type == USER_TYPE) s.userDefault = false;
    return saveState(c, s) ? SAR_OK : SAR_FAIL;
}

ESEAL_SKF_EXPORT ULONG SKF_UnblockPIN(HAPPLICATION hApp, LPSTR szAdminPIN, LPSTR szNewUserPIN,
                                      ULONG* pulRetry) {
    std::lock_guard<std::mutex> lock(g_mutex);
    Config c;
    if (!asApp(hApp) || !szAdminPIN || !szNewUserPIN || !loadConfig(c)) return SAR_INVALIDPARAMERR;
    const std::size_t n = std::strlen(szNewUserPIN);
    if (n < 6 || n > 16) return SAR_PIN_LEN_RANGE;
    State s = loadState(c);
    const ULONG rv = checkPin(c, s, ADMIN_TYPE, szAdminPIN, pulRetry);
    if (rv != SAR_OK) return rv;
    s.userPin = szNewUserPIN;
    s.userLeft = c.maxRetries;
    s.userDefault = false;
    return saveState(c, s) ? SAR_OK : SAR_FAIL;
}

ESEAL_SKF_EXPORT ULONG SKF_ClearSecureState(HAPPLICATION hApp) {
    App* a = asApp(hApp);
    if (!a) return SAR_INVALIDHANDLEERR;
    a->loggedIn = false;
    return SAR_OK;
}

ESEAL_SKF_EXPORT ULONG SKF_EnumContainer(HAPPLICATION hApp, LPSTR szNames, ULONG* pulSize) {
    Config c;
    if (!asApp(hApp) || !loadConfig(c)) return SAR_INVALIDHANDLEERR;
    std::vector<std::string> names;
    for (const auto& cc : allContainers(c)) names.push_back(cc.name);
    return putList(names, szNames, pulSize);
}

ESEAL_SKF_EXPORT ULONG SKF_OpenContainer(HAPPLICATION hApp, LPSTR szName, HCONTAINER* phContainer) {
    Config c;
    App* a = asApp(hApp);
    if (!a || !szName || !phContainer || !loadConfig(c)) return SAR_INVALIDPARAMERR;
    for (const auto& cc : allContainers(c)) {
        if (cc.name != szName) continue;
        auto* con = new Con;
        con->app = a;
        con->cfg = cc;
        *phContainer = con;
        return SAR_OK;
    }
    return SAR_INVALIDPARAMERR;
}

ESEAL_SKF_EXPORT ULONG SKF_CloseContainer(HCONTAINER h) {
    Con* con = asCon(h);
    if (!con) return SAR_INVALIDHANDLEERR;
    con->magic = 0;
    delete con;
    return SAR_OK;
}

ESEAL_SKF_EXPORT ULONG SKF_GetContainerType(HCONTAINER h, ULONG* type) {
    Con* con = asCon(h);
    if (!con || !type) return SAR_INVALIDPARAMERR;
    EVP_PKEY* k = loadKey(con->cfg.keyPath);
    *type = !k ? 0 : isEc(k) ? 2 : 1;
    EVP_PKEY_free(k);
    return SAR_OK;
}

ESEAL_SKF_EXPORT ULONG SKF_ExportCertificate(HCONTAINER h, BOOL bSignFlag, BYTE* pbCert, ULONG* pulLen) {
    Con* con = asCon(h);
    if (!con || !pulLen) return SAR_INVALIDPARAMERR;
    if (!bSignFlag) return SAR_CERTNOTFOUNTERR;  // no encryption certificate in this double
    const auto der = loadCertDer(con->cfg.certPath);
    if (der.empty()) return SAR_CERTNOTFOUNTERR;
    if (!pbCert) {
        *pulLen = static_cast<ULONG>(der.size());
        return SAR_OK;
    }
    if (*pulLen < der.size()) {
        *pulLen = static_cast<ULONG>(der.size());
        return SAR_BUFFER_TOO_SMALL;
    }
    std::memcpy(pbCert, der.data(), der.size());
    *pulLen = static_cast<ULONG>(der.size());
    return SAR_OK;
}

ESEAL_SKF_EXPORT ULONG SKF_ExportPublicKey(HCONTAINER h, BOOL, BYTE* pbBlob, ULONG* pulLen) {
    Con* con = asCon(h);
    if (!con || !pulLen) return SAR_INVALIDPARAMERR;
    EVP_PKEY* k = loadKey(con->cfg.keyPath);
    if (!k) return SAR_KEYNOTFOUNTERR;
    ULONG rv = SAR_NOTSUPPORTYETERR;
    if (isEc(k)) {
        if (!pbBlob) {
            *pulLen = sizeof(ECCPUBLICKEYBLOB);
            rv = SAR_OK;
        } else if (*pulLen < sizeof(ECCPUBLICKEYBLOB)) {
            rv = SAR_BUFFER_TOO_SMALL;
        } else {
            ECCPUBLICKEYBLOB blob{};
            blob.BitLen = 256;
            BIGNUM *x = nullptr, *y = nullptr;
            EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_EC_PUB_X, &x);
            EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_EC_PUB_Y, &y);
            if (x && y) {
                BN_bn2binpad(x, blob.XCoordinate + 32, 32);
                BN_bn2binpad(y, blob.YCoordinate + 32, 32);
                std::memcpy(pbBlob, &blob, sizeof blob);
                *pulLen = sizeof blob;
                rv = SAR_OK;
            } else {
                rv = SAR_FAIL;
            }
            BN_free(x);
            BN_free(y);
        }
    } else {
        // GM/T 0016 6.4.2: modulus right-aligned in 256 bytes, exponent in 4.
        if (!pbBlob) {
            *pulLen = sizeof(RSAPUBLICKEYBLOB);
            rv = SAR_OK;
        } else if (*pulLen < sizeof(RSAPUBLICKEYBLOB)) {
            rv = SAR_BUFFER_TOO_SMALL;
        } else {
            RSAPUBLICKEYBLOB blob{};
            blob.AlgID = SGD_RSA;
            BIGNUM *n = nullptr, *e = nullptr;
            EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_RSA_N, &n);
            EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_RSA_E, &e);
            if (n && e && BN_num_bytes(n) <= kMaxRsaModulusLen && BN_num_bytes(e) <= kMaxRsaExponentLen) {
                blob.BitLen = static_cast<ULONG>(BN_num_bits(n));
                BN_bn2binpad(n, blob.Modulus, kMaxRsaModulusLen);
                BN_bn2binpad(e, blob.PublicExponent, kMaxRsaExponentLen);
                std::memcpy(pbBlob, &blob, sizeof blob);
                *pulLen = sizeof blob;
                rv = SAR_OK;
            } else {
                rv = SAR_FAIL;
            }
            BN_free(n);
            BN_free(e);
        }
    }
    EVP_PKEY_free(k);
    return rv;
}

// GM/T 0016 7.4.2: an empty container (NAME.con); needs the user PIN here.
ESEAL_SKF_EXPORT ULONG SKF_CreateContainer(HAPPLICATION hApp, LPSTR szName, HCONTAINER* phContainer) {
    std::lock_guard<std::mutex> lock(g_mutex);
    Config c;
    App* a = asApp(hApp);
    if (!a || !phContainer || !loadConfig(c) || !validContainerName(szName)) return SAR_INVALIDPARAMERR;
    if (!a->loggedIn) return SAR_USER_NOT_LOGGED_IN;
    for (const auto& cc : allContainers(c))
        if (cc.name == szName) return SAR_FILE_ALREADY_EXIST;
    std::error_code ec;
    std::filesystem::create_directories(c.containers, ec);
    std::ofstream marker(std::filesystem::path(c.containers) / (std::string(szName) + ".con"));
    if (!marker.flush()) return SAR_NO_ROOM;
    auto* con = new Con;
    con->app = a;
    con->cfg = madeContainer(c, szName);
    *phContainer = con;
    return SAR_OK;
}

ESEAL_SKF_EXPORT ULONG SKF_DeleteContainer(HAPPLICATION hApp, LPSTR szName) {
    std::lock_guard<std::mutex> lock(g_mutex);
    Config c;
    App* a = asApp(hApp);
    if (!a || !loadConfig(c) || !validContainerName(szName)) return SAR_INVALIDPARAMERR;
    if (!a->loggedIn) return SAR_USER_NOT_LOGGED_IN;
    const ContainerCfg cc = madeContainer(c, szName);
    const std::filesystem::path marker = std::filesystem::path(c.containers) / (std::string(szName) + ".con");
    std::error_code ec;
    if (!std::filesystem::exists(marker, ec)) return SAR_FILE_NOT_EXIST;
    std::filesystem::remove(cc.keyPath, ec);
    std::filesystem::remove(cc.certPath, ec);
    std::filesystem::remove(marker, ec);
    return SAR_OK;
}

namespace {

// A key pair generated for a made container, written as its NAME.key.pem.
ULONG generateInto(Con* con, EVP_PKEY* k) {
    if (!k) return SAR_FAIL;
    std::error_code ec;
    if (std::filesystem::exists(con->cfg.keyPath, ec)) {
        EVP_PKEY_free(k);
        return SAR_FILE_ALREADY_EXIST;  // one signing key pair a container
    }
    FILE* f = std::fopen(con->cfg.keyPath.c_str(), "w");
    const bool ok = f && PEM_write_PrivateKey(f, k, nullptr, nullptr, 0, nullptr, nullptr) == 1;
    if (f) std::fclose(f);
    EVP_PKEY_free(k);
    return ok ? SAR_OK : SAR_FAIL;
}

}  // namespace

ESEAL_SKF_EXPORT ULONG SKF_GenECCKeyPair(HCONTAINER h, ULONG ulAlgId, ECCPUBLICKEYBLOB* pBlob) {
    std::lock_guard<std::mutex> lock(g_mutex);
    Con* con = asCon(h);
    if (!con || !pBlob) return SAR_INVALIDPARAMERR;
    if (ulAlgId != SGD_SM2_1) return SAR_NOTSUPPORTYETERR;
    if (!con->app || !con->app->loggedIn) return SAR_USER_NOT_LOGGED_IN;
    const ULONG rv = generateInto(con, EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "SM2"));
    if (rv != SAR_OK) return rv;
    ULONG len = sizeof *pBlob;
    return SKF_ExportPublicKey(h, kTrue, reinterpret_cast<BYTE*>(pBlob), &len);
}

ESEAL_SKF_EXPORT ULONG SKF_GenRSAKeyPair(HCONTAINER h, ULONG ulBitsLen, RSAPUBLICKEYBLOB* pBlob) {
    std::lock_guard<std::mutex> lock(g_mutex);
    Con* con = asCon(h);
    if (!con || !pBlob) return SAR_INVALIDPARAMERR;
    if (ulBitsLen != 1024 && ulBitsLen != 2048) return SAR_NOTSUPPORTYETERR;
    if (!con->app || !con->app->loggedIn) return SAR_USER_NOT_LOGGED_IN;
    const ULONG rv =
        generateInto(con, EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(ulBitsLen)));
    if (rv != SAR_OK) return rv;
    ULONG len = sizeof *pBlob;
    return SKF_ExportPublicKey(h, kTrue, reinterpret_cast<BYTE*>(pBlob), &len);
}

// GM/T 0016 7.4.11: the signing certificate (no encryption certificates in this double).
ESEAL_SKF_EXPORT ULONG SKF_ImportCertificate(HCONTAINER h, BOOL bSignFlag, BYTE* pbCert, ULONG ulCertLen) {
    std::lock_guard<std::mutex> lock(g_mutex);
    Con* con = asCon(h);
    if (!con || !pbCert || ulCertLen == 0) return SAR_INVALIDPARAMERR;
    if (!bSignFlag) return SAR_NOTSUPPORTYETERR;
    if (!con->app || !con->app->loggedIn) return SAR_USER_NOT_LOGGED_IN;
    const unsigned char* p = pbCert;
    X509* x = d2i_X509(nullptr, &p, static_cast<long>(ulCertLen));
    if (!x) return SAR_INVALIDPARAMERR;
    const std::string tmp = con->cfg.certPath + ".tmp";
    FILE* f = std::fopen(tmp.c_str(), "w");
    bool ok = f && PEM_write_X509(f, x) == 1;
    if (f) ok = std::fclose(f) == 0 && ok;
    X509_free(x);
    ok = ok && std::rename(tmp.c_str(), con->cfg.certPath.c_str()) == 0;
    return ok ? SAR_OK : SAR_FAIL;
}

// GM/T 0016 7.6.6: PKCS#1 v1.5 signature over the given data (a DigestInfo).
ESEAL_SKF_EXPORT ULONG SKF_RSASignData(HCONTAINER h, BYTE* pbData, ULONG ulDataLen, BYTE* pbSig,
                                       ULONG* pulSigLen) {
    Con* con = asCon(h);
    if (!con || !pbData || !pulSigLen) return SAR_INVALIDPARAMERR;
    if (!con->app || !con->app->loggedIn) return SAR_USER_NOT_LOGGED_IN;
    EVP_PKEY* k = loadKey(con->cfg.keyPath);
    if (!k || isEc(k)) {
        EVP_PKEY_free(k);
        return SAR_KEYNOTFOUNTERR;
    }
    ULONG rv = SAR_FAIL;
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_pkey(nullptr, k, nullptr);
    std::size_t len = static_cast<std::size_t>(EVP_PKEY_get_size(k));
    if (!pbSig) {
        *pulSigLen = static_cast<ULONG>(len);
        rv = SAR_OK;
    } else if (*pulSigLen < len) {
        rv = SAR_BUFFER_TOO_SMALL;
    } else if (ctx && EVP_PKEY_sign_init(ctx) == 1 &&
               EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) == 1 &&
               EVP_PKEY_sign(ctx, pbSig, &len, pbData, ulDataLen) == 1) {
        *pulSigLen = static_cast<ULONG>(len);
        rv = SAR_OK;
    }
    EVP_PKEY_CTX_free(ctx);
    EVP_PKEY_free(k);
    return rv;
}

// GM/T 0016 7.6.13: signs the 32-byte e (SM3(Z || M), computed by the caller).
ESEAL_SKF_EXPORT ULONG SKF_ECCSignData(HCONTAINER h, BYTE* pbDigest, ULONG ulDigestLen,
                                       ECCSIGNATUREBLOB* pSig) {
    Con* con = asCon(h);
    if (!con || !pbDigest || !pSig) return SAR_INVALIDPARAMERR;
    if (ulDigestLen != 32) return SAR_INDATALENERR;
    if (!con->app || !con->app->loggedIn) return SAR_USER_NOT_LOGGED_IN;
    EVP_PKEY* k = loadKey(con->cfg.keyPath);
    if (!k || !isEc(k)) {
        EVP_PKEY_free(k);
        return SAR_KEYNOTFOUNTERR;
    }
    ULONG rv = SAR_FAIL;
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_pkey(nullptr, k, nullptr);
    unsigned char der[128];
    std::size_t len = sizeof der;
    if (ctx && EVP_PKEY_sign_init(ctx) == 1 && EVP_PKEY_sign(ctx, der, &len, pbDigest, ulDigestLen) == 1) {
        const unsigned char* p = der;
        ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(len));
        if (sig) {
            std::memset(pSig, 0, sizeof *pSig);
            BN_bn2binpad(ECDSA_SIG_get0_r(sig), pSig->r + 32, 32);
            BN_bn2binpad(ECDSA_SIG_get0_s(sig), pSig->s + 32, 32);
            ECDSA_SIG_free(sig);
            rv = SAR_OK;
        }
    }
    EVP_PKEY_CTX_free(ctx);
    EVP_PKEY_free(k);
    return rv;
}

ESEAL_SKF_EXPORT ULONG SKF_CreateFile(HAPPLICATION hApp, LPSTR szFileName, ULONG ulFileSize,
                                      ULONG ulReadRights, ULONG ulWriteRights) {
    std::lock_guard<std::mutex> lock(g_mutex);
    Config c;
    App* a = asApp(hApp);
    if (!a || !loadConfig(c) || !validFileName(szFileName) || ulFileSize == 0 || ulFileSize > 1024 * 1024)
        return SAR_INVALIDPARAMERR;
    if (!a->loggedIn) return SAR_USER_NOT_LOGGED_IN;  // creating files needs the user PIN here
    FileMeta m;
    if (readMeta(c, szFileName, m)) return SAR_FILE_ALREADY_EXIST;
    std::error_code ec;
    std::filesystem::create_directories(c.files, ec);
    {
        std::ofstream data(filePath(c, szFileName, ".data"), std::ios::binary | std::ios::trunc);
        const std::string zeros(ulFileSize, '\0');
        data.write(zeros.data(), static_cast<std::streamsize>(zeros.size()));
        if (!data.flush()) return SAR_NO_ROOM;
    }
    std::ofstream meta(filePath(c, szFileName, ".meta"), std::ios::trunc);
    meta << ulFileSize << " " << ulReadRights << " " << ulWriteRights << "\n";
    return meta.flush() ? SAR_OK : SAR_NO_ROOM;
}

ESEAL_SKF_EXPORT ULONG SKF_DeleteFile(HAPPLICATION hApp, LPSTR szFileName) {
    std::lock_guard<std::mutex> lock(g_mutex);
    Config c;
    App* a = asApp(hApp);
    if (!a || !loadConfig(c) || !validFileName(szFileName)) return SAR_INVALIDPARAMERR;
    FileMeta m;
    if (!readMeta(c, szFileName, m)) return SAR_FILE_NOT_EXIST;
    if (!allowed(*a, m.write)) return SAR_USER_NOT_LOGGED_IN;
    std::error_code ec;
    std::filesystem::remove(filePath(c, szFileName, ".meta"), ec);
    std::filesystem::remove(filePath(c, szFileName, ".data"), ec);
    return SAR_OK;
}

ESEAL_SKF_EXPORT ULONG SKF_EnumFiles(HAPPLICATION hApp, LPSTR szFileList, ULONG* pulSize) {
    std::lock_guard<std::mutex> lock(g_mutex);
    Config c;
    if (!asApp(hApp) || !loadConfig(c)) return SAR_INVALIDHANDLEERR;
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(c.files, ec))
        if (e.path().extension() == ".meta") names.push_back(e.path().stem().string());
    std::sort(names.begin(), names.end());
    return putList(names, szFileList, pulSize);
}

ESEAL_SKF_EXPORT ULONG SKF_GetFileInfo(HAPPLICATION hApp, LPSTR szFileName, FILEATTRIBUTE* pInfo) {
    std::lock_guard<std::mutex> lock(g_mutex);
    Config c;
    if (!asApp(hApp) || !pInfo || !loadConfig(c) || !validFileName(szFileName)) return SAR_INVALIDPARAMERR;
    FileMeta m;
    if (!readMeta(c, szFileName, m)) return SAR_FILE_NOT_EXIST;
    std::memset(pInfo, 0, sizeof *pInfo);
    std::snprintf(pInfo->FileName, sizeof pInfo->FileName, "%s", szFileName);
    pInfo->FileSize = m.size;
    pInfo->ReadRights = m.read;
    pInfo->WriteRights = m.write;
    return SAR_OK;
}

// At most 2048 bytes a call, as many devices: the caller must read in pieces.
ESEAL_SKF_EXPORT ULONG SKF_ReadFile(HAPPLICATION hApp, LPSTR szFileName, ULONG ulOffset, ULONG ulSize,
                                    BYTE* pbOut, ULONG* pulOutLen) {
    std::lock_guard<std::mutex> lock(g_mutex);
    Config c;
    App* a = asApp(hApp);
    if (!a || !pulOutLen || !loadConfig(c) || !validFileName(szFileName)) return SAR_INVALIDPARAMERR;
    FileMeta m;
    if (!readMeta(c, szFileName, m)) return SAR_FILE_NOT_EXIST;
    if (!allowed(*a, m.read)) return SAR_USER_NOT_LOGGED_IN;
    if (ulOffset > m.size) return SAR_INDATALENERR;
    const ULONG n = std::min<ULONG>({ulSize, m.size - ulOffset, 2048});
    if (!pbOut) {
        *pulOutLen = n;
        return SAR_OK;
    }
    if (*pulOutLen < n) return SAR_BUFFER_TOO_SMALL;
    std::ifstream data(filePath(c, szFileName, ".data"), std::ios::binary);
    data.seekg(ulOffset);
    data.read(reinterpret_cast<char*>(pbOut), n);
    if (static_cast<ULONG>(data.gcount()) != n) return SAR_FAIL;
    *pulOutLen = n;
    return SAR_OK;
}

ESEAL_SKF_EXPORT ULONG SKF_WriteFile(HAPPLICATION hApp, LPSTR szFileName, ULONG ulOffset, BYTE* pbData,
                                     ULONG ulSize) {
    std::lock_guard<std::mutex> lock(g_mutex);
    Config c;
    App* a = asApp(hApp);
    if (!a || !pbData || !loadConfig(c) || !validFileName(szFileName)) return SAR_INVALIDPARAMERR;
    FileMeta m;
    if (!readMeta(c, szFileName, m)) return SAR_FILE_NOT_EXIST;
    if (!allowed(*a, m.write)) return SAR_USER_NOT_LOGGED_IN;
    if (ulOffset > m.size || ulSize > m.size - ulOffset) return SAR_INDATALENERR;
    std::fstream data(filePath(c, szFileName, ".data"), std::ios::binary | std::ios::in | std::ios::out);
    data.seekp(ulOffset);
    data.write(reinterpret_cast<const char*>(pbData), ulSize);
    return data.flush() ? SAR_OK : SAR_FAIL;
}

}  // extern "C"
