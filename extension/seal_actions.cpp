#include "extension/seal_actions.hpp"

#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/base/error.hpp"
#include "core/crypto/trust.hpp"
#include "core/key/pin.hpp"
#include "core/report/report.hpp"
#include "core/token/key_registry.hpp"

namespace eseal::extension {

namespace {

// The PIN from an environment variable of the LibreOffice process; never
// cached, never retried.
class EnvPin final : public PinSource {
public:
    explicit EnvPin(std::string variable) : variable_(std::move(variable)) {}
    SecretString get(const PinPrompt& prompt) override {
        const char* value = std::getenv(variable_.c_str());
        if (!value || !*value)
            throw TokenError(TokenError::Kind::PinRequired, "a PIN is needed for " + prompt.tokenLabel +
                                                                " but the environment variable " + variable_ +
                                                                " is not set in the LibreOffice process");
        return SecretString(value);
    }

private:
    std::string variable_;
};

const std::string* find(const CommandArgs& args, const std::string& name) {
    auto it = args.find(name);
    return it == args.end() || it->second.empty() ? nullptr : &it->second;
}

double number(const std::string& text, const std::string& name) {
    errno = 0;
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (text.empty() || errno != 0 || !end || *end != '\0' || !std::isfinite(v))
        throw Error(ErrorCategory::Usage, name + " needs a number, got '" + text + "'");
    return v;
}

}  // namespace

SealRequest sealRequestFrom(const CommandArgs& args, bool crossPage) {
    SealRequest request;
    const std::string* seal = find(args, "Seal");
    if (!seal) throw Error(ErrorCategory::Usage, "the Seal argument (a seal PNG file) is required");
    request.sealImage = *seal;
    if (const std::string* v = find(args, "Size")) request.placement.sizeMm = number(*v, "Size");
    if (const std::string* v = find(args, "Page")) {
        const double p = number(*v, "Page");
        if (p != static_cast<int>(p) || p == 0 || p < -1)
            throw Error(ErrorCategory::Usage, "Page needs a page number from 1, or -1 for the last page");
        request.placement.page = static_cast<int>(p);
    }
    if (crossPage) {
        request.placement.mode = Placement::Mode::CrossPage;
    } else if (const std::string* keyword = find(args, "Keyword")) {
        request.placement.mode = Placement::Mode::Keyword;
        request.placement.keyword = *keyword;
    } else if (const std::string* at = find(args, "At")) {
        std::string text = *at;
        static const std::string kFullWidthComma = "\xEF\xBC\x8C";
        for (auto i = text.find(kFullWidthComma); i != std::string::npos; i = text.find(kFullWidthComma))
            text.replace(i, kFullWidthComma.size(), ",");
        const auto comma = text.find(',');
        if (comma == std::string::npos) throw Error(ErrorCategory::Usage, "At needs \"X,Y\" in millimetres");
        request.placement.xMm = number(text.substr(0, comma), "At");
        request.placement.yMm = number(text.substr(comma + 1), "At");
    } else {
        request.placement = withDefaultSpot(request.placement);
    }
    if (const std::string* v = find(args, "Reason")) request.reason = *v;
    if (const std::string* v = find(args, "Location")) request.location = *v;
    if (const std::string* v = find(args, "Field")) request.fieldName = *v;
    return request;
}

SealResult sealFile(const std::string& input, const std::string& output, const CommandArgs& args,
                    bool crossPage) {
    SealRequest request = sealRequestFrom(args, crossPage);
    request.input = input;
    request.output = output;
    const std::string* keySpec = find(args, "Key");
    if (!keySpec)
        throw Error(ErrorCategory::Usage, "the Key argument (pkcs11:..., p12:FILE or skf:...) is required");
    const std::string* pinEnv = find(args, "PinEnv");
    if (!pinEnv)
        throw Error(ErrorCategory::Usage, "the PinEnv argument (an environment variable name) is required");
    const FormatAdapter* format = nullptr;
    try {
        format = &adapterFor(input);
    } catch (const Error& e) {
        if (e.category() != ErrorCategory::BadInput) throw;
        throw Error(ErrorCategory::BadInput, "format not supported yet: " + e.message(), input);
    }
    // Everything that needs no PIN first, as the CLI does.
    format->check(request);
    EnvPin pins(*pinEnv);
    auto key = openKey(*keySpec, pins);
    return format->seal(request, *key);
}

SealResult sealInPlace(const std::string& path, const CommandArgs& args, bool crossPage) {
    namespace fs = std::filesystem;
    const fs::path target(path);
    const fs::path temporary = target.parent_path() / ("." + target.filename().string() + ".eseal-" +
                                                       std::to_string(::getpid()) + ".pdf");
    try {
        SealResult result = sealFile(path, temporary.string(), args, crossPage);
        fs::rename(temporary, target);
        result.output = path;
        return result;
    } catch (...) {
        std::error_code ignored;
        fs::remove(temporary, ignored);
        throw;
    }
}

namespace {

Report verifyFile(const std::string& path, const CommandArgs& args) {
    TrustPolicy policy = defaultTrustPolicy();
    if (const std::string* v = find(args, "NoSystemTrust")) policy.useSystemStore = *v != "true";
    if (const std::string* v = find(args, "Trust")) {
        std::string::size_type start = 0;
        while (start <= v->size()) {
            const auto end = std::min(v->find(';', start), v->size());
            if (end > start) policy.trustFiles.push_back(v->substr(start, end - start));
            start = end + 1;
        }
    }
    const TrustStore trust(policy);
    return adapterFor(path).verify(path, trust, VerifyOptions{});
}

}  // namespace

std::string verifyFileJson(const std::string& path, const CommandArgs& args) {
    return toJson(verifyFile(path, args));
}

std::string verifyFileText(const std::string& path, const CommandArgs& args) {
    return toText(verifyFile(path, args));
}

std::string sealResultJson(const SealResult& result, const std::string& reloadProblem) {
    nlohmann::json j{{"ok", true}, {"output", result.output}, {"field", result.fieldName}};
    if (!result.appearances.empty()) j["page"] = result.appearances.front().page;
    if (!reloadProblem.empty()) j["reloadError"] = reloadProblem;
    return j.dump();
}

std::string errorJson(const std::string& category, const std::string& message) {
    return nlohmann::json{{"ok", false}, {"category", category}, {"error", message}}.dump();
}

}  // namespace eseal::extension
