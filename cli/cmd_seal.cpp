// eseal seal show: an electronic seal (GM/T 0031 / GB/T 38540) as text or
// JSON, its maker signature checked, its picture optionally written out.
#include <openssl/pem.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "cli/commands.hpp"
#include "cli/install_paths.hpp"
#include "cli/pin_sources.hpp"
#include "core/base/atomic_file.hpp"
#include "core/base/bytes.hpp"
#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "core/base/time.hpp"
#include "core/crypto/sm2.hpp"
#include "core/ossl/ossl.hpp"
#include "core/seal/binding.hpp"
#include "core/seal/image.hpp"
#include "core/seal/ses_seal.hpp"
#include "core/seal/ses_signature.hpp"
#include "core/token/key_registry.hpp"
#include "core/token/key_seals.hpp"

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
    for (const auto& d : s.property.certDigests)
        digests.push_back({{"type", d.type}, {"value", toHex(d.value)}});
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
    std::cout << file << " ("
              << (shown.signature ? tr("electronic signature holding a seal") : tr("electronic seal")) << ", "
              << layoutName(s.layout) << ", " << tr("header version") << " " << s.header.version << ")\n";
    std::cout << "  " << tr("name") << ": " << s.property.name << "\n";
    std::cout << "  " << tr("seal ID") << ": " << s.esId << "\n";
    std::cout << "  " << tr("type") << ": " << s.property.type << "\n";
    std::cout << "  " << tr("vendor") << ": " << s.header.vendorId << "\n";
    std::cout << "  " << tr("created") << ": " << isoUtc(s.property.createDate) << "\n";
    std::cout << "  " << tr("validity") << ": " << isoUtc(s.property.validStart) << " .. "
              << isoUtc(s.property.validEnd) << " (" << tr(validityState(s, at)) << ")\n";
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
    std::cout << "  " << tr("maker signature") << ": " << (maker.valid ? tr("valid") : tr("INVALID")) << " ("
              << maker.detail << ")\n";
    if (shown.signature) {
        const SesSignature& sig = *shown.signature;
        const MakerCheck signer = checkSignerSignature(sig);
        std::cout << "  " << tr("signed at") << ": " << sig.timeInfo << "\n";
        std::cout << "  " << tr("signed data") << ": " << sig.propertyInfo << "\n";
        std::cout << "  " << tr("signer") << ": " << certLine(sig.signerCertificate) << "\n";
        std::cout << "  " << tr("signer signature") << ": " << (signer.valid ? tr("valid") : tr("INVALID"))
                  << " (" << signer.detail << ")\n";
    }
    for (const auto& w : s.warnings) std::cout << "  " << tr("warning") << ": " << w << "\n";
}

void writePicture(const SesSeal& seal, const std::string& out) {
    const std::string type = lower(seal.picture.type);
    // The picture is written as stored; a .png name for a GIF would mislead.
    if (endsWith(lower(out), ".png") && type != "png")
        throw Error(ErrorCategory::Usage,
                    fill(tr("the seal's picture is {type}, not PNG: give --image a .{ext} name"),
                         {{"{type}", seal.picture.type}, {"{ext}", type}}));
    AtomicFile file(out);
    file.write(seal.picture.data);
    file.commit();
}

int runShow(const Args& args) {
    const auto& files = args.positional();
    if (files.size() != 1)
        throw Error(ErrorCategory::Usage,
                    fill(tr("{command} takes one seal file (see: eseal {command} --help)"),
                         {{"{command}", "seal show"}}));
    const std::string& path = files[0];
    const Shown shown = readSealOrSignature(path);
    const MakerCheck maker = checkMakerSignature(shown.seal);
    const std::time_t at = now();
    if (auto image = args.get("--image")) writePicture(shown.seal, *image);
    if (args.has("--json"))
        std::cout << sealJson(path, shown, maker, at).dump(2, ' ', false, Json::error_handler_t::replace)
                  << "\n";
    else
        printText(path, shown, maker, at);
    bool ok = maker.valid;
    if (shown.signature) ok = ok && checkSignerSignature(*shown.signature).valid;
    return ok ? kOk : kVerifyFailed;
}

