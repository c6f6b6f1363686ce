// eseal seal show: an electronic seal (GM/T 0031 / GB/T 38540) as text or
// JSON, its maker signature checked, its picture optionally written out.
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "cli/commands.hpp"
#include "core/base/atomic_file.hpp"
#include "core/base/bytes.hpp"
#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "core/base/time.hpp"
#include "core/seal/ses_seal.hpp"
#include "core/seal/ses_signature.hpp"

namespace eseal::cli {

namespace {

using Json = nlohmann::ordered_json;
using namespace eseal::seal;

// A seal file, or an electronic signature (SES_Signature) holding one.
struct Shown {
    SesSeal seal;
    std::optional<SesSignature> signature;
};

Shown readSealOrSignature(const std::string& path) {
    Shown shown;
    const Bytes data = loadSealBytes(path);
    try {
        shown.seal = readSeal(data, path);
        return shown;
    } catch (const Error& sealError) {
        if (sealError.category() != ErrorCategory::BadInput) throw;
        try {
            shown.signature = readSignature(data, path);
        } catch (const Error&) {
            throw sealError;  // neither: the seal's message is the one people expect
        }
        shown.seal = shown.signature->seal;
        return shown;
    }
}

// Lower-case picture type to a file extension ("PNG" -> "png").
std::string lower(std::string s) {
    for (auto& c : s)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return s;
}

bool endsWith(const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

const char* validityState(const SesSeal& seal, std::time_t at) {
    if (at < seal.property.validStart) return "not yet valid";
    if (at > seal.property.validEnd) return "expired";
    return "valid";
}

Json certJson(ByteView der) {
    const CertSummary c = describeCertificate(der);
    Json j;
    j["readable"] = c.readable;
    j["subject"] = c.subject;
    j["issuer"] = c.issuer;
    j["serial"] = c.serialHex;
    j["notBefore"] = c.readable ? isoUtc(c.notBefore) : "";
    j["notAfter"] = c.readable ? isoUtc(c.notAfter) : "";
    j["der"] = toHex(der);
    return j;
}

Json sealJson(const std::string& file, const Shown& shown, const MakerCheck& maker, std::time_t at) {
    const SesSeal& s = shown.seal;
    Json j;
    j["file"] = file;
    j["kind"] = shown.signature ? "signature" : "seal";
    j["standard"] = layoutName(s.layout);
    j["header"] = {{"id", s.header.id}, {"version", s.header.version}, {"vendorId", s.header.vendorId}};
    j["esID"] = s.esId;
    Json certs = Json::array();
    for (const auto& c : s.property.certificates) certs.push_back(certJson(c));
    Json digests = Json::array();
    for (const auto& d : s.property.certDigests) digests.push_back({{"type", d.type}, {"value", toHex(d.value)}});
    j["property"] = {{"type", s.property.type},
                     {"name", s.property.name},
                     {"certListType", s.property.certListType},
                     {"certificates", std::move(certs)},
                     {"certDigests", std::move(digests)},
                     {"createDate", isoUtc(s.property.createDate)},
                     {"validStart", isoUtc(s.property.validStart)},
                     {"validEnd", isoUtc(s.property.validEnd)},
                     {"validity", validityState(s, at)}};
    j["picture"] = {{"type", s.picture.type},
                    {"bytes", s.picture.data.size()},
                    {"widthMm", s.picture.widthMm},
                    {"heightMm", s.picture.heightMm}};
    Json ext = Json::array();
    for (const auto& e : s.extensions)
        ext.push_back({{"oid", e.oid}, {"critical", e.critical}, {"value", toHex(e.value)}});
    j["extensions"] = std::move(ext);
    j["maker"] = certJson(s.makerCertificate);
    j["signatureAlgorithm"] = {{"oid", s.signatureAlgorithm}, {"name", algorithmName(s.signatureAlgorithm)}};
    j["makerSignature"] = {{"valid", maker.valid}, {"detail", maker.detail}};
    j["warnings"] = s.warnings;
    if (shown.signature) {
        const SesSignature& sig = *shown.signature;
        const MakerCheck signer = checkSignerSignature(sig);
        j["signature"] = {{"version", sig.version},
                          {"timeInfo", sig.timeInfo},
                          {"dataHash", toHex(sig.dataHash)},
                          {"propertyInfo", sig.propertyInfo},
                          {"signer", certJson(sig.signerCertificate)},
                          {"signatureAlgorithm", algorithmName(sig.signatureAlgorithm)},
                          {"valid", signer.valid},
                          {"detail", signer.detail}};
    }
    return j;
}

std::string certLine(ByteView der) {
    const CertSummary c = describeCertificate(der);
    if (!c.readable) return tr("(not a readable certificate)");
    return c.subject + " (" + tr("serial") + " " + c.serialHex + ", " + isoUtc(c.notBefore) + " .. " +
           isoUtc(c.notAfter) + ")";
}

void printText(const std::string& file, const Shown& shown, const MakerCheck& maker, std::time_t at) {
    const SesSeal& s = shown.seal;
    std::cout << file << " (" << (shown.signature ? tr("electronic signature holding a seal") : tr("electronic seal"))
              << ", " << layoutName(s.layout) << ", " << tr("header version") << " " << s.header.version << ")\n";
    std::cout << "  " << tr("name") << ": " << s.property.name << "\n";
    std::cout << "  " << tr("seal ID") << ": " << s.esId << "\n";
    std::cout << "  " << tr("type") << ": " << s.property.type << "\n";
    std::cout << "  " << tr("vendor") << ": " << s.header.vendorId << "\n";
    std::cout << "  " << tr("created") << ": " << isoUtc(s.property.createDate) << "\n";
    std::cout << "  " << tr("validity") << ": " << isoUtc(s.property.validStart) << " .. " << isoUtc(s.property.validEnd)
              << " (" << tr(validityState(s, at)) << ")\n";
    std::cout << "  " << tr("picture") << ": " << s.picture.type << ", " << s.picture.data.size() << " "
              << tr("bytes") << ", " << s.picture.widthMm << " x " << s.picture.heightMm << " mm\n";
    std::cout << "  " << tr("certificates bound") << ":\n";
    for (const auto& c : s.property.certificates) std::cout << "    " << certLine(c) << "\n";
    for (const auto& d : s.property.certDigests)
        std::cout << "    " << tr("digest") << " " << d.type << " " << toHex(d.value) << "\n";
    for (const auto& e : s.extensions)
        std::cout << "  " << tr("extension") << ": " << e.oid << (e.critical ? " (critical)" : "") << ", "
                  << e.value.size() << " " << tr("bytes") << "\n";
    std::cout << "  " << tr("maker") << ": " << certLine(s.makerCertificate) << "\n";
    std::cout << "  " << tr("maker signature") << ": "
              << (maker.valid ? tr("valid") : tr("INVALID")) << " (" << maker.detail << ")\n";
    if (shown.signature) {
        const SesSignature& sig = *shown.signature;
        const MakerCheck signer = checkSignerSignature(sig);
        std::cout << "  " << tr("signed at") << ": " << sig.timeInfo << "\n";
        std::cout << "  " << tr("signed data") << ": " << sig.propertyInfo << "\n";
        std::cout << "  " << tr("signer") << ": " << certLine(sig.signerCertificate) << "\n";
        std::cout << "  " << tr("signer signature") << ": " << (signer.valid ? tr("valid") : tr("INVALID")) << " ("
                  << signer.detail << ")\n";
    }
    for (const auto& w : s.warnings) std::cout << "  " << tr("warning") << ": " << w << "\n";
}

void writePicture(const SesSeal& seal, const std::string& out) {
    const std::string type = lower(seal.picture.type);
    // The picture is written as stored; a .png name for a GIF would mislead.
    if (endsWith(lower(out), ".png") && type != "png")
        throw Error(ErrorCategory::Usage, "the seal's picture is " + seal.picture.type + ", not PNG: give --image a ." +
                                              type + " name");
    AtomicFile file(out);
    file.write(seal.picture.data);
    file.commit();
}

int runShow(const Args& args) {
    const auto& files = args.positional();
    if (files.size() != 1) throw Error(ErrorCategory::Usage, "seal show takes one seal file (see: eseal seal show --help)");
    const std::string& path = files[0];
    const Shown shown = readSealOrSignature(path);
    const MakerCheck maker = checkMakerSignature(shown.seal);
    const std::time_t at = now();
    if (auto image = args.get("--image")) writePicture(shown.seal, *image);
    if (args.has("--json"))
        std::cout << sealJson(path, shown, maker, at).dump(2, ' ', false, Json::error_handler_t::replace) << "\n";
    else
        printText(path, shown, maker, at);
    bool ok = maker.valid;
    if (shown.signature) ok = ok && checkSignerSignature(*shown.signature).valid;
    return ok ? kOk : kVerifyFailed;
}

}  // namespace

const Command& sealShowCommand() {
    static const Command command{
        {"seal show",
         "FILE [--json] [--image OUT]",
         "Show an electronic seal (GB/T 38540 / GM/T 0031) and check its maker signature.",
         "FILE is a seal (SES_Seal: GM/T 0031-2014 V1, GB/T 38540-2020 V4, header version 5) or an\n"
         "electronic signature (SES_Signature) holding one. Shows the header, seal ID, name, type,\n"
         "validity, picture (type, size in mm), the certificates the seal binds, extensions and the\n"
         "maker; checks the maker signature (SM2 with SM3, RSA, ECDSA) with the maker certificate.\n"
         "--image writes the picture as stored (PNG, GIF, JPG, OFD), atomically.\n\n"
         "Exit codes: 0 read and every signature valid, 1 a signature does not verify,\n"
         "4 not a readable or supported seal, 6 the picture cannot be written, 64 usage.\n",
         {
             {"--json", "", false, false, "", "Print the seal as JSON."},
             {"--image", "", true, false, "OUT", "Write the seal's picture to OUT."},
         }},
        runShow};
    return command;
}

}  // namespace eseal::cli
