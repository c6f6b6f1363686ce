#include "extension/uno_common.hpp"

#include <com/sun/star/beans/PropertyValue.hpp>
#include <com/sun/star/configuration/theDefaultProvider.hpp>
#include <com/sun/star/container/XNameAccess.hpp>
#include <com/sun/star/lang/XMultiServiceFactory.hpp>
#include <cstdlib>
#include <osl/file.hxx>

#include "core/base/error.hpp"

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
    if (!model.is()) throw Error(ErrorCategory::Usage, "no document in this window");
    const OUString url = model->getURL();
    if (url.isEmpty())
        throw Error(ErrorCategory::Usage, "the document has not been saved yet; save it, then seal it");
    OUString path;
    if (osl::FileBase::getSystemPathFromFileURL(url, path) != osl::FileBase::E_None)
        throw Error(ErrorCategory::Usage, "the document is not a local file: " + utf8(url));
    return utf8(path);
}

OUString fileUrl(const std::string& path) {
    OUString url;
    osl::FileBase::getFileURLFromSystemPath(ou(path), url);
    return url;
}

// The extension's options (registry/eseal.xcs), /org.eseal.extension.Options/General,
// as defaults for arguments the dispatch does not give: DefaultOutput -> Output,
// TrustAnchors -> Trust, UseSystemTrust=false -> NoSystemTrust. Unreadable
// options leave the arguments as they are.
void addOptionDefaults(const Reference<uno::XComponentContext>& context, CommandArgs& args) {
    try {
        Reference<lang::XMultiServiceFactory> provider = configuration::theDefaultProvider::get(context);
        beans::PropertyValue path;
        path.Name = "nodepath";
        path.Value <<= OUString("/org.eseal.extension.Options/General");
        Sequence<uno::Any> arguments(1);
        arguments[0] <<= path;
        Reference<container::XNameAccess> general(
            provider->createInstanceWithArguments("com.sun.star.configuration.ConfigurationAccess",
                                                  arguments),
            uno::UNO_QUERY);
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

namespace {

Reference<container::XNameAccess> configAccess(const Reference<uno::XComponentContext>& context,
                                               const char* path) {
    Reference<lang::XMultiServiceFactory> provider = configuration::theDefaultProvider::get(context);
    beans::PropertyValue node;
    node.Name = "nodepath";
    node.Value <<= OUString::createFromAscii(path);
    Sequence<uno::Any> arguments(1);
    arguments[0] <<= node;
    return Reference<container::XNameAccess>(
        provider->createInstanceWithArguments("com.sun.star.configuration.ConfigurationAccess", arguments),
        uno::UNO_QUERY);
}

}  // namespace

std::vector<std::string> optionList(const Reference<uno::XComponentContext>& context,
                                    const char* name) noexcept {
    std::vector<std::string> list;
    try {
        Reference<container::XNameAccess> general =
            configAccess(context, "/org.eseal.extension.Options/General");
        Sequence<OUString> items;
        if (general.is() && (general->getByName(OUString::createFromAscii(name)) >>= items))
            for (const OUString& i : items)
                if (!i.isEmpty()) list.push_back(utf8(i));
    } catch (...) {
        list.clear();
    }
    return list;
}

bool chineseUi(const Reference<uno::XComponentContext>& context) noexcept {
    try {
        OUString locale;
        Reference<container::XNameAccess> l10n = configAccess(context, "/org.openoffice.Setup/L10N");
        if (l10n.is()) l10n->getByName("ooLocale") >>= locale;
        if (!locale.isEmpty()) return locale.startsWith("zh");
    } catch (...) {
        // No configuration: the environment decides.
    }
    for (const char* var : {"LC_ALL", "LC_MESSAGES", "LANG"})
        if (const char* v = std::getenv(var); v && *v) return std::string(v).rfind("zh", 0) == 0;
    return false;
}

}  // namespace eseal::extension
