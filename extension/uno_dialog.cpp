#include "extension/uno_dialog.hpp"

#include <com/sun/star/awt/MessageBoxButtons.hpp>
#include <com/sun/star/awt/Toolkit.hpp>
#include <com/sun/star/awt/XControlModel.hpp>
#include <com/sun/star/awt/XMessageBox.hpp>
#include <com/sun/star/awt/XMessageBoxFactory.hpp>
#include <com/sun/star/lang/XMultiComponentFactory.hpp>

#include "extension/uno_common.hpp"

using namespace com::sun::star;
using com::sun::star::uno::Reference;
using rtl::OUString;

namespace eseal::extension {

DialogBuilder::DialogBuilder(const Reference<uno::XComponentContext>& context) : context_(context) {
    Reference<lang::XMultiComponentFactory> smgr = context->getServiceManager();
    model_.set(smgr->createInstanceWithContext("com.sun.star.awt.UnoControlDialogModel", context),
               uno::UNO_QUERY_THROW);
    factory_.set(model_, uno::UNO_QUERY_THROW);
    container_.set(model_, uno::UNO_QUERY_THROW);
}

Reference<beans::XPropertySet> DialogBuilder::add(const char* type, const std::string& name, sal_Int32 x,
                                                  sal_Int32 y, sal_Int32 w, sal_Int32 h) {
    Reference<beans::XPropertySet> p(
        factory_->createInstance("com.sun.star.awt.UnoControl" + OUString::createFromAscii(type) + "Model"),
        uno::UNO_QUERY_THROW);
    p->setPropertyValue("PositionX", uno::Any(x));
    p->setPropertyValue("PositionY", uno::Any(y));
    p->setPropertyValue("Width", uno::Any(w));
    p->setPropertyValue("Height", uno::Any(h));
    container_->insertByName(ou(name), uno::Any(p));
    return p;
}

Reference<beans::XPropertySet> DialogBuilder::label(const std::string& name, const std::string& text,
                                                    sal_Int32 x, sal_Int32 y, sal_Int32 w) {
    Reference<beans::XPropertySet> p = add("FixedText", name, x, y, w, 10);
    p->setPropertyValue("Label", uno::Any(ou(text)));
    return p;
}

Reference<beans::XPropertySet> DialogBuilder::button(const std::string& name, const std::string& text,
                                                     sal_Int32 x, sal_Int32 y, sal_Int16 pushButtonType) {
    Reference<beans::XPropertySet> p = add("Button", name, x, y, 55, 15);
    p->setPropertyValue("Label", uno::Any(ou(text)));
    p->setPropertyValue("PushButtonType", uno::Any(pushButtonType));  // awt::PushButtonType
    if (pushButtonType == 1) p->setPropertyValue("DefaultButton", uno::Any(true));
    return p;
}

void DialogBuilder::okCancel(const std::string& okText, const std::string& cancelText, sal_Int32 x,
                             sal_Int32 y) {
    button("Ok", okText, x, y, 1);
    button("Cancel", cancelText, x + 59, y, 2);
}

Reference<awt::XControl> DialogBuilder::create(const Reference<awt::XWindowPeer>& parent) const {
    Reference<awt::XControl> dialog(context_->getServiceManager()->createInstanceWithContext(
                                        "com.sun.star.awt.UnoControlDialog", context_),
                                    uno::UNO_QUERY_THROW);
    dialog->setModel(Reference<awt::XControlModel>(model_, uno::UNO_QUERY_THROW));
    Reference<awt::XToolkit> toolkit(awt::Toolkit::create(context_), uno::UNO_QUERY_THROW);
    dialog->createPeer(toolkit, parent);
    return dialog;
}

void showMessage(const Reference<uno::XComponentContext>& context, const Reference<awt::XWindowPeer>& parent,
                 const std::string& message, awt::MessageBoxType type) noexcept {
    try {
        Reference<awt::XMessageBoxFactory> factory(awt::Toolkit::create(context), uno::UNO_QUERY);
        if (!parent.is() || !factory.is()) return;
        Reference<awt::XMessageBox> box =
            factory->createMessageBox(parent, type, awt::MessageBoxButtons::BUTTONS_OK,
                                      OUString::fromUtf8("电子签章 eseal"), ou(message));
        if (box.is()) box->execute();
    } catch (...) {
        // No window to show it in.
    }
}

}  // namespace eseal::extension
