#pragma once

#include <memory>

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "core/key/pin.hpp"

namespace eseal::cli {

// For a new PIN typed on a terminal: asks twice and requires both to match.
// Script sources (env, file) are read once.
class ConfirmedPin final : public PinSource {
public:
    ConfirmedPin(std::unique_ptr<PinSource> inner, bool interactive)
        : inner_(std::move(inner)), interactive_(interactive) {}

    SecretString get(const PinPrompt& prompt) override {
        SecretString first = inner_->get(prompt);
        if (first.view().size() < 4)
            throw TokenError(TokenError::Kind::Other, tr("the new PIN is too short (at least 4 characters)"));
        if (isWellKnownDefaultPin(first.view()))
            throw TokenError(
                TokenError::Kind::Other,
                tr("the new PIN is a well-known default PIN (such as 123456, 000000, 111111, 888888 "
                   "or 12345678) that anyone would try first; choose another; nothing was changed"));
        if (!interactive_) return first;
        PinPrompt again = prompt;
        again.purpose = prompt.purpose + " again";
        SecretString second = inner_->get(again);
        if (first.view() != second.view())
            throw TokenError(TokenError::Kind::Other, tr("the two new PINs differ; nothing was changed"));
        return first;
    }
    void notice(const std::string& message) override { inner_->notice(message); }

private:
    std::unique_ptr<PinSource> inner_;
    bool interactive_;
};

}  // namespace eseal::cli
