// The UNO side of the extension: a ProtocolHandler for vnd.eseal: URLs. It
// gathers the dispatch's arguments, finds the document's file and calls
// seal_actions (the core and the format adapters); the result goes back as a
// DispatchResultEvent whose Result is a JSON string. Every entry point catches
// everything: no C++ exception crosses the UNO boundary.
#include <unistd.h>

#include <com/sun/star/awt/MessageBoxType.hpp>
#include <com/sun/star/awt/XWindowPeer.hpp>
#include <com/sun/star/beans/PropertyValue.hpp>
#include <com/sun/star/container/XNameAccess.hpp>
#include <com/sun/star/frame/DispatchResultState.hpp>
#include <com/sun/star/frame/XComponentLoader.hpp>
#include <com/sun/star/frame/XController.hpp>
#include <com/sun/star/frame/XController2.hpp>
#include <com/sun/star/frame/XDispatchProvider.hpp>
#include <com/sun/star/frame/XDispatchResultListener.hpp>
#include <com/sun/star/frame/XFrame.hpp>
#include <com/sun/star/frame/XModel.hpp>
#include <com/sun/star/frame/XNotifyingDispatch.hpp>
#include <com/sun/star/frame/XStorable.hpp>
#include <com/sun/star/lang/XInitialization.hpp>
#include <com/sun/star/lang/XServiceInfo.hpp>
#include <com/sun/star/ui/XDeck.hpp>
#include <com/sun/star/ui/XDecks.hpp>
#include <com/sun/star/ui/XSidebarProvider.hpp>
#include <com/sun/star/uno/XComponentContext.hpp>
#include <com/sun/star/util/URL.hpp>
#include <com/sun/star/util/XCloseable.hpp>
#include <com/sun/star/util/XModifiable.hpp>
#include <cppuhelper/implbase4.hxx>
#include <cppuhelper/implementationentry.hxx>
#include <cppuhelper/supportsservice.hxx>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <mutex>
#include <osl/file.hxx>
#include <rtl/ustring.hxx>
#include <string>
#include <vector>

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "extension/manage_actions.hpp"
#include "extension/manage_dialog.hpp"
#include "extension/options_page.hpp"
#include "extension/seal_actions.hpp"
#include "extension/seal_dialog.hpp"
#include "extension/seal_panel.hpp"
#include "extension/uno_common.hpp"
#include "extension/uno_dialog.hpp"
#include "extension/uno_picture.hpp"

using namespace com::sun::star;
using com::sun::star::uno::Reference;
using com::sun::star::uno::Sequence;
using rtl::OString;
using rtl::OUString;