// "2026-01-01" at 00:00:00 UTC; the end of a --valid range is the end of its day.
std::time_t parseDate(const std::string& s, bool endOfDay) {
    std::tm tm{};
    int y = 0, m = 0, d = 0;
    char tail = 0;
    if (std::sscanf(s.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || m < 1 || m > 12 || d < 1 ||
        d > 31 || y < 1970 || y > 9999)
        throw Error(
            ErrorCategory::Usage,
            fill(tr("--valid wants FROM..TO as YYYY-MM-DD..YYYY-MM-DD, not '{text}'"), {{"{text}", s}}));
    tm.tm_year = y - 1900;
    tm.tm_mon = m - 1;
    tm.tm_mday = d;
    if (endOfDay) tm.tm_hour = 23, tm.tm_min = 59, tm.tm_sec = 59;
    return timegm(&tm);
}

Bytes loadCertificate(const std::string& path) {
    const Bytes data = readFile(path);
    ossl::BioPtr bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
    X509* pem = bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr;
    if (pem) {
        ossl::X509Ptr owned(pem);
        return ossl::toDer(owned.get());
    }
    try {
        ossl::X509Ptr der = ossl::parseCertificate(data);
        return ossl::toDer(der.get());
    } catch (const Error&) {
        throw Error(ErrorCategory::BadInput, tr("not a certificate (PEM or DER)"), path);
    }
}

std::string randomId() {
    unsigned char b[16];
    if (RAND_bytes(b, sizeof b) != 1) throw CryptoError(tr("no random bytes"));
    return toHex(ByteView(b, sizeof b));
}

int runMake(const Args& args) {
    if (!args.positional().empty())
        throw Error(ErrorCategory::Usage,
                    fill(tr("{command} takes no file arguments (see: eseal {command} --help)"),
                         {{"{command}", "seal make"}}));
    auto need = [&](const char* name) {
        auto v = args.get(name);
        if (!v || v->empty())
            throw Error(ErrorCategory::Usage, fill(tr("{command} needs {option}"),
                                                   {{"{command}", "seal make"}, {"{option}", name}}));
        return *v;
    };
    const std::string imagePath = need("--image"), name = need("--name"), out = need("--out"),
                      valid = need("--valid"), makerKey = need("--maker-key");
    const std::string sizeText = need("--size");
    char* end = nullptr;
    const long mm = std::strtol(sizeText.c_str(), &end, 10);
    if (*end != 0 || mm < 5 || mm > 200)
        throw Error(ErrorCategory::Usage, tr("--size wants the seal's size in mm (5..200)"));
    const std::string typeText = args.get("--type").value_or("unit");
    // GM/T 0031 / GB/T 38540 leave the type codes to the issuer; eseal uses 1 unit, 2 personal.
    long type = typeText == "unit" ? 1 : typeText == "personal" ? 2 : std::strtol(typeText.c_str(), &end, 10);
    if (type <= 0 || type > 1000 || (typeText != "unit" && typeText != "personal" && *end != 0))
        throw Error(ErrorCategory::Usage, tr("--type is unit, personal or a number"));
    const auto dots = valid.find("..");
    if (dots == std::string::npos)
        throw Error(ErrorCategory::Usage, tr("--valid wants FROM..TO (YYYY-MM-DD..YYYY-MM-DD)"));
    const std::time_t from = parseDate(valid.substr(0, dots), false),
                      to = parseDate(valid.substr(dots + 2), true);
    if (to <= from) throw Error(ErrorCategory::Usage, tr("--valid: the end is not after the start"));
    const auto certPaths = args.all("--cert");
    if (certPaths.empty())
        throw Error(ErrorCategory::Usage, tr("seal make needs at least one --cert (the signers it binds)"));
    if (std::filesystem::exists(out) && !args.has("--force"))
        throw Error(ErrorCategory::Usage, tr("the output exists; give --force to replace it"), out);

    SesSeal s;
    s.layout = SealLayout::V4;
    s.header = {"ES", 4, args.get("--vendor").value_or("eseal")};
    s.esId = args.get("--id").value_or(randomId());
    s.property.type = type;
    s.property.name = name;
    s.property.certListType = 1;
    for (const auto& c : certPaths) s.property.certificates.push_back(loadCertificate(c));
    s.property.createDate = now();
    s.property.validStart = from;
    s.property.validEnd = to;
    s.picture.type = "PNG";
    s.picture.data = readFile(imagePath);
    (void)decodePng(s.picture.data, imagePath);  // a readable PNG, within bounds
    s.picture.widthMm = s.picture.heightMm = mm;
    const Bytes info = encodeSealInfoV4(s);

    // Everything that needs no PIN is checked; now the maker's key.
    auto pinEnv = args.get("--pin-env");
    auto pinFile = args.get("--pin-file");
    auto pins = makePinSource(pinEnv ? &*pinEnv : nullptr, pinFile ? &*pinFile : nullptr);
    auto key = openKey(makerKey, *pins);
    const SignatureAlgorithm sm2{SignatureScheme::Sm2, DigestAlgorithm::Sm3};
    bool canSm2 = false;
    for (const auto& a : key->algorithms()) canSm2 = canSm2 || a == sm2;
    if (!canSm2 || key->certificateChain().empty())
        throw Error(ErrorCategory::Usage,
                    tr("the maker key is not an SM2 key with a certificate (GB/T 38540 seals are SM2/SM3)"));
    const Bytes& makerCert = key->certificateChain().front();
    ossl::X509Ptr cert = ossl::parseCertificate(makerCert);
    // GB/T 38540 7.1: the maker signs SES_SealInfo; SM2 with SM3 and the default ID.
    const Bytes e = sm2::signedDigest(X509_get0_pubkey(cert.get()), info);
    const Bytes signature = key->sign(e, sm2);
    const Bytes sealDer = encodeSealV4(info, makerCert, "1.2.156.10197.1.501", signature);

    const SesSeal check = readSeal(sealDer, out);
    if (!checkMakerSignature(check).valid)
        throw CryptoError(tr("the maker signature of the new seal does not verify"));
    AtomicFile file(out);
    file.write(sealDer);
    file.commit();
    std::cout << fill(tr("made {file} ({name}, seal ID {id}, {size} bytes)"),
                      {{"{file}", out},
                       {"{name}", s.property.name},
                       {"{id}", s.esId},
                       {"{size}", std::to_string(sealDer.size())}})
              << "\n";
    return kOk;
}

// ---- seal list: the local seal folder and the seals on the keys ----

std::string sealFolder(const Args& args) {
    if (auto f = args.get("--folder")) return *f;
    return (userDataHome() / "eseal" / "seals").string();
}

struct Listed {
    std::string source;    // "folder" or "token"
    std::string location;  // the file, or the token's URI and the object's label
    std::optional<SesSeal> seal;
    std::string error;
};

// The certificates on every key listed, with the key they are on.
using KeyCertificates = std::vector<std::pair<Bytes, std::string>>;

// After a renewal the key holds the old and the new certificate of one holder:
// the newest other certificate on a key with the same subject, issued after
// the bound one, when there is one.
struct Newer {
    CertSummary cert;
    std::string key;
};
std::optional<Newer> newerOnKeys(ByteView bound, const KeyCertificates& onKeys) {
    const CertSummary b = describeCertificate(bound);
    if (!b.readable) return std::nullopt;
    std::optional<Newer> best;
    for (const auto& [der, key] : onKeys) {
        if (ByteView(der).size() == bound.size() && std::equal(der.begin(), der.end(), bound.begin()))
            continue;
        const CertSummary c = describeCertificate(der);
        if (c.readable && c.subject == b.subject && c.notBefore > b.notBefore &&
            (!best || c.notBefore > best->cert.notBefore))
            best = Newer{c, key};
    }
    return best;
}

// The certificate on a key that the seal's digest entry names.
std::optional<Bytes> keyCertificateFor(const CertDigest& d, const KeyCertificates& onKeys) {
    SesSeal one;
    one.property.certDigests = {d};
    for (const auto& [der, key] : onKeys)
        if (listsCertificate(one, der)) return der;
    return std::nullopt;
}

Json newerJson(const std::optional<Newer>& n) {
    if (!n) return nullptr;
    return {{"serial", n->cert.serialHex}, {"notBefore", isoUtc(n->cert.notBefore)}, {"onKey", n->key}};
}

std::string newerText(const std::optional<Newer>& n) {
    if (!n) return {};
    return "\n      " +
           fill(tr("-> old certificate: {key} holds a newer one of this holder (serial {serial}, "
                   "valid from {from}); ask the seal authority to bind the seal to it"),
                {{"{key}", n->key},
                 {"{serial}", n->cert.serialHex},
                 {"{from}", isoUtc(n->cert.notBefore).substr(0, 10)}});
}

Json listedJson(const Listed& l, const KeyCertificates& onKeys, std::time_t at) {
    Json j;
    j["source"] = l.source;
    j["location"] = l.location;
    if (!l.seal) {
        j["error"] = l.error;
        return j;
    }
    const SesSeal& s = *l.seal;
    j["name"] = s.property.name;
    j["esID"] = s.esId;
    j["validStart"] = isoUtc(s.property.validStart);
    j["validEnd"] = isoUtc(s.property.validEnd);
    j["state"] = validityState(s, at);
    j["makerSignatureValid"] = checkMakerSignature(s).valid;
    Json certs = Json::array();
    for (const auto& c : s.property.certificates) {
        Json cj = certJson(c);
        Json keys = Json::array();
        for (const auto& [der, key] : onKeys)
            if (der == c) keys.push_back(key);
        cj["onKeys"] = keys;
        cj["newerOnKey"] = newerJson(newerOnKeys(c, onKeys));
        certs.push_back(cj);
    }
    for (const auto& d : s.property.certDigests) {
        Json keys = Json::array();
        for (const auto& [der, key] : onKeys) {
            SesSeal one;
            one.property.certDigests = {d};
            if (listsCertificate(one, der)) keys.push_back(key);
        }
        const auto onKey = keyCertificateFor(d, onKeys);
        certs.push_back({{"digestType", d.type},
                         {"digest", toHex(d.value)},
                         {"onKeys", keys},
                         {"newerOnKey", newerJson(onKey ? newerOnKeys(*onKey, onKeys) : std::nullopt)}});
    }
    j["certificates"] = certs;
    return j;
}

void printListed(const Listed& l, const KeyCertificates& onKeys, std::time_t at) {
    std::cout << "  " << l.location << "\n";
    if (!l.seal) {
        std::cout << "    " << tr("not a readable seal") << ": " << l.error << "\n";
        return;
    }
    const SesSeal& s = *l.seal;
    std::cout << "    " << s.property.name << " (" << tr("seal ID") << " " << s.esId << ", "
              << isoUtc(s.property.validStart).substr(0, 10) << " .. "
              << isoUtc(s.property.validEnd).substr(0, 10) << ", " << tr(validityState(s, at)) << ", "
              << tr("maker signature") << " " << (checkMakerSignature(s).valid ? tr("valid") : tr("INVALID"))
              << ")\n";
    auto keysOf = [&](auto&& matches) {
        std::string keys;
        for (const auto& [der, key] : onKeys)
            if (matches(der)) keys += (keys.empty() ? "" : ", ") + key;
        return keys.empty() ? std::string() : "  [" + std::string(tr("on")) + " " + keys + "]";
    };
    for (const auto& c : s.property.certificates)
        std::cout << "    " << tr("binds") << " " << certLine(c)
                  << keysOf([&](const Bytes& d) { return d == c; }) << newerText(newerOnKeys(c, onKeys))
                  << "\n";
    for (const auto& d : s.property.certDigests) {
        SesSeal one;
        one.property.certDigests = {d};
        const auto onKey = keyCertificateFor(d, onKeys);
        std::cout << "    " << tr("binds") << " " << d.type << " " << toHex(d.value)
                  << keysOf([&](const Bytes& der) { return listsCertificate(one, der); })
                  << newerText(onKey ? newerOnKeys(*onKey, onKeys) : std::nullopt) << "\n";
    }
}

int runList(const Args& args) {
    if (!args.positional().empty())
        throw Error(ErrorCategory::Usage,
                    fill(tr("{command} takes no file arguments (see: eseal {command} --help)"),
                         {{"{command}", "seal list"}}));
    const std::string folder = sealFolder(args);
    std::vector<Listed> listed;
    std::error_code ec;
    if (std::filesystem::is_directory(folder, ec)) {
        std::vector<std::string> files;
        for (const auto& entry : std::filesystem::directory_iterator(folder, ec))
            if (entry.is_regular_file(ec)) files.push_back(entry.path().string());
        std::sort(files.begin(), files.end());
        for (const auto& f : files) {
            Listed l{"folder", f, std::nullopt, {}};
            try {
                l.seal = loadSeal(f);
            } catch (const Error& e) {
                l.error = e.message();
            }
            listed.push_back(std::move(l));
        }
    }
    KeyCertificates onKeys;
    std::vector<std::string> keyProblems;
    if (!args.has("--no-keys")) {
        for (const TokenSeals& t : readTokenSeals(args.get("--module"))) {
            if (!t.error.empty())
                keyProblems.push_back((t.tokenLabel.empty() ? t.tokenUri : t.tokenLabel) + ": " + t.error);
            for (const auto& c : t.certificates) onKeys.emplace_back(c, t.tokenLabel);
            for (std::size_t i = 0; i < t.sealValues.size(); ++i) {
                Listed l{"token", t.tokenUri + " " + t.sealLabels[i], std::nullopt, {}};
                try {
                    l.seal = readSeal(t.sealValues[i], t.sealLabels[i]);
                } catch (const Error& e) {
                    if (t.otherFilesToo) continue;  // an SKF file that is not a seal
                    l.error = e.message();
                }
                listed.push_back(std::move(l));
            }
        }
    }
    const std::time_t at = now();
    bool allReadable = true;
    for (const auto& l : listed) allReadable = allReadable && l.seal.has_value();
    if (args.has("--json")) {
        Json j;
        j["folder"] = folder;
        Json seals = Json::array();
        for (const auto& l : listed) seals.push_back(listedJson(l, onKeys, at));
        j["seals"] = seals;
        j["keyProblems"] = keyProblems;
        std::cout << j.dump(2, ' ', false, Json::error_handler_t::replace) << "\n";
    } else {
        std::cout << tr("Seal folder") << ": " << folder << "\n";
        for (const auto& l : listed)
            if (l.source == "folder") printListed(l, onKeys, at);
        std::cout << tr("Seals on keys") << ":\n";
        for (const auto& l : listed)
            if (l.source == "token") printListed(l, onKeys, at);
        if (listed.empty()) std::cout << "  " << tr("no seals found") << "\n";
        for (const auto& p : keyProblems) std::cerr << "eseal: " << tr("warning: ") << p << "\n";
    }
    return allReadable ? kOk : kBadInput;
}

}  // namespace

