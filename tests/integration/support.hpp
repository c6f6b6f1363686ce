// Shared helpers of the integration tests: they drive the eseal binary as a
// subprocess and check what it writes with independent tools (pdfsig, qpdf,
// pdftoppm). Nothing here links eseal's own libraries: the tests see eseal only
// through its command line, as a user does.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace integ {

namespace fs = std::filesystem;

// ---- the test environment (paths come from CMake) ----
const std::string& esealBin();  // ESEAL_BIN
fs::path pkiDir();              // ESEAL_TEST_PKI
fs::path inputsDir();           // ESEAL_TEST_DATA/inputs (fixture "inputs")
fs::path softhsmDir();          // ESEAL_TEST_SOFTHSM
fs::path sourceDir();           // ESEAL_SOURCE_DIR
fs::path trustPem();            // pki/trust.pem (root-ca only)
fs::path nssDb();               // inputs/nssdb: root-ca trusted, for pdfsig
fs::path sealPng();             // inputs/seal-red.png

inline constexpr const char* kSoftHsmModule = "/usr/lib/softhsm/libsofthsm2.so";
inline constexpr const char* kSpyModule = "/usr/lib/x86_64-linux-gnu/pkcs11-spy.so";
inline constexpr const char* kUserPin = "11223344";
inline constexpr const char* kPinVar = "ESEAL_INTEG_PIN";  // --pin-env variable the tests set

// pkcs11: URI of a key on the fixture token ("signer-ec" or "signer-rsa").
std::string keyUri(const std::string& object, const std::string& module = kSoftHsmModule);
std::string tokenUri(const std::string& module = kSoftHsmModule);

// ---- subprocesses ----
struct RunResult {
    int exitCode = -1;  // exit status; 128+N when killed by signal N; -1 spawn failure
    std::string out, err;
    bool timedOut = false;
    std::string describe() const;  // for failure messages
};

using Env = std::map<std::string, std::string>;  // overrides; value kUnset removes the variable
inline constexpr const char* kUnset = "\x01unset";

// Environment for a run through OpenSC's PKCS#11 spy (kSpyModule) in front of
// SoftHSM2, logging every call to log; also suppresses the spy's own leak for
// sanitizer builds of eseal.
Env spyEnv(const fs::path& log);

// Runs argv[0] (looked up in PATH when it has no slash) in a new session
// (setsid: no controlling terminal, so a PIN prompt cannot block), stdin from
// /dev/null, stdout and stderr captured. Always sets SOFTHSM2_CONF to the
// fixture token and kPinVar to the user PIN unless env overrides them.
RunResult run(const std::vector<std::string>& argv, const Env& env = {}, int timeoutSeconds = 120);

// Runs eseal with args; fails the current test loudly when the binary is missing.
RunResult eseal(const std::vector<std::string>& args, const Env& env = {}, int timeoutSeconds = 120);

// ---- files ----
struct TempDir {
    fs::path path;
    explicit TempDir(const std::string& tag);
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    fs::path operator/(const std::string& name) const { return path / name; }
};
// A private copy of the fixture SoftHSM2 token, for tests that change it (add
// objects, enter wrong PINs) while other tests use the shared one; run eseal
// with SOFTHSM2_CONF=conf.
struct PrivateToken {
    TempDir dir{"token"};
    fs::path conf;
    PrivateToken();
};
std::string readFile(const fs::path& p);
void writeFile(const fs::path& p, const std::string& data);
// A PDF with one stream of streamBytes zeros (sparse), so that sealing it takes long
// enough to be interrupted while the temporary exists.
void writeLargePdf(const fs::path& p, std::size_t streamBytes);
std::string sha256File(const fs::path& p);              // hex, by OpenSSL's EVP API
std::vector<std::string> listDir(const fs::path& dir);  // sorted names
// Whether hay contains any of needles, ASCII letters compared case-insensitively.
// (No std::regex here: GCC 12 warns inside <regex> under the sanitizer build.)
bool containsAny(const std::string& hay, const std::vector<std::string>& needles);

