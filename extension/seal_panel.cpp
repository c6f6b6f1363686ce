#include "extension/seal_panel.hpp"

#include <algorithm>
#include <cmath>
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
#include <com/sun/star/beans/XPropertySetInfo.hpp>
#include <com/sun/star/container/XIndexAccess.hpp>
#include <com/sun/star/container/XNameAccess.hpp>
#include <com/sun/star/document/DocumentEvent.hpp>
#include <com/sun/star/document/XDocumentEventBroadcaster.hpp>
#include <com/sun/star/document/XDocumentEventListener.hpp>
#include <com/sun/star/drawing/XDrawPageSupplier.hpp>
#include <com/sun/star/drawing/XDrawPagesSupplier.hpp>
#include <com/sun/star/drawing/XShape.hpp>
#include <com/sun/star/drawing/XShapes.hpp>
#include <com/sun/star/frame/XController.hpp>
#include <com/sun/star/graphic/XGraphic.hpp>
#include <com/sun/star/lang/IllegalArgumentException.hpp>
#include <com/sun/star/lang/XComponent.hpp>
#include <com/sun/star/lang/XMultiComponentFactory.hpp>
#include <com/sun/star/lang/XServiceInfo.hpp>
#include <com/sun/star/text/XTextGraphicObjectsSupplier.hpp>
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
#include <optional>
#include <vector>

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
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

// Seals shown with their picture, one row each; more are listed in the last row.
constexpr std::size_t kRows = 5;
constexpr sal_Int32 kHeadlineHeight = 44, kRowHeight = 84, kPicture = 72;

// A picture in the document, as LibreOffice shows it (1/100 mm, from the page's top-left).
struct DocumentPicture {
    sal_Int32 page = 0;  // 0-based draw page; 0 in Writer
    OUString name;
    awt::Point position;
    awt::Size size;
    Reference<graphic::XGraphic> graphic;
};

void collectPictures(const Reference<drawing::XShapes>& shapes, sal_Int32 page, int depth,
                     std::vector<DocumentPicture>& out) {
    if (!shapes.is() || depth > 4) return;
    for (sal_Int32 i = 0; i < shapes->getCount(); ++i) {
        Reference<drawing::XShape> shape(shapes->getByIndex(i), uno::UNO_QUERY);
        if (!shape.is()) continue;
        collectPictures(Reference<drawing::XShapes>(shape, uno::UNO_QUERY), page, depth + 1, out);
        Reference<beans::XPropertySet> p(shape, uno::UNO_QUERY);
        if (!p.is() || !p->getPropertySetInfo()->hasPropertyByName("Graphic")) continue;
        DocumentPicture picture{page, {}, shape->getPosition(), shape->getSize(), nullptr};
        p->getPropertyValue("Graphic") >>= picture.graphic;
        if (p->getPropertySetInfo()->hasPropertyByName("Name")) p->getPropertyValue("Name") >>= picture.name;
        if (picture.graphic.is()) out.push_back(picture);
    }
}

// Every picture of the document: on each draw page (Draw with an imported
// PDF, Impress, Calc's sheets), or Writer's graphic objects.
std::vector<DocumentPicture> documentPictures(const Reference<frame::XModel>& model) {
    std::vector<DocumentPicture> pictures;
    if (Reference<text::XTextGraphicObjectsSupplier> writer(model, uno::UNO_QUERY); writer.is()) {
        Reference<container::XNameAccess> objects = writer->getGraphicObjects();
        for (const OUString& name : objects->getElementNames()) {
            Reference<beans::XPropertySet> p(objects->getByName(name), uno::UNO_QUERY);
            DocumentPicture picture{0, name, {}, {}, nullptr};
            if (p.is()) p->getPropertyValue("Graphic") >>= picture.graphic;
            if (picture.graphic.is()) pictures.push_back(picture);
        }
        return pictures;
    }
    if (Reference<drawing::XDrawPagesSupplier> draw(model, uno::UNO_QUERY); draw.is()) {
        Reference<container::XIndexAccess> pages(draw->getDrawPages(), uno::UNO_QUERY_THROW);
        for (sal_Int32 i = 0; i < pages->getCount(); ++i)
            collectPictures(Reference<drawing::XShapes>(pages->getByIndex(i), uno::UNO_QUERY), i, 0,
                            pictures);
    }
    return pictures;
}