const Command& sealListCommand() {
    static const Command command{
        {"seal list",
         "[--folder DIR] [--module PATH|SKF-LIB] [--no-keys] [--json]",
         "List the electronic seals in the local seal folder and on the keys, with the certificates they "
         "bind.",
         "The seal folder is ${XDG_DATA_HOME:-~/.local/share}/eseal/seals (every file in it is read as an\n"
         "SES_Seal). On PKCS#11 tokens a seal is a public data object (CKO_DATA) whose CKA_APPLICATION\n"
         "is 'GB/T 38540 SES_Seal', CKA_VALUE the DER seal and CKA_LABEL its name; with --module naming\n"
         "an SKF (GM/T 0016) library, the application files that read as seals; no PIN is asked.\n"
         "Each bound certificate is marked with the tokens that hold it; after a renewal ('eseal token\n"
         "csr', 'eseal token import-cert') a seal that names the old certificate while the key holds a\n"
         "newer one of the same holder is marked as such. Exit 4 when a seal cannot be read.\n",
         {
             {"--folder", "", true, false, "DIR", "The seal folder to list instead of the default."},
             {"--module", "", true, false, "PATH",
              "Read the tokens of this PKCS#11 module or SKF\nlibrary only (default: p11-kit's modules)."},
             {"--no-keys", "", false, false, "", "Do not look at USB Keys."},
             {"--json", "", false, false, "", "Print the list as JSON."},
         }},
        runList};
    return command;
}

