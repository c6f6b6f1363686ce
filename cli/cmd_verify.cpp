#include <iostream>

#include "cli/commands.hpp"
#include "core/base/error.hpp"
#include "core/crypto/trust.hpp"
#include "formats/format.hpp"

namespace eseal::cli {

namespace {

Report verifyOne(const std::string& path, const TrustStore& trust) {
    try {
        return adapterFor(path).verify(path, trust, VerifyOptions{});
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
    const auto& files = args.positional();
    if (files.empty()) throw Error(ErrorCategory::Usage, "no file to verify (see: eseal verify --help)");
    TrustPolicy policy = defaultTrustPolicy();
    if (args.has("--no-system-trust")) policy.useSystemStore = false;
    for (const auto& t : args.all("--trust")) policy.trustFiles.push_back(t);
    const TrustStore trust(policy);  // read once, for every file and signature

    bool json = args.has("--json");
    int status = kOk;
    std::string jsonOut = files.size() > 1 ? "[\n" : "";
    for (std::size_t i = 0; i < files.size(); ++i) {
        Report report = verifyOne(files[i], trust);
        status = i == 0 ? verifyExitCode(report) : combine(status, verifyExitCode(report));
        if (json) {
            jsonOut += toJson(report);
            if (i + 1 < files.size()) jsonOut += ",\n";
        } else {
            std::cout << toText(report);
            if (i + 1 < files.size()) std::cout << "\n";
        }
    }
    if (json) std::cout << jsonOut << (files.size() > 1 ? "\n]\n" : "\n");
    return status;
}

}  // namespace

const Command& verifyCommand() {
    static const Command command{
        {"verify",
         "FILE [FILE ...] [--json] [--trust PEM]... [--no-system-trust]",
         "Verify every seal/signature in documents and report.",
         "For each signature: signer, signing time, seal (page and rectangle), integrity, what the\n"
         "signature covers (entire file / an earlier revision / broken range), the certificate chain,\n"
         "and the revisions added after it with what they changed. Indications follow ETSI EN 319\n"
         "102-1: PASSED, INDETERMINATE or FAILED with a sub-indication as EU DSS names them.\n"
         "OFD documents (GB/T 33190): each GB/T 38540 signature's SM2 signature, dataHash (SM3 of its\n"
         "Signature.xml), the hash of every protected file, and the seal inside (maker signature, signer\n"
         "listed); a changed protected file gives FAILED / HASH_FAILURE.\n"
         "Trust anchors: the system store, ${XDG_CONFIG_HOME:-~/.config}/eseal/trust/, and --trust.\n\n"
         "Exit codes: 0 every signature PASSED, 1 any FAILED, 2 otherwise INDETERMINATE,\n"
         "3 no signature, 4 input unreadable.\n",
         {
             {"--json", "", false, false, "", "Print the report as JSON."},
             {"--trust", "", true, true, "PEM", "Also trust the certificates in PEM (repeatable)."},
             {"--no-system-trust", "", false, false, "", "Do not trust the system certificate store."},
         }},
        run};
    return command;
}

}  // namespace eseal::cli
