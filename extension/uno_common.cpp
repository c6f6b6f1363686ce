#include "extension/uno_common.hpp"

#include <dlfcn.h>
#include <unistd.h>

#include <com/sun/star/beans/PropertyValue.hpp>
#include <com/sun/star/configuration/theDefaultProvider.hpp>
#include <com/sun/star/container/XNameAccess.hpp>
#include <com/sun/star/lang/XMultiServiceFactory.hpp>
#include <cstdlib>
#include <filesystem>
#include <osl/file.hxx>

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"

using namespace com::sun::star;
using com::sun::star::uno::Reference;
using com::sun::star::uno::Sequence;
using rtl::OString;
using rtl::OUString;

namespace eseal::extension {

std::string utf8(const OUString& s) {
    const OString o = OUStringToOString(s, RTL_TEXTENCODING_UTF8);
    return std::string(o.getStr(), static_cast<std::size_t>(o.getLength()));
}

OUString ou(const std::string& s) {
    return OUString(s.data(), static_cast<sal_Int32>(s.size()), RTL_TEXTENCODING_UTF8);
}

// The document's file on disk; Error(Usage) for a document never saved.
std::string documentPath(const Reference<frame::XModel>& model) {
    if (!model.is()) throw Error(ErrorCategory::Usage, tr("no document in this window"));
    const OUString url = model->getURL();
    if (url.isEmpty())
        throw Error(ErrorCategory::Usage, tr("the document has not been saved yet; save it, then seal it"));
    OUString path;
    if (osl::FileBase::getSystemPathFromFileURL(url, path) != osl::FileBase::E_None)
        throw Error(ErrorCategory::Usage,
                    fill(tr("the document is not a local file: {url}"), {{"{url}", utf8(url)}}));
    return utf8(path);
}

OUString fileUrl(const std::string& path) {
    OUString url;
    osl::FileBase::getFileURLFromSystemPath(ou(path), url);
    return url;
}

Reference<uno::XInterface> configNode(const Reference<uno::XComponentContext>& context, const char* path,
                                      bool update) {
    Reference<lang::XMultiServiceFactory> provider = configuration::theDefaultProvider::get(context);
    beans::PropertyValue node;
    node.Name = "nodepath";
    node.Value <<= OUString::createFromAscii(path);
    Sequence<uno::Any> arguments(1);
    arguments[0] <<= node;
    return provider->createInstanceWithArguments(
        update ? OUString("com.sun.star.configuration.ConfigurationUpdateAccess")
               : OUString("com.sun.star.configuration.ConfigurationAccess"),
        arguments);
}

Reference<container::XNameAccess> configAccess(const Reference<uno::XComponentContext>& context,
                                               const char* path) {
    return Reference<container::XNameAccess>(configNode(context, path, false), uno::UNO_QUERY);
}

// The extension's options (registry/eseal.xcs), /org.eseal.extension.Options/General,
// as defaults for arguments the dispatch does not give: DefaultOutput -> Output,
// TrustAnchors -> Trust, UseSystemTrust=false -> NoSystemTrust. Unreadable
// options leave the arguments as they are.
void addOptionDefaults(const Reference<uno::XComponentContext>& context, CommandArgs& args) {
    try {
        Reference<container::XNameAccess> general = configAccess(context, kOptionsNode);
        if (!general.is()) return;
        OUString output;
        if (!args.count("Output") && (general->getByName("DefaultOutput") >>= output) && !output.isEmpty())
            args["Output"] = utf8(output);
        Sequence<OUString> anchors;
        if (!args.count("Trust") && (general->getByName("TrustAnchors") >>= anchors)) {
            std::string joined;
            for (const OUString& a : anchors)
                if (!a.isEmpty()) joined += (joined.empty() ? "" : ";") + utf8(a);
            if (!joined.empty()) args["Trust"] = joined;
        }
        bool system = true;
        if (!args.count("NoSystemTrust") && (general->getByName("UseSystemTrust") >>= system) && !system)
            args["NoSystemTrust"] = "true";
    } catch (const uno::Exception&) {
        // No options: the arguments stand.
    }
}

std::vector<std::string> optionList(const Reference<uno::XComponentContext>& context,
                                    const char* name) noexcept {
    std::vector<std::string> list;
    try {
        Reference<container::XNameAccess> general = configAccess(context, kOptionsNode);
        Sequence<OUString> items;
        if (general.is() && (general->getByName(OUString::createFromAscii(name)) >>= items))
            for (const OUString& i : items)
                if (!i.isEmpty()) list.push_back(utf8(i));
    } catch (...) {
        list.clear();
    }
    return list;
}

std::string uiLanguage(const Reference<uno::XComponentContext>& context) noexcept {
    try {
        OUString locale;
        Reference<container::XNameAccess> l10n = configAccess(context, "/org.openoffice.Setup/L10N");
        if (l10n.is()) l10n->getByName("ooLocale") >>= locale;
        if (!locale.isEmpty()) return utf8(locale);
    } catch (...) {
        // No configuration: the environment decides.
    }
    for (const char* var : {"LC_ALL", "LC_MESSAGES", "LANG"})
        if (const char* v = std::getenv(var); v && *v) return v;
    return {};
}

std::string extensionLocaleDir() noexcept {
    // This library is lib/libeseal_uno.so inside the installed extension;
    // the catalogues are in its locale/ folder (extension/CMakeLists.txt).
    Dl_info info{};
    if (::dladdr(reinterpret_cast<void*>(&extensionLocaleDir), &info) == 0 || !info.dli_fname) return {};
    try {
        return (std::filesystem::path(info.dli_fname).parent_path().parent_path() / "locale").string();
    } catch (...) {
        return {};
    }
}

bool chineseUi(const Reference<uno::XComponentContext>& context) noexcept {
    const std::string language = uiLanguage(context);
    try {
        static const std::string localeDir = extensionLocaleDir();
        selectLanguage(language, localeDir);
    } catch (...) {
        // No catalogue: the core's messages stay English.
    }
    return language.size() >= 2 && language[0] == 'z' && language[1] == 'h';
}

TemporaryFile::TemporaryFile(const Bytes& bytes, const std::string& suffix) noexcept {
    if (bytes.empty()) return;
    try {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "eseal-picture-XXXXXX").string() + suffix;
        const int fd = ::mkstemps(pattern.data(), static_cast<int>(suffix.size()));
        if (fd < 0) return;
        std::size_t done = 0;
        while (done < bytes.size()) {
            const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
            if (n <= 0) break;
            done += static_cast<std::size_t>(n);
        }
        if (::close(fd) == 0 && done == bytes.size())
            path_ = pattern;
        else
            ::unlink(pattern.c_str());
    } catch (...) {
        path_.clear();
    }
}

TemporaryFile::~TemporaryFile() {
    if (!path_.empty()) ::unlink(path_.c_str());
}

}  // namespace eseal::extension
