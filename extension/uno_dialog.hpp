// Dialogs built in code from awt control models (the seal dialog, 签章管理),
// and message boxes over a window.
#pragma once

#include <com/sun/star/awt/MessageBoxType.hpp>
#include <com/sun/star/awt/XControl.hpp>
#include <com/sun/star/awt/XWindowPeer.hpp>
#include <com/sun/star/beans/XPropertySet.hpp>
#include <com/sun/star/container/XNameContainer.hpp>
#include <com/sun/star/lang/XMultiServiceFactory.hpp>
#include <com/sun/star/uno/XComponentContext.hpp>
#include <string>

namespace eseal::extension {

// Builds a dialog model control by control (positions in dialog units).
class DialogBuilder {
public:
    explicit DialogBuilder(
        const com::sun::star::uno::Reference<com::sun::star::uno::XComponentContext>& context);

    // A control of awt type `type` ("Edit" for UnoControlEditModel) named `name`.
    com::sun::star::uno::Reference<com::sun::star::beans::XPropertySet> add(const char* type,
                                                                            const std::string& name,
                                                                            sal_Int32 x, sal_Int32 y,
                                                                            sal_Int32 w, sal_Int32 h);
    com::sun::star::uno::Reference<com::sun::star::beans::XPropertySet> label(const std::string& name,
                                                                              const std::string& text,
                                                                              sal_Int32 x, sal_Int32 y,
                                                                              sal_Int32 w);
    // A button 55 x 15 at x, y; pushButtonType 0 (standard), 1 (OK, the default button) or 2 (Cancel).
    com::sun::star::uno::Reference<com::sun::star::beans::XPropertySet> button(const std::string& name,
                                                                               const std::string& text,
                                                                               sal_Int32 x, sal_Int32 y,
                                                                               sal_Int16 pushButtonType);
    // OK (the default button) and Cancel side by side from x, y.
    void okCancel(const std::string& okText, const std::string& cancelText, sal_Int32 x, sal_Int32 y);
    const com::sun::star::uno::Reference<com::sun::star::beans::XPropertySet>& model() const {
        return model_;
    }
    // The dialog itself, its peer made over `parent` (not yet shown).
    com::sun::star::uno::Reference<com::sun::star::awt::XControl> create(
        const com::sun::star::uno::Reference<com::sun::star::awt::XWindowPeer>& parent) const;

private:
    com::sun::star::uno::Reference<com::sun::star::uno::XComponentContext> context_;
    com::sun::star::uno::Reference<com::sun::star::beans::XPropertySet> model_;
    com::sun::star::uno::Reference<com::sun::star::lang::XMultiServiceFactory> factory_;
    com::sun::star::uno::Reference<com::sun::star::container::XNameContainer> container_;
};

// A message box with an OK button over `parent`; nothing when it cannot be shown.
void showMessage(const com::sun::star::uno::Reference<com::sun::star::uno::XComponentContext>& context,
                 const com::sun::star::uno::Reference<com::sun::star::awt::XWindowPeer>& parent,
                 const std::string& message, com::sun::star::awt::MessageBoxType type) noexcept;

}  // namespace eseal::extension
