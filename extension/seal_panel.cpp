#include "extension/seal_panel.hpp"

#include <algorithm>
#include <com/sun/star/accessibility/XAccessible.hpp>
#include <com/sun/star/awt/PosSize.hpp>
#include <com/sun/star/awt/Rectangle.hpp>
#include <com/sun/star/awt/Toolkit.hpp>
#include <com/sun/star/awt/XControl.hpp>
#include <com/sun/star/awt/XControlContainer.hpp>
#include <com/sun/star/awt/XControlModel.hpp>
#include <com/sun/star/awt/XWindow.hpp>
#include <com/sun/star/awt/XWindowListener.hpp>
#include <com/sun/star/awt/XWindowPeer.hpp>
#include <com/sun/star/beans/PropertyValue.hpp>
#include <com/sun/star/beans/XPropertySet.hpp>
#include <com/sun/star/document/DocumentEvent.hpp>
#include <com/sun/star/document/XDocumentEventBroadcaster.hpp>
#include <com/sun/star/document/XDocumentEventListener.hpp>
#include <com/sun/star/frame/XController.hpp>
#include <com/sun/star/lang/IllegalArgumentException.hpp>
#include <com/sun/star/lang/XComponent.hpp>
#include <com/sun/star/lang/XMultiComponentFactory.hpp>
#include <com/sun/star/lang/XServiceInfo.hpp>
#include <com/sun/star/ui/LayoutSize.hpp>
#include <com/sun/star/ui/UIElementType.hpp>
#include <com/sun/star/ui/XSidebarPanel.hpp>
#include <com/sun/star/ui/XToolPanel.hpp>
#include <com/sun/star/ui/XUIElement.hpp>
#include <com/sun/star/ui/XUIElementFactory.hpp>
#include <cppuhelper/implbase2.hxx>
#include <cppuhelper/implbase6.hxx>
#include <cppuhelper/supportsservice.hxx>
#include <cppuhelper/weakref.hxx>
#include <mutex>
#include <vector>

#include "core/base/error.hpp"
#include "extension/uno_common.hpp"

using namespace com::sun::star;
using com::sun::star::uno::Reference;
using com::sun::star::uno::Sequence;
using rtl::OUString;

