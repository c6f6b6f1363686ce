#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/outputs.hpp"
#include "cli/pin_sources.hpp"
#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "core/base/interrupt.hpp"
#include "core/crypto/issuers.hpp"
#include "core/seal/image.hpp"
#include "core/token/key_registry.hpp"
#include "core/token/signing_certificate.hpp"
#include "formats/format.hpp"

namespace eseal::cli {

namespace {

double parseNumber(const std::string& text, const std::string& option) {
    errno = 0;
    char* end = nullptr;
    double v = std::strtod(text.c_str(), &end);
    if (text.empty() || errno != 0 || !end || *end != '\0' || !std::isfinite(v))
        throw Error(ErrorCategory::Usage, option + " needs a number, got '" + text + "'");
    return v;
}

std::pair<double, double> parsePoint(std::string text) {
    // A Chinese input method types the full-width comma (U+FF0C) in "138，86".
    static const std::string kFullWidthComma = "\xEF\xBC\x8C";
    for (auto at = text.find(kFullWidthComma); at != std::string::npos; at = text.find(kFullWidthComma))
        text.replace(at, kFullWidthComma.size(), ",");
    auto comma = text.find(',');
    if (comma == std::string::npos)
        throw Error(ErrorCategory::Usage, "--at needs X,Y in millimetres, e.g. --at 150,230");
    return {parseNumber(text.substr(0, comma), "--at"), parseNumber(text.substr(comma + 1), "--at")};
}

// A seal image without transparency would cover the text under it with its
// background: refused with the reason. Below about 200 dpi at the size asked
// for, the printed seal looks blurred: a warning.
void checkSealImage(const RgbaImage& image, const std::string& path, double sizeMm) {
    if (!image.hasTransparency())
        throw Error(ErrorCategory::BadInput,
                    tr("the seal image has no transparent background, so it would hide the text under the "
                       "seal; save the seal as a PNG with a transparent background"),
                    path);
    const double dpi = image.width / (sizeMm / 25.4);
    if (dpi < 200) {
        const std::string needed = std::to_string(static_cast<int>(std::ceil(200 * sizeMm / 25.4)));
        std::cerr
            << "eseal: " << tr("warning: ") << path << ": "
            << fill(tr("the seal image is {px} pixels wide, about {dpi} dpi at {mm} mm: it will look blurred "
                       "in print; use at least {need} pixels"),
                    {{"{px}", std::to_string(image.width)},
                     {"{dpi}", std::to_string(static_cast<int>(dpi))},
                     {"{mm}", std::to_string(static_cast<int>(sizeMm))},
                     {"{need}", needed}})
            << "\n";
    }
}

// What a batch did, for the summary at its end and for an interrupt.
struct BatchTally {
    std::vector<std::string> sealed, failed, skipped;

