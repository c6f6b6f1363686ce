#include <algorithm>
#include <filesystem>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/inputs.hpp"
#include "cli/pin_sources.hpp"
#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "core/crypto/aia.hpp"
#include "core/crypto/trust.hpp"
#include "formats/format.hpp"

namespace eseal::cli {

namespace {

Report verifyOne(const std::string& path, const TrustStore& trust, const VerifyOptions& options) {
    try {
        return adapterFor(path).verify(path, trust, options);
    } catch (const Error& e) {
        Report report;
        report.file = path;
        report.readable = false;
        report.errors.push_back(e.what());
        return report;
    }
}

// Several files: the most severe outcome decides.
int combine(int a, int b) {
    const int order[] = {kBadInput, kVerifyFailed, kVerifyIndeterminate, kNoSignature, kOk};
    for (int code : order)
        if (a == code || b == code) return code;
    return a;
}

int run(const Args& args) {
    if (args.positional().empty())
        throw Error(ErrorCategory::Usage, tr("no file to verify (see: eseal verify --help)"));
    const ExpandedInputs expanded = expandFolders(args.positional());
    const std::vector<std::string>& files = expanded.files;
    const bool sawDirectory = expanded.sawDirectory;
    TrustPolicy policy = defaultTrustPolicy();
    if (args.has("--no-system-trust")) policy.useSystemStore = false;
    for (const auto& t : args.all("--trust")) policy.trustFiles.push_back(t);
    const TrustStore trust(policy);  // read once, for every file and signature
    VerifyOptions verifyOptions;
    verifyOptions.online = args.has("--online");
    if (verifyOptions.online) verifyOptions.aia = std::make_shared<AiaFetcher>();
    verifyOptions.documentPassword = documentPassword(args);

    const bool json = args.has("--json"), quiet = args.has("--quiet");
    // A folder gets one line per file, unless the full report is asked for.
    const bool summary = sawDirectory && !args.has("--verbose");
    TextOptions textOptions;
    textOptions.verbose = args.has("--verbose");
    if (files.empty()) {
        if (!quiet) std::cout << tr("No supported document in the folder.") << "\n";
        return kNoSignature;
    }
    int status = kOk;
    std::string jsonOut = files.size() > 1 ? "[\n" : "";
    for (std::size_t i = 0; i < files.size(); ++i) {
        Report report = verifyOne(files[i], trust, verifyOptions);
        status = i == 0 ? verifyExitCode(report) : combine(status, verifyExitCode(report));
        if (quiet) continue;
        if (json) {
            jsonOut += toJson(report);
            if (i + 1 < files.size()) jsonOut += ",\n";
        } else if (summary) {
            std::cout << files[i] << ": " << verdictLine(report) << "\n";
        } else {
            std::cout << toText(report, textOptions);
            if (i + 1 < files.size()) std::cout << "\n";
        }
    }
    if (json && !quiet) std::cout << jsonOut << (files.size() > 1 ? "\n]\n" : "\n");
    return status;
}

}  // namespace

const Command& verifyCommand() {
    static const Command command{
        {"verify",
         "FILE|DIR [FILE|DIR ...] [--json | --verbose | --quiet] [--trust PEM]... [--no-system-trust] "
         "[--online] [--pdf-password-env VAR | --pdf-password-file FILE]",
         "Verify every seal/signature in documents and report.",
         "The report starts with one sentence to act on (valid / NOT valid / not confirmed), then for\n"
         "each signature: signer, signing time, seal (page and rectangle), integrity, what the\n"
         "signature covers (entire file / an earlier revision / broken range), the certificate chain,\n"
         "and the revisions added after it with what they changed. Indications follow ETSI EN 319\n"
         "102-1: PASSED, INDETERMINATE or FAILED with a sub-indication as EU DSS names them.\n\n"
         "OFD documents (GB/T 33190): each GB/T 38540 signature's SM2 signature, dataHash (SM3 of its\n"
         "Signature.xml), the hash of every protected file, and the seal inside (maker signature, signer\n"
         "listed); a changed protected file gives FAILED / HASH_FAILURE.\n\n"
         "Times are local with their offset (JSON: UTC); seal positions are in mm from the top-left of\n"
         "the displayed page, as 'eseal sign --at' takes them. A DIR is verified file by file (every\n"
         "supported document in it), one line each.\n\n"
         "Trust anchors: the system store, ${XDG_CONFIG_HOME:-~/.config}/eseal/trust/, and --trust;\n"
         "intermediate CA certificates: ${XDG_CONFIG_HOME:-~/.config}/eseal/certs/, and with --online\n"
         "those the certificates' AIA caIssuers URLs (http://) give. A signature timestamp (PAdES B-T)\n"
         "that verifies moves the chain check to its time.\n\n"
         "Revocation: CRLs and OCSP responses in the file (DSS, CMS); with --online also from the\n"
         "certificates' URLs. A revoked certificate is FAILED / REVOKED, an unknown status\n"
         "INDETERMINATE / TRY_LATER.\n\n"
         "Encrypted PDFs: one that opens without a password is read as it is; one that needs its\n"
         "user password is checked only with it (--pdf-password-env or --pdf-password-file; the\n"
         "owner password also opens it). Without it, or with a wrong one, every signature found is\n"
         "INDETERMINATE: eseal cannot read what the seal covers.\n\n"
         "Exit codes: 0 every signature PASSED, 1 any FAILED, 2 otherwise INDETERMINATE,\n"
         "3 no signature, 4 input unreadable.\n",
         {
             {"--json", "", false, false, "", "Print the report as JSON."},
             {"--verbose", "", false, false, "",
              "Also PDF object numbers, byte ranges and points; the\nfull report for a DIR."},
             {"--quiet", "", false, false, "", "Print nothing; the exit code tells (for scripts)."},
             {"--trust", "", true, true, "PEM", "Also trust the certificates in PEM (repeatable)."},
             {"--no-system-trust", "", false, false, "", "Do not trust the system certificate store."},
             {"--online", "", false, false, "",
              "Ask the CRL and OCSP services the certificates name\nfor revocation data the file lacks, and "
              "fetch missing\nissuing CA certificates from their AIA caIssuers URLs."},
             {"--pdf-password-env", "", true, false, "VAR",
              "Password of an encrypted PDF from variable VAR (its\nuser or owner password)."},
             {"--pdf-password-file", "", true, false, "FILE", "The same, from the first line of FILE."},
         }},
        run};
    return command;
}

}  // namespace eseal::cli
