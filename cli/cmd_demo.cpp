// `eseal demo`: seals the sample documents with a demo key that goes through
// the real PKCS#11 path (a SoftHSM2 token of eseal's own), so a person sees the
// whole job work on a machine without a USB Key.
#include <openssl/rand.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/commands.hpp"
#include "cli/demo_kit/demo_ca.hpp"
#include "cli/demo_kit/demo_seal.hpp"
#include "cli/install_paths.hpp"
#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "core/base/time.hpp"
#include "core/ossl/error.hpp"
#include "core/token/key_registry.hpp"
#include "core/token/pkcs11_listing.hpp"
#include "core/token/pkcs11_provision.hpp"
#include "formats/format.hpp"

namespace eseal::cli {

namespace {

namespace fs = std::filesystem;

const char* kDisclaimer =
    "演示印章不是法定印章，不具有法律效力。\n"
    "Demo seals are NOT legal seals: the demo CA was made on this machine and is trusted by nobody else.\n";

const char* kTokenLabel = "eseal-demo";
const char* kKeyLabel = "demo-unit-seal";

fs::path demoDocuments() {
    if (const char* d = std::getenv("ESEAL_DEMO_DOCS"); d && *d) return d;
    // Installed beside the executable first (also an unpacked package), then
    // the configured prefix, then the source tree of a build.
    const fs::path installed = installedDataDir().empty() ? fs::path() : installedDataDir() / "demo";
    for (const fs::path& candidate :
         {installed, fs::path(ESEAL_DEMO_DIR_INSTALLED), fs::path(ESEAL_DEMO_DIR_SOURCE)})
        if (!candidate.empty() && fs::exists(candidate / "samples.tsv")) return candidate;
    throw Error(ErrorCategory::BadInput,
                tr("the demo documents (samples.tsv) are not installed; set ESEAL_DEMO_DOCS"));
}

std::string softhsmModule() {
    for (const char* p :
         {"/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
          "/usr/local/lib/softhsm/libsofthsm2.so"})
        if (fs::exists(p)) return p;
    throw Error(ErrorCategory::Unsupported,
                tr("the demo keeps its key in a SoftHSM2 token, and SoftHSM2 is not installed "
                   "(Debian: apt-get install softhsm2, or run ./packaging/install-deps.sh)"));
}

void writePrivate(const fs::path& p, const std::string& content) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    if (!out) throw Error(ErrorCategory::OutputNotWritable, tr("cannot write"), p.string());
    out << content;
    out.close();
    if (!out) throw Error(ErrorCategory::OutputNotWritable, tr("cannot write"), p.string());
    ::chmod(p.c_str(), 0600);
}

std::string readText(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in)
        throw Error(ErrorCategory::InputUnreadable, tr("cannot read (remove the demo folder to start again)"),
                    p.string());
    return {std::istreambuf_iterator<char>(in), {}};
}

std::string randomDigits(int n) {
    std::string out;
    unsigned char b[32];
    if (RAND_bytes(b, sizeof b) != 1) throw CryptoError(tr("no random bytes"));
    for (int i = 0; i < n; ++i) out.push_back(static_cast<char>('0' + b[i] % 10));
    return out;
}

// Tells about USB Keys that p11-kit knows, so a person can seal with the real one.
void mentionRealTokens() {
    try {
        for (const auto& m : listTokens(std::nullopt)) {
            if (m.path.find("softhsm") != std::string::npos ||
                m.path.find("p11-kit-trust") != std::string::npos)
                continue;
            for (const auto& t : m.tokens)
                std::cout
                    << fill(tr("USB Key found: \"{label}\" ({module}). The demo uses its own demo key; to "
                               "seal with this key see 'eseal token list --login' and 'eseal sign --key'."),
                            {{"{label}", t.label}, {"{module}", m.name}})
                    << "\n";
        }
    } catch (const std::exception&) {
        // Listing real tokens is a courtesy; the demo does not depend on it.
    }
}

struct Demo {
    fs::path home;
    std::string module;
    std::string tokenUri;
    std::string keyUri;
    std::string userPin;
    fs::path caCert;
    fs::path seal;
};

