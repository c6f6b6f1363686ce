// The GM/T 0016-2012 (SKF, smart cryptographic key application interface)
// types, constants and function types eseal uses, declared here from the
// standard so no vendor header is needed. Vendors ship the functions in their
// own shared library (e.g. libgm3000.1.0.so); eseal resolves them by name.
//
// On Linux every SKF integer type is 32 bits wide (GM/T 0016 5.1: ULONG is
// UINT32, BOOL is INT32) and handles are void*.
#pragma once

#include <cstdint>

namespace eseal::skf {

using BYTE = std::uint8_t;
using CHAR = char;
using ULONG = std::uint32_t;
using BOOL = std::int32_t;
using LPSTR = CHAR*;
using HANDLE = void*;
using DEVHANDLE = HANDLE;
using HAPPLICATION = HANDLE;
using HCONTAINER = HANDLE;

inline constexpr BOOL kTrue = 1;
inline constexpr BOOL kFalse = 0;

// GM/T 0016 A.2: error codes (SAR_*).
inline constexpr ULONG SAR_OK = 0x00000000;
inline constexpr ULONG SAR_FAIL = 0x0A000001;
inline constexpr ULONG SAR_NOTSUPPORTYETERR = 0x0A000003;
inline constexpr ULONG SAR_INVALIDHANDLEERR = 0x0A000005;
inline constexpr ULONG SAR_INVALIDPARAMERR = 0x0A000006;
inline constexpr ULONG SAR_INDATALENERR = 0x0A000010;
inline constexpr ULONG SAR_KEYNOTFOUNTERR = 0x0A00001B;
inline constexpr ULONG SAR_CERTNOTFOUNTERR = 0x0A00001C;
inline constexpr ULONG SAR_BUFFER_TOO_SMALL = 0x0A000020;
inline constexpr ULONG SAR_DEVICE_REMOVED = 0x0A000023;
inline constexpr ULONG SAR_PIN_INCORRECT = 0x0A000024;
inline constexpr ULONG SAR_PIN_LOCKED = 0x0A000025;
inline constexpr ULONG SAR_PIN_INVALID = 0x0A000026;
inline constexpr ULONG SAR_PIN_LEN_RANGE = 0x0A000027;
inline constexpr ULONG SAR_USER_NOT_LOGGED_IN = 0x0A00002D;
inline constexpr ULONG SAR_APPLICATION_NOT_EXISTS = 0x0A00002E;
inline constexpr ULONG SAR_FILE_ALREADY_EXIST = 0x0A00002F;
inline constexpr ULONG SAR_NO_ROOM = 0x0A000030;
inline constexpr ULONG SAR_FILE_NOT_EXIST = 0x0A000031;

// GM/T 0016 6.4.10: file access rights.
inline constexpr ULONG SECURE_NEVER_ACCOUNT = 0x00000000;
inline constexpr ULONG SECURE_ADM_ACCOUNT = 0x00000001;
inline constexpr ULONG SECURE_USER_ACCOUNT = 0x00000010;
inline constexpr ULONG SECURE_ANYONE_ACCOUNT = 0x000000FF;
// GM/T 0016 7.5.2: a file name has at most 32 bytes.
inline constexpr int kMaxFileNameLen = 32;

// GM/T 0016 6.4.9: PIN types.
inline constexpr ULONG ADMIN_TYPE = 0;
inline constexpr ULONG USER_TYPE = 1;

// GM/T 0016 7.4.10 SKF_GetContainerType.
inline constexpr ULONG kContainerEmpty = 0;
inline constexpr ULONG kContainerRsa = 1;
inline constexpr ULONG kContainerEcc = 2;

// GM/T 0006 algorithm identifiers used in blobs.
inline constexpr ULONG SGD_SM2_1 = 0x00020100;  // SM2 signature
inline constexpr ULONG SGD_RSA = 0x00010000;

inline constexpr int kMaxRsaModulusLen = 256;
inline constexpr int kMaxRsaExponentLen = 4;
inline constexpr int kEccMaxCoordinateLen = 64;  // 512 bits; a 256-bit value sits in the last 32 bytes

struct VERSION {
    BYTE major;
    BYTE minor;
};

// GM/T 0016 6.4.1.
struct DEVINFO {
    VERSION Version;
    CHAR Manufacturer[64];
    CHAR Issuer[64];
    CHAR Label[32];
    CHAR SerialNumber[32];
    VERSION HWVersion;
    VERSION FirmwareVersion;
    ULONG AlgSymCap;
    ULONG AlgAsymCap;
    ULONG AlgHashCap;
    ULONG DevAuthAlgId;
    ULONG TotalSpace;
    ULONG FreeSpace;
    ULONG MaxECCBufferSize;
    ULONG MaxBufferSize;
    BYTE Reserved[64];
};

// GM/T 0016 6.4.2.
struct RSAPUBLICKEYBLOB {
    ULONG AlgID;
    ULONG BitLen;
    BYTE Modulus[kMaxRsaModulusLen];
    BYTE PublicExponent[kMaxRsaExponentLen];
};

// GM/T 0016 6.4.4: coordinates big-endian, right-aligned in 64 bytes.
struct ECCPUBLICKEYBLOB {
    ULONG BitLen;
    BYTE XCoordinate[kEccMaxCoordinateLen];
    BYTE YCoordinate[kEccMaxCoordinateLen];
};

// GM/T 0016 6.4.7: r and s, big-endian, right-aligned in 64 bytes each.
struct ECCSIGNATUREBLOB {
    BYTE r[kEccMaxCoordinateLen];
    BYTE s[kEccMaxCoordinateLen];
};

// GM/T 0016 6.4.9 FILEATTRIBUTE.
struct FILEATTRIBUTE {
    CHAR FileName[32];
    ULONG FileSize;
    ULONG ReadRights;
    ULONG WriteRights;
};

// Function types (GM/T 0016 clause 7), in the order the standard lists them.
extern "C" {
using PFN_SKF_EnumDev = ULONG (*)(BOOL bPresent, LPSTR szNameList, ULONG* pulSize);
using PFN_SKF_ConnectDev = ULONG (*)(LPSTR szName, DEVHANDLE* phDev);
using PFN_SKF_DisConnectDev = ULONG (*)(DEVHANDLE hDev);
using PFN_SKF_GetDevInfo = ULONG (*)(DEVHANDLE hDev, DEVINFO* pDevInfo);
using PFN_SKF_ChangePIN = ULONG (*)(HAPPLICATION hApp, ULONG ulPINType, LPSTR szOldPin, LPSTR szNewPin,
                                    ULONG* pulRetryCount);
using PFN_SKF_GetPINInfo = ULONG (*)(HAPPLICATION hApp, ULONG ulPINType, ULONG* pulMaxRetryCount,
                                     ULONG* pulRemainRetryCount, BOOL* pbDefaultPin);
using PFN_SKF_VerifyPIN = ULONG (*)(HAPPLICATION hApp, ULONG ulPINType, LPSTR szPIN, ULONG* pulRetryCount);
using PFN_SKF_UnblockPIN = ULONG (*)(HAPPLICATION hApp, LPSTR szAdminPIN, LPSTR szNewUserPIN,
                                     ULONG* pulRetryCount);
using PFN_SKF_ClearSecureState = ULONG (*)(HAPPLICATION hApp);
using PFN_SKF_EnumApplication = ULONG (*)(DEVHANDLE hDev, LPSTR szAppName, ULONG* pulSize);
using PFN_SKF_OpenApplication = ULONG (*)(DEVHANDLE hDev, LPSTR szAppName, HAPPLICATION* phApp);
using PFN_SKF_CloseApplication = ULONG (*)(HAPPLICATION hApp);
// GM/T 0016 7.5: files of an application.
using PFN_SKF_CreateFile = ULONG (*)(HAPPLICATION hApp, LPSTR szFileName, ULONG ulFileSize,
                                     ULONG ulReadRights, ULONG ulWriteRights);
using PFN_SKF_DeleteFile = ULONG (*)(HAPPLICATION hApp, LPSTR szFileName);
using PFN_SKF_EnumFiles = ULONG (*)(HAPPLICATION hApp, LPSTR szFileList, ULONG* pulSize);
using PFN_SKF_GetFileInfo = ULONG (*)(HAPPLICATION hApp, LPSTR szFileName, FILEATTRIBUTE* pFileInfo);
using PFN_SKF_ReadFile = ULONG (*)(HAPPLICATION hApp, LPSTR szFileName, ULONG ulOffset, ULONG ulSize,
                                   BYTE* pbOutData, ULONG* pulOutLen);
using PFN_SKF_WriteFile = ULONG (*)(HAPPLICATION hApp, LPSTR szFileName, ULONG ulOffset, BYTE* pbData,
                                    ULONG ulSize);
using PFN_SKF_EnumContainer = ULONG (*)(HAPPLICATION hApp, LPSTR szContainerName, ULONG* pulSize);
using PFN_SKF_OpenContainer = ULONG (*)(HAPPLICATION hApp, LPSTR szContainerName, HCONTAINER* phContainer);
using PFN_SKF_CloseContainer = ULONG (*)(HCONTAINER hContainer);
// GM/T 0016 7.4.2 / 7.4.3: a new, empty container; deleting one with its keys.
using PFN_SKF_CreateContainer = ULONG (*)(HAPPLICATION hApp, LPSTR szContainerName, HCONTAINER* phContainer);
using PFN_SKF_DeleteContainer = ULONG (*)(HAPPLICATION hApp, LPSTR szContainerName);
using PFN_SKF_GetContainerType = ULONG (*)(HCONTAINER hContainer, ULONG* pulContainerType);
// GM/T 0016 7.4.11: stores the signing (bSignFlag TRUE) or encryption certificate.
using PFN_SKF_ImportCertificate = ULONG (*)(HCONTAINER hContainer, BOOL bSignFlag, BYTE* pbCert,
                                            ULONG ulCertLen);
using PFN_SKF_ExportCertificate = ULONG (*)(HCONTAINER hContainer, BOOL bSignFlag, BYTE* pbCert,
                                            ULONG* pulCertLen);
using PFN_SKF_ExportPublicKey = ULONG (*)(HCONTAINER hContainer, BOOL bSignFlag, BYTE* pbBlob,
                                          ULONG* pulBlobLen);
// GM/T 0016 7.6.4 / 7.6.10: a signing key pair generated in the container; the
// private key never leaves the device.
using PFN_SKF_GenRSAKeyPair = ULONG (*)(HCONTAINER hContainer, ULONG ulBitsLen, RSAPUBLICKEYBLOB* pBlob);
using PFN_SKF_GenECCKeyPair = ULONG (*)(HCONTAINER hContainer, ULONG ulAlgId, ECCPUBLICKEYBLOB* pBlob);
using PFN_SKF_RSASignData = ULONG (*)(HCONTAINER hContainer, BYTE* pbData, ULONG ulDataLen, BYTE* pbSignature,
                                      ULONG* pulSignLen);
// GM/T 0016 7.6.13: pbDigest is e = SM3(Z || M) for SM2 (the GM/T 0009
// preprocessing is the caller's job), a plain digest for other curves.
using PFN_SKF_ECCSignData = ULONG (*)(HCONTAINER hContainer, BYTE* pbDigest, ULONG ulDigestLen,
                                      ECCSIGNATUREBLOB* pSignature);
}

}  // namespace eseal::skf