const Command& sealMakeCommand() {
    static const Command command{
        {"seal make",
         "--image STAMP.png --size MM --name NAME [--type unit|personal|N] --cert PEM [--cert PEM]...\n"
         "           --valid FROM..TO --maker-key KEY [--pin-env VAR | --pin-file F] -o SEAL.esl",
         "Make a GB/T 38540 (V4) electronic seal signed by the seal maker's SM2 key.",
         "The seal binds the certificates given with --cert (the signers who may seal with it), holds the\n"
         "PNG picture at MM x MM millimetres and is valid from FROM 00:00:00 to TO 23:59:59 UTC\n"
         "(YYYY-MM-DD). --maker-key takes the same key specs as sign --key (pkcs11:, p12:, skf:); the\n"
         "maker signs SES_SealInfo with SM2/SM3 (ID 1234567812345678). Type codes: unit 1, personal 2.\n",
         {
             {"--image", "", true, false, "STAMP.png", "The seal's picture (PNG)."},
             {"--size", "", true, false, "MM", "Width and height of the seal in mm."},
             {"--name", "", true, false, "NAME", "The seal's name, e.g. 业务专用章."},
             {"--type", "", true, false, "TYPE", "unit (1), personal (2) or a number; default unit."},
             {"--cert", "", true, true, "PEM", "A signer certificate the seal binds (repeatable)."},
             {"--valid", "", true, false, "FROM..TO", "Validity period, YYYY-MM-DD..YYYY-MM-DD."},
             {"--maker-key", "", true, false, "KEY", "The seal maker's SM2 key."},
             {"--vendor", "", true, false, "VID", "Vendor id in the header; default eseal."},
             {"--id", "", true, false, "ESID", "The seal ID (esID); default 32 random hex digits."},
             {"--pin-env", "", true, false, "VAR", "Read the maker key's PIN from environment variable VAR."},
             {"--pin-file", "", true, false, "FILE", "Read the maker key's PIN from FILE."},
             {"--out", "-o", true, false, "SEAL.esl", "The seal file to write."},
             {"--force", "", false, false, "", "Replace an existing output."},
         }},
        runMake};
    return command;
}

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
