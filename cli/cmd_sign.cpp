#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <tuple>

#include "cli/commands.hpp"
#include "cli/inputs.hpp"
#include "cli/outputs.hpp"
#include "cli/parallel_seal.hpp"
#include "cli/pin_sources.hpp"
#include "cli/seal_choice.hpp"
#include "cli/sign_output.hpp"
#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "core/base/interrupt.hpp"
#include "core/base/time.hpp"
#include "core/crypto/aia.hpp"
#include "core/crypto/issuers.hpp"
#include "core/key/pin.hpp"
#include "core/key/serial_key.hpp"
#include "core/seal/binding.hpp"
#include "core/seal/image.hpp"
#include "core/seal/scan.hpp"
#include "core/seal/ses_seal.hpp"
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
        throw Error(ErrorCategory::Usage, fill(tr("{option} needs a number, got '{text}'"),
                                               {{"{option}", option}, {"{text}", text}}));
    return v;
}

// Seal pictures are PNG files (their 8-byte signature, ISO/IEC 15948 5.2) or
// JPEG files (the SOI marker FF D8, then a marker FF); anything else given to
// --seal is read as an electronic seal.
bool startsWith(const std::string& path, const unsigned char* magic, std::size_t size) {
    std::ifstream in(path, std::ios::binary);
    char head[8] = {};
    in.read(head, static_cast<std::streamsize>(size));
    return static_cast<std::size_t>(in.gcount()) == size && std::memcmp(head, magic, size) == 0;
}
bool isPngFile(const std::string& path) {
    static const unsigned char kPng[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    return startsWith(path, kPng, sizeof kPng);
}
bool isJpegFile(const std::string& path) {
    static const unsigned char kJpeg[3] = {0xFF, 0xD8, 0xFF};
    return startsWith(path, kJpeg, sizeof kJpeg);
}
bool isSealPicture(const std::string& path) { return isPngFile(path) || isJpegFile(path); }

// A PNG seal picture is used as it is. A JPEG has no transparency: its paper is
// made transparent and its red ink kept, as 'eseal seal image --from-scan'
// does, so the seal does not hide the text under it.
RgbaImage loadSealPicture(const std::string& path) {
    if (!isJpegFile(path)) return loadPng(path);
    RgbaImage ink = sealFromScan(loadScan(path).image, path);
    std::cerr << "eseal: " << path << ": "
              << tr("a JPEG seal picture has no transparency: its paper was made transparent, the red ink "
                    "kept")
              << "\n";
    return ink;
}

std::pair<double, double> parsePoint(std::string text, const std::string& option = "--at") {
    // A Chinese input method types the full-width comma (U+FF0C) in "138，86".
    static const std::string kFullWidthComma = "\xEF\xBC\x8C";
    for (auto at = text.find(kFullWidthComma); at != std::string::npos; at = text.find(kFullWidthComma))
        text.replace(at, kFullWidthComma.size(), ",");
    auto comma = text.find(',');
    if (comma == std::string::npos)
        throw Error(ErrorCategory::Usage, fill(tr("{option} needs X,Y in millimetres, e.g. {option} 150,230"),
                                               {{"{option}", option}}));
    return {parseNumber(text.substr(0, comma), option), parseNumber(text.substr(comma + 1), option)};
}

int parsePageNumber(const std::string& text, const std::string& option) {
    const double p = parseNumber(text, option);
    if (p != static_cast<int>(p) || p < 1)
        throw Error(ErrorCategory::Usage, fill(tr("{option} needs page numbers from 1, got '{text}'"),
                                               {{"{option}", option}, {"{text}", text}}));
    return static_cast<int>(p);
}

// --keyword [--occurrence] [--offset], --cross-page [--pages] [--edge] [--y], or
// --at: at most one way of placing the seal, and each option with its own.
void parsePlacement(const Args& args, Placement& placement) {
    const bool keyword = args.has("--keyword"), crossPage = args.has("--cross-page"), at = args.has("--at");
    if (keyword + crossPage + at > 1)
        throw Error(ErrorCategory::Usage, tr("give only one of --at, --keyword and --cross-page"));
    for (const char* o : {"--occurrence", "--offset"})
        if (args.has(o) && !keyword)
            throw Error(ErrorCategory::Usage, std::string(o) + tr(" goes with --keyword"));
    for (const char* o : {"--pages", "--edge", "--y"})
        if (args.has(o) && !crossPage)
            throw Error(ErrorCategory::Usage, std::string(o) + tr(" goes with --cross-page"));
    if ((keyword || crossPage) && args.has("--page"))
        throw Error(ErrorCategory::Usage, tr("--page does not go with --keyword or --cross-page"));
    if (keyword) {
        placement.mode = Placement::Mode::Keyword;
        placement.keyword = *args.get("--keyword");
        if (auto v = args.get("--occurrence")) {
            if (*v == "last")
                placement.occurrence = Placement::kLastOccurrence;
            else if (*v == "all")
                placement.occurrence = Placement::kAllOccurrences;
            else
                placement.occurrence = parsePageNumber(*v, "--occurrence");
        }
        if (auto v = args.get("--offset"))
            std::tie(placement.offsetXMm, placement.offsetYMm) = parsePoint(*v, "--offset");
    } else if (crossPage) {
        placement.mode = Placement::Mode::CrossPage;
        if (auto v = args.get("--pages")) {
            const auto dash = v->find('-');
            if (dash == std::string::npos)
                throw Error(ErrorCategory::Usage, tr("--pages needs a range A-B, e.g. --pages 1-3"));
            placement.firstPage = parsePageNumber(v->substr(0, dash), "--pages");
            placement.lastPage = parsePageNumber(v->substr(dash + 1), "--pages");
            if (placement.lastPage <= placement.firstPage)
                throw Error(ErrorCategory::Usage,
                            tr("a cross-page seal needs at least two pages (--pages A-B, A < B)"));
        }
        if (auto v = args.get("--edge")) {
            if (*v == "right")
                placement.edge = Placement::Edge::Right;
            else if (*v == "left")
                placement.edge = Placement::Edge::Left;
            else
                throw Error(ErrorCategory::Usage, tr("--edge must be right or left"));
        }
        if (auto v = args.get("--y")) {
            placement.crossYMm = parseNumber(*v, "--y");
            if (placement.crossYMm < 0) throw Error(ErrorCategory::Usage, tr("--y must not be negative"));
        }
    } else if (auto v = args.get("--at")) {
        std::tie(placement.xMm, placement.yMm) = parsePoint(*v);
    } else {
        placement = withDefaultSpot(placement);
    }
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

// On a terminal, a progress bar on stderr while a batch is sealed; cleared
// before each result line, so the output stays one line per file.
class Progress {
public:
    explicit Progress(std::size_t total) : total_(total), on_(total > 1 && ::isatty(STDERR_FILENO) == 1) {}
    void show(std::size_t done, const std::string& file) const {
        if (!on_) return;
        constexpr std::size_t kWidth = 20;
        const std::size_t filled = total_ ? done * kWidth / total_ : 0;
        std::cerr << "\r[" << std::string(filled, '#') << std::string(kWidth - filled, '.') << "] "
                  << done + 1 << "/" << total_ << " " << file << "\x1b[K" << std::flush;
    }
    void clear() const {
        if (on_) std::cerr << "\r\x1b[K" << std::flush;
    }

private:
    std::size_t total_;
    bool on_;
};

// sign IN_DIR --out-dir OUT_DIR: the folder's documents, never written back into it.
ExpandedInputs signInputs(const Args& args, const OutputOptions& options) {
    ExpandedInputs expanded = expandFolders(args.positional());
    if (!expanded.sawDirectory) return expanded;
    if (!options.outDir)
        throw Error(ErrorCategory::Usage, tr("a folder to seal needs --out-dir DIR for the sealed copies"));
    namespace fs = std::filesystem;
    std::error_code ec;
    for (const std::string& a : args.positional())
        if (fs::is_directory(a, ec) && fs::exists(*options.outDir, ec) &&
            fs::equivalent(a, *options.outDir, ec))
            throw Error(ErrorCategory::Usage, tr("--out-dir must not be the folder being sealed"), a);
    if (expanded.files.empty())
        throw Error(ErrorCategory::BadInput, tr("No supported document in the folder."),
                    args.positional().front());
    return expanded;
}

// --jobs N: files sealed at once in a batch; 1 seals them one after the other.
unsigned jobsOption(const Args& args) {
    const auto v = args.get("--jobs");
    if (!v) return defaultJobs();
    const double n = parseNumber(*v, "--jobs");
    if (n != static_cast<int>(n) || n < 1 || n > 8)
        throw Error(ErrorCategory::Usage, tr("--jobs must be a whole number from 1 to 8"));
    return static_cast<unsigned>(n);
}

// Whether plans[i] is sealed in this batch: a skipped one is tallied here, one
// without an adapter failed its check and was reported before.
bool inThisBatch(const OutputPlan& plan, const FormatAdapter* format, SignOutput& tally) {
    if (plan.skip) tally.skippedExisting(plan.input, plan.output);
    return !plan.skip && format != nullptr;
}

void printWarnings(const std::string& input, const SealResult& result) {
    for (const std::string& w : result.warnings)
        std::cerr << "eseal: " << tr("warning: ") << input << ": " << w << "\n";
}

// A file of the batch that could not be sealed: reported, and the batch goes
// on; the first failure decides the exit code.
void sealFailed(const OutputPlan& plan, const Error& e, SignOutput& tally, int& status) {
    tally.failed(plan.input, plan.output, e);
    if (status == kOk) status = exitCodeFor(e);
}

// A batch sealed by `jobs` workers at once (cli/parallel_seal.hpp): one login
// (the key's signing serialised), each output finished and fsynced by its
// worker, renamed here in input order with signals held, so a Ctrl-C leaves
// only complete outputs and the summary it prints is true. Results, warnings
// and the progress bar come in input order, as one after the other.
void sealInParallel(const std::vector<OutputPlan>& plans, const std::vector<const FormatAdapter*>& formats,
                    const SealRequest& base, std::unique_ptr<Key> key, unsigned jobs,
                    const Progress& progress, std::size_t checkFailures, SignOutput& tally, int& status) {
    std::vector<std::size_t> order;  // the plans to seal, in input order
    for (std::size_t i = 0; i < plans.size(); ++i)
        if (!plans[i].skip && formats[i] != nullptr) order.push_back(i);
    const std::unique_ptr<Key> shared = serialisedKey(std::move(key));
    std::mutex oneAtATime;  // formats that do not seal concurrently (FormatAdapter::sealsConcurrently)
    ParallelSealer sealer(order.size(), jobs, 2 * std::size_t{jobs}, [&](std::size_t k) {
        const std::size_t i = order[k];
        SealRequest request = base;
        request.input = plans[i].input;
        request.output = plans[i].output;
        SealOutcome outcome;
        request.handOff = [&outcome](FinishedFile done) { outcome.output.emplace(std::move(done)); };
        std::unique_lock<std::mutex> serial(oneAtATime, std::defer_lock);
        if (!formats[i]->sealsConcurrently()) serial.lock();
        outcome.result = formats[i]->seal(request, *shared);
        return outcome;
    });
    // What a Ctrl-C now would leave: printed by the signal handler; changed
    // with each rename (below).
    setInterruptSummary(tally.interruptText(plans, 0));
    for (std::size_t i = 0; i < plans.size(); ++i) {
        const OutputPlan& plan = plans[i];
        if (!inThisBatch(plan, formats[i], tally)) continue;
        progress.show(tally.sealedCount() + tally.failedCount() - checkFailures, plan.input);
        SealOutcome outcome = sealer.take();
        progress.clear();
        try {
            if (outcome.error) std::rethrow_exception(outcome.error);
            printWarnings(plan.input, *outcome.result);
            // The rename, the tally and what a Ctrl-C would print change together.
            const InterruptsHeld held;
            if (outcome.output) outcome.output->publish();
            tally.sealed(plan.input, *outcome.result);
            setInterruptSummary(tally.interruptText(plans, i + 1));
        } catch (const TokenError&) {
            throw;  // the key is gone or refuses: stop the batch (unrenamed outputs are removed)
        } catch (const Error& e) {
            sealFailed(plan, e, tally, status);
            setInterruptSummary(tally.interruptText(plans, i + 1));
        }
    }
}

int sealAll(const Args& args, SignOutput& tally) {
    const OutputOptions outputOptions{args.get("--out"), args.get("--out-dir"), args.has("--force"),
                                      args.has("--skip-existing")};
    const ExpandedInputs expanded = signInputs(args, outputOptions);
    const std::vector<std::string>& inputs = expanded.files;
    const std::vector<OutputPlan> plans = planOutputs(inputs, outputOptions);
    auto keySpec = args.get("--key");
    if (!keySpec)
        throw Error(ErrorCategory::Usage, tr("--key is required (pkcs11:..., p12:FILE or skf:LIB?...)"));
    auto sealOption = args.get("--seal");
    auto imageOption = args.get("--image");
    if (!sealOption && !imageOption)
        throw Error(ErrorCategory::Usage,
                    tr("--seal SEAL.esl (an electronic seal) or --image SEAL.png is required"));

    SealRequest base;
    // An electronic seal (GB/T 38540) is checked before anything else: usable
    // now and made by its maker; its picture is the visible seal.
    std::optional<seal::SesSeal> electronic;
    if (sealOption && !isSealPicture(*sealOption)) {
        if (imageOption)
            throw Error(
                ErrorCategory::Usage,
                tr("--image cannot be used with an electronic seal: the seal carries its own picture"));
        electronic = loadSealForSigning(*sealOption, *keySpec);  // a file, or a seal on the key
        seal::requireUsableSeal(*electronic, now(), *sealOption);
        base.sealPicture = std::make_shared<const RgbaImage>(seal::pictureImage(*electronic, *sealOption));
        base.electronicSeal = electronic->encoded;
        if (electronic->picture.widthMm >= 5 && electronic->picture.widthMm <= 300)
            base.placement.sizeMm = static_cast<double>(electronic->picture.widthMm);
    } else if (sealOption && imageOption) {
        throw Error(ErrorCategory::Usage,
                    tr("give the seal picture once: --seal SEAL.png or --image SEAL.png"));
    }
    base.sealImage = sealOption ? *sealOption : *imageOption;
    if (auto v = args.get("--size")) {
        base.placement.sizeMm = parseNumber(*v, "--size");
        if (base.placement.sizeMm < 5 || base.placement.sizeMm > 300)
            throw Error(ErrorCategory::Usage, tr("--size must be between 5 and 300 mm"));
    }
    if (auto v = args.get("--page")) {
        double p = parseNumber(*v, "--page");
        if (p != static_cast<int>(p) || p == 0 || p < -1)
            throw Error(ErrorCategory::Usage,
                        tr("--page needs a page number from 1, or -1 for the last page"));
        base.placement.page = static_cast<int>(p);
        base.placement.pageGiven = true;
    }
    parsePlacement(args, base.placement);
    if (auto v = args.get("--cell")) {
        if (base.placement.mode != Placement::Mode::Position)
            throw Error(ErrorCategory::Usage, tr("--cell does not go with --keyword or --cross-page"));
        base.placement.mode = Placement::Mode::Cell;
        base.placement.cell = *v;
    }
    if (auto v = args.get("--digest")) {
        auto d = parseDigest(*v);
        if (!d || *d == DigestAlgorithm::Sm3 || *d == DigestAlgorithm::Sha1)
            throw Error(ErrorCategory::Usage, tr("--digest must be sha256, sha384 or sha512"));
        base.profile.digest = *d;
    }
    if (auto v = args.get("--tsa")) {
        if (v->rfind("http://", 0) != 0)
            throw Error(ErrorCategory::Usage,
                        tr("--tsa needs an http:// URL of an RFC 3161 timestamp authority"));
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
            throw Error(ErrorCategory::Usage, tr("--level must be B-B, B-T, B-LT or B-LTA"));
        base.profile.level = it->second;
        if (base.profile.level != PadesLevel::BB && base.profile.tsaUrl.empty())
            throw Error(
                ErrorCategory::Usage,
                fill(tr("--level {level} needs a timestamp authority: --tsa URL"), {{"{level}", *v}}));
        if (base.profile.level == PadesLevel::BB && !base.profile.tsaUrl.empty())
            throw Error(ErrorCategory::Usage, tr("--level B-B has no timestamp; leave out --tsa"));
    }
    if (auto v = args.get("--profile")) {
        if (*v != "gbt38540")
            throw Error(ErrorCategory::Usage,
                        fill(tr("--profile must be gbt38540, got '{text}'"), {{"{text}", *v}}));
        // GB/T 38540-2020 8.1: the electronic signature holds the seal.
        if (!electronic)
            throw Error(
                ErrorCategory::Usage,
                tr("--profile gbt38540 needs an electronic seal: --seal SEAL.esl (a GB/T 38540 seal)"));
        base.profile.gbt38540Signature = true;
    }
    base.reason = args.get("--reason").value_or("");
    base.location = args.get("--location").value_or("");
    base.fieldName = args.get("--field").value_or("");
    base.documentPassword = documentPassword(args);
    const unsigned requestedJobs = jobsOption(args);
    if (!base.fieldName.empty() && inputs.size() > 1)
        throw Error(ErrorCategory::Usage,
                    tr("--field names one field; it cannot be used with several inputs"));

    // Issuing CA certificates to embed beyond what the key holds: --chain files
    // (an unreadable one ends the command before the PIN) and the user's folder.
    const bool online = args.has("--online");
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
    if (!base.sealPicture)
        base.sealPicture = std::make_shared<const RgbaImage>(loadSealPicture(base.sealImage));
    checkSealImage(*base.sealPicture, base.sealImage, base.placement.sizeMm);
    createOutputDir(outputOptions);
    // In a batch a file that fails its check is reported and left out; the
    // others are still sealed. With one file, its error ends the command.
    int status = kOk;
    for (const std::string& file : expanded.unsupported) tally.skippedUnsupported(file);
    const bool batch = plans.size() > 1 || expanded.sawDirectory;
    std::vector<const FormatAdapter*> formats(plans.size(), nullptr);
    std::size_t toSeal = 0;
    for (std::size_t i = 0; i < plans.size(); ++i) {
        if (plans[i].skip) continue;
        SealRequest request = base;
        request.input = plans[i].input;
        request.output = plans[i].output;
        try {
            const FormatAdapter& format = adapterFor(plans[i].input);
            if (request.placement.mode == Placement::Mode::Cell && format.name() == "PDF")
                throw Error(ErrorCategory::Usage, tr("--cell is for spreadsheets (xlsx), not PDF"),
                            request.input);
            if (electronic && !format.carriesElectronicSeal())
                throw Error(
                    ErrorCategory::Unsupported,
                    fill(tr("{format} signatures cannot carry an electronic seal yet (PDF can); seal this "
                            "file with the seal's picture: --image PNG"),
                         {{"{format}", std::string(format.name())}}),
                    plans[i].input);
            if (request.profile.gbt38540Signature && format.name() != "PDF")
                throw Error(
                    ErrorCategory::Unsupported,
                    tr("the GB/T 38540 electronic signature (--profile gbt38540) is made for PDF only yet"),
                    plans[i].input);
            if (request.profile.level != PadesLevel::BB && format.name() != "PDF")
                throw Error(
                    ErrorCategory::Unsupported,
                    tr("timestamps and long-term validation data (--tsa, --level) are made for PDF only yet"),
                    plans[i].input);
            format.check(request);
            formats[i] = &format;
            ++toSeal;
        } catch (const Error& e) {
            if (plans.size() == 1) throw;
            tally.failed(plans[i].input, plans[i].output, e);
            if (status == kOk) status = exitCodeFor(e);
        }
    }
    if (toSeal == 0) {
        for (const OutputPlan& plan : plans)
            if (plan.skip) tally.skippedExisting(plan.input, plan.output);
        tally.finish(batch, status);
        return status;
    }

    // The seal must list the signer certificate: checked with the certificates
    // the key shows before its PIN (PKCS#11, SKF), and again once it is open.
    if (electronic) {
        const auto candidates = certificatesBeforePin(*keySpec);
        bool listed = candidates.empty();
        for (const auto& c : candidates) listed = listed || seal::listsCertificate(*electronic, c);
        if (!listed) seal::requireSignerListed(*electronic, candidates.front(), *sealOption);
    }
    auto pinEnv = args.get("--pin-env");
    auto pinFile = args.get("--pin-file");
    auto pins = makePinSource(pinEnv ? &*pinEnv : nullptr, pinFile ? &*pinFile : nullptr);
    // One login for every file of the command.
    // The key's chain completed from --chain, the user's folder, the system
    // store and, with --online, the caIssuers URLs (RFC 5280 4.2.2.1).
    std::unique_ptr<AiaFetcher> aia;
    if (online) aia = std::make_unique<AiaFetcher>();
    IssuerSources sources;
    sources.candidates = std::move(issuers);
    sources.aia = aia.get();
    CompletedKey completed = completeChain(openKey(*keySpec, *pins), sources);
    auto key = std::move(completed.key);
    for (const auto& w : completed.warnings) std::cerr << "eseal: " << tr("warning: ") << w << "\n";
    if (!completed.missingIssuer.empty()) {
        std::string tried = tr("the key, --chain, ~/.config/eseal/certs, the system store");
        if (online) tried += tr(", its AIA caIssuers URL");
        std::cerr
            << "eseal: " << tr("warning: ")
            << fill(tr("the seal's certificate chain is incomplete: the certificate of its issuer {issuer} "
                       "was found in none of: {sources}; verifiers that lack it cannot check the seal"),
                    {{"{issuer}", completed.missingIssuer}, {"{sources}", tried}});
        if (!online && !key->certificateChain().empty()) {
            try {
                if (!caIssuersUrls(Certificate::fromDer(key->certificateChain().front())).empty())
                    std::cerr
                        << " "
                        << tr("(the certificate names a caIssuers URL: sign with --online to fetch it)");
            } catch (const Error&) {
                // An unreadable signer certificate is refused further on.
            }
        }
        std::cerr << "\n";
    }
    if (electronic) {
        if (key->certificateChain().empty())
            throw Error(ErrorCategory::BadInput, tr("holds no certificate"), key->description());
        seal::requireSignerListed(*electronic, key->certificateChain().front(), *sealOption);
    }
    // Keys whose certificate was not readable before the PIN (PKCS#12, SKF).
    if (auto warning = key->certificateChain().empty()
                           ? std::nullopt
                           : requireSigningCertificate(key->certificateChain().front(), std::time(nullptr)))
        std::cerr << "eseal: " << tr("warning: ") << *warning << "\n";

    const Progress progress(toSeal);
    const std::size_t checkFailures = tally.failedCount();
    const unsigned jobs = toSeal > 1 ? requestedJobs : 1;
    if (jobs > 1) {
        sealInParallel(plans, formats, base, std::move(key), jobs, progress, checkFailures, tally, status);
        setInterruptSummary({});
        tally.finish(batch, status);
        return status;
    }
    for (std::size_t i = 0; i < plans.size(); ++i) {
        const OutputPlan& plan = plans[i];
        if (!inThisBatch(plan, formats[i], tally)) continue;
        // What a Ctrl-C now would leave: printed by the signal handler.
        setInterruptSummary(tally.interruptText(plans, i));
        SealRequest request = base;
        request.input = plan.input;
        request.output = plan.output;
        progress.show(tally.sealedCount() + tally.failedCount() - checkFailures, plan.input);
        try {
            SealResult result = formats[i]->seal(request, *key);
            progress.clear();
            printWarnings(plan.input, result);
            tally.sealed(plan.input, result);
        } catch (const TokenError&) {
            progress.clear();
            throw;  // the key is gone or refuses: stop the batch
        } catch (const Error& e) {
            progress.clear();
            sealFailed(plan, e, tally, status);
        }
    }
    setInterruptSummary({});
    tally.finish(batch, status);
    return status;
}

// With --json an error that ends the command still gives the JSON object.
int run(const Args& args) {
    SignOutput output(args.has("--json"));
    try {
        return sealAll(args, output);
    } catch (const Error& e) {
        output.abort(e, exitCodeFor(e));
        throw;
    }
}

}  // namespace

const Command& signCommand() {
    static const Command command{
        {"sign",
         "IN.pdf [IN2.pdf ...] | IN_DIR [-o OUT.pdf | --out-dir DIR] --key KEY (--seal SEAL.esl | --image\n"
         "           SEAL.png) [options]",
         "Seal documents: place the seal image and sign with the key (PAdES; for OpenDocument\nodt/ods/odp "
         "files XAdES in META-INF/documentsignatures.xml, the seal at the end; for Office\ndocx/xlsx/pptx "
         "files the package signature in _xmlsignatures/ as Microsoft Office writes it).",
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
         "never accepted on the command line. A wrong PIN ends the command; eseal never retries.\n\n"
         "Positions are millimetres from the top-left corner of the page as it is displayed\n"
         "(crop box and page rotation applied).\n\n"
         "The input is never modified: the sealed copy is written to a temporary file next to the\n"
         "output and renamed when complete; an existing output is replaced only with --force.\n"
         "Without -o or --out-dir the sealed copy goes beside the input as NAME-sealed.pdf\n"
         "(NAME-已盖章.pdf in a Chinese locale). Ctrl-C removes the unfinished output, lists what\n"
         "was and was not sealed, and exits with 130.\n\n"
         "An IN_DIR seals every supported document in it (not recursive) into --out-dir, with one\n"
         "PIN entry, a progress bar on a terminal and a summary (sealed / failed / skipped).\n\n"
         "--keyword finds the text as the pages show it (Chinese included) and centres the seal on\n"
         "it; --cross-page cuts the seal into one vertical strip per page at the page edge (right:\n"
         "the first page shows the leftmost strip). Both make one signature; with several widgets\n"
         "(--occurrence all, --cross-page) its one field has a widget per place. The seal is drawn\n"
         "with the multiply blend mode, so text under it stays readable.\n\n"
         "With an electronic seal (--seal SEAL.esl) the seal's picture is shown at the seal's size\n"
         "(--size overrides it) and the seal travels inside the signed data (PDF). Before the PIN is\n"
         "asked the seal must be within its validity period, its maker signature valid and the\n"
         "signer certificate one the seal lists; otherwise nothing is signed (exit 4).\n\n"
         "--profile gbt38540 (PDF, with an electronic seal) also signs a GB/T 38540-2020\n"
         "SES_Signature V4 (the seal, the signing time, the byte range's hash) with the same key:\n"
         "SM2 with SM3 for an SM2 key, else RSA PKCS#1 v1.5 or ECDSA with the --digest. It travels\n"
         "as an unsigned attribute of the CMS, which stays a valid PAdES signature; 'eseal verify'\n"
         "checks it (SES_Signature line; JSON sesSignature).\n",
         {
             {"--out", "-o", true, false, "OUT", "Write the sealed document here (one input)."},
             {"--out-dir", "", true, false, "DIR",
              "Write each sealed document into DIR (several inputs;\ncreated when missing)."},
             {"--force", "", false, false, "", "Replace an output file that exists already."},
             {"--skip-existing", "", false, false, "", "Leave inputs whose output exists (resume a batch)."},
             {"--jobs", "", true, false, "N",
              "Files of a batch sealed at once (default: 2 per core,\nat most 8; 1: one after the other)."},
             {"--key", "", true, false, "KEY", "The signing key (see below)."},
             {"--seal", "", true, false, "SEAL",
              "The electronic seal (GB/T 38540 SES_Seal file, e.g. from\n'eseal seal make', or the name of a "
              "seal on the key),\nor a PNG or JPEG seal picture as --image."},
             {"--image", "", true, false, "SEAL.png",
              "The seal image: a PNG with a transparent background,\nor a JPEG (its white paper is made "
              "transparent);\nbelow ~200 dpi at the size, a warning."},
             {"--size", "", true, false, "MM",
              "Width of the seal in millimetres (default 42; with an\nelectronic seal, its size)."},
             {"--page", "", true, false, "N",
              "Page to seal, from 1; -1 is the last page (default 1;\na PDF without --at: its last page)."},
             {"--at", "", true, false, "X,Y",
              "Centre of the seal, mm from the top-left of the page\n(default for a PDF: over the unit's "
              "name "
              "and the date\nthat end the letter, GB/T 9704; else lower right,\nthe seal's edge 30 mm from "
              "the "
              "right and 50 mm\nfrom the bottom, moved inwards on a small page)."},
             {"--cell", "", true, false, "SHEET!CELL",
              "Anchor the seal to this cell of an Excel workbook,\ne.g. Sheet1!F20 (default: column A below "
              "the "
              "used\nrange of the first sheet)."},
             {"--keyword", "", true, false, "TEXT",
              "Centre the seal on TEXT (e.g. the unit's name): PDF, as\nthe page shows it; Word/Writer, its "
              "paragraph;\nExcel/Calc, its cell; PowerPoint/Impress, its slide.\nNot found: exit 4, nothing "
              "written."},
             {"--occurrence", "", true, false, "N|last|all",
              "Which occurrence of --keyword (default 1); all: one\nsignature showing the seal on every "
              "occurrence."},
             {"--offset", "", true, false, "DX,DY",
              "Move the keyword seal DX mm right and DY mm down\n(negative: left, up); not in a spreadsheet "
              "(exit 4)."},
             {"--cross-page", "", false, false, "",
              "Cross-page seal (骑缝章): one strip of the seal on\neach page's edge; at least two pages."},
             {"--pages", "", true, false, "A-B", "Pages of the cross-page seal (default: all)."},
             {"--edge", "", true, false, "right|left", "Edge of the cross-page seal (default right)."},
             {"--y", "", true, false, "MM",
              "Centre of the cross-page seal, mm from the top of\nthe page (default: the middle)."},
             {"--reason", "", true, false, "TEXT", "Reason recorded in the signature."},
             {"--location", "", true, false, "TEXT", "Location recorded in the signature."},
             {"--field", "", true, false, "NAME", "Signature field name (default Seal1, Seal2, ...)."},
             {"--digest", "", true, false, "ALG", "sha256 (default), sha384 or sha512."},
             {"--chain", "", true, true, "PEM",
              "Issuing CA certificates to embed with the signer's\n(repeatable); also read: "
              "~/.config/eseal/certs/\nand the system store."},
             {"--online", "", false, false, "",
              "Fetch an issuing CA certificate that the key, --chain,\n~/.config/eseal/certs/ and the system "
              "store lack\nfrom the certificate's AIA caIssuers URL (http://)."},
             {"--tsa", "", true, false, "URL",
              "RFC 3161 timestamp authority (http://): the seal\ngets a signature timestamp (PAdES B-T)."},
             {"--level", "", true, false, "LEVEL",
              "PAdES level: B-B (default without --tsa), B-T\n(default with --tsa), B-LT (adds validation "
              "data),\n"
              "B-LTA (and a document timestamp)."},
             {"--profile", "", true, false, "gbt38540",
              "Also make the GB/T 38540 electronic signature\n(SES_Signature V4 over the byte range, PDF) "
              "beside\nthe "
              "PAdES one; needs --seal SEAL.esl."},
             {"--pin-env", "", true, false, "VAR", "Read the PIN from environment variable VAR."},
             {"--pin-file", "", true, false, "FILE", "Read the PIN from the first line of FILE."},
             {"--pdf-password-env", "", true, false, "VAR",
              "Password of an encrypted PDF from variable VAR: the\nuser password to open it, or the owner "
              "password\nwhen its permissions do not allow signing."},
             {"--pdf-password-file", "", true, false, "FILE", "The same, from the first line of FILE."},
             {"--json", "", false, false, "",
              "Print the results as one JSON object (for scripts;\nsee docs/CLI.md)."},
         }},
        run};
    return command;
}

}  // namespace eseal::cli
