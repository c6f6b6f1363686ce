// Where each sealed document goes, decided for the whole command before any
// key is opened: nothing is ever overwritten without --force, and two inputs
// never write to the same output.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace eseal::cli {

struct OutputPlan {
    std::string input;
    std::string output;
    bool skip = false;  // --skip-existing and the output is already there
};

struct OutputOptions {
    std::optional<std::string> out;     // -o
    std::optional<std::string> outDir;  // --out-dir
    bool force = false;                 // replace existing outputs
    bool skipExisting = false;          // leave inputs whose output exists (resuming a batch)
};

// The default output beside the input when neither -o nor --out-dir is given:
// "公函.pdf" -> "公函-已盖章.pdf" in a Chinese locale, "letter-sealed.pdf" otherwise.
std::string defaultOutputName(const std::string& input);

// Throws Error(Usage) for contradictory options or two inputs with one
// output, Error(OutputNotWritable) for an existing output without --force or
// --skip-existing. Does not touch the file system beyond stat().
std::vector<OutputPlan> planOutputs(const std::vector<std::string>& inputs, const OutputOptions& options);

// Creates --out-dir (and its parents) when missing; Error(OutputNotWritable) when it cannot.
void createOutputDir(const OutputOptions& options);

}  // namespace eseal::cli
