#include "extension/options_page.hpp"

#include <com/sun/star/awt/XContainerWindowEventHandler.hpp>
#include <com/sun/star/awt/XControl.hpp>
#include <com/sun/star/awt/XControlContainer.hpp>
#include <com/sun/star/awt/XWindow.hpp>
#include <com/sun/star/beans/PropertyValue.hpp>
#include <com/sun/star/beans/XPropertySet.hpp>
#include <com/sun/star/container/XNameAccess.hpp>
#include <com/sun/star/container/XNameReplace.hpp>
#include <com/sun/star/lang/XServiceInfo.hpp>
#include <com/sun/star/util/XChangesBatch.hpp>
#include <cppuhelper/implbase2.hxx>
#include <cppuhelper/supportsservice.hxx>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/base/i18n.hpp"
#include "extension/uno_common.hpp"

using namespace com::sun::star;
using com::sun::star::uno::Reference;
using com::sun::star::uno::Sequence;
using rtl::OUString;

namespace eseal::extension {

namespace {

const char* const kLevels[] = {"B-B", "B-T", "B-LT", "B-LTA"};
const char* const kOutputs[] = {"document", "pdf"};
// The text fields holding a list, one entry a line.
const char* const kListFields[] = {"Pkcs11Modules", "SkfLibraries", "TrustAnchors"};

Reference<beans::XPropertySet> controlModel(const Reference<awt::XControlContainer>& controls,
                                            const char* name) {
    Reference<awt::XControl> control = controls->getControl(OUString::createFromAscii(name));
    if (!control.is())
        throw uno::RuntimeException(
            ou("eseal: " + fill(tr("the options page has no control {name}"), {{"{name}", name}})));
    return Reference<beans::XPropertySet>(control->getModel(), uno::UNO_QUERY_THROW);
}

OUString joinLines(const Sequence<OUString>& items) {
    OUString text;
    for (const OUString& i : items) text += (text.isEmpty() ? OUString() : OUString("\n")) + i;
    return text;
}

// One entry a line; blank lines and surrounding spaces dropped.
Sequence<OUString> splitLines(const OUString& text) {
    std::vector<OUString> items;
    sal_Int32 index = 0;
    do {
        const OUString line = text.getToken(0, '\n', index).trim();
        if (!line.isEmpty()) items.push_back(line);
    } while (index >= 0);
    return Sequence<OUString>(items.data(), static_cast<sal_Int32>(items.size()));
}

template <std::size_t N>
sal_Int16 indexOf(const OUString& value, const char* const (&values)[N]) {
    for (std::size_t i = 0; i < N; ++i)
        if (value.equalsAscii(values[i])) return static_cast<sal_Int16>(i);
    return 0;
}

class OptionsHandler : public cppu::WeakImplHelper2<awt::XContainerWindowEventHandler, lang::XServiceInfo> {
public:
    explicit OptionsHandler(const Reference<uno::XComponentContext>& context) : context_(context) {}

    // LibreOffice calls "external_event" with "initialize" when the page is
    // shown, "ok" when the dialog's OK is pressed and "back" for Reset.
    sal_Bool SAL_CALL callHandlerMethod(const Reference<awt::XWindow>& window, const uno::Any& event,
                                        const OUString& method) override {
        if (method != "external_event") return false;
        try {
            chineseUi(context_);  // the core's messages in the UI language
            return handle(window, event);
        } catch (const uno::Exception&) {
            throw;
        } catch (const std::exception& e) {
            throw uno::RuntimeException(ou(
                "eseal: " + fill(tr("the options could not be stored: {detail}"), {{"{detail}", e.what()}})));
        }
    }
    Sequence<OUString> SAL_CALL getSupportedMethodNames() override {
        Sequence<OUString> names(1);
        names[0] = "external_event";
        return names;
    }

    OUString SAL_CALL getImplementationName() override {
        return OUString::createFromAscii(kOptionsHandlerName);
    }
    sal_Bool SAL_CALL supportsService(const OUString& name) override {
        return cppu::supportsService(this, name);
    }
    Sequence<OUString> SAL_CALL getSupportedServiceNames() override {
        Sequence<OUString> names(1);
        names[0] = OUString::createFromAscii(kOptionsHandlerName);
        return names;
    }

private:
    bool handle(const Reference<awt::XWindow>& window, const uno::Any& event) {
        OUString what;
        event >>= what;
        Reference<awt::XControlContainer> controls(window, uno::UNO_QUERY);
        if (!controls.is()) return false;
        if (what == "initialize" || what == "back") {
            load(controls, what == "initialize");
            return true;
        }
        if (what == "ok") {
            store(controls);
            return true;
        }
        return false;
    }