    std::string summary() const {
        return "sealed " + std::to_string(sealed.size()) + ", failed " + std::to_string(failed.size()) +
               ", skipped " + std::to_string(skipped.size());
    }
    // Before plans[current] starts: it and the ones after it are not sealed.
    std::string interruptText(const std::vector<OutputPlan>& plans, std::size_t current) const {
        std::string text = summary() + "\n";
        for (const auto& s : sealed) text += "  sealed: " + s + "\n";
        for (const auto& f : failed) text += "  failed: " + f + "\n";
        for (std::size_t i = current; i < plans.size(); ++i)
            if (!plans[i].skip) text += "  not sealed: " + plans[i].input + "\n";
        text += "  (rerun with --skip-existing to seal only what is missing)\n";
        return text;
    }
};

int run(const Args& args) {
    const auto& inputs = args.positional();
    const OutputOptions outputOptions{args.get("--out"), args.get("--out-dir"), args.has("--force"),
                                      args.has("--skip-existing")};
    const std::vector<OutputPlan> plans = planOutputs(inputs, outputOptions);
    auto keySpec = args.get("--key");
    if (!keySpec)
        throw Error(ErrorCategory::Usage, "--key is required (pkcs11:..., p12:FILE or skf:LIB?...)");
    auto seal = args.get("--seal");
    if (!seal) throw Error(ErrorCategory::Usage, "--seal SEAL.png is required");

    SealRequest base;
    base.sealImage = *seal;
    if (auto v = args.get("--size")) {
        base.placement.sizeMm = parseNumber(*v, "--size");
        if (base.placement.sizeMm < 5 || base.placement.sizeMm > 300)
            throw Error(ErrorCategory::Usage, "--size must be between 5 and 300 mm");
    }
    if (auto v = args.get("--page")) {
        double p = parseNumber(*v, "--page");
        if (p != static_cast<int>(p) || p == 0 || p < -1)
            throw Error(ErrorCategory::Usage, "--page needs a page number from 1, or -1 for the last page");
        base.placement.page = static_cast<int>(p);
    }
    if (auto v = args.get("--at")) {
        auto [x, y] = parsePoint(*v);
        base.placement.xMm = x;
        base.placement.yMm = y;
    } else {
        base.placement = withDefaultSpot(base.placement);
    }
    if (auto v = args.get("--digest")) {
        auto d = parseDigest(*v);
        if (!d || *d == DigestAlgorithm::Sm3 || *d == DigestAlgorithm::Sha1)
            throw Error(ErrorCategory::Usage, "--digest must be sha256, sha384 or sha512");
        base.profile.digest = *d;
    }
    if (auto v = args.get("--tsa")) {
        if (v->rfind("http://", 0) != 0)
            throw Error(ErrorCategory::Usage,
                        "--tsa needs an http:// URL of an RFC 3161 timestamp authority");
        base.profile.tsaUrl = *v;
        base.profile.level = PadesLevel::BT;
    }
    if (auto v = args.get("--level")) {
        static const std::pair<const char*, PadesLevel> levels[] = {{"B-B", PadesLevel::BB},
                                                                    {"B-T", PadesLevel::BT},
                                                                    {"B-LT", PadesLevel::BLT},
                                                                    {"B-LTA", PadesLevel::BLTA}};
        auto it =
            std::find_if(std::begin(levels), std::end(levels), [&](const auto& l) { return *v == l.first; });
        if (it == std::end(levels))
            throw Error(ErrorCategory::Usage, "--level must be B-B, B-T, B-LT or B-LTA");
        base.profile.level = it->second;
        if (base.profile.level != PadesLevel::BB && base.profile.tsaUrl.empty())
            throw Error(ErrorCategory::Usage, "--level " + *v + " needs a timestamp authority: --tsa URL");
        if (base.profile.level == PadesLevel::BB && !base.profile.tsaUrl.empty())
            throw Error(ErrorCategory::Usage, "--level B-B has no timestamp; leave out --tsa");
    }
    base.reason = args.get("--reason").value_or("");
    base.location = args.get("--location").value_or("");
    base.fieldName = args.get("--field").value_or("");
    if (!base.fieldName.empty() && inputs.size() > 1)
        throw Error(ErrorCategory::Usage, "--field names one field; it cannot be used with several inputs");

    // Issuing CA certificates to embed beyond what the key holds: --chain files
    // (an unreadable one ends the command before the PIN) and the user's folder.
    std::vector<Certificate> issuers;
    for (const auto& file : args.all("--chain")) {
        auto certs = readCertificateFile(file);
        issuers.insert(issuers.end(), certs.begin(), certs.end());
    }
    if (const std::string dir = userConfigDir("certs"); !dir.empty()) {
        std::vector<std::string> warnings;
        auto certs = readCertificateDir(dir, warnings);
        issuers.insert(issuers.end(), certs.begin(), certs.end());
        for (const auto& w : warnings) std::cerr << "eseal: " << tr("warning: ") << w << "\n";
    }

    // Check everything that needs no PIN before asking for one: a bad seal
    // image, an unreadable document, a page that does not exist, a seal off the
    // page or an output that cannot be written must not cost a PIN entry. The
    // picture is decoded and each file's format detected once, here.
    base.sealPicture = std::make_shared<const RgbaImage>(loadPng(base.sealImage));
    checkSealImage(*base.sealPicture, base.sealImage, base.placement.sizeMm);
    createOutputDir(outputOptions);
    // In a batch a file that fails its check is reported and left out; the
    // others are still sealed. With one file, its error ends the command.
    int status = kOk;
    BatchTally tally;
    std::vector<const FormatAdapter*> formats(plans.size(), nullptr);
    std::size_t toSeal = 0;
    for (std::size_t i = 0; i < plans.size(); ++i) {
        if (plans[i].skip) continue;
        SealRequest request = base;
        request.input = plans[i].input;
        request.output = plans[i].output;
        try {
            const FormatAdapter& format = adapterFor(plans[i].input);
            if (request.profile.level != PadesLevel::BB && format.name() != "PDF")
                throw Error(
                    ErrorCategory::Unsupported,
                    "timestamps and long-term validation data (--tsa, --level) are made for PDF only yet",
                    plans[i].input);
            format.check(request);
            formats[i] = &format;
            ++toSeal;
        } catch (const Error& e) {
            if (plans.size() == 1) throw;
            std::cerr << "eseal: " << e.what() << "\n";
            tally.failed.push_back(plans[i].input);
            if (status == kOk) status = exitCodeFor(e);
        }
    }
    if (toSeal == 0) {
        for (const OutputPlan& plan : plans)
            if (plan.skip) std::cout << "skipped " << plan.input << " (" << plan.output << " exists)\n";
        if (plans.size() > 1)
            std::cout << "sealed 0, failed " << tally.failed.size() << ", skipped "
                      << plans.size() - tally.failed.size() << "\n";
        return status;
    }

    auto pinEnv = args.get("--pin-env");
    auto pinFile = args.get("--pin-file");
    auto pins = makePinSource(pinEnv ? &*pinEnv : nullptr, pinFile ? &*pinFile : nullptr);
    // One login for every file of the command.
    auto key = withIssuers(openKey(*keySpec, *pins), issuers);
    if (const std::string missing = missingIssuer(key->certificateChain()); !missing.empty())
        std::cerr
            << "eseal: " << tr("warning: ")
            << fill(tr("the seal's certificate chain is incomplete: the certificate of its issuer {issuer} "
                       "is neither on the key nor given with --chain or in ~/.config/eseal/certs; "
                       "verifiers that lack it cannot check the seal"),
                    {{"{issuer}", missing}})
            << "\n";
    // Keys whose certificate was not readable before the PIN (PKCS#12, SKF).
    if (auto warning = key->certificateChain().empty()
                           ? std::nullopt
                           : requireSigningCertificate(key->certificateChain().front(), std::time(nullptr)))
        std::cerr << "eseal: " << tr("warning: ") << *warning << "\n";

    for (std::size_t i = 0; i < plans.size(); ++i) {
        const OutputPlan& plan = plans[i];
        if (!plan.skip && formats[i] == nullptr) continue;  // failed its check, reported above
        if (plan.skip) {
            std::cout << "skipped " << plan.input << " (" << plan.output << " exists)\n";
            tally.skipped.push_back(plan.input);
            continue;
        }
        // What a Ctrl-C now would leave: printed by the signal handler.
        setInterruptSummary(tally.interruptText(plans, i));
        SealRequest request = base;
        request.input = plan.input;
        request.output = plan.output;
        try {
            SealResult result = formats[i]->seal(request, *key);
            std::cout << "sealed " << plan.input << " -> " << result.output << " (field " << result.fieldName;
            if (!result.appearances.empty()) std::cout << ", page " << result.appearances.front().page;
            std::cout << ")\n";
            tally.sealed.push_back(plan.input);
        } catch (const TokenError&) {
            throw;  // the key is gone or refuses: stop the batch
        } catch (const Error& e) {
            std::cerr << "eseal: " << e.what() << "\n";
            tally.failed.push_back(plan.input);
            if (status == kOk) status = exitCodeFor(e);  // the batch goes on; the first failure decides
        }
    }
    setInterruptSummary({});
    if (plans.size() > 1) std::cout << tally.summary() << "\n";
    return status;
}

}  // namespace

const Command& signCommand() {
    static const Command command{
        {"sign",
         "IN.pdf [IN2.pdf ...] [-o OUT.pdf | --out-dir DIR] --key KEY --seal SEAL.png [options]",
         "Seal documents: place the seal image and sign with the key (PAdES; for OpenDocument\nodt/ods/odp "
         "files XAdES in META-INF/documentsignatures.xml, the seal at the end).",
         "KEY is one of:\n"
         "  pkcs11:token=LABEL;object=LABEL?module-path=/usr/lib/softhsm/libsofthsm2.so\n"
         "      a key on a USB Key or other PKCS#11 token (RFC 7512 URI); without module-path the\n"
         "      modules registered with p11-kit are searched. See 'eseal token list'.\n"
         "  p12:/path/unit.p12\n"
         "      a PKCS#12 file (its password is asked like a PIN).\n"
         "  skf:/usr/lib/libvendor.so?device=D&app=A&container=C\n"
         "      a key on an SKF (GM/T 0016) USB Key through the vendor's library; see\n"
         "      'eseal token list --module LIB'. SM2 keys sign with SM3 (adbe.pkcs7.detached).\n\n"
         "The PIN is asked on the terminal without echo, after showing the token's PIN state. It is\n"
         "never accepted on the command line. A wrong PIN ends the command; eseal never retries.\n"
         "Positions are millimetres from the top-left corner of the page as it is displayed\n"
         "(crop box and page rotation applied). The input is never modified: the sealed copy is\n"
         "written to a temporary file next to the output and renamed when complete; an existing\n"
         "output is replaced only with --force. Without -o or --out-dir the sealed copy goes beside\n"
         "the input as NAME-sealed.pdf (NAME-已盖章.pdf in a Chinese locale). Ctrl-C removes the\n"
         "unfinished output, lists what was and was not sealed, and exits with 130.\n",
         {
             {"--out", "-o", true, false, "OUT", "Write the sealed document here (one input)."},
             {"--out-dir", "", true, false, "DIR",
              "Write each sealed document into DIR (several inputs;\ncreated when missing)."},
             {"--force", "", false, false, "", "Replace an output file that exists already."},
             {"--skip-existing", "", false, false, "", "Leave inputs whose output exists (resume a batch)."},
             {"--key", "", true, false, "KEY", "The signing key (see below)."},
             {"--seal", "", true, false, "SEAL.png",
              "The seal image (PNG with a transparent background;\nbelow ~200 dpi at the size, a warning)."},
             {"--size", "", true, false, "MM", "Width of the seal in millimetres (default 42)."},
             {"--page", "", true, false, "N", "Page to seal, from 1; -1 is the last page (default 1)."},
             {"--at", "", true, false, "X,Y",
              "Centre of the seal, mm from the top-left of the page\n(default: lower right, the seal's edge "
              "30 mm from\nthe right and 50 mm from the bottom of the page,\nmoved inwards on a page too "
              "small for that)."},
             {"--reason", "", true, false, "TEXT", "Reason recorded in the signature."},
             {"--location", "", true, false, "TEXT", "Location recorded in the signature."},
             {"--field", "", true, false, "NAME", "Signature field name (default Seal1, Seal2, ...)."},
             {"--digest", "", true, false, "ALG", "sha256 (default), sha384 or sha512."},
             {"--chain", "", true, true, "PEM",
              "Issuing CA certificates to embed with the signer's\n(repeatable); also read: "
              "~/.config/eseal/certs/."},
             {"--tsa", "", true, false, "URL",
              "RFC 3161 timestamp authority (http://): the seal\ngets a signature timestamp (PAdES B-T)."},
             {"--level", "", true, false, "LEVEL",
              "PAdES level: B-B (default without --tsa), B-T\n(default with --tsa), B-LT (adds validation "
              "data),\n"
              "B-LTA (and a document timestamp)."},
             {"--pin-env", "", true, false, "VAR", "Read the PIN from environment variable VAR."},
             {"--pin-file", "", true, false, "FILE", "Read the PIN from the first line of FILE."},
         }},
        run};
    return command;
}

}  // namespace eseal::cli
