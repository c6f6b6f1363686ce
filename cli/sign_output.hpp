// What `eseal sign` did with each file, told as it happens: one line per file
// in the messages' language, or with --json one JSON object at the end (the
// form scripts read; docs/CLI.md). It also knows what a Ctrl-C would leave.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/outputs.hpp"
#include "core/base/error.hpp"
#include "formats/format.hpp"

namespace eseal::cli {

class SignOutput {
public:
    explicit SignOutput(bool json) : json_(json) {}

    void sealed(const std::string& input, const SealResult& result);
    // A file left out of a batch: its error goes to stderr as well.
    void failed(const std::string& input, const std::string& output, const Error& e);
    void skippedUnsupported(const std::string& file);
    void skippedExisting(const std::string& input, const std::string& output);
    // The end of the command: the summary line of a batch (text), or the JSON
    // object with exitCode.
    void finish(bool batch, int exitCode);
    // An error that ends the command: with --json the object still comes,
    // with "error"; the caller rethrows, so stderr and the exit code stay.
    void abort(const Error& e, int exitCode);

    std::size_t failedCount() const { return failed_.size(); }
    std::size_t sealedCount() const { return sealed_.size(); }
    // "sealed 1, failed 0, skipped 2" (translated).
    std::string summary() const;
    // What a Ctrl-C before plans[current] leaves: it and the ones after it are not sealed.
    std::string interruptText(const std::vector<OutputPlan>& plans, std::size_t current) const;

private:
    void printJson(int exitCode, const Error* error);

    bool json_;
    std::vector<std::string> sealed_, failed_, skipped_;
    nlohmann::ordered_json results_ = nlohmann::ordered_json::array();
};

}  // namespace eseal::cli