namespace eseal::extension {

namespace {

// The panels alive, so that a Verify or a seal can refresh the one of its window.
std::mutex g_panelsMutex;
std::vector<uno::WeakReference<ui::XUIElement>> g_panels;

class SealsPanel
    : public cppu::WeakImplHelper6<ui::XUIElement, ui::XToolPanel, ui::XSidebarPanel, lang::XComponent,
                                   awt::XWindowListener, document::XDocumentEventListener> {
public:
    SealsPanel(const Reference<uno::XComponentContext>& context, const Reference<frame::XFrame>& frame,
               const Reference<awt::XWindow>& parent, const OUString& url)
        : context_(context), frame_(frame), parent_(parent), url_(url) {
        Reference<lang::XMultiComponentFactory> smgr = context->getServiceManager();
        const auto make = [&](const char* name) {
            return smgr->createInstanceWithContext(OUString::createFromAscii(name), context);
        };
        Reference<awt::XControl> container(make("com.sun.star.awt.UnoControlContainer"),
                                           uno::UNO_QUERY_THROW);
        container->setModel(Reference<awt::XControlModel>(make("com.sun.star.awt.UnoControlContainerModel"),
                                                          uno::UNO_QUERY_THROW));
        Reference<awt::XToolkit> toolkit(awt::Toolkit::create(context), uno::UNO_QUERY_THROW);
        container->createPeer(toolkit, Reference<awt::XWindowPeer>(parent, uno::UNO_QUERY_THROW));
        window_.set(container, uno::UNO_QUERY_THROW);

        Reference<awt::XControlModel> model(make("com.sun.star.awt.UnoControlEditModel"),
                                            uno::UNO_QUERY_THROW);
        Reference<beans::XPropertySet> p(model, uno::UNO_QUERY_THROW);
        p->setPropertyValue("MultiLine", uno::Any(true));
        p->setPropertyValue("ReadOnly", uno::Any(true));
        p->setPropertyValue("VScroll", uno::Any(true));
        p->setPropertyValue("AutoVScroll", uno::Any(true));
        Reference<awt::XControl> listing(make("com.sun.star.awt.UnoControlEdit"), uno::UNO_QUERY_THROW);
        listing->setModel(model);
        Reference<awt::XControlContainer>(container, uno::UNO_QUERY_THROW)->addControl("seals", listing);
        listing_.set(listing, uno::UNO_QUERY_THROW);
        listingModel_ = p;

        parent_->addWindowListener(this);
        const awt::Rectangle r = parent_->getPosSize();
        layout(r.Width, r.Height);
        window_->setVisible(true);
        listing_->setVisible(true);
        watchDocument();
        refresh();
    }

    // The file listed again (on load, after a save, after Verify or a seal).
    void refresh() noexcept {
        OUString text;
        try {
            Reference<frame::XController> controller = frame_.is() ? frame_->getController() : nullptr;
            Reference<frame::XModel> model = controller.is() ? controller->getModel() : nullptr;
            const bool chinese = chineseUi(context_);
            if (!model.is() || model->getURL().isEmpty()) {
                text = ou(chinese ? "文档尚未保存：保存后可在此查看其签章。"
                                  : "The document has not been saved: its seals are listed here once it is.");
            } else {
                CommandArgs args;
                addOptionDefaults(context_, args);
                text = ou(sealListing(documentPath(model), args, chinese).text());
            }
        } catch (const std::exception& e) {
            text = ou(e.what());
        } catch (const uno::Exception& e) {
            text = e.Message;
        } catch (...) {
            text = "?";
        }
        try {
            if (listingModel_.is()) listingModel_->setPropertyValue("Text", uno::Any(text));
        } catch (...) {
            // The panel is going away.
        }
    }

    // XUIElement
    Reference<frame::XFrame> SAL_CALL getFrame() override { return frame_; }
    OUString SAL_CALL getResourceURL() override { return url_; }
    sal_Int16 SAL_CALL getType() override { return ui::UIElementType::TOOLPANEL; }
    Reference<uno::XInterface> SAL_CALL getRealInterface() override {
        return static_cast<ui::XToolPanel*>(this);
    }

    // XToolPanel
    Reference<awt::XWindow> SAL_CALL getWindow() override { return window_; }
    Reference<accessibility::XAccessible> SAL_CALL
    createAccessible(const Reference<accessibility::XAccessible>&) override {
        Reference<awt::XControl> control(window_, uno::UNO_QUERY);
        return Reference<accessibility::XAccessible>(control.is() ? control->getPeer() : nullptr,
                                                     uno::UNO_QUERY);
    }

    // XSidebarPanel
    ui::LayoutSize SAL_CALL getHeightForWidth(sal_Int32) override { return ui::LayoutSize(240, -1, 420); }
    sal_Int32 SAL_CALL getMinimalWidth() override { return 200; }

    // XComponent
    void SAL_CALL dispose() override {
        try {
            if (parent_.is()) parent_->removeWindowListener(this);
            Reference<document::XDocumentEventBroadcaster> events(document_, uno::UNO_QUERY);
            if (events.is()) events->removeDocumentEventListener(this);
            Reference<lang::XComponent> w(window_, uno::UNO_QUERY);
            if (w.is()) w->dispose();
        } catch (...) {
            // Disposed already.
        }
        window_.clear();
        listing_.clear();
        listingModel_.clear();
        parent_.clear();
        document_.clear();
    }
    void SAL_CALL addEventListener(const Reference<lang::XEventListener>&) override {}
    void SAL_CALL removeEventListener(const Reference<lang::XEventListener>&) override {}

    // XWindowListener: the panel fills the space the sidebar gives it.
    void SAL_CALL windowResized(const awt::WindowEvent& e) override { layout(e.Width, e.Height); }
    void SAL_CALL windowMoved(const awt::WindowEvent&) override {}
    void SAL_CALL windowShown(const lang::EventObject&) override {}
    void SAL_CALL windowHidden(const lang::EventObject&) override {}

    // XDocumentEventListener: listed again when the document is saved or loaded.
    void SAL_CALL documentEventOccured(const document::DocumentEvent& e) override {
        if (e.EventName == "OnSaveDone" || e.EventName == "OnSaveAsDone" || e.EventName == "OnLoad")
            refresh();
    }
    void SAL_CALL disposing(const lang::EventObject& e) override {
        if (e.Source == document_) document_.clear();
    }

private:
    void layout(sal_Int32 width, sal_Int32 height) noexcept {
        try {
            if (window_.is()) window_->setPosSize(0, 0, width, height, awt::PosSize::POSSIZE);
            if (listing_.is())
                listing_->setPosSize(4, 4, std::max<sal_Int32>(width - 8, 20),
                                     std::max<sal_Int32>(height - 8, 20), awt::PosSize::POSSIZE);
        } catch (...) {
            // Resizing a window that is going away.
        }
    }

    void watchDocument() noexcept {
        try {
            Reference<frame::XController> controller = frame_->getController();
            document_ = controller.is() ? Reference<uno::XInterface>(controller->getModel()) : nullptr;
            Reference<document::XDocumentEventBroadcaster> events(document_, uno::UNO_QUERY);
            if (events.is()) events->addDocumentEventListener(this);
        } catch (...) {
            document_.clear();
        }
    }

    Reference<uno::XComponentContext> context_;
    Reference<frame::XFrame> frame_;
    Reference<awt::XWindow> parent_;
    OUString url_;
    Reference<awt::XWindow> window_;
    Reference<awt::XWindow> listing_;
    Reference<beans::XPropertySet> listingModel_;
    Reference<uno::XInterface> document_;
};

class PanelFactory : public cppu::WeakImplHelper2<ui::XUIElementFactory, lang::XServiceInfo> {
public:
    explicit PanelFactory(const Reference<uno::XComponentContext>& context) : context_(context) {}

