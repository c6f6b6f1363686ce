// Small UNO helpers the extension's components share: text conversion, the
// window's file, the extension's options and the UI language.
#pragma once

#include <com/sun/star/container/XNameAccess.hpp>
#include <com/sun/star/frame/XModel.hpp>
#include <com/sun/star/uno/XComponentContext.hpp>
#include <rtl/ustring.hxx>
#include <string>
#include <vector>

#include "core/base/bytes.hpp"
#include "extension/seal_actions.hpp"

namespace eseal::extension {

std::string utf8(const rtl::OUString& s);
rtl::OUString ou(const std::string& s);
// The document's file on disk; Error(Usage) for a document never saved.
std::string documentPath(const com::sun::star::uno::Reference<com::sun::star::frame::XModel>& model);
rtl::OUString fileUrl(const std::string& path);
// The extension's options node (registry/eseal.xcs).
inline constexpr char kOptionsNode[] = "/org.eseal.extension.Options/General";
// A configuration node ("/org.openoffice.Setup/L10N"), for reading or (update) for
// changing and committing; throws uno::Exception when there is none.
com::sun::star::uno::Reference<com::sun::star::uno::XInterface> configNode(
    const com::sun::star::uno::Reference<com::sun::star::uno::XComponentContext>& context, const char* path,
    bool update);
com::sun::star::uno::Reference<com::sun::star::container::XNameAccess> configAccess(
    const com::sun::star::uno::Reference<com::sun::star::uno::XComponentContext>& context, const char* path);
// The extension's options (registry/eseal.xcs) as defaults for arguments not given.
void addOptionDefaults(const com::sun::star::uno::Reference<com::sun::star::uno::XComponentContext>& context,
                       CommandArgs& args);
// A string-list option of /org.eseal.extension.Options/General ("Pkcs11Modules"); empty when unreadable.
std::vector<std::string> optionList(
    const com::sun::star::uno::Reference<com::sun::star::uno::XComponentContext>& context,
    const char* name) noexcept;
// LibreOffice's UI language: org.openoffice.Setup/L10N ooLocale ("zh-CN"), else
// the first of LC_ALL, LC_MESSAGES, LANG; empty when none is set.
std::string uiLanguage(
    const com::sun::star::uno::Reference<com::sun::star::uno::XComponentContext>& context) noexcept;
// The folder of the installed extension's message catalogues (locale/ beside lib/).
std::string extensionLocaleDir() noexcept;
// True when LibreOffice's UI language is Chinese. Also selects that language
// for the core's messages (tr(), from the extension's own catalogue), so every
// entry point calls it before it does anything that may report a message.
bool chineseUi(
    const com::sun::star::uno::Reference<com::sun::star::uno::XComponentContext>& context) noexcept;

// Bytes in a file of their own in the temporary folder (a seal's picture for an
// image control or GraphicProvider, which load from URLs), removed with this
// object. No bytes, or a file that cannot be written: path() is empty.
class TemporaryFile {
public:
    explicit TemporaryFile(const Bytes& bytes, const std::string& suffix = ".png") noexcept;
    ~TemporaryFile();
    TemporaryFile(const TemporaryFile&) = delete;
    TemporaryFile& operator=(const TemporaryFile&) = delete;
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

}  // namespace eseal::extension
