#include "cli/outputs.hpp"

#include <filesystem>
#include <map>

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"

namespace eseal::cli {

namespace fs = std::filesystem;

std::string defaultOutputName(const std::string& input) {
    const fs::path p(input);
    const std::string suffix = chineseMessages() ? "-已盖章" : "-sealed";
    return (p.parent_path() / (p.stem().string() + suffix + p.extension().string())).string();
}

std::vector<OutputPlan> planOutputs(const std::vector<std::string>& inputs, const OutputOptions& o) {
    if (inputs.empty()) throw Error(ErrorCategory::Usage, tr("no input file (see: eseal sign --help)"));
    if (o.out && o.outDir)
        throw Error(ErrorCategory::Usage, tr("give either -o OUT or --out-dir DIR, not both"));
    if (o.out && inputs.size() > 1)
        throw Error(ErrorCategory::Usage, tr("several inputs need --out-dir DIR instead of -o"));
    if (o.force && o.skipExisting)
        throw Error(ErrorCategory::Usage, tr("give either --force or --skip-existing, not both"));

    std::vector<OutputPlan> plans;
    // Normalised output path -> the input that writes it.
    std::map<std::string, std::string> claimed;
    for (const std::string& in : inputs) {
        OutputPlan plan{in, {}, false};
        if (o.out)
            plan.output = *o.out;
        else if (o.outDir)
            plan.output = (fs::path(*o.outDir) / fs::path(in).filename()).string();
        else
            plan.output = defaultOutputName(in);

        const std::string key = fs::absolute(plan.output).lexically_normal().string();
        if (auto [it, fresh] = claimed.emplace(key, in); !fresh)
            throw Error(ErrorCategory::Usage,
                        std::string(tr("two inputs would be written to the same output")) + " (" +
                            it->second + ", " + in + "); " +
                            tr("seal them in separate commands or rename one"),
                        plan.output);

        std::error_code ec;
        if (fs::exists(plan.output, ec)) {
            if (o.skipExisting)
                plan.skip = true;
            else if (!o.force)
                throw Error(ErrorCategory::OutputNotWritable,
                            tr("exists already; eseal replaces a file only with --force "
                               "(or use --skip-existing to resume a batch)"),
                            plan.output);
        }
        plans.push_back(std::move(plan));
    }
    return plans;
}

void createOutputDir(const OutputOptions& o) {
    if (!o.outDir) return;
    std::error_code ec;
    fs::create_directories(*o.outDir, ec);
    if (ec)
        throw Error(ErrorCategory::OutputNotWritable, tr("cannot create the output folder: ") + ec.message(),
                    *o.outDir);
}

}  // namespace eseal::cli