Demo prepare() {
    Demo d;
    d.home = userDataHome() / "eseal" / "demo";
    d.module = softhsmModule();
    d.caCert = d.home / "demo-ca.crt.pem";
    d.seal = d.home / "demo-seal.png";
    fs::path conf = d.home / "softhsm2.conf";
    // The demo token lives in eseal's own SoftHSM configuration, never in the system one.
    ::setenv("SOFTHSM2_CONF", conf.c_str(), 1);
    d.keyUri = std::string("pkcs11:token=") + kTokenLabel + ";object=" + kKeyLabel +
               ";type=private?module-path=" + d.module;

    if (fs::exists(d.home / ".complete")) {
        d.userPin = readText(d.home / "user-pin");
        std::cout << fill(tr("Using the demo token and demo CA in {dir}"), {{"{dir}", d.home.string()}})
                  << "\n";
        return d;
    }

    std::cout << fill(tr("Creating the demo CA, demo unit certificate, demo seal and demo token in {dir}"),
                      {{"{dir}", d.home.string()}})
              << "\n";
    std::error_code ec;
    fs::remove_all(d.home, ec);  // a half-made earlier attempt
    fs::create_directories(d.home / "tokens");
    ::chmod(d.home.c_str(), 0700);
    writePrivate(conf, "# eseal demo token (not the system SoftHSM store)\ndirectories.tokendir = " +
                           (d.home / "tokens").string() +
                           "\nobjectstore.backend = file\nlog.level = ERROR\n");

    // The demo token's PINs are random and kept in 0600 files beside it, so later
    // demo runs can log in without asking: acceptable for a throwaway demo token
    // whose CA nobody trusts, never done for a real USB Key.
    d.userPin = randomDigits(8);
    SecretString soPin(randomDigits(10)), userPin(d.userPin);
    writePrivate(d.home / "user-pin", d.userPin);
    writePrivate(d.home / "so-pin", std::string(soPin.view()));
    d.tokenUri = initToken(d.module, kTokenLabel, soPin, userPin);

    FixedPin pins(d.userPin);
    const Bytes keyId = {0x01}, caId = {0x02};
    // The key is made on the token and never leaves it; the CA certifies its public key.
    Bytes spki = generateKeyPair(d.tokenUri, pins, kKeyLabel, keyId, Pkcs11KeyType::EcP256);

    std::time_t t = now();
    auto caKey = generateEcKey();
    CertificateProfile caProfile;
    caProfile.subject = {
        {"C", "CN"}, {"O", "eseal 演示 (DEMO)"}, {"CN", "eseal 演示根证书 DEMO CA - not a legal CA"}};
    caProfile.notBefore = t - 86400;
    caProfile.notAfter = t + 10L * 365 * 86400;
    caProfile.ca = true;
    auto ca = issueSelfSigned(caProfile, caKey.get());

    CertificateProfile unitProfile;
    unitProfile.subject = {{"C", "CN"}, {"O", "ESEAL 演示单位"}, {"CN", "ESEAL 演示单位 电子印章 (DEMO)"}};
    unitProfile.notBefore = t - 86400;
    unitProfile.notAfter = t + 5L * 365 * 86400;
    auto unit = issueCertificate(unitProfile, spki, ca.get(), caKey.get());

    storeCertificate(d.tokenUri, pins, kKeyLabel, keyId, ossl::toDer(unit.get()));
    storeCertificate(d.tokenUri, pins, "eseal-demo-ca", caId, ossl::toDer(ca.get()));
    writePrivate(d.home / "demo-ca.key.pem", toPem(caKey.get()));
    writePrivate(d.caCert, toPem(ca.get()));
    writePrivate(d.home / "demo-unit.crt.pem", toPem(unit.get()));

    RgbaImage seal = drawDemoSeal({"ESEAL 演示单位", "演示专用章", "DEMO 非法定印章"}, 600);
    Bytes png = encodePng(seal);
    writePrivate(d.seal, std::string(png.begin(), png.end()));
    writePrivate(d.home / ".complete", "");
    return d;
}

struct Sample {
    std::string file, reason;
    int page = 1;
    double x = 0, y = 0, size = 42;
};

