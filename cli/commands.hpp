#pragma once

#include <string>
#include <vector>

#include "cli/args.hpp"
#include "core/base/error.hpp"
#include "core/base/exit_code.hpp"
#include "core/ossl/error.hpp"

namespace eseal::cli {

// Short names for the exit codes of core/base/exit_code.hpp (the one table).
enum Exit : int {
    kOk = toInt(ExitCode::Ok),
    kVerifyFailed = toInt(ExitCode::VerifyFailed),
    kVerifyIndeterminate = toInt(ExitCode::VerifyIndeterminate),
    kNoSignature = toInt(ExitCode::NoSignature),
    kBadInput = toInt(ExitCode::BadInput),
    kTokenError = toInt(ExitCode::Token),
    kOutputError = toInt(ExitCode::OutputNotWritable),
    kCryptoError = toInt(ExitCode::Crypto),
    kUsage = toInt(ExitCode::Usage),
    kInternal = toInt(ExitCode::Internal),
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
const Command& sealShowCommand();
const Command& sealMakeCommand();
const Command& unsealCommand();
const Command& sealDrawCommand();
const Command& sealImageCommand();
const Command& sealListCommand();
const Command& sealStoreCommand();
const Command& tokenCsrCommand();
const Command& tokenImportCertCommand();

}  // namespace eseal::cli
