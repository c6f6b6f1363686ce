// What a person asks for when sealing: which document, which seal, where.
#pragma once

#include <ctime>
#include <optional>
#include <string>

#include "core/key/algorithms.hpp"

namespace eseal {

// Where the seal goes. Positions are in millimetres from the top-left corner of
// the page as a person sees it (CropBox and /Rotate applied): users measure
// paper, not PDF points.
struct Placement {
    enum class Mode {
        Position,   // page + (xMm, yMm) centre
        Keyword,    // centred on the occurrence-th match of keyword (later issue)
        CrossPage,  // 骑缝章: slices of the seal on each page's edge (later issue)
        Cell,       // a spreadsheet cell (later issue)
    };
    Mode mode = Mode::Position;
    int page = 1;          // 1-based; -1 = last page
    double xMm = 0;        // centre of the seal
    double yMm = 0;
    // When true, xMm / yMm are measured from the right and bottom edges of the
    // displayed page instead (the default spot: a signature block, lower right).
    bool fromBottomRight = false;
    double sizeMm = 42;    // width of the seal; 42 mm is the usual official round seal
    // Keyword placement
    std::string keyword;
    int occurrence = 1;
    double offsetXMm = 0, offsetYMm = 0;
    // Cross-page seal
    int firstPage = 1, lastPage = -1;
    enum class Edge { Right, Left, Top, Bottom } edge = Edge::Right;
    // Spreadsheet cell
    std::string cell;      // "Sheet1!D20"
};

enum class PadesLevel { BB, BT, BLT, BLTA };

struct SigningProfile {
    PadesLevel level = PadesLevel::BB;
    DigestAlgorithm digest = DigestAlgorithm::Sha256;
    // DocMDP certification (ISO 32000-1 12.8.2.2): 1, 2 or 3; nullopt = approval signature.
    std::optional<int> certificationLevel;
    std::string tsaUrl;
};

struct SealRequest {
    std::string input;
    std::string output;
    std::string sealImage;   // PNG path
    Placement placement;
    SigningProfile profile;
    std::string reason;
    std::string location;
    std::string contactInfo;
    std::string fieldName;   // empty = "Seal<N>" chosen by the format
    // The claimed signing time; nullopt = eseal::now().
    std::optional<std::time_t> signingTime;
};

}  // namespace eseal