std::vector<Sample> readSamples(const fs::path& docs) {
    std::ifstream in(docs / "samples.tsv");
    std::vector<Sample> out;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        std::istringstream fields(line);
        Sample s;
        std::string page, x, y, size;
        std::getline(fields, s.file, '\t');
        std::getline(fields, page, '\t');
        std::getline(fields, x, '\t');
        std::getline(fields, y, '\t');
        std::getline(fields, size, '\t');
        std::getline(fields, s.reason, '\t');
        try {
            s.page = std::stoi(page);
            s.x = std::stod(x);
            s.y = std::stod(y);
            s.size = std::stod(size);
        } catch (const std::exception&) {
            throw Error(ErrorCategory::BadInput, fill(tr("malformed line: {line}"), {{"{line}", line}}),
                        (docs / "samples.tsv").string());
        }
        out.push_back(s);
    }
    if (out.empty())
        throw Error(ErrorCategory::BadInput, tr("no samples listed"), (docs / "samples.tsv").string());
    return out;
}

int run(const Args& args) {
    if (args.positional().size() > 1) throw Error(ErrorCategory::Usage, tr("demo takes one folder"));
    fs::path outDir = args.positional().empty() ? fs::path("eseal-demo") : fs::path(args.positional()[0]);
    std::cout << kDisclaimer << "\n";
    mentionRealTokens();

    fs::path docs = demoDocuments();
    auto samples = readSamples(docs);
    Demo demo = prepare();
    fs::create_directories(outDir);

    FixedPin pins(demo.userPin);
    auto key = openKey(demo.keyUri, pins);  // one login for every sample
    std::cout << tr("Key: ") << key->description() << "\n\n";

    TrustPolicy policy;
    policy.useSystemStore = false;
    policy.trustFiles.push_back(demo.caCert.string());
    const TrustStore trust(policy);

    int status = kOk;
    for (const auto& s : samples) {
        SealRequest request;
        request.input = (docs / s.file).string();
        request.output = (outDir / (fs::path(s.file).stem().string() + "-sealed.pdf")).string();
        request.sealImage = demo.seal.string();
        request.placement.page = s.page;
        request.placement.xMm = s.x;
        request.placement.yMm = s.y;
        request.placement.sizeMm = s.size;
        request.reason = s.reason;
        request.location = "eseal demo";
        const FormatAdapter& format = adapterFor(request.input);
        SealResult result = format.seal(request, *key);
        std::cout << fill(tr("sealed {in} -> {out}"), {{"{in}", request.input}, {"{out}", result.output}})
                  << "\n\n";
        Report report = format.verify(result.output, trust, VerifyOptions{});
        std::cout << toText(report) << "\n";
        int code = verifyExitCode(report);
        if (code != 0 && status == kOk) status = code;
    }
    std::cout << tr("Check them yourself:") << "\n"
              << "  eseal verify " << outDir.string() << " --trust " << demo.caCert.string() << "\n"
              << "  pdfsig " << (outDir / "letter-sealed.pdf").string()
              << "\n\n"
              // The demo token lives in eseal's own SoftHSM configuration: say how to reach it.
              << tr("To seal your own files with the demo key (its PIN is kept in the user-pin file):")
              << "\n"
              << "  export SOFTHSM2_CONF=" << (demo.home / "softhsm2.conf").string() << "\n"
              << "  eseal token list --module " << demo.module << "\n"
              << "  eseal sign FILE.pdf --key '" << demo.keyUri << "' \\\n"
              << "      --seal " << demo.seal.string() << " --pin-file " << (demo.home / "user-pin").string()
              << "\n\n"
              << kDisclaimer;
    return status;
}

}  // namespace

const Command& demoCommand() {
    static const Command command{
        {"demo",
         "[DIR]",
         "Seal the sample documents with a demo key (not a legal seal) into DIR (./eseal-demo).",
         "The first run creates, under ${XDG_DATA_HOME:-~/.local/share}/eseal/demo, a demo CA, a\n"
         "demo unit key generated inside a SoftHSM2 token of eseal's own (its own softhsm2.conf),\n"
         "the unit's certificate and a demo seal image; later runs reuse them. The samples are\n"
         "sealed through the PKCS#11 path a real USB Key uses, then verified against the demo CA.\n"
         "Demo seals are not legal seals. Remove that folder to start again.\n",
         {}},
        run};
    return command;
}

}  // namespace eseal::cli
