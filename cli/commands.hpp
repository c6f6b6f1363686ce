#pragma once

#include <string>
#include <vector>

#include "cli/args.hpp"
#include "core/base/error.hpp"

namespace eseal::cli {

// CLI exit codes (see README and `eseal --help`).
enum Exit : int {
    kOk = 0,
    kVerifyFailed = 1,
    kVerifyIndeterminate = 2,
    kNoSignature = 3,
    kBadInput = 4,
    kTokenError = 5,
    kOutputError = 6,
    kCryptoError = 7,
    kUsage = 64,
    kInternal = 70,
};

// The exit code for an error that ends a command (see the enum above).
int exitCodeFor(const Error& e);

struct Command {
    CommandSpec spec;
    int (*run)(const Args& args);
};

const Command& signCommand();
const Command& verifyCommand();
const Command& tokenListCommand();
const Command& tokenUnlockCommand();
const Command& tokenChangePinCommand();
const Command& demoCommand();

}  // namespace eseal::cli
