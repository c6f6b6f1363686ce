#include "cli/args.hpp"

#include <sstream>

#include "cli/config.hpp"
#include "core/base/error.hpp"
#include "core/base/i18n.hpp"

namespace eseal::cli {

namespace {
const OptionSpec* find(const CommandSpec& spec, const std::string& token) {
    for (const auto& o : spec.options)
        if (o.name == token || (!o.shortName.empty() && o.shortName == token)) return &o;
    return nullptr;
}

[[noreturn]] void usage(const CommandSpec& spec, const std::string& message) {
    throw Error(ErrorCategory::Usage,
                message + fill(tr(" (see: eseal {command} --help)"), {{"{command}", spec.name}}));
}

// A command's details are translated paragraph by paragraph (paragraphs are
// separated by an empty line), so that a changed paragraph leaves the
// translations of the others in place.
std::string translatedParagraphs(const std::string& text) {
    std::string out;
    std::size_t start = 0;
    while (start < text.size()) {
        const std::size_t end = text.find("\n\n", start);
        if (end == std::string::npos) {
            out += tr(text.substr(start).c_str());
            break;
        }
        // Each msgid keeps its paragraph's own final newline.
        out += tr(text.substr(start, end + 1 - start).c_str());
        out += '\n';
        start = end + 2;
    }
    return out;
}
}  // namespace

Args::Args(const CommandSpec& spec, const std::vector<std::string>& argv) {
    bool onlyPositional = false;
    for (std::size_t i = 0; i < argv.size(); ++i) {
        const std::string& a = argv[i];
        if (onlyPositional || a.size() < 2 || a[0] != '-') {
            positional_.push_back(a);
            continue;
        }
        if (a == "--") {
            onlyPositional = true;
            continue;
        }
        if (a == "--help" || a == "-h") {
            help_ = true;
            continue;
        }
        std::string name = a;
        std::optional<std::string> inlineValue;
        if (auto eq = a.find('='); a.rfind("--", 0) == 0 && eq != std::string::npos) {
            name = a.substr(0, eq);
            inlineValue = a.substr(eq + 1);
        }
        if (name == "--pin" || name == "--so-pin" || name == "--new-pin" || name == "--password")
            usage(spec, tr("PINs are never accepted on the command line (they end up in shell history and "
                           "process lists); use a terminal prompt, --pin-env VAR or --pin-file FILE"));
        const OptionSpec* o = find(spec, name);
        if (!o) usage(spec, fill(tr("unknown option {option}"), {{"{option}", name}}));
        std::string value;
        if (o->takesValue) {
            if (inlineValue) {
                value = *inlineValue;
            } else {
                if (i + 1 >= argv.size())
                    usage(spec, fill(tr("{option} needs a value ({value})"),
                                     {{"{option}", o->name}, {"{value}", o->valueName}}));
                value = argv[++i];
            }
        } else if (inlineValue) {
            usage(spec, fill(tr("{option} takes no value"), {{"{option}", o->name}}));
        }
        auto& slot = values_[o->name];
        if (!slot.empty() && !o->repeatable)
            usage(spec, fill(tr("{option} given more than once"), {{"{option}", o->name}}));
        slot.push_back(value);
    }
}

void Args::applyDefaults(const CommandSpec& spec, const Config& config) {
    std::map<std::string, std::vector<std::string>> fromConfig;
    for (const ConfigEntry& e : config.entries) {
        const OptionSpec* o = find(spec, "--" + e.name);
        if (!o || values_.count(o->name)) continue;  // another command's option, or given on the command line
        if (!o->takesValue) {
            if (e.value != "yes" && e.value != "true" && e.value != "1") continue;
            fromConfig[o->name].push_back({});
        } else {
            auto& slot = fromConfig[o->name];
            if (!slot.empty() && !o->repeatable)
                throw Error(ErrorCategory::Usage,
                            fill(tr("--{name} is set twice (line {line})"),
                                 {{"{name}", e.name}, {"{line}", std::to_string(e.line)}}),
                            config.file.string());
            slot.push_back(e.value);
        }
    }
    for (auto& [name, values] : fromConfig) values_[name] = std::move(values);
}

std::optional<std::string> Args::get(const std::string& name) const {
    auto it = values_.find(name);
    if (it == values_.end() || it->second.empty()) return std::nullopt;
    return it->second.back();
}

std::vector<std::string> Args::all(const std::string& name) const {
    auto it = values_.find(name);
    return it == values_.end() ? std::vector<std::string>{} : it->second;
}

std::string helpText(const CommandSpec& spec) {
    std::ostringstream out;
    out << tr("Usage:") << " eseal " << spec.name << " " << spec.synopsis << "\n\n"
        << tr(spec.summary.c_str()) << "\n";
    if (!spec.options.empty()) {
        out << "\n" << tr("Options:") << "\n";
        for (const auto& o : spec.options) {
            std::string left = "  ";
            if (!o.shortName.empty()) left += o.shortName + ", ";
            left += o.name;
            if (o.takesValue) left += " " + o.valueName;
            out << left;
            if (left.size() < 28)
                out << std::string(28 - left.size(), ' ');
            else
                out << "\n" << std::string(28, ' ');
            // Indent continuation lines of multi-line help.
            for (char c : std::string(tr(o.help.c_str()))) {
                out << c;
                if (c == '\n') out << std::string(28, ' ');
            }
            out << "\n";
        }
        out << "  -h, --help                " << tr("Show this help.") << "\n";
    }
    if (!spec.details.empty()) out << "\n" << translatedParagraphs(spec.details);
    if (spec.details.empty() || spec.details.back() != '\n') out << "\n";
    return out.str();
}

}  // namespace eseal::cli
