// eseal unseal: remove the last seal (撤销签章) from a sealed copy.
#include <filesystem>
#include <iostream>

#include "cli/commands.hpp"
#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "formats/format.hpp"

namespace eseal::cli {

namespace {

int run(const Args& args) {
    const auto& inputs = args.positional();
    if (inputs.size() != 1)
        throw Error(ErrorCategory::Usage, tr("unseal takes one input file (see: eseal unseal --help)"));
    const auto out = args.get("--out");
    if (!out) throw Error(ErrorCategory::Usage, tr("-o OUT is required: the input is never changed"));
    std::error_code ec;
    if (!args.has("--force") && std::filesystem::exists(*out, ec))
        throw Error(ErrorCategory::OutputNotWritable,
                    tr("exists already; eseal replaces a file only with --force"), *out);
    const UnsealResult result = adapterFor(inputs.front()).unseal(inputs.front(), *out);
    std::cout
        << fill(tr("removed seal {field} from {in} -> {out} ({size} bytes, the file as it was before that "
                   "seal)"),
                {{"{field}", result.fieldName},
                 {"{in}", inputs.front()},
                 {"{out}", result.output},
                 {"{size}", std::to_string(result.outputSize)}})
        << "\n";
    return kOk;
}

}  // namespace

const Command& unsealCommand() {
    static const Command command{
        {"unseal",
         "IN.pdf -o OUT.pdf [--force]",
         "Remove the last seal (撤销签章): OUT is IN exactly as it was before that seal.",
         "Only a seal eseal made, with nothing added to the file after it, can be removed; anything\n"
         "else (another program's signature, a later change, an unsealed file) is refused with\n"
         "exit 4 and nothing written. Earlier seals stay as they were.\n",
         {
             {"--out", "-o", true, false, "OUT", "Write the document without its last seal here."},
             {"--force", "", false, false, "", "Replace an output file that exists already."},
         }},
        run};
    return command;
}

}  // namespace eseal::cli
