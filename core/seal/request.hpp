// What a person asks for when sealing: which document, which seal, where.
#pragma once

#include <ctime>
#include <memory>
#include <optional>
#include <string>

#include "core/base/atomic_file.hpp"
#include "core/base/secret.hpp"
#include "core/key/algorithms.hpp"
#include "core/seal/image.hpp"
#include "core/seal/placement.hpp"

namespace eseal {

enum class PadesLevel { BB, BT, BLT, BLTA };

struct SigningProfile {
    PadesLevel level = PadesLevel::BB;
    DigestAlgorithm digest = DigestAlgorithm::Sha256;
    // DocMDP certification (ISO 32000-1 12.8.2.2): 1, 2 or 3; nullopt = approval signature.
    std::optional<int> certificationLevel;
    std::string tsaUrl;
    // Also the GB/T 38540-2020 electronic signature (SES_Signature V4) over the
    // same signed data, beside the standard signature (PDF: `--profile
    // gbt38540`); needs SealRequest::electronicSeal.
    bool gbt38540Signature = false;
};

struct SealRequest {
    std::string input;
    std::string output;
    std::string sealImage;  // PNG path
    // The seal picture decoded once per command (a batch seals many files with
    // one picture); empty = the adapter decodes sealImage.
    std::shared_ptr<const RgbaImage> sealPicture;
    // The electronic seal (DER SES_Seal, GB/T 38540) the signature carries
    // inside its signed data; empty = none. Its picture is sealPicture.
    Bytes electronicSeal;
    Placement placement;
    SigningProfile profile;
    std::string reason;
    std::string location;
    std::string contactInfo;
    std::string fieldName;  // empty = "Seal<N>" chosen by the format
    // The seal picture is in the document already, put there by the front end
    // where the person chose (the LibreOffice extension inserts it through
    // UNO); an adapter whose FormatAdapter::signsPlacedPicture() is true then
    // signs the document as it is and adds no picture of its own.
    bool picturePlaced = false;
    // The password of an encrypted document (PDF 7.6.3): its user password to
    // open it, or its owner password when its permissions do not allow adding a
    // signature field; null = none (the empty user password).
    std::shared_ptr<const SecretString> documentPassword;
    // The claimed signing time; nullopt = eseal::now().
    std::optional<std::time_t> signingTime;
    // Set by a batch sealing files in parallel: the adapter hands the finished
    // output (complete and fsynced under its temporary name) to this instead of
    // renaming it, and the batch renames outputs in input order. Empty = the
    // adapter renames it (AtomicFile::commit).
    OutputHandOff handOff;
};

// The request's seal picture: the one decoded for the command, or sealImage
// decoded now. Throws Error(BadInput / InputUnreadable) naming the image.
std::shared_ptr<const RgbaImage> sealPictureOf(const SealRequest& request);

}  // namespace eseal