namespace eseal::extension {

namespace {

constexpr char kImplementationName[] = "org.eseal.extension.ProtocolHandler";
constexpr char kProtocol[] = "vnd.eseal:";

CommandArgs argsOf(const Sequence<beans::PropertyValue>& properties) {
    CommandArgs args;
    for (const beans::PropertyValue& p : properties) {
        // What LibreOffice adds to a click on a toolbar button (the modifier
        // keys held, the document it came from) is no argument of ours: a
        // click stays a click and opens the dialog.
        if (p.Name == "KeyModifier" || p.Name == "Referer") continue;
        OUString text;
        sal_Int32 integer = 0;
        double real = 0;
        bool flag = false;
        if (p.Value >>= text)
            args[utf8(p.Name)] = utf8(text);
        else if (p.Value >>= integer)
            args[utf8(p.Name)] = std::to_string(integer);
        else if (p.Value >>= real)
            args[utf8(p.Name)] = std::to_string(real);
        else if (p.Value >>= flag)
            args[utf8(p.Name)] = flag ? "true" : "false";
    }
    return args;
}

// LibreOffice's PDF export filter for the kind of document.
OUString pdfFilterFor(const Reference<frame::XModel>& model) {
    Reference<lang::XServiceInfo> info(model, uno::UNO_QUERY);
    if (info.is()) {
        if (info->supportsService("com.sun.star.text.TextDocument")) return "writer_pdf_Export";
        if (info->supportsService("com.sun.star.sheet.SpreadsheetDocument")) return "calc_pdf_Export";
        if (info->supportsService("com.sun.star.presentation.PresentationDocument"))
            return "impress_pdf_Export";
        if (info->supportsService("com.sun.star.drawing.DrawingDocument")) return "draw_pdf_Export";
    }
    throw Error(ErrorCategory::Usage, tr("this kind of document cannot be exported to PDF"));
}

bool isPdfFile(const std::string& path) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return false;
    char head[5] = {};
    const bool pdf = std::fread(head, 1, 5, f) == 5 && std::string(head, 5) == "%PDF-";
    std::fclose(f);
    return pdf;
}

// NAME.odt -> NAME-sealed.pdf beside it.
std::string sealedPdfBeside(const std::string& path) {
    std::filesystem::path p(path);
    return (p.parent_path() / (p.stem().string() + "-sealed.pdf")).string();
}

// The person closed the seal dialog without sealing.
struct Cancelled {};

class ProtocolHandler : public cppu::WeakImplHelper4<frame::XDispatchProvider, frame::XNotifyingDispatch,
                                                     lang::XInitialization, lang::XServiceInfo> {
public:
    explicit ProtocolHandler(const Reference<uno::XComponentContext>& context) : context_(context) {}

    // XInitialization: the frame this handler serves.
    void SAL_CALL initialize(const Sequence<uno::Any>& arguments) override {
        for (const uno::Any& a : arguments) {
            Reference<frame::XFrame> frame;
            if (a >>= frame) frame_ = frame;
        }
    }

    // XDispatchProvider
    Reference<frame::XDispatch> SAL_CALL queryDispatch(const util::URL& url, const OUString&,
                                                       sal_Int32) override {
        if (!url.Complete.startsWith(kProtocol)) return nullptr;
        const OUString command = url.Path;
        if (command == "Seal" || command == "CrossPageSeal" || command == "Verify" || command == "Manage")
            return this;
        return nullptr;
    }
    Sequence<Reference<frame::XDispatch>> SAL_CALL
    queryDispatches(const Sequence<frame::DispatchDescriptor>& requests) override {
        Sequence<Reference<frame::XDispatch>> result(requests.getLength());
        for (sal_Int32 i = 0; i < requests.getLength(); ++i)
            result[i] = queryDispatch(requests[i].FeatureURL, requests[i].FrameName, requests[i].SearchFlags);
        return result;
    }

    // XDispatch
    void SAL_CALL dispatch(const util::URL& url, const Sequence<beans::PropertyValue>& arguments) override {
        dispatchWithNotification(url, arguments, nullptr);
    }
    void SAL_CALL addStatusListener(const Reference<frame::XStatusListener>&, const util::URL&) override {}
    void SAL_CALL removeStatusListener(const Reference<frame::XStatusListener>&, const util::URL&) override {}

    // XNotifyingDispatch: the work is done when this returns.
    void SAL_CALL
    dispatchWithNotification(const util::URL& url, const Sequence<beans::PropertyValue>& arguments,
                             const Reference<frame::XDispatchResultListener>& listener) override {
        std::string json, message;
        bool ok = false, cancelled = false;
        bool interactive = arguments.getLength() == 0;
        // The core's messages in LibreOffice's UI language from here on.
        const bool chinese = chineseUi(context_);
        try {
            CommandArgs args = argsOf(arguments);
            interactive = args.empty();
            addOptionDefaults(context_, args);
            json = run(utf8(url.Path), args, interactive);
            ok = true;
        } catch (const Cancelled&) {
            json = errorJson("cancelled", tr("the seal dialog was closed; nothing was sealed"));
            cancelled = true;
        } catch (const Error& e) {
            const std::string headline = clerkHeadline(e, chinese);
            message = headline + "\n\n" + e.what();
            json = errorJson(toString(e.category()), e.what(), headline);
        } catch (const uno::Exception& e) {
            message = utf8(e.Message);
            json = errorJson("LibreOffice", message);
        } catch (const std::exception& e) {
            message = e.what();
            json = errorJson("Internal", message);
        } catch (...) {
            message = tr("unknown error");
            json = errorJson("Internal", message);
        }
        // A click on the toolbar (no arguments) is answered in a message box;
        // automation reads the result instead.
        if (!ok && !cancelled && interactive) showError(message);
        if (!listener.is()) return;
        try {
            frame::DispatchResultEvent event;
            event.Source = static_cast<cppu::OWeakObject*>(this);
            event.State = ok ? frame::DispatchResultState::SUCCESS : frame::DispatchResultState::FAILURE;
            event.Result <<= ou(json);
            listener->dispatchFinished(event);
        } catch (...) {
            // The listener went away: nothing to tell.
        }
    }

    // XServiceInfo
    OUString SAL_CALL getImplementationName() override { return kImplementationName; }
    sal_Bool SAL_CALL supportsService(const OUString& name) override {
        return cppu::supportsService(this, name);
    }
    Sequence<OUString> SAL_CALL getSupportedServiceNames() override { return serviceNames(); }

    static Sequence<OUString> serviceNames() {
        Sequence<OUString> names(1);
        names[0] = "com.sun.star.frame.ProtocolHandler";
        return names;
    }

private:
    Reference<frame::XModel> model() const {
        if (!frame_.is()) throw Error(ErrorCategory::Usage, tr("no window to work on"));
        Reference<frame::XController> controller = frame_->getController();
        return controller.is() ? controller->getModel() : nullptr;
    }

    // The sidebar shown with the deck 电子签章 (registry/Sidebar.xcu).
    void showDeck() noexcept {
        try {
            Reference<frame::XController2> controller(frame_->getController(), uno::UNO_QUERY);
            Reference<ui::XSidebarProvider> sidebar = controller.is() ? controller->getSidebar() : nullptr;
            if (!sidebar.is()) return;
            sidebar->setVisible(true);
            Reference<container::XNameAccess> decks(sidebar->getDecks(), uno::UNO_QUERY);
            Reference<ui::XDeck> deck;
            if (decks.is() && decks->hasByName(OUString::createFromAscii(kDeckId)))
                decks->getByName(OUString::createFromAscii(kDeckId)) >>= deck;
            if (deck.is()) deck->activate(true);
        } catch (...) {
            // No sidebar in this window.
        }
    }

    void showError(const std::string& message) noexcept { show(message, awt::MessageBoxType_ERRORBOX); }

    void show(const std::string& message, awt::MessageBoxType type) noexcept {
        if (!frame_.is()) return;
        showMessage(context_, Reference<awt::XWindowPeer>(frame_->getContainerWindow(), uno::UNO_QUERY),
                    message, type);
    }

    std::string run(const std::string& command, const CommandArgs& args, bool interactive) {
        // One command at a time per process: a second click waits.
        static std::mutex busy;
        std::lock_guard<std::mutex> lock(busy);
        if (command == "Seal" || command == "CrossPageSeal") {
            if (!interactive) return seal(args, command == "CrossPageSeal", nullptr);
            // A click: the seal dialog gathers the same arguments and the PIN.
            documentPath(model());  // an unsaved document is refused before the dialog
            SealDialogResult chosen;
            Reference<awt::XWindowPeer> parent(frame_->getContainerWindow(), uno::UNO_QUERY);
            if (!runSealDialog(context_, parent, args, optionList(context_, "Pkcs11Modules"),
                               optionList(context_, "SkfLibraries"), chineseUi(context_), chosen))
                throw Cancelled();
            TypedPin pin(std::move(chosen.pin));
            return seal(chosen.args, command == "CrossPageSeal", &pin);
        }
        if (command == "Verify") {
            const std::string path = documentPath(model());
            // A click opens the deck 电子签章, whose panel lists the seals.
            if (interactive) showDeck();
            refreshPanels(frame_);
            return verifyFileJson(path, args);
        }
        if (command == "Manage") {
            CommandArgs withKeys = args;
            const auto joined = [](const std::vector<std::string>& items) {
                std::string text;
                for (const std::string& i : items) text += (text.empty() ? "" : ";") + i;
                return text;
            };
            if (!withKeys.count("Modules"))
                withKeys["Modules"] = joined(optionList(context_, "Pkcs11Modules"));
            if (!withKeys.count("SkfLibraries"))
                withKeys["SkfLibraries"] = joined(optionList(context_, "SkfLibraries"));
            if (!interactive) return manage(withKeys, chineseUi(context_));
            Reference<awt::XWindowPeer> parent(frame_->getContainerWindow(), uno::UNO_QUERY);
            runManageDialog(context_, parent, withKeys, chineseUi(context_));
            return R"({"ok":true})";
        }
        throw Error(ErrorCategory::Usage, fill(tr("no such command: {command}"), {{"{command}", command}}));
    }

    std::string seal(const CommandArgs& args, bool crossPage, PinSource* pins) {
        const Reference<frame::XModel> document = model();
        const std::string path = documentPath(document);
        auto output = args.find("Output");
        const std::string mode = output == args.end() || output->second.empty() ? "document" : output->second;
        if (mode == "document") {
            if (isPdfFile(path) || !canPlacePicture(document) || !formatOf(path).signsPlacedPicture())
                return sealFileInPlace(document, path, args, crossPage, pins);
            return sealWithPlacedPicture(document, path, args, crossPage, pins);
        }
        if (mode != "pdf")
            throw Error(ErrorCategory::Usage,
                        fill(tr("Output must be document or pdf, not {output}"), {{"{output}", mode}}));
        auto named = args.find("OutputFile");
        const std::string target =
            named != args.end() && !named->second.empty() ? named->second : sealedPdfBeside(path);
        if (isPdfFile(path)) return sealResultJson(sealFile(path, target, args, crossPage, pins));
        // A Writer/Calc document: LibreOffice exports it, the PDF adapter seals the export.
        const std::string exported =
            (std::filesystem::temp_directory_path() / ("eseal-export-" + std::to_string(::getpid()) + ".pdf"))
                .string();
        Reference<frame::XStorable> storable(document, uno::UNO_QUERY_THROW);
        Sequence<beans::PropertyValue> filter(1);
        filter[0].Name = "FilterName";
        filter[0].Value <<= pdfFilterFor(document);
        try {
            storable->storeToURL(fileUrl(exported), filter);
            SealResult result = sealFile(exported, target, args, crossPage, pins);
            std::filesystem::remove(exported);
            return sealResultJson(result);
        } catch (...) {
            std::error_code ignored;
            std::filesystem::remove(exported, ignored);
            throw;
        }
    }

    // The file on disk is sealed by its adapter, which places the seal picture
    // itself (for a PDF in Draw: the original bytes, never LibreOffice's
    // re-export), then the window shows it again.
    std::string sealFileInPlace(const Reference<frame::XModel>& document, const std::string& path,
                                const CommandArgs& args, bool crossPage, PinSource* pins) {
        refuseReadOnly(document, path);
        // The reload would throw away unsaved edits: refused before anything is done.
        Reference<util::XModifiable> modifiable(document, uno::UNO_QUERY);
        if (modifiable.is() && modifiable->isModified())
            throw Error(ErrorCategory::Usage,
                        tr("the document has unsaved changes, which reloading the sealed file would lose; "
                           "save or discard them first"),
                        path);
        SealResult result = sealInPlace(path, args, crossPage, pins);
        return sealResultJson(result, reloadReporting(document));
    }

    // Writer/Calc in a format whose adapter signs a picture placed for it
    // (ODF): the key is opened first (a wrong PIN touches nothing), the seal
    // picture goes into the document through UNO, the document (with the
    // person's unsaved edits) is stored to a temporary file beside it, the
    // core seals that onto the document's file atomically, and the window
    // reloads it. If anything fails the picture is taken out again and the
    // document is as it was, unsaved edits included; the file is untouched.
    std::string sealWithPlacedPicture(const Reference<frame::XModel>& document, const std::string& path,
                                      const CommandArgs& args, bool crossPage, PinSource* pins) {
        refuseReadOnly(document, path);
        if (crossPage)
            throw Error(ErrorCategory::Unsupported,
                        tr("a cross-page seal goes on a PDF: seal with Output=pdf, or open the PDF"), path);
        PictureSpot spot = pictureSpotFrom(args);
        const std::string stored = besideTemporary(path, "stored");
        SealSession session(path, stored, args, false, true, pins);
        // An electronic seal's own picture, as a file LibreOffice loads.
        const TemporaryFile picture(spot.pictureBytes);
        if (spot.picturePath.empty()) spot.picturePath = picture.path();
        Reference<util::XModifiable> modifiable(document, uno::UNO_QUERY_THROW);
        const bool wasModified = modifiable->isModified();
        std::function<void()> takeOut = placePicture(context_, document, spot);
        try {
            storeCopy(document, stored);
            SealResult result = session.sealTo(stored, path);
            std::filesystem::remove(stored);
            result.output = path;
            // Everything the window shows is in the sealed file now: no "save changes?" on reload.
            modifiable->setModified(false);
            return sealResultJson(result, reloadReporting(document));
        } catch (...) {
            std::error_code ignored;
            std::filesystem::remove(stored, ignored);
            try {
                takeOut();
                modifiable->setModified(wasModified);
            } catch (const uno::Exception&) {
                // The error that brought us here is the one to report.
            }
            throw;
        }
    }

    static void refuseReadOnly(const Reference<frame::XModel>& document, const std::string& path) {
        Reference<frame::XStorable> storable(document, uno::UNO_QUERY);
        if (storable.is() && storable->isReadonly())
            throw Error(
                ErrorCategory::OutputNotWritable,
                tr("the document is open read-only, so it cannot be sealed in place; save a copy (File > "
                   "Save As) and seal that"),
                path);
        checkReplaceable(path);
    }

    // .NAME.eseal-PID-what.EXT beside path: same folder, so a rename is atomic.
    static std::string besideTemporary(const std::string& path, const char* what) {
        const std::filesystem::path p(path);
        return (p.parent_path() / ("." + p.stem().string() + ".eseal-" + std::to_string(::getpid()) + "-" +
                                   what + p.extension().string()))
            .string();
    }

    // The document as it is now, in its own format, to `target`; the window
    // keeps its file name and modified state.
    static void storeCopy(const Reference<frame::XModel>& document, const std::string& target) {
        std::vector<beans::PropertyValue> kept;
        for (const beans::PropertyValue& p : document->getArgs())
            if (p.Name == "FilterName") kept.push_back(p);
        Sequence<beans::PropertyValue> args(static_cast<sal_Int32>(kept.size()));
        for (std::size_t i = 0; i < kept.size(); ++i) args[static_cast<sal_Int32>(i)] = kept[i];
        Reference<frame::XStorable>(document, uno::UNO_QUERY_THROW)->storeToURL(fileUrl(target), args);
    }

    // Reloads; the problem as text when the reload fails (the file is sealed all the same).
    std::string reloadReporting(const Reference<frame::XModel>& document) {
        try {
            reload(document);
        } catch (const uno::Exception& e) {
            return utf8(e.Message);
        }
        return {};
    }

    // The sealed file loaded again into the same window, with the arguments it
    // was opened with (filter, hidden); then the old model is closed.
    void reload(const Reference<frame::XModel>& document) {
        const OUString url = document->getURL();
        Sequence<beans::PropertyValue> args = document->getArgs();
        std::vector<beans::PropertyValue> kept;
        for (const beans::PropertyValue& p : args)
            if (p.Name == "FilterName" || p.Name == "Hidden" || p.Name == "ReadOnly") kept.push_back(p);
        Sequence<beans::PropertyValue> loadArgs(static_cast<sal_Int32>(kept.size()));
        for (std::size_t i = 0; i < kept.size(); ++i) loadArgs[static_cast<sal_Int32>(i)] = kept[i];
        Reference<frame::XComponentLoader> loader(frame_, uno::UNO_QUERY_THROW);
        loader->loadComponentFromURL(url, "_self", 0, loadArgs);
        // The frame has let go of the old model; it is closed here, not leaked.
        Reference<util::XCloseable> old(document, uno::UNO_QUERY);
        try {
            if (old.is()) old->close(true);
        } catch (const uno::Exception&) {
            // Closed already.
        }
    }

    Reference<uno::XComponentContext> context_;
    Reference<frame::XFrame> frame_;
};

Reference<uno::XInterface> SAL_CALL create(const Reference<uno::XComponentContext>& context) {
    return static_cast<cppu::OWeakObject*>(new ProtocolHandler(context));
}

OUString SAL_CALL implementationName() { return kImplementationName; }

Sequence<OUString> SAL_CALL supportedServices() { return ProtocolHandler::serviceNames(); }

OUString SAL_CALL panelFactoryName() { return OUString::createFromAscii(kPanelFactoryName); }

Sequence<OUString> SAL_CALL panelFactoryServices() {
    Sequence<OUString> names(1);
    names[0] = "com.sun.star.ui.UIElementFactory";
    return names;
}

OUString SAL_CALL optionsHandlerName() { return OUString::createFromAscii(kOptionsHandlerName); }

Sequence<OUString> SAL_CALL optionsHandlerServices() {
    Sequence<OUString> names(1);
    names[0] = OUString::createFromAscii(kOptionsHandlerName);
    return names;
}

const cppu::ImplementationEntry kEntries[] = {
    {create, implementationName, supportedServices, cppu::createSingleComponentFactory, nullptr, 0},
    {createPanelFactory, panelFactoryName, panelFactoryServices, cppu::createSingleComponentFactory, nullptr,
     0},
    {createOptionsHandler, optionsHandlerName, optionsHandlerServices, cppu::createSingleComponentFactory,
     nullptr, 0},
    {nullptr, nullptr, nullptr, nullptr, nullptr, 0}};

}  // namespace

}  // namespace eseal::extension

extern "C" SAL_DLLPUBLIC_EXPORT void* component_getFactory(const char* name, void* serviceManager,
                                                           void* registryKey) {
    try {
        return cppu::component_getFactoryHelper(name, serviceManager, registryKey,
                                                eseal::extension::kEntries);
    } catch (...) {
        return nullptr;
    }
}
