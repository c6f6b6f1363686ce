// Small UNO helpers the extension's components share: text conversion, the
// window's file, the extension's options and the UI language.
#pragma once

#include <com/sun/star/frame/XModel.hpp>
#include <com/sun/star/uno/XComponentContext.hpp>
#include <rtl/ustring.hxx>
#include <string>
#include <vector>

#include "extension/seal_actions.hpp"

namespace eseal::extension {

std::string utf8(const rtl::OUString& s);
rtl::OUString ou(const std::string& s);
// The document's file on disk; Error(Usage) for a document never saved.
std::string documentPath(const com::sun::star::uno::Reference<com::sun::star::frame::XModel>& model);
rtl::OUString fileUrl(const std::string& path);
// The extension's options (registry/eseal.xcs) as defaults for arguments not given.
void addOptionDefaults(const com::sun::star::uno::Reference<com::sun::star::uno::XComponentContext>& context,
                       CommandArgs& args);
// A string-list option of /org.eseal.extension.Options/General ("Pkcs11Modules"); empty when unreadable.
std::vector<std::string> optionList(
    const com::sun::star::uno::Reference<com::sun::star::uno::XComponentContext>& context,
    const char* name) noexcept;
// True when LibreOffice's UI language is Chinese (ooLocale, else the environment).
bool chineseUi(
    const com::sun::star::uno::Reference<com::sun::star::uno::XComponentContext>& context) noexcept;

}  // namespace eseal::extension
