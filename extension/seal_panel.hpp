// The verify-seal panel: the sidebar deck 电子签章 (registry/Sidebar.xcu) shows
// one panel, made by this UIElementFactory (registry/Factories.xcu), listing
// every seal of the window's file as the core's verifier reports it.
#pragma once

#include <com/sun/star/frame/XFrame.hpp>
#include <com/sun/star/uno/XComponentContext.hpp>
#include <com/sun/star/uno/XInterface.hpp>
#include <rtl/ustring.hxx>

namespace eseal::extension {

inline constexpr char kPanelFactoryName[] = "org.eseal.extension.PanelFactory";
inline constexpr char kDeckId[] = "EsealDeck";

com::sun::star::uno::Reference<com::sun::star::uno::XInterface> SAL_CALL
createPanelFactory(const com::sun::star::uno::Reference<com::sun::star::uno::XComponentContext>& context);

// Lists the file again in every panel shown for `frame` (after a Verify or a seal).
void refreshPanels(const com::sun::star::uno::Reference<com::sun::star::frame::XFrame>& frame) noexcept;

}  // namespace eseal::extension
