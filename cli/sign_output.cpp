#include "cli/sign_output.hpp"

#include <iostream>

#include "core/base/exit_code.hpp"
#include "core/base/i18n.hpp"
#include "core/report/report.hpp"

namespace eseal::cli {

namespace {
using Json = nlohmann::ordered_json;
}

void SignOutput::sealed(const std::string& input, const SealResult& result) {
    sealed_.push_back(input);
    if (json_) {
        Json appearances = Json::array();
        for (const SealAppearance& a : result.appearances) appearances.push_back(appearanceJson(a));
        results_.push_back(Json{{"input", input},
                                {"status", "sealed"},
                                {"output", result.output},
                                {"outputSize", result.outputSize},
                                {"field", result.fieldName},
                                {"appearances", std::move(appearances)}});
        return;
    }
    // The English line is a documented form ("sealed IN -> OUT (field F, page N)").
    std::string line = result.appearances.empty()
                           ? fill(tr("sealed {in} -> {out} (field {field})"), {{"{field}", result.fieldName}})
                           : fill(tr("sealed {in} -> {out} (field {field}, page {page})"),
                                  {{"{field}", result.fieldName},
                                   {"{page}", std::to_string(result.appearances.front().page)}});
    std::cout << fill(line, {{"{in}", input}, {"{out}", result.output}}) << "\n";
}

void SignOutput::failed(const std::string& input, const std::string& output, const Error& e) {
    failed_.push_back(input);
    std::cerr << "eseal: " << e.what() << "\n";
    if (json_)
        results_.push_back(Json{{"input", input},
                                {"status", "failed"},
                                {"output", output},
                                {"exitCode", toInt(exitCodeFor(e.category()))},
                                {"error", e.message()}});
}

void SignOutput::skippedUnsupported(const std::string& file) {
    skipped_.push_back(file);
    if (json_)
        results_.push_back(Json{{"input", file}, {"status", "skipped"}, {"reason", "unsupported"}});
    else
        std::cout << fill(tr("skipped {file} (not a supported document)"), {{"{file}", file}}) << "\n";
}

void SignOutput::skippedExisting(const std::string& input, const std::string& output) {
    skipped_.push_back(input);
    if (json_)
        results_.push_back(
            Json{{"input", input}, {"status", "skipped"}, {"reason", "output-exists"}, {"output", output}});
    else
        std::cout << fill(tr("skipped {in} ({out} exists)"), {{"{in}", input}, {"{out}", output}}) << "\n";
}

std::string SignOutput::summary() const {
    return fill(tr("sealed {sealed}, failed {failed}, skipped {skipped}"),
                {{"{sealed}", std::to_string(sealed_.size())},
                 {"{failed}", std::to_string(failed_.size())},
                 {"{skipped}", std::to_string(skipped_.size())}});
}

std::string SignOutput::interruptText(const std::vector<OutputPlan>& plans, std::size_t current) const {
    std::string text = summary() + "\n";
    for (const auto& s : sealed_) text += "  " + fill(tr("sealed: {file}"), {{"{file}", s}}) + "\n";
    for (const auto& f : failed_) text += "  " + fill(tr("failed: {file}"), {{"{file}", f}}) + "\n";
    for (std::size_t i = current; i < plans.size(); ++i)
        if (!plans[i].skip)
            text += "  " + fill(tr("not sealed: {file}"), {{"{file}", plans[i].input}}) + "\n";
    text += std::string("  ") + tr("(rerun with --skip-existing to seal only what is missing)") + "\n";
    return text;
}

void SignOutput::finish(bool batch, int exitCode) {
    if (json_)
        printJson(exitCode, nullptr);
    else if (batch)
        std::cout << summary() << "\n";
}

void SignOutput::abort(const Error& e, int exitCode) {
    if (json_) printJson(exitCode, &e);
}

void SignOutput::printJson(int exitCode, const Error* error) {
    Json j = {{"results", results_},
              {"sealed", sealed_.size()},
              {"failed", failed_.size()},
              {"skipped", skipped_.size()},
              {"exitCode", exitCode}};
    if (error) j["error"] = {{"file", error->file()}, {"message", error->message()}};
    // File names need not be UTF-8: such bytes are replaced rather than ending the command.
    std::cout << j.dump(2, ' ', false, Json::error_handler_t::replace) << "\n" << std::flush;
}

}  // namespace eseal::cli