// The picture of each seal: for a PDF signature the picture LibreOffice shows
// at its widget (the same page, centre within 3 mm, size within a third);
// for the package formats, whose signature covers the whole document, the
// seal pictures eseal placed ("eseal seal ..."), in document order.
std::vector<Reference<graphic::XGraphic>> sealPictures(const Reference<frame::XModel>& model,
                                                       const SealListing& listing) {
    std::vector<Reference<graphic::XGraphic>> out(listing.seals.size());
    const std::vector<DocumentPicture> pictures = documentPictures(model);
    std::size_t next = 0;  // the next "eseal seal" picture for a seal without a widget
    for (std::size_t i = 0; i < listing.seals.size(); ++i) {
        const std::optional<SealAppearance>& a = listing.seals[i].appearance;
        if (a) {
            double best = 0;
            for (const DocumentPicture& p : pictures) {
                if (p.page != a->page - 1) continue;
                const double dx = (p.position.X + p.size.Width / 2.0) / 100 - a->centreXMm;
                const double dy = (p.position.Y + p.size.Height / 2.0) / 100 - a->centreYMm;
                const double dw = std::abs(p.size.Width / 100.0 - a->widthMm) / a->widthMm;
                const double dh = std::abs(p.size.Height / 100.0 - a->heightMm) / a->heightMm;
                const double off = dx * dx + dy * dy;
                if (off <= 9 && dw <= 0.34 && dh <= 0.34 && (!out[i].is() || off < best)) {
                    out[i] = p.graphic;
                    best = off;
                }
            }
            continue;
        }
        while (next < pictures.size() && !pictures[next].name.startsWith("eseal seal")) ++next;
        if (next < pictures.size()) out[i] = pictures[next++].graphic;
    }
    return out;
}

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

        Reference<awt::XControlContainer> controls(container, uno::UNO_QUERY_THROW);
        // The headline (the whole file), then one row a seal: its picture and its lines.
        headline_ = addControl(controls, "Edit", "seals", true);
        for (std::size_t i = 0; i < kRows; ++i)
            rows_.push_back({addControl(controls, "ImageControl", "SealPicture" + std::to_string(i), false),
                             addControl(controls, "Edit", "Seal" + std::to_string(i), false)});

        parent_->addWindowListener(this);
        window_->setVisible(true);
        watchDocument();
        refresh();
    }

    // The file listed again (on load, after a save, after Verify or a seal).
    void refresh() noexcept {
        OUString headline;
        SealListing listing;
        std::vector<Reference<graphic::XGraphic>> pictures;
        try {
            Reference<frame::XController> controller = frame_.is() ? frame_->getController() : nullptr;
            Reference<frame::XModel> model = controller.is() ? controller->getModel() : nullptr;
            const bool chinese = chineseUi(context_);
            if (!model.is() || model->getURL().isEmpty()) {
                headline =
                    ou(chinese ? "文档尚未保存：保存后可在此查看其签章。"
                               : "The document has not been saved: its seals are listed here once it is.");
            } else {
                CommandArgs args;
                addOptionDefaults(context_, args);
                listing = sealListing(documentPath(model), args, chinese);
                headline = ou(listing.headline);
                try {
                    pictures = sealPictures(model, listing);
                } catch (const uno::Exception&) {
                    pictures.clear();  // the listing stands without pictures
                }
            }
        } catch (const std::exception& e) {
            headline = ou(e.what());
        } catch (const uno::Exception& e) {
            headline = e.Message;
        } catch (...) {
            headline = "?";
        }
        try {
            set(headline_, "Text", uno::Any(headline));
            shown_ = std::min(listing.seals.size(), kRows);
            for (std::size_t i = 0; i < kRows; ++i) {
                std::string text;
                if (i < shown_) text = listing.seals[i].title + "\n" + listing.seals[i].details;
                // Seals beyond the rows: listed, without pictures, in the last row.
                for (std::size_t j = kRows; i + 1 == kRows && j < listing.seals.size(); ++j)
                    text += "\n" + listing.seals[j].title + "\n" + listing.seals[j].details;
                set(rows_[i].text, "Text", uno::Any(ou(text)));
                set(rows_[i].picture, "Graphic",
                    uno::Any(i < pictures.size() ? pictures[i] : Reference<graphic::XGraphic>()));
            }
            const awt::Rectangle r = parent_->getPosSize();
            layout(r.Width, r.Height);
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
    ui::LayoutSize SAL_CALL getHeightForWidth(sal_Int32) override {
        const sal_Int32 wanted =
            kHeadlineHeight + 8 + kRowHeight * static_cast<sal_Int32>(std::max<std::size_t>(shown_, 1));
        return ui::LayoutSize(std::min<sal_Int32>(wanted, 240), -1, std::max<sal_Int32>(wanted, 240));
    }
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
        headline_ = {};
        rows_.clear();
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
    // A control of the panel (awt type `type`), its window and model.
    struct Control {
        Reference<awt::XWindow> window;
        Reference<beans::XPropertySet> model;
    };
    struct Row {
        Control picture, text;
    };

    Control addControl(const Reference<awt::XControlContainer>& controls, const char* type,
                       const std::string& name, bool visible) {
        Reference<lang::XMultiComponentFactory> smgr = context_->getServiceManager();
        const OUString service = "com.sun.star.awt.UnoControl" + OUString::createFromAscii(type);
        Reference<awt::XControlModel> model(smgr->createInstanceWithContext(service + "Model", context_),
                                            uno::UNO_QUERY_THROW);
        Reference<beans::XPropertySet> p(model, uno::UNO_QUERY_THROW);
        if (std::string(type) == "Edit") {
            p->setPropertyValue("MultiLine", uno::Any(true));
            p->setPropertyValue("ReadOnly", uno::Any(true));
            p->setPropertyValue("VScroll", uno::Any(true));
            p->setPropertyValue("AutoVScroll", uno::Any(true));
        } else {
            p->setPropertyValue("ScaleImage", uno::Any(true));
            p->setPropertyValue("ScaleMode", uno::Any(sal_Int16(1)));  // ImageScaleMode::ISOTROPIC
            p->setPropertyValue("Border", uno::Any(sal_Int16(0)));
        }
        Reference<awt::XControl> control(smgr->createInstanceWithContext(service, context_),
                                         uno::UNO_QUERY_THROW);
        control->setModel(model);
        controls->addControl(ou(name), control);
        Control c{Reference<awt::XWindow>(control, uno::UNO_QUERY_THROW), p};
        c.window->setVisible(visible);
        return c;
    }

    static void set(const Control& c, const char* name, const uno::Any& value) {
        if (c.model.is()) c.model->setPropertyValue(OUString::createFromAscii(name), value);
    }

    // The headline on top, one row a seal under it (picture left, its lines right).
    void layout(sal_Int32 width, sal_Int32 height) noexcept {
        try {
            const sal_Int32 w = std::max<sal_Int32>(width - 8, 20);
            if (window_.is()) window_->setPosSize(0, 0, width, height, awt::PosSize::POSSIZE);
            const sal_Int32 headline = shown_ == 0 ? std::max<sal_Int32>(height - 8, 20) : kHeadlineHeight;
            if (headline_.window.is()) headline_.window->setPosSize(4, 4, w, headline, awt::PosSize::POSSIZE);
            for (std::size_t i = 0; i < rows_.size(); ++i) {
                const bool used = i < shown_;
                const sal_Int32 y = 8 + kHeadlineHeight + kRowHeight * static_cast<sal_Int32>(i);
                const bool last = i + 1 == shown_;
                const sal_Int32 h =
                    last ? std::max<sal_Int32>(height - y - 4, kRowHeight - 4) : kRowHeight - 4;
                rows_[i].picture.window->setPosSize(4, y, kPicture, kPicture, awt::PosSize::POSSIZE);
                rows_[i].text.window->setPosSize(8 + kPicture, y, std::max<sal_Int32>(w - kPicture - 4, 20),
                                                 h, awt::PosSize::POSSIZE);
                rows_[i].picture.window->setVisible(used);
                rows_[i].text.window->setVisible(used);
            }
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
    Control headline_;
    std::vector<Row> rows_;
    std::size_t shown_ = 0;  // seals with a row of their own
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
                ou("eseal: " +
                   fill(tr("no such panel, or no frame and window for it: {url}"), {{"{url}", utf8(url)}})),
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
            throw uno::RuntimeException(ou("eseal: " + fill(tr("the seals panel could not be made: {detail}"),
                                                            {{"{detail}", utf8(e.Message)}})));
        } catch (const std::exception& e) {
            throw uno::RuntimeException(ou("eseal: " + fill(tr("the seals panel could not be made: {detail}"),
                                                            {{"{detail}", e.what()}})));
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
