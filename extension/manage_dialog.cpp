#include "extension/manage_dialog.hpp"

#include <com/sun/star/awt/ActionEvent.hpp>
#include <com/sun/star/awt/XActionListener.hpp>
#include <com/sun/star/awt/XButton.hpp>
#include <com/sun/star/awt/XControlContainer.hpp>
#include <com/sun/star/awt/XDialog.hpp>
#include <com/sun/star/lang/XComponent.hpp>
#include <cppuhelper/implbase1.hxx>
#include <memory>
#include <string>
#include <vector>

#include "core/base/error.hpp"
#include "extension/manage_actions.hpp"
#include "extension/uno_common.hpp"
#include "extension/uno_dialog.hpp"

using namespace com::sun::star;
using com::sun::star::uno::Reference;
using com::sun::star::uno::Sequence;
using rtl::OUString;

namespace eseal::extension {

namespace {

enum class Choice { Close, ChangePin, Unlock };

// A button that ends the dialog with its choice.
class Ends : public cppu::WeakImplHelper1<awt::XActionListener> {
public:
    Ends(const Reference<awt::XDialog>& dialog, Choice& chosen, Choice value)
        : dialog_(dialog), chosen_(chosen), value_(value) {}
    void SAL_CALL actionPerformed(const awt::ActionEvent&) override {
        chosen_ = value_;
        dialog_->endExecute();
    }
    void SAL_CALL disposing(const lang::EventObject&) override { dialog_.clear(); }

private:
    Reference<awt::XDialog> dialog_;
    Choice& chosen_;
    Choice value_;
};

std::string date(const std::string& iso) { return iso.substr(0, 10); }

// The suffix an image control's loader expects for a seal picture's type.
std::string pictureSuffix(const std::string& type) {
    return type == "JPG" || type == "JPEG" ? ".jpg" : type == "GIF" ? ".gif" : ".png";
}

struct Shown {
    Choice choice = Choice::Close;
    int token = -1;  // the selected key
};

Shown showInventory(const Reference<uno::XComponentContext>& context,
                    const Reference<awt::XWindowPeer>& parent, const Inventory& inventory, bool zh) {
    const auto t = [zh](const char* chinese, const char* english) {
        return std::string(zh ? chinese : english);
    };
    DialogBuilder b(context);
    b.model()->setPropertyValue("Title", uno::Any(ou(t("签章管理", "Keys and seals"))));
    b.model()->setPropertyValue("Width", uno::Any(sal_Int32(320)));
    b.model()->setPropertyValue("Height", uno::Any(sal_Int32(262)));

    b.label("KeysLabel", t("USB Key 与签章证书：", "USB Keys and their seal certificates:"), 6, 6, 300);
    auto keys = b.add("ListBox", "Keys", 6, 17, 308, 70);
    std::vector<OUString> lines;
    std::vector<int> tokenOfLine;
    for (std::size_t i = 0; i < inventory.tokens.size(); ++i) {
        const ManagedToken& k = inventory.tokens[i];
        lines.push_back(ou(k.label + " — " + pinStateText(k.pin, zh)));
        tokenOfLine.push_back(static_cast<int>(i));
        for (const ManagedKey& c : k.keys) {
            lines.push_back(ou("    " + c.holder + t("，有效期 ", ", valid ") +
                               (c.notBefore.empty() ? std::string("?") : date(c.notBefore)) +
                               t(" 至 ", " to ") +
                               (c.notAfter.empty() ? std::string("?") : date(c.notAfter))));
            tokenOfLine.push_back(static_cast<int>(i));
        }
    }
    if (lines.empty())
        lines.push_back(
            ou(t("未找到 USB Key；请在“选项 ▸ 电子签章”中添加 PKCS#11 模块或 SKF 库",
                 "No USB Key found; add its PKCS#11 module or SKF library in Options > 电子签章")));
    keys->setPropertyValue("StringItemList",
                           uno::Any(Sequence<OUString>(lines.data(), static_cast<sal_Int32>(lines.size()))));
    if (!tokenOfLine.empty()) {
        Sequence<sal_Int16> first(1);
        first[0] = 0;
        keys->setPropertyValue("SelectedItems", uno::Any(first));
    }

    b.label("SealsLabel",
            t("印章（本地印章文件夹与 USB Key 上）：", "Seals (the local seal folder and on the keys):"), 6,
            94, 300);
    std::vector<std::unique_ptr<TemporaryFile>> pictures;  // removed when the dialog is gone
    const std::size_t shownSeals = std::min<std::size_t>(inventory.seals.size(), 4);
    for (std::size_t i = 0; i < shownSeals; ++i) {
        const ManagedSeal& s = inventory.seals[i];
        const sal_Int32 x = static_cast<sal_Int32>(6 + 78 * i);
        auto image = b.add("ImageControl", "Seal" + std::to_string(i), x, 106, 72, 60);
        image->setPropertyValue("ScaleImage", uno::Any(true));
        image->setPropertyValue("ScaleMode", uno::Any(sal_Int16(1)));  // ImageScaleMode::ISOTROPIC
        image->setPropertyValue("Border", uno::Any(sal_Int16(0)));
        if (s.error.empty() && !s.picture.empty()) {
            pictures.push_back(std::make_unique<TemporaryFile>(s.picture, pictureSuffix(s.pictureType)));
            if (!pictures.back()->path().empty())
                image->setPropertyValue("ImageURL", uno::Any(fileUrl(pictures.back()->path())));
        }
        const std::string caption = s.error.empty() ? s.name : t("无法读取的印章", "not a readable seal");
        b.label("SealName" + std::to_string(i), caption, x, 168, 72);
        b.label("SealWhere" + std::to_string(i),
                s.error.empty()
                    ? (s.source == "folder" ? t("本地", "local") : t("USB Key", "on a key")) + " · " +
                          (s.validNow ? t("有效至 ", "valid to ") + date(s.validEnd)
                                      : t("已过期或未生效", "not valid now"))
                    : s.error,
                x, 178, 72);
    }
    std::string more = inventory.seals.empty()
                           ? t("没有印章。印章文件放在 ", "No seals. Seal files go into ") + inventory.folder
                           : t("印章文件夹：", "Seal folder: ") + inventory.folder;
    if (inventory.seals.size() > shownSeals)
        more += t("（另有 ", " (and ") + std::to_string(inventory.seals.size() - shownSeals) +
                t(" 枚）", " more)");
    b.label("Folder", more, 6, 192, 308);
    std::string problems;
    for (const std::string& p : inventory.problems) problems += (problems.empty() ? "" : "; ") + p;
    if (!problems.empty()) b.label("Problems", t("无法读取：", "Could not read: ") + problems, 6, 204, 308);

    auto change = b.add("Button", "ChangePin", 6, 240, 70, 15);
    change->setPropertyValue("Label", uno::Any(ou(t("修改 PIN…", "Change PIN…"))));
    auto unlock = b.add("Button", "Unlock", 80, 240, 70, 15);
    unlock->setPropertyValue("Label", uno::Any(ou(t("解锁…", "Unlock…"))));
    b.button("Close", t("关闭", "Close"), 259, 240, 2);
    if (tokenOfLine.empty()) {
        change->setPropertyValue("Enabled", uno::Any(false));
        unlock->setPropertyValue("Enabled", uno::Any(false));
    }

    Reference<awt::XControl> dialog = b.create(parent);
    Reference<awt::XDialog> run(dialog, uno::UNO_QUERY_THROW);
    Shown shown;
    Reference<awt::XControlContainer> controls(dialog, uno::UNO_QUERY_THROW);
    Reference<awt::XButton>(controls->getControl("ChangePin"), uno::UNO_QUERY_THROW)
        ->addActionListener(new Ends(run, shown.choice, Choice::ChangePin));
    Reference<awt::XButton>(controls->getControl("Unlock"), uno::UNO_QUERY_THROW)
        ->addActionListener(new Ends(run, shown.choice, Choice::Unlock));
    run->execute();
    Sequence<sal_Int16> selected;
    keys->getPropertyValue("SelectedItems") >>= selected;
    if (selected.getLength() == 1 && selected[0] >= 0 &&
        static_cast<std::size_t>(selected[0]) < tokenOfLine.size())
        shown.token = tokenOfLine[static_cast<std::size_t>(selected[0])];
    Reference<lang::XComponent>(dialog, uno::UNO_QUERY_THROW)->dispose();
    return shown;
}

struct TypedPins {
    SecretString current, fresh, repeated;
};

// The PINs for a change (current, new, new again) or an unlock (SO or admin PIN, new, new again).
bool askPins(const Reference<uno::XComponentContext>& context, const Reference<awt::XWindowPeer>& parent,
             const ManagedToken& token, Choice choice, bool zh, TypedPins& pins) {
    const auto t = [zh](const char* chinese, const char* english) {
        return std::string(zh ? chinese : english);
    };
    DialogBuilder b(context);
    b.model()->setPropertyValue(
        "Title", uno::Any(ou(choice == Choice::ChangePin ? t("修改 PIN", "Change the PIN")
                                                         : t("解锁 USB Key", "Unlock the USB Key"))));
    b.model()->setPropertyValue("Width", uno::Any(sal_Int32(220)));
    b.model()->setPropertyValue("Height", uno::Any(sal_Int32(112)));
    b.label("Key", token.label + " — " + pinStateText(token.pin, zh), 6, 6, 208);
    const char* names[] = {"Current", "New", "Repeat"};
    const std::string labels[] = {choice == Choice::ChangePin ? t("当前 PIN：", "Current PIN:")
                                  : token.kind == "skf"       ? t("管理员 PIN：", "Admin PIN:")
                                                        : t("SO（管理员）PIN：", "SO (admin) PIN:"),
                                  t("新 PIN：", "New PIN:"), t("再次输入新 PIN：", "New PIN again:")};
    std::vector<Reference<beans::XPropertySet>> fields;
    for (int i = 0; i < 3; ++i) {
        b.label(std::string("Label") + names[i], labels[i], 6, 24 + 18 * i, 90);
        auto f = b.add("Edit", names[i], 100, 22 + 18 * i, 114, 12);
        f->setPropertyValue("EchoChar", uno::Any(sal_Int16('*')));
        fields.push_back(f);
    }
    b.okCancel(t("确定", "OK"), t("取消", "Cancel"), 100, 90);
    Reference<awt::XControl> dialog = b.create(parent);
    const sal_Int16 answer = Reference<awt::XDialog>(dialog, uno::UNO_QUERY_THROW)->execute();
    SecretString* into[] = {&pins.current, &pins.fresh, &pins.repeated};
    for (int i = 0; i < 3; ++i) {
        OUString typed;
        fields[static_cast<std::size_t>(i)]->getPropertyValue("Text") >>= typed;
        *into[i] = SecretString(utf8(typed));
        fields[static_cast<std::size_t>(i)]->setPropertyValue("Text", uno::Any(OUString()));
    }
    Reference<lang::XComponent>(dialog, uno::UNO_QUERY_THROW)->dispose();
    return answer == 1;
}

}  // namespace

void runManageDialog(const Reference<uno::XComponentContext>& context,
                     const Reference<awt::XWindowPeer>& parent, const CommandArgs& args, bool zh) {
    const auto t = [zh](const char* chinese, const char* english) {
        return std::string(zh ? chinese : english);
    };
    for (;;) {
        const auto get = [&](const char* name) {
            auto it = args.find(name);
            return it == args.end() ? std::string() : it->second;
        };
        const Inventory inventory =
            takeInventory(splitList(get("Modules")), splitList(get("SkfLibraries")),
                          get("SealFolder").empty() ? defaultSealFolder() : get("SealFolder"));
        const Shown shown = showInventory(context, parent, inventory, zh);
        if (shown.choice == Choice::Close || shown.token < 0) return;
        const ManagedToken& token = inventory.tokens[static_cast<std::size_t>(shown.token)];
        TypedPins pins;
        if (!askPins(context, parent, token, shown.choice, zh, pins)) continue;
        if (pins.fresh.view() != pins.repeated.view()) {
            showMessage(
                context, parent,
                t("两次输入的新 PIN 不一致，PIN 未修改。", "The two new PINs differ; nothing was changed."),
                awt::MessageBoxType_WARNINGBOX);
            continue;
        }
        CommandArgs action = args;
        action["Action"] = shown.choice == Choice::ChangePin ? "ChangePin" : "Unlock";
        action["Token"] = token.uri;
        TypedPin current(std::move(pins.current)), fresh(std::move(pins.fresh));
        try {
            manage(action, zh, &current, &fresh);
            showMessage(context, parent,
                        shown.choice == Choice::ChangePin ? t("PIN 已修改。", "The PIN was changed.")
                                                          : t("USB Key 已解锁，新 PIN 已设置。",
                                                              "The USB Key is unlocked; the new PIN is set."),
                        awt::MessageBoxType_INFOBOX);
        } catch (const Error& e) {
            showMessage(context, parent, clerkHeadline(e, zh) + "\n\n" + e.what(),
                        awt::MessageBoxType_ERRORBOX);
        }
    }
}

}  // namespace eseal::extension