// ---- PDF signatures and DER ----
struct ByteRange {
    std::size_t a = 0, b = 0, c = 0, d = 0;
};
// The /ByteRange of the last signature dictionary in the file (ISO 32000-1 12.8.1).
ByteRange lastByteRange(const std::string& pdf);
// The DER in the /Contents between the ranges of br ([a b] and [c d]; the
// hex's zero padding cut off at its ContentInfo's length).
std::string contentsDer(const std::string& pdf, const ByteRange& br);
// The content of the DER TLV at `offset` of der, and the TLV's full length.
std::pair<std::string, std::size_t> tlvAt(const std::string& der, std::size_t offset);
// One line of `openssl asn1parse -inform DER -i`.
struct Asn1Line {
    std::size_t offset = 0, header = 0, length = 0;
    int depth = 0;
    std::string kind;   // "SEQUENCE", "OBJECT", "BIT STRING", ...
    std::string value;  // after the ':' following the kind ("" when none)
};
// Parsed by OpenSSL's asn1parse, an independent DER parser; fails the test on error.
std::vector<Asn1Line> asn1parse(const fs::path& der);

// ---- eseal verify --json ----
struct Verified {
    RunResult run;
    nlohmann::json report;  // null when stdout was not JSON
};
Verified verifyJson(const std::vector<fs::path>& files);
Verified verifyJson(const fs::path& file);
// The signature object with field name id, or nullptr.
const nlohmann::json* findSignature(const nlohmann::json& report, const std::string& id);

// ---- pdfsig (Poppler) ----
struct PdfsigSignature {
    std::string fieldName;
    std::string commonName;
    std::string hash;    // "SHA-256"
    std::string type;    // "ETSI.CAdES.detached"
    bool valid = false;  // "Signature is Valid."
    bool totalDocument = false;
    bool certTrusted = false;  // "Certificate is Trusted." with the inputs' NSS db
    std::string validation;    // the raw validation line
};
struct PdfsigResult {
    RunResult run;
    std::vector<PdfsigSignature> signatures;
};
PdfsigResult pdfsig(const fs::path& file);

// qpdf --check: exit 0 and no warnings. Returns the output for messages.
bool qpdfCheck(const fs::path& file, std::string* output = nullptr);

// ---- rendering ----
struct Raster {
    int width = 0, height = 0;
    std::vector<std::uint8_t> rgb;   // width*height*3
    bool isRed(int x, int y) const;  // R > 150, G < 90, B < 90
};
// pdftoppm -r dpi -png -cropbox of one page (1-based), decoded with libpng.
Raster render(const fs::path& pdf, int page, int dpi = 50);

// "sealed IN -> OUT (field F, page N)" lines of eseal sign's stdout.
struct SealedLine {
    std::string in, out, field;
    int page = 0;
};
std::vector<SealedLine> parseSealedLines(const std::string& out);

// ---- sealing ----
// eseal sign INPUTS... OUTPUT_ARGS... --key keyUri(keyObject) --seal seal-red.png
// --pin-env kPinVar EXTRA...
RunResult sign(const std::vector<fs::path>& inputs, const std::vector<std::string>& outputArgs,
               const std::string& keyObject, const std::vector<std::string>& extra = {}, const Env& env = {});

// The common name of the fixture signer certificates.
std::string commonNameOf(const std::string& keyObject);

// Checks a PDF eseal sealed with keyObject into field `field` as the file's
// latest revision: qpdf --check clean; eseal verify --json says that signature
// PASSED, covers the entire file, chain trusted, right signer and algorithm;
// pdfsig finds `pdfsigCount` signatures, all valid, ours totally signed and
// trusted. Returns the verify report for more checks.
nlohmann::json checkSealed(const fs::path& out, const std::string& field, const std::string& keyObject,
                           std::size_t pdfsigCount);

}  // namespace integ
