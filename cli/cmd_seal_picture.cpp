// eseal seal draw | image: seal pictures. draw makes a round red unit seal for
// demos and tests (never a legal seal: the PNG says so in its metadata);
// image turns a scanned imprint into a clean seal picture.
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>

#include "cli/commands.hpp"
#include "cli/demo_kit/demo_seal.hpp"
#include "core/base/atomic_file.hpp"
#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "core/seal/image.hpp"
#include "core/seal/scan.hpp"

namespace eseal::cli {

namespace {

long wholeNumber(const std::string& text, const char* option, long low, long high) {
    char* end = nullptr;
    const long v = std::strtol(text.c_str(), &end, 10);
    if (text.empty() || *end != 0 || v < low || v > high)
        throw Error(
            ErrorCategory::Usage,
            fill(tr("{option} wants a whole number from {low} to {high}"),
                 {{"{option}", option}, {"{low}", std::to_string(low)}, {"{high}", std::to_string(high)}}));
    return v;
}

int runDraw(const Args& args) {
    if (!args.positional().empty())
        throw Error(ErrorCategory::Usage,
                    fill(tr("{command} takes no file arguments (see: eseal {command} --help)"),
                         {{"{command}", "seal draw"}}));
    const auto name = args.get("--name");
    if (!name || name->empty())
        throw Error(ErrorCategory::Usage, tr("seal draw needs --name (the unit's name)"));
    const auto out = args.get("--out");
    if (!out || out->empty())
        throw Error(ErrorCategory::Usage, fill(tr("{command} needs {option}"),
                                               {{"{command}", "seal draw"}, {"{option}", "-o SEAL.png"}}));
    const long mm = wholeNumber(args.get("--size").value_or("42"), "--size", 10, 100);
    const long dpi = wholeNumber(args.get("--dpi").value_or("400"), "--dpi", 100, 1200);
    if (std::filesystem::exists(*out) && !args.has("--force"))
        throw Error(ErrorCategory::Usage, tr("the output exists; give --force to replace it"), *out);

    const auto pixels =
        static_cast<std::uint32_t>(std::lround(static_cast<double>(mm) / 25.4 * static_cast<double>(dpi)));
    const DemoSealText text{*name, args.get("--center").value_or(""),
                            args.get("--bottom").value_or("DEMO 非法定印章")};
    const RgbaImage image = drawDemoSeal(text, pixels);
    PngMetadata metadata;
    // pHYs holds pixels per metre; the size in mm is pixels / that * 1000.
    metadata.pixelsPerMetre =
        static_cast<std::uint32_t>(std::lround(pixels * 1000.0 / static_cast<double>(mm)));
    metadata.text = {{"Software", "eseal seal draw"},
                     {"Comment", "eseal demo seal: drawn for demonstrations and tests, not a legal seal"},
                     {"eseal-demo-seal", "yes"}};
    AtomicFile file(*out);
    file.write(encodePng(image, metadata));
    file.commit();
    std::cout << fill(tr("drew {file} ({mm} mm, {px} x {px} px, demo seal)"),
                      {{"{file}", *out}, {"{mm}", std::to_string(mm)}, {"{px}", std::to_string(pixels)}})
              << "\n";
    return kOk;
}

int runImage(const Args& args) {
    if (!args.positional().empty())
        throw Error(ErrorCategory::Usage,
                    fill(tr("{command} takes no file arguments (see: eseal {command} --help)"),
                         {{"{command}", "seal image"}}));
    const auto from = args.get("--from-scan");
    if (!from || from->empty())
        throw Error(ErrorCategory::Usage,
                    fill(tr("{command} needs {option}"),
                         {{"{command}", "seal image"}, {"{option}", "--from-scan SCAN.jpg"}}));
    const auto out = args.get("--out");
    if (!out || out->empty())
        throw Error(ErrorCategory::Usage, fill(tr("{command} needs {option}"),
                                               {{"{command}", "seal image"}, {"{option}", "-o SEAL.png"}}));
    std::optional<long> dpiOption;
    if (auto v = args.get("--dpi")) dpiOption = wholeNumber(*v, "--dpi", 50, 2400);
    if (std::filesystem::exists(*out) && !args.has("--force"))
        throw Error(ErrorCategory::Usage, tr("the output exists; give --force to replace it"), *out);

    const Scan scan = loadScan(*from);
    const double dpi = dpiOption ? static_cast<double>(*dpiOption) : scan.dpi;
    if (dpi <= 0)
        throw Error(
            ErrorCategory::Usage,
            tr("the scan does not record its resolution, so the seal's size is unknown; give --dpi N (the "
               "scanner's setting)"),
            *from);
    const RgbaImage seal = sealFromScan(scan.image, *from);
    PngMetadata metadata;
    metadata.pixelsPerMetre = static_cast<std::uint32_t>(std::lround(dpi / 0.0254));
    metadata.text = {{"Software", "eseal seal image"}};
    AtomicFile file(*out);
    file.write(encodePng(seal, metadata));
    file.commit();
    const auto mm = [&](std::uint32_t px) { return std::to_string(std::lround(px * 25.4 / dpi)); };
    std::cout << fill(tr("made {file} ({width} x {height} px, {wmm} x {hmm} mm at {dpi} dpi)"),
                      {{"{file}", *out},
                       {"{width}", std::to_string(seal.width)},
                       {"{height}", std::to_string(seal.height)},
                       {"{wmm}", mm(seal.width)},
                       {"{hmm}", mm(seal.height)},
                       {"{dpi}", std::to_string(std::lround(dpi))}})
              << "\n";
    return kOk;
}

}  // namespace

const Command& sealImageCommand() {
    static const Command command{
        {"seal image",
         "--from-scan SCAN.jpg [--dpi N] -o SEAL.png [--force]",
         "Make a clean seal picture (PNG) from a scanned imprint (red stamp on paper).",
         "SCAN is a JPEG or PNG of the imprint sheet (印模) on white or grey paper. The red ink is kept\n"
         "(its opacity follows how much redder than grey it is, in one ink colour), the paper becomes\n"
         "transparent, specks are dropped and the picture is cropped to the ink. The physical size is\n"
         "kept: the output's pHYs carries the scan's resolution (its JFIF density, or --dpi), so\n"
         "'eseal seal make --size' and 'eseal sign --size' can use the seal's true size.\n",
         {
             {"--from-scan", "", true, false, "SCAN", "The scanned imprint (JPEG or PNG)."},
             {"--dpi", "", true, false, "N",
              "The scan's resolution, when the file does not say it\nor says it wrongly."},
             {"--out", "-o", true, false, "SEAL.png", "The PNG file to write."},
             {"--force", "", false, false, "", "Replace an existing output."},
         }},
        runImage};
    return command;
}

const Command& sealDrawCommand() {
    static const Command command{
        {"seal draw",
         "--name NAME [--center TEXT] [--bottom TEXT] [--size MM] [--dpi N] -o SEAL.png [--force]",
         "Draw a round red unit seal picture (PNG) for demonstrations and tests.",
         "The seal has a red ring, the unit's NAME along the upper arc, a five-pointed star in the\n"
         "centre, the --center line below the star and a small --bottom line (default 'DEMO 非法定印章').\n"
         "The CJK font comes from fonts-noto-cjk (or the file named by $ESEAL_FONT), drawn with FreeType.\n"
         "The background is transparent; the PNG records its size (pHYs: MM at N dpi) and says in its\n"
         "tEXt metadata (keyword eseal-demo-seal) that it is a demo seal, not a legal seal.\n",
         {
             {"--name", "", true, false, "NAME", "The unit's name along the arc, e.g. 某某市人民政府办公室."},
             {"--center", "", true, false, "TEXT", "The line under the star, e.g. 业务专用章."},
             {"--bottom", "", true, false, "TEXT", "The small bottom line (default DEMO 非法定印章)."},
             {"--size", "", true, false, "MM", "Diameter in mm (default 42)."},
             {"--dpi", "", true, false, "N", "Resolution (default 400 dpi)."},
             {"--out", "-o", true, false, "SEAL.png", "The PNG file to write."},
             {"--force", "", false, false, "", "Replace an existing output."},
         }},
        runDraw};
    return command;
}

}  // namespace eseal::cli
