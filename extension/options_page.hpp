// Tools > Options > 电子签章: the handler of the page extension/dialogs/Options.xdl
// (registry/OptionsDialog.xcu) loads /org.eseal.extension.Options/General into
// its controls and stores them back on OK.
#pragma once

#include <com/sun/star/uno/XComponentContext.hpp>
#include <com/sun/star/uno/XInterface.hpp>

namespace eseal::extension {

inline constexpr char kOptionsHandlerName[] = "org.eseal.extension.OptionsHandler";

com::sun::star::uno::Reference<com::sun::star::uno::XInterface> SAL_CALL
createOptionsHandler(const com::sun::star::uno::Reference<com::sun::star::uno::XComponentContext>& context);

}  // namespace eseal::extension
