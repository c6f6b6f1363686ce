// Keys on SKF (GM/T 0016) USB Keys, reached through the vendor's library:
//   skf:/usr/lib/libgm3000.1.0.so?device=NAME&app=NAME&container=NAME
// device, app and container may be left out when the library shows exactly one.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/key/key.hpp"
#include "core/key/pin.hpp"
#include "core/token/key_seals.hpp"

namespace eseal {

struct SkfSpec {
    std::string library;  // path of the vendor's SKF library
    std::string device;   // SKF_EnumDev name; empty: the only device present
    std::string app;      // application; empty: the only one
    std::string container;

    // Throws Error(Usage) for a malformed spec or an unknown attribute.
    static SkfSpec parse(std::string_view spec);
    std::string toString() const;  // percent-encoded, parse(toString()) == *this
};

std::unique_ptr<Key> openSkfKey(std::string_view spec, PinSource& pins);
// The signing certificate of the container the spec names, read without a PIN.
std::vector<Bytes> skfCertificateBeforeLogin(std::string_view spec);

struct SkfContainerInfo {
    std::string name;
    std::string keyType;                    // "SM2", "RSA", "empty"
    std::string subject, issuer, notAfter;  // of the signing certificate, empty when none
    std::string keySpec;                    // for eseal sign --key
};

struct SkfAppInfo {
    std::string name;
    PinState userPin, adminPin;
    std::vector<SkfContainerInfo> containers;
    std::string tokenSpec;  // for eseal token unlock / change-pin --token
};

struct SkfDeviceInfo {
    std::string name, label, manufacturer, serial;
    std::vector<SkfAppInfo> apps;
    std::string error;  // this device could not be read
};

// True when path loads as a library exporting SKF_EnumDev (no device is touched).
bool isSkfLibrary(const std::string& path);
// Devices, applications, PIN state (exact retries left) and containers; no PIN asked.
std::vector<SkfDeviceInfo> listSkf(const std::string& library);
// PIN state of the user PIN of the application a spec names.
PinState skfUserPinState(std::string_view spec);
// SKF_ChangePIN of the user PIN; a wrong old PIN is never retried.
void changeSkfPin(std::string_view spec, PinSource& oldPins, PinSource& newPins);
// SKF_UnblockPIN: a new user PIN set with the admin PIN.
void unlockSkfPin(std::string_view spec, PinSource& adminPins, PinSource& newPins);

// Seals as files of an SKF application (GM/T 0016 7.5): every file readable
// without a login, at most kMaxKeySealBytes, that starts like DER (a SEQUENCE);
// the caller keeps those that read as SES_Seal. Certificates: the containers'
// signing certificates.
TokenSeals skfSealsOf(std::string_view spec);
// Every application of every device the library shows.
std::vector<TokenSeals> readSkfSeals(const std::string& library);
// SKF_CreateFile (read: anyone, write: the user) + SKF_WriteFile after SKF_VerifyPIN.
std::string storeSkfSeal(std::string_view spec, const SealToStore& seal, PinSource& pins);

}  // namespace eseal
