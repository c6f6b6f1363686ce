#include "extension/seal_dialog.hpp"

#include <algorithm>
#include <cmath>
#include <com/sun/star/awt/Toolkit.hpp>
#include <com/sun/star/awt/XControl.hpp>
#include <com/sun/star/awt/XControlContainer.hpp>
#include <com/sun/star/awt/XControlModel.hpp>
#include <com/sun/star/awt/XDialog.hpp>
#include <com/sun/star/awt/XTextComponent.hpp>
#include <com/sun/star/awt/XTextListener.hpp>
#include <com/sun/star/beans/XPropertySet.hpp>
#include <com/sun/star/container/XNameContainer.hpp>
#include <com/sun/star/lang/XComponent.hpp>
#include <com/sun/star/lang/XMultiComponentFactory.hpp>
#include <com/sun/star/lang/XMultiServiceFactory.hpp>
#include <cppuhelper/implbase1.hxx>
#include <memory>
#include <string>
#include <vector>

#include "extension/manage_actions.hpp"
#include "extension/uno_common.hpp"
#include "extension/uno_dialog.hpp"

using namespace com::sun::star;
using com::sun::star::uno::Reference;
using com::sun::star::uno::Sequence;
using rtl::OUString;

namespace eseal::extension {

namespace {

std::string text(const Reference<beans::XPropertySet>& p) {
    OUString t;
    p->getPropertyValue("Text") >>= t;
    return utf8(t.trim());
}

bool selected(const Reference<beans::XPropertySet>& radio) {
    sal_Int16 state = 0;
    radio->getPropertyValue("State") >>= state;
    return state == 1;
}

std::string get(const CommandArgs& args, const char* name) {
    auto it = args.find(name);
    return it == args.end() ? std::string() : it->second;
}

// The key list as the clerk reads it: "holder (token)", unique, for each key spec.
std::vector<std::pair<std::string, std::string>> keyNames(const std::vector<KeyChoice>& keys) {
    std::vector<std::pair<std::string, std::string>> names;
    for (const KeyChoice& k : keys) {
        std::string shown = k.label;
        for (int n = 2;
             std::any_of(names.begin(), names.end(), [&](const auto& p) { return p.first == shown; }); ++n)
            shown = k.label + " [" + std::to_string(n) + "]";
        names.emplace_back(shown, k.spec);
    }
    return names;
}

// The PIN line of a key: its token's PIN state, with the tries left where the
// token tells them (SKF_GetPINInfo gives the count; PKCS#11 only flags).
std::string pinLine(const KeyChoice* key, bool zh) {
    if (!key) return zh ? "PIN：" : "PIN:";
    return (zh ? "PIN（" : "PIN (") + pinStateText(key->pinState, zh) + (zh ? "）：" : "):");
}

// The key chosen or typed in the Key box: its holder and PIN state follow it.
class KeyFollower : public cppu::WeakImplHelper1<awt::XTextListener> {
public:
    KeyFollower(const Reference<awt::XTextComponent>& box, const Reference<beans::XPropertySet>& holder,
                const Reference<beans::XPropertySet>& pinLabel, std::vector<KeyChoice> keys,
                std::vector<std::pair<std::string, std::string>> names, bool zh)
        : box_(box),
          holder_(holder),
          pinLabel_(pinLabel),
          keys_(std::move(keys)),
          names_(std::move(names)),
          zh_(zh) {}
    void SAL_CALL textChanged(const awt::TextEvent&) override {
        // No exception leaves a UNO call: a control going away is left alone.
        try {
            if (!box_.is()) return;
            const std::string typed = utf8(box_->getText().trim());
            const KeyChoice* key = nullptr;
            for (std::size_t i = 0; i < keys_.size(); ++i)
                if (names_[i].first == typed || keys_[i].spec == typed) key = &keys_[i];
            holder_->setPropertyValue("Label", uno::Any(ou(key ? key->label : std::string())));
            pinLabel_->setPropertyValue("Label", uno::Any(ou(pinLine(key, zh_))));
        } catch (...) {
        }
    }
    void SAL_CALL disposing(const lang::EventObject&) override { box_.clear(); }

private:
    Reference<awt::XTextComponent> box_;
    Reference<beans::XPropertySet> holder_, pinLabel_;
    std::vector<KeyChoice> keys_;
    std::vector<std::pair<std::string, std::string>> names_;
    bool zh_;
};

}  // namespace

bool runSealDialog(const Reference<uno::XComponentContext>& context,
                   const Reference<awt::XWindowPeer>& parent, const CommandArgs& defaults,
                   const std::vector<std::string>& modules, const std::vector<std::string>& skfLibraries,
                   bool zh, SealDialogResult& result) {
    const auto t = [zh](const char* chinese, const char* english) {
        return std::string(zh ? chinese : english);
    };
    // The seals of the seal folder and of the keys, with their own pictures.
    // The keys of the PKCS#11 modules and of the SKF libraries (the options).
    const Inventory inventory = takeInventory(
        modules, skfLibraries,
        get(defaults, "SealFolder").empty() ? defaultSealFolder() : get(defaults, "SealFolder"));
    const std::vector<KeyChoice> keys = keyChoices(inventory.tokens);
    DialogBuilder b(context);
    b.model()->setPropertyValue("Title", uno::Any(ou(t("加盖电子签章", "Seal the document"))));
    b.model()->setPropertyValue("Width", uno::Any(sal_Int32(320)));
    b.model()->setPropertyValue("Height", uno::Any(sal_Int32(290)));

    b.label("SealLabel",
            t("印章（选择一枚，或输入印章文件、印章名称或 PNG 图片）：",
              "Seal (choose one, or type a seal file, a seal's name or a PNG picture):"),
            6, 6, 308);
    auto seal = b.add("ComboBox", "Seal", 6, 17, 308, 12);
    seal->setPropertyValue("Dropdown", uno::Any(true));
    // What the list shows -> the Seal argument: a folder seal's file, a key's seal by its esID.
    std::vector<std::pair<std::string, std::string>> choices;
    std::vector<std::unique_ptr<TemporaryFile>> pictures;  // removed when the dialog is gone
    for (const ManagedSeal& s : inventory.seals) {
        if (!s.error.empty()) continue;
        const std::string shown = s.name + (s.source == "folder" ? "" : t("（USB Key 上）", " (on the key)"));
        choices.emplace_back(shown, s.source == "folder" ? s.location : s.esId);
        if (choices.size() > 4) continue;
        const std::size_t i = choices.size() - 1;
        const sal_Int32 x = static_cast<sal_Int32>(6 + 78 * i);
        auto image = b.add("ImageControl", "SealPicture" + std::to_string(i), x, 34, 72, 56);
        image->setPropertyValue("ScaleImage", uno::Any(true));
        image->setPropertyValue("ScaleMode", uno::Any(sal_Int16(1)));  // ImageScaleMode::ISOTROPIC
        image->setPropertyValue("Border", uno::Any(sal_Int16(0)));
        pictures.push_back(std::make_unique<TemporaryFile>(s.picture));
        if (!pictures.back()->path().empty())
            image->setPropertyValue("ImageURL", uno::Any(fileUrl(pictures.back()->path())));
        b.label("SealName" + std::to_string(i), shown, x, 92, 72);
    }
    Sequence<OUString> sealItems(static_cast<sal_Int32>(choices.size()));
    for (std::size_t i = 0; i < choices.size(); ++i)
        sealItems[static_cast<sal_Int32>(i)] = ou(choices[i].first);
    seal->setPropertyValue("StringItemList", uno::Any(sealItems));
    std::string firstSeal = get(defaults, "Seal");
    for (const auto& [shown, argument] : choices)
        if (argument == firstSeal) firstSeal = shown;
    if (firstSeal.empty() && !choices.empty()) firstSeal = choices.front().first;
    if (choices.empty())
        b.label("NoSeals", t("印章文件夹中没有印章：", "No seals in the seal folder: ") + inventory.folder, 6,
                40, 308);
    seal->setPropertyValue("Text", uno::Any(ou(firstSeal)));

    b.label("KeyLabel", t("密钥（USB Key 上的签章证书）：", "Key (the seal certificate on the USB Key):"), 6,
            104, 200);
    auto key = b.add("ComboBox", "Key", 6, 115, 308, 12);
    key->setPropertyValue("Dropdown", uno::Any(true));
    const std::vector<std::pair<std::string, std::string>> keyItems = keyNames(keys);
    Sequence<OUString> items(static_cast<sal_Int32>(keyItems.size()));
    for (std::size_t i = 0; i < keyItems.size(); ++i)
        items[static_cast<sal_Int32>(i)] = ou(keyItems[i].first);
    key->setPropertyValue("StringItemList", uno::Any(items));
    // The key of the arguments (a spec) shown by its name when it is one of the list.
    const KeyChoice* firstKey = keys.empty() ? nullptr : &keys.front();
    std::string firstKeyText = firstKey ? keyItems.front().first : std::string();
    if (!get(defaults, "Key").empty()) {
        firstKey = nullptr;
        firstKeyText = get(defaults, "Key");
        for (std::size_t i = 0; i < keys.size(); ++i)
            if (keys[i].spec == firstKeyText) {
                firstKey = &keys[i];
                firstKeyText = keyItems[i].first;
            }
    }
    key->setPropertyValue("Text", uno::Any(ou(firstKeyText)));
    const std::string who = keys.empty()
                                ? t("未找到 USB Key；请在“选项 ▸ 电子签章”中添加 PKCS#11 模块或 SKF 厂商库",
                                    "No USB Key found; add its PKCS#11 module or SKF library in Options > "
                                    "电子签章")
                            : firstKey ? firstKey->label
                                       : std::string();
    auto holder = b.label("KeyHolder", who, 6, 129, 308);

    auto pinLabel = b.label("PinLabel", pinLine(firstKey, zh), 6, 146, 308);
    auto pin = b.add("Edit", "Pin", 6, 157, 120, 12);
    pin->setPropertyValue("EchoChar", uno::Any(sal_Int16('*')));

    b.label("WhereLabel", t("盖章位置：", "Where the seal goes:"), 6, 176, 200);
    auto atCursor = b.add("RadioButton", "AtCursor", 12, 188, 200, 10);
    atCursor->setPropertyValue(
        "Label", uno::Any(ou(t("光标或选中处（默认）", "At the cursor or selection (default)"))));
    atCursor->setPropertyValue("State", uno::Any(sal_Int16(1)));
    auto atKeyword = b.add("RadioButton", "AtKeyword", 12, 201, 80, 10);
    atKeyword->setPropertyValue("Label", uno::Any(ou(t("关键字：", "At the keyword:"))));
    auto keyword = b.add("Edit", "Keyword", 96, 200, 110, 12);
    keyword->setPropertyValue("Text", uno::Any(ou(t("（盖章）", "(seal)"))));
    auto atPage = b.add("RadioButton", "AtPage", 12, 216, 50, 10);
    atPage->setPropertyValue("Label", uno::Any(ou(t("页码：", "Page:"))));
    auto page = b.add("NumericField", "Page", 64, 215, 30, 12);
    page->setPropertyValue("Value", uno::Any(1.0));
    page->setPropertyValue("DecimalAccuracy", uno::Any(sal_Int16(0)));
    page->setPropertyValue("ValueMin", uno::Any(1.0));
    page->setPropertyValue("Spin", uno::Any(true));
    b.label("AtLabel", t("中心位置 x,y（毫米，自页面左上角）：", "Centre x,y (mm from the top-left):"), 100,
            217, 130);
    auto at = b.add("Edit", "At", 232, 215, 52, 12);
    at->setPropertyValue("Text", uno::Any(OUString("150,240")));

    b.label("OutputLabel", t("输出：", "Output:"), 6, 236, 60);
    auto output = b.add("ListBox", "Output", 64, 235, 142, 12);
    output->setPropertyValue("Dropdown", uno::Any(true));
    Sequence<OUString> outputs(2);
    outputs[0] = ou(t("签署文档本身", "Seal the document itself"));
    outputs[1] = ou(t("另存已签章的 PDF", "A sealed PDF beside it"));
    output->setPropertyValue("StringItemList", uno::Any(outputs));
    Sequence<sal_Int16> chosen(1);
    chosen[0] = get(defaults, "Output") == "pdf" ? 1 : 0;
    output->setPropertyValue("SelectedItems", uno::Any(chosen));

    b.okCancel(t("盖章", "Seal"), t("取消", "Cancel"), 200, 268);

    Reference<awt::XControl> dialog = b.create(parent);
    if (!keys.empty()) {
        Reference<awt::XTextComponent> box(
            Reference<awt::XControlContainer>(dialog, uno::UNO_QUERY_THROW)->getControl("Key"),
            uno::UNO_QUERY);
        if (box.is()) box->addTextListener(new KeyFollower(box, holder, pinLabel, keys, keyItems, zh));
    }
    const sal_Int16 answer = Reference<awt::XDialog>(dialog, uno::UNO_QUERY_THROW)->execute();

    result.args = defaults;
    result.args["Seal"] = text(seal);
    for (const auto& [shown, argument] : choices)
        if (shown == result.args["Seal"]) result.args["Seal"] = argument;
    result.args["Key"] = text(key);
    for (const auto& [shown, spec] : keyItems)
        if (shown == result.args["Key"]) result.args["Key"] = spec;
    result.args.erase("PinEnv");
    if (selected(atKeyword)) {
        result.args["Keyword"] = text(keyword);
    } else if (selected(atPage)) {
        double p = 1;
        page->getPropertyValue("Value") >>= p;
        result.args["Page"] = std::to_string(static_cast<int>(std::lround(p)));
        result.args["At"] = text(at);
    }
    Sequence<sal_Int16> out;
    output->getPropertyValue("SelectedItems") >>= out;
    result.args["Output"] = out.getLength() == 1 && out[0] == 1 ? "pdf" : "document";
    OUString typed;
    pin->getPropertyValue("Text") >>= typed;
    result.pin = SecretString(utf8(typed));
    pin->setPropertyValue("Text", uno::Any(OUString()));
    Reference<lang::XComponent>(dialog, uno::UNO_QUERY_THROW)->dispose();
    return answer == 1;
}

}  // namespace eseal::extension
