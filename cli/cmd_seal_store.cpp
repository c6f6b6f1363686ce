// eseal seal store: an electronic seal written onto a USB Key (PKCS#11 data
// object, SKF file), and the lookup of `sign --seal NAME` among those seals.
#include <cctype>
#include <filesystem>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/pin_sources.hpp"
#include "cli/seal_choice.hpp"
#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "core/base/time.hpp"
#include "core/seal/binding.hpp"
#include "core/seal/selection.hpp"
#include "core/seal/ses_seal.hpp"
#include "core/token/key_registry.hpp"
#include "core/token/key_seals.hpp"

namespace eseal::cli {

namespace {

std::vector<seal::NamedSeal> readableSeals(const TokenSeals& onKey) {
    std::vector<seal::NamedSeal> out;
    for (std::size_t i = 0; i < onKey.sealValues.size(); ++i) {
        try {
            out.push_back({onKey.sealLabels[i], seal::readSeal(onKey.sealValues[i], onKey.sealLabels[i])});
        } catch (const Error&) {
            // An SKF file that is not a seal, or a damaged object: seal list reports it.
        }
    }
    return out;
}

// A path (a '/' in it) or a file name with a seal or picture extension: meant
// as a file, never looked up on the key.
bool looksLikeFile(const std::string& option) {
    if (option.find('/') != std::string::npos) return true;
    std::string lower;
    for (char c : option) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (const char* ext : {".esl", ".ses", ".seal", ".der", ".dat", ".png", ".jpg", ".jpeg"}) {
        const std::string e = ext;
        if (lower.size() > e.size() && lower.compare(lower.size() - e.size(), e.size(), e) == 0) return true;
    }
    return false;
}

}  // namespace

seal::SesSeal loadSealForSigning(const std::string& option, const std::string& keySpec) {
    std::error_code ec;
    if (std::filesystem::exists(option, ec) || looksLikeFile(option) || !keySchemeOf(keySpec).seals)
        return seal::loadSeal(option);  // a missing file is named as such (exit 4)
    const TokenSeals onKey = sealsOnKey(keySpec);
    std::vector<Bytes> signers;
    try {
        signers = certificatesBeforePin(keySpec);
    } catch (const Error&) {
        // Only a preference among seals of one name; the binding is checked later anyway.
    }
    const auto seals = readableSeals(onKey);
    const seal::NamedSeal& chosen = seal::chooseSeal(seals, option, signers, "'" + onKey.tokenLabel + "'");
    std::cerr << "eseal: "
              << fill(tr("sealing with the seal {seal} on {key}"),
                      {{"{seal}", seal::describeNamedSeal(chosen)}, {"{key}", onKey.tokenLabel}})
              << "\n";
    return chosen.seal;
}

namespace {

int runStore(const Args& args) {
    const auto& files = args.positional();
    if (files.size() != 1)
        throw Error(ErrorCategory::Usage,
                    fill(tr("{command} takes one seal file (see: eseal {command} --help)"),
                         {{"{command}", "seal store"}}));
    auto keySpec = args.get("--key");
    if (!keySpec)
        throw Error(ErrorCategory::Usage, tr("--key is required (the USB Key to store the seal on)"));
    const std::string& path = files[0];
    const seal::SesSeal s = seal::loadSeal(path);
    // A seal whose maker signature fails would be refused by every sign: not stored.
    if (const auto check = seal::checkMakerSignature(s); !check.valid)
        throw Error(ErrorCategory::BadInput,
                    fill(tr("the maker signature of the seal does not verify ({detail}); it is not stored"),
                         {{"{detail}", check.detail}}),
                    path);
    const std::time_t at = now();
    if (at > s.property.validEnd || at < s.property.validStart)
        std::cerr << "eseal: " << tr("warning: ")
                  << fill(tr("the seal is not valid now (valid {from} .. {to})"),
                          {{"{from}", isoUtc(s.property.validStart).substr(0, 10)},
                           {"{to}", isoUtc(s.property.validEnd).substr(0, 10)}})
                  << "\n";
    // Before the PIN: the key's token must be there and keep seals.
    const TokenSeals present = sealsOnKey(*keySpec);
    bool bindsKey = false;
    for (const auto& c : present.certificates) bindsKey = bindsKey || seal::listsCertificate(s, c);
    if (!bindsKey)
        std::cerr << "eseal: " << tr("warning: ")
                  << fill(
                         tr("the seal lists none of the certificates on {key}; it cannot seal with this key"),
                         {{"{key}", present.tokenLabel}})
                  << "\n";
    SealToStore toStore{s.encoded, s.property.name, s.esId, args.get("--label").value_or("")};
    auto pinEnv = args.get("--pin-env");
    auto pinFile = args.get("--pin-file");
    auto pins = makePinSource(pinEnv ? &*pinEnv : nullptr, pinFile ? &*pinFile : nullptr);
    const std::string label = storeSealOnKey(*keySpec, toStore, *pins);
    std::cout << fill(tr("stored the seal '{name}' (seal ID {id}) on {key} as '{label}'"),
                      {{"{name}", s.property.name},
                       {"{id}", s.esId},
                       {"{key}", present.tokenLabel},
                       {"{label}", label}})
              << "\n";
    return kOk;
}

}  // namespace

const Command& sealStoreCommand() {
    static const Command command{
        {"seal store",
         "SEAL.esl --key KEY [--label NAME] [--pin-env VAR | --pin-file FILE]",
         "Store an electronic seal on a USB Key, so that 'eseal sign --seal NAME' finds it there.",
         "KEY names the USB Key as 'eseal sign --key' does (pkcs11: URI, or skf:LIB?device=D&app=A);\n"
         "a PKCS#12 file keeps no seals. On a PKCS#11 token the seal becomes a public data object\n"
         "(CKO_DATA, CKA_APPLICATION 'GB/T 38540 SES_Seal') labelled with the seal's name; on an SKF\n"
         "key a file of the application (readable by anyone, written with the user PIN) named\n"
         "ESEAL_ and the seal ID. A seal whose maker signature does not verify is not stored; a\n"
         "seal that is already there, or a label in use, is refused. The user PIN is asked once.\n\n"
         "Exit codes: 0 stored, 4 not a readable seal or a bad maker signature, 5 the key refused\n"
         "(PIN, label in use, no room), 64 usage.\n",
         {
             {"--key", "", true, false, "KEY", "The USB Key to store the seal on."},
             {"--label", "", true, false, "NAME",
              "The label (PKCS#11) or file name (SKF, ASCII,\nat most 32 bytes) of the seal on the key."},
             {"--pin-env", "", true, false, "VAR", "Read the PIN from environment variable VAR."},
             {"--pin-file", "", true, false, "FILE", "Read the PIN from the first line of FILE."},
         }},
        runStore};
    return command;
}

}  // namespace eseal::cli