    void labels(const Reference<awt::XControlContainer>& controls) {
        const bool zh = chineseUi(context_);
        const auto label = [&](const char* name, const char* chinese, const char* english) {
            controlModel(controls, name)->setPropertyValue("Label", uno::Any(ou(zh ? chinese : english)));
        };
        label("LabelPkcs11Modules", "PKCS#11 模块（每行一个路径）：", "PKCS#11 modules (one path a line):");
        label("LabelSkfLibraries", "SKF 厂商库（每行一个路径）：", "SKF vendor libraries (one path a line):");
        label("LabelTsaUrl", "时间戳服务（TSA）地址：", "Time-stamping authority (TSA) URL:");
        label("LabelTrustAnchors", "信任的根证书（PEM 文件，每行一个）：",
              "Trust anchors (PEM files, one a line):");
        label("UseSystemTrust", "同时信任系统证书库", "Also trust the system's certificate store");
        label("LabelDefaultLevel", "默认签章级别：", "Default level:");
        label("LabelDefaultOutput", "默认输出：", "Default output:");
        Sequence<OUString> outputs(2);
        outputs[0] = ou(zh ? "签署文档本身" : "Seal the document itself");
        outputs[1] = ou(zh ? "另存已签章的 PDF" : "A sealed PDF beside it");
        controlModel(controls, "DefaultOutput")->setPropertyValue("StringItemList", uno::Any(outputs));
    }

    void load(const Reference<awt::XControlContainer>& controls, bool first) {
        if (first) labels(controls);
        Reference<container::XNameAccess> options(configNode(context_, kOptionsNode, false),
                                                  uno::UNO_QUERY_THROW);
        for (const char* field : kListFields) {
            Sequence<OUString> items;
            options->getByName(OUString::createFromAscii(field)) >>= items;
            controlModel(controls, field)->setPropertyValue("Text", uno::Any(joinLines(items)));
        }
        OUString text;
        options->getByName("TsaUrl") >>= text;
        controlModel(controls, "TsaUrl")->setPropertyValue("Text", uno::Any(text));
        bool system = true;
        options->getByName("UseSystemTrust") >>= system;
        controlModel(controls, "UseSystemTrust")
            ->setPropertyValue("State", uno::Any(sal_Int16(system ? 1 : 0)));
        options->getByName("DefaultLevel") >>= text;
        Sequence<sal_Int16> selected(1);
        selected[0] = indexOf(text, kLevels);
        controlModel(controls, "DefaultLevel")->setPropertyValue("SelectedItems", uno::Any(selected));
        options->getByName("DefaultOutput") >>= text;
        selected[0] = indexOf(text, kOutputs);
        controlModel(controls, "DefaultOutput")->setPropertyValue("SelectedItems", uno::Any(selected));
    }

    void store(const Reference<awt::XControlContainer>& controls) {
        Reference<uno::XInterface> access = configNode(context_, kOptionsNode, true);
        Reference<container::XNameReplace> options(access, uno::UNO_QUERY_THROW);
        OUString text;
        for (const char* field : kListFields) {
            controlModel(controls, field)->getPropertyValue("Text") >>= text;
            options->replaceByName(OUString::createFromAscii(field), uno::Any(splitLines(text)));
        }
        controlModel(controls, "TsaUrl")->getPropertyValue("Text") >>= text;
        options->replaceByName("TsaUrl", uno::Any(text.trim()));
        sal_Int16 state = 1;
        controlModel(controls, "UseSystemTrust")->getPropertyValue("State") >>= state;
        options->replaceByName("UseSystemTrust", uno::Any(state != 0));
        const auto choice = [&](const char* name) {
            Sequence<sal_Int16> selected;
            controlModel(controls, name)->getPropertyValue("SelectedItems") >>= selected;
            return selected.getLength() == 1 ? selected[0] : sal_Int16(0);
        };
        const sal_Int16 level = choice("DefaultLevel"), output = choice("DefaultOutput");
        options->replaceByName("DefaultLevel",
                               uno::Any(OUString::createFromAscii(kLevels[level < 4 ? level : 0])));
        options->replaceByName("DefaultOutput",
                               uno::Any(OUString::createFromAscii(kOutputs[output < 2 ? output : 0])));
        Reference<util::XChangesBatch>(access, uno::UNO_QUERY_THROW)->commitChanges();
    }

    Reference<uno::XComponentContext> context_;
};

}  // namespace

Reference<uno::XInterface> SAL_CALL createOptionsHandler(const Reference<uno::XComponentContext>& context) {
    return static_cast<cppu::OWeakObject*>(new OptionsHandler(context));
}

}  // namespace eseal::extension