    Reference<ui::XUIElement> SAL_CALL
    createUIElement(const OUString& url, const Sequence<beans::PropertyValue>& arguments) override {
        Reference<frame::XFrame> frame;
        Reference<awt::XWindow> parent;
        for (const beans::PropertyValue& a : arguments) {
            if (a.Name == "Frame") a.Value >>= frame;
            if (a.Name == "ParentWindow") a.Value >>= parent;
        }
        if (!url.endsWith("/SealsPanel") || !frame.is() || !parent.is())
            throw lang::IllegalArgumentException(
                "eseal: no such panel, or no frame and window for it: " + url,
                static_cast<cppu::OWeakObject*>(this), 0);
        try {
            Reference<ui::XUIElement> panel = new SealsPanel(context_, frame, parent, url);
            std::lock_guard<std::mutex> lock(g_panelsMutex);
            std::erase_if(g_panels, [](const uno::WeakReference<ui::XUIElement>& w) {
                return !Reference<ui::XUIElement>(w).is();
            });
            g_panels.emplace_back(panel);
            return panel;
        } catch (const uno::RuntimeException&) {
            throw;
        } catch (const uno::Exception& e) {
            throw uno::RuntimeException("eseal: the seals panel could not be made: " + e.Message);
        } catch (const std::exception& e) {
            throw uno::RuntimeException("eseal: the seals panel could not be made: " + ou(e.what()));
        }
    }

    OUString SAL_CALL getImplementationName() override {
        return OUString::createFromAscii(kPanelFactoryName);
    }
    sal_Bool SAL_CALL supportsService(const OUString& name) override {
        return cppu::supportsService(this, name);
    }
    Sequence<OUString> SAL_CALL getSupportedServiceNames() override {
        Sequence<OUString> names(1);
        names[0] = "com.sun.star.ui.UIElementFactory";
        return names;
    }

private:
    Reference<uno::XComponentContext> context_;
};

}  // namespace

Reference<uno::XInterface> SAL_CALL createPanelFactory(const Reference<uno::XComponentContext>& context) {
    return static_cast<cppu::OWeakObject*>(new PanelFactory(context));
}

void refreshPanels(const Reference<frame::XFrame>& frame) noexcept {
    std::vector<Reference<ui::XUIElement>> panels;  // held, so none goes away while refreshed
    {
        std::lock_guard<std::mutex> lock(g_panelsMutex);
        for (const auto& w : g_panels)
            if (Reference<ui::XUIElement> p(w); p.is() && p->getFrame() == frame) panels.push_back(p);
    }
    for (const auto& p : panels) static_cast<SealsPanel*>(p.get())->refresh();
}

}  // namespace eseal::extension
