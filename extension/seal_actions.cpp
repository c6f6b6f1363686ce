#include "extension/seal_actions.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "core/base/time.hpp"
#include "core/crypto/issuers.hpp"
#include "core/crypto/trust.hpp"
#include "core/key/pin.hpp"
#include "core/report/report.hpp"
#include "core/seal/binding.hpp"
#include "core/seal/selection.hpp"
#include "core/token/key_registry.hpp"
#include "core/token/key_seals.hpp"
#include "extension/manage_actions.hpp"

namespace eseal::extension {

namespace {

const std::string* find(const CommandArgs& args, const std::string& name) {
    auto it = args.find(name);
    return it == args.end() || it->second.empty() ? nullptr : &it->second;
}

double number(const std::string& text, const std::string& name) {
    errno = 0;
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (text.empty() || errno != 0 || !end || *end != '\0' || !std::isfinite(v))
        throw Error(ErrorCategory::Usage, fill(tr("{argument} needs a number, got '{text}'"),
                                               {{"{argument}", name}, {"{text}", text}}));
    return v;
}

}  // namespace

SecretString EnvPin::get(const PinPrompt& prompt) {
    const char* value = std::getenv(variable_.c_str());
    if (!value || !*value)
        throw TokenError(
            TokenError::Kind::PinRequired,
            fill(tr("a PIN is needed for {key} but the environment variable {variable} is not set "
                    "in the LibreOffice process"),
                 {{"{key}", prompt.tokenLabel}, {"{variable}", variable_}}));
    return SecretString(value);
}

namespace {

// A PNG or JPEG file: a seal picture, not an electronic seal.
bool isPictureFile(const std::string& path) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return false;
    unsigned char head[4] = {};
    const bool read = std::fread(head, 1, 4, f) == 4;
    std::fclose(f);
    return read && ((head[0] == 0x89 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G') ||
                    (head[0] == 0xFF && head[1] == 0xD8));
}

}  // namespace

ChosenSeal chosenSeal(const CommandArgs& args) {
    const std::string* name = find(args, "Seal");
    if (!name)
        throw Error(ErrorCategory::Usage,
                    tr("the Seal argument (a seal file, a seal's name or a seal PNG file) is required"));
    std::error_code ec;
    if (std::filesystem::is_regular_file(*name, ec)) {
        if (isPictureFile(*name)) return {*name, std::nullopt};
        return {*name, seal::loadSeal(*name)};
    }
    // A path that is not there: named as missing when the picture is read.
    if (name->find('/') != std::string::npos) return {*name, std::nullopt};
    // A name: the seals of the seal folder (by file name without extension),
    // then those on the key's token.
    std::vector<seal::NamedSeal> seals;
    std::vector<std::string> where;
    const std::string folder = find(args, "SealFolder") ? args.at("SealFolder") : defaultSealFolder();
    for (const std::string& file : sealFiles(folder)) {
        try {
            seals.push_back({std::filesystem::path(file).stem().string(), seal::loadSeal(file)});
            where.push_back(file);
        } catch (const Error&) {
            // Not a seal: 签章管理 lists it as unreadable.
        }
    }
    std::vector<Bytes> signers;
    std::string places = folder, keyLooked, keyUnread;
    if (const std::string* key = find(args, "Key")) {
        keyUnread = *key;
        try {
            const TokenSeals onKey = sealsOnKey(*key);
            places += ", " + onKey.tokenLabel;
            keyLooked = onKey.tokenLabel.empty() ? *key : onKey.tokenLabel;
            keyUnread.clear();
            for (std::size_t i = 0; i < onKey.sealValues.size(); ++i) {
                try {
                    seals.push_back(
                        {onKey.sealLabels[i], seal::readSeal(onKey.sealValues[i], onKey.sealLabels[i])});
                    where.push_back(fill(tr("'{label}' on {key}"),
                                         {{"{label}", onKey.sealLabels[i]}, {"{key}", onKey.tokenLabel}}));
                } catch (const Error&) {
                    // An SKF file that is not a seal, or a damaged object.
                }
            }
            signers = certificatesBeforePin(*key);
        } catch (const Error& e) {
            // A key that keeps no seals (a PKCS#12 file: nothing to look in), or one
            // not there: opening it says so later.
            if (e.category() == ErrorCategory::Usage) keyUnread.clear();
        }
    }
    const auto named = [&](const seal::NamedSeal& s) {
        return s.label == *name || s.seal.property.name == *name || s.seal.esId == *name;
    };
    if (std::none_of(seals.begin(), seals.end(), named)) {
        // seal::chooseSeal's sentence (the seals there), with the places kept apart.
        try {
            seal::chooseSeal(seals, *name, signers, places);
        } catch (const TokenError& e) {
            throw SealNotFound(e.message(), *name, folder, keyLooked, keyUnread);
        }
    }
    const seal::NamedSeal& chosen = seal::chooseSeal(seals, *name, signers, places);
    return {where[static_cast<std::size_t>(&chosen - seals.data())], chosen.seal};
}

SealRequest sealRequestFrom(const CommandArgs& args, bool crossPage) {
    SealRequest request;
    const ChosenSeal chosen = chosenSeal(args);
    request.sealImage = chosen.where;
    if (chosen.electronic) {
        seal::requireUsableSeal(*chosen.electronic, now(), chosen.where);
        request.sealPicture =
            std::make_shared<const RgbaImage>(seal::pictureImage(*chosen.electronic, chosen.where));
        request.electronicSeal = chosen.electronic->encoded;
    }
    if (const std::string* v = find(args, "Size")) request.placement.sizeMm = number(*v, "Size");
    if (const std::string* v = find(args, "Page")) {
        const double p = number(*v, "Page");
        if (p != static_cast<int>(p) || p == 0 || p < -1)
            throw Error(ErrorCategory::Usage, tr("Page needs a page number from 1, or -1 for the last page"));
        request.placement.page = static_cast<int>(p);
        request.placement.pageGiven = true;
    }
    if (crossPage) {
        request.placement.mode = Placement::Mode::CrossPage;
    } else if (const std::string* keyword = find(args, "Keyword")) {
        request.placement.mode = Placement::Mode::Keyword;
        request.placement.keyword = *keyword;
    } else if (const std::string* at = find(args, "At")) {
        std::string text = *at;
        static const std::string kFullWidthComma = "\xEF\xBC\x8C";
        for (auto i = text.find(kFullWidthComma); i != std::string::npos; i = text.find(kFullWidthComma))
            text.replace(i, kFullWidthComma.size(), ",");
        const auto comma = text.find(',');
        if (comma == std::string::npos)
            throw Error(ErrorCategory::Usage, tr("At needs \"X,Y\" in millimetres"));
        request.placement.xMm = number(text.substr(0, comma), "At");
        request.placement.yMm = number(text.substr(comma + 1), "At");
    } else {
        request.placement = withDefaultSpot(request.placement);
    }
    if (const std::string* v = find(args, "Reason")) request.reason = *v;
    if (const std::string* v = find(args, "Location")) request.location = *v;
    if (const std::string* v = find(args, "Field")) request.fieldName = *v;
    return request;
}

PictureSpot pictureSpotFrom(const CommandArgs& args) {
    PictureSpot spot;
    const SealRequest request = sealRequestFrom(args, false);
    spot.placement = request.placement;
    if (spot.placement.mode == Placement::Mode::Keyword)
        spot.kind = PictureSpot::Kind::Keyword;
    else if (find(args, "At") || find(args, "Page"))
        spot.kind = PictureSpot::Kind::Page;
    if (!(spot.placement.sizeMm > 0 && spot.placement.sizeMm <= 500))
        throw Error(ErrorCategory::Usage, tr("Size needs a width in mm from 0 to 500"));
    if (request.electronicSeal.empty())
        spot.picturePath = request.sealImage;
    else
        spot.pictureBytes = seal::readSeal(request.electronicSeal, request.sealImage).picture.data;
    const auto image = sealPictureOf(request);
    spot.widthMm = spot.placement.sizeMm;
    spot.heightMm = spot.placement.sizeMm * image->height / image->width;
    return spot;
}

MmRect rectOnPage(const PictureSpot& spot, double pageWidthMm, double pageHeightMm) {
    return displayedRect(spot.placement, spot.heightMm / spot.widthMm, pageWidthMm, pageHeightMm);
}

const FormatAdapter& formatOf(const std::string& path) {
    try {
        return adapterFor(path);
    } catch (const Error& e) {
        if (e.category() != ErrorCategory::BadInput) throw;
        throw Error(ErrorCategory::BadInput,
                    fill(tr("format not supported yet: {detail}"), {{"{detail}", e.message()}}), path);
    }
}

void checkReplaceable(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        throw Error(ErrorCategory::InputUnreadable,
                    fill(tr("cannot read: {detail}"), {{"{detail}", std::strerror(errno)}}), path);
    // root may write anything: the permission bits say what the owner wants.
    if ((st.st_mode & (S_IWUSR | S_IWGRP | S_IWOTH)) == 0 || ::access(path.c_str(), W_OK) != 0)
        throw Error(ErrorCategory::OutputNotWritable,
                    tr("the file is read-only, so it cannot be sealed in place; save a copy (File > Save As) "
                       "and seal that"),
                    path);
}

SealSession::SealSession(const std::string& input, const std::string& checkOutput, const CommandArgs& args,
                         bool crossPage, bool picturePlaced, PinSource* pins)
    : request_(sealRequestFrom(args, crossPage)) {
    request_.picturePlaced = picturePlaced;
    const std::string* keySpec = find(args, "Key");
    if (!keySpec)
        throw Error(ErrorCategory::Usage,
                    tr("the Key argument (pkcs11:..., p12:FILE or skf:...) is required"));
    const std::string* pinEnv = find(args, "PinEnv");
    if (!pins && !pinEnv)
        throw Error(ErrorCategory::Usage,
                    fill(tr("the {argument} argument (an environment variable name) is required"),
                         {{"{argument}", "PinEnv"}}));
    format_ = &formatOf(input);
    if (picturePlaced && !format_->signsPlacedPicture())
        throw Error(ErrorCategory::Internal, tr("the format does not sign a picture placed by the extension"),
                    input);
    // Everything that needs no PIN first, as the CLI does.
    request_.input = input;
    request_.output = checkOutput;
    std::optional<seal::SesSeal> electronic;
    if (!request_.electronicSeal.empty()) {
        electronic = seal::readSeal(request_.electronicSeal, request_.sealImage);
        // Package signatures cannot carry the seal yet: its picture is placed alone.
        if (!format_->carriesElectronicSeal()) {
            request_.electronicSeal.clear();
            warning_ =
                fill(tr("{format} signatures cannot carry an electronic seal yet (PDF can): the seal's "
                        "picture was placed, the seal itself is not in the signature"),
                     {{"{format}", std::string(format_->name())}});
        }
    }
    format_->check(request_);
    // A USB Key (an SKF key above all) often holds only the unit's own
    // certificate: its issuers come from Chain (';'-separated PEM/DER files; an
    // unreadable one fails here, before the PIN) and the user's
    // ~/.config/eseal/certs, then the system store, as `eseal sign --chain`
    // takes them (no caIssuers fetch: the extension has no --online).
    std::vector<Certificate> issuers;
    if (const std::string* chain = find(args, "Chain"))
        for (const std::string& file : splitList(*chain)) {
            auto certs = readCertificateFile(file);
            issuers.insert(issuers.end(), certs.begin(), certs.end());
        }
    if (const std::string dir = userConfigDir("certs"); !dir.empty()) {
        std::vector<std::string> unreadable;  // 签章管理 is where a bad file would be shown
        auto certs = readCertificateDir(dir, unreadable);
        issuers.insert(issuers.end(), certs.begin(), certs.end());
    }
    EnvPin environment(pinEnv ? *pinEnv : std::string());
    IssuerSources sources;
    sources.candidates = std::move(issuers);
    key_ = completeChain(openKey(*keySpec, pins ? *pins : environment), sources).key;
    // GB/T 38540-2020 8.1 b: the seal must name the signer's certificate.
    if (electronic)
        seal::requireSignerListed(*electronic, key_->certificateChain().front(), request_.sealImage);
}

SealSession::~SealSession() = default;

std::string pinStateText(const PinState& s, bool chinese) {
    if (!chinese) return s.summary();
    if (!s.initialized) return "用户 PIN 尚未设置";
    if (s.locked) return "PIN 已锁定，需用管理员 PIN 解锁";
    std::string t = s.finalTry   ? "最后一次机会：再输错一次将锁定"
                    : s.countLow ? "上次登录后曾输错 PIN"
                                 : "PIN 正常";
    if (s.retriesLeft) t += "（剩余 " + std::to_string(*s.retriesLeft) + " 次）";
    if (s.mustChange) t += "；请修改 PIN（可能仍是出厂 PIN）";
    return t;
}

SecretString TypedPin::get(const PinPrompt& prompt) {
    if (pin_.empty())
        throw TokenError(TokenError::Kind::PinRequired,
                         fill(tr("no PIN was typed for {key}"), {{"{key}", prompt.tokenLabel}}));
    SecretString once = std::move(pin_);
    pin_ = SecretString();
    return once;
}

SealResult SealSession::sealTo(const std::string& input, const std::string& output) {
    SealRequest request = request_;
    request.input = input;
    request.output = output;
    SealResult result = format_->seal(request, *key_);
    if (!warning_.empty()) result.warnings.push_back(warning_);
    return result;
}

SealResult sealFile(const std::string& input, const std::string& output, const CommandArgs& args,
                    bool crossPage, PinSource* pins) {
    SealSession session(input, output, args, crossPage, false, pins);
    return session.sealTo(input, output);
}

SealResult sealInPlace(const std::string& path, const CommandArgs& args, bool crossPage, PinSource* pins) {
    namespace fs = std::filesystem;
    const fs::path target(path);
    const fs::path temporary =
        target.parent_path() / ("." + target.filename().string() + ".eseal-" + std::to_string(::getpid()) +
                                target.extension().string());
    try {
        SealResult result = sealFile(path, temporary.string(), args, crossPage, pins);
        fs::rename(temporary, target);
        result.output = path;
        return result;
    } catch (...) {
        std::error_code ignored;
        fs::remove(temporary, ignored);
        throw;
    }
}

namespace {

Report verifyFile(const std::string& path, const CommandArgs& args) {
    TrustPolicy policy = defaultTrustPolicy();
    if (const std::string* v = find(args, "NoSystemTrust")) policy.useSystemStore = *v != "true";
    if (const std::string* v = find(args, "Trust")) {
        std::string::size_type start = 0;
        while (start <= v->size()) {
            const auto end = std::min(v->find(';', start), v->size());
            if (end > start) policy.trustFiles.push_back(v->substr(start, end - start));
            start = end + 1;
        }
    }
    const TrustStore trust(policy);
    return adapterFor(path).verify(path, trust, VerifyOptions{});
}

}  // namespace

std::string verifyFileJson(const std::string& path, const CommandArgs& args) {
    return toJson(verifyFile(path, args));
}

std::string verifyFileText(const std::string& path, const CommandArgs& args) {
    return toText(verifyFile(path, args));
}

namespace {

std::string modificationLine(const Modification& m, bool chinese) {
    std::string what = m.description.empty() ? toString(m.kind) : m.description;
    if (chinese) return (m.allowed ? "允许的变更：" : "不允许的变更：") + what;
    return (m.allowed ? "allowed change: " : "change not allowed: ") + what;
}

}  // namespace

SealListing sealListing(const std::string& path, const CommandArgs& args, bool chinese) {
    const Report report = verifyFile(path, args);
    SealListing listing;
    const auto zh = [chinese](const char* c, const char* e) { return std::string(chinese ? c : e); };
    if (!report.readable)
        listing.headline = zh("无法读取此文件。", "The file cannot be read.");
    else if (report.signatures.empty())
        listing.headline = zh("此文件没有签章。", "The file carries no seal.");
    else
        listing.headline = verdictLine(report);
    int n = 0;
    for (const SignatureReport& s : report.signatures) {
        SealListing::Entry e;
        const Indication i = s.verdict.indication();
        e.valid = i == Indication::Passed;
        // The seal's name, a PDF field name, else its number (ODF ids are long hex).
        const std::string name = s.electronicSeal && !s.electronicSeal->name.empty() ? s.electronicSeal->name
                                 : !s.id.empty() && s.id.size() <= 24                ? s.id
                                                                                     : std::to_string(n + 1);
        ++n;
        e.title =
            zh("签章 ", "Seal ") + name + zh("：", ": ") +
            (i == Indication::Passed ? zh("有效，盖章后文件未被修改", "valid, unchanged since sealing")
             : i == Indication::Indeterminate
                 ? zh("无法确认（", "not confirmed (") + toString(s.verdict.subIndication()) + zh("）", ")")
                 : zh("无效（", "invalid (") + toString(s.verdict.subIndication()) + zh("）", ")"));
        std::string d;
        d += zh("签章人：", "Signer: ") + (s.signer ? s.signer->commonName : zh("未知", "unknown")) + "\n";
        d += zh("时间：", "Time: ") + (s.signingTime ? *s.signingTime : zh("未声明", "not stated")) +
             (s.timestamped ? zh("（有时间戳）", " (timestamped)")
                            : zh("（未经时间戳证明）", " (no timestamp)")) +
             "\n";
        d += zh("证书链：", "Chain: ") + toString(s.chain.status) + "\n";
        for (const std::string& why : s.errors) d += why + "\n";
        if (s.modifications.empty()) d += zh("盖章后无变更", "no change after sealing") + std::string("\n");
        for (const Modification& m : s.modifications) d += modificationLine(m, chinese) + "\n";
        e.details = d;
        for (const SealAppearance& a : s.appearances)
            if (a.hasMm && a.widthMm > 0 && a.heightMm > 0) {
                e.appearance = a;
                break;
            }
        listing.seals.push_back(std::move(e));
    }
    for (const std::string& why : report.errors) listing.headline += "\n" + why;
    return listing;
}

std::string SealListing::text() const {
    std::string t = headline + "\n";
    for (const Entry& e : seals) t += "\n" + e.title + "\n" + e.details;
    return t;
}

std::string sealResultJson(const SealResult& result, const std::string& reloadProblem) {
    nlohmann::json j{{"ok", true}, {"output", result.output}, {"field", result.fieldName}};
    if (!result.appearances.empty()) j["page"] = result.appearances.front().page;
    if (!reloadProblem.empty()) j["reloadError"] = reloadProblem;
    if (!result.warnings.empty()) j["warnings"] = result.warnings;
    return j.dump();
}

std::string errorJson(const std::string& category, const std::string& message, const std::string& headline) {
    nlohmann::json j{{"ok", false}, {"category", category}, {"error", message}};
    if (!headline.empty()) j["headline"] = headline;
    return j.dump();
}

std::string clerkHeadline(const Error& error, bool chinese) {
    const auto t = [chinese](const char* zh, const char* en) { return std::string(chinese ? zh : en); };
    if (const auto* missing = dynamic_cast<const SealNotFound*>(&error)) {
        // The seal by its name and every place looked in, so the clerk can tell a
        // mistyped name from a key not plugged in or a seal folder elsewhere.
        std::string places = t("印章文件夹 ", "the seal folder ") + missing->folder();
        if (!missing->keyLooked().empty())
            places += t("，以及 USB Key “", " and the USB Key '") + missing->keyLooked() + t("”", "'");
        else if (!missing->keyUnread().empty())
            places += t("（未能读取密钥 ", " (the seals of the key ") + missing->keyUnread() +
                      t(" 上的印章）", " could not be read)");
        return t("未找到名为“", "No seal named '") + missing->name() +
               t("”的印章，未盖章。已查找：", "': nothing was sealed. eseal looked in ") + places +
               t("。请检查印章名称，或在“签章管理”中查看可用的印章。",
                 ". Check the name, or see the seals there in 签章管理 (Manage).");
    }
    if (const auto* unusable = dynamic_cast<const seal::SealUnusable*>(&error)) {
        if (unusable->why() == seal::SealUnusable::Why::SignerNotListed)
            return t(
                "印章未绑定此 USB Key "
                "的签章证书，未盖章。请选用为该证书制作的印章，或请印章管理机构重新绑定。",
                "The seal is not bound to this USB Key's certificate: nothing was sealed. Choose the seal "
                "made for this certificate, or ask the seal authority to bind it.");
        return t("印章不在有效期内或已被改动，不能使用，未盖章。",
                 "The seal is outside its validity period or was changed, and cannot be used: nothing was "
                 "sealed.");
    }
    if (const auto* token = dynamic_cast<const TokenError*>(&error)) {
        switch (token->kind()) {
            case TokenError::Kind::WrongPin:
                return t("PIN 不正确，未盖章。eseal 不会自动重试；请核对 PIN 后再试，注意剩余次数。",
                         "Wrong PIN: nothing was sealed. eseal never retries by itself; check the PIN and "
                         "mind the "
                         "tries left.");
            case TokenError::Kind::PinLocked:
                return t(
                    "USB Key 的 PIN 已锁定，未盖章。请用管理员 PIN 解锁（命令见下）。",
                    "The USB Key's PIN is locked: nothing was sealed. Unlock it with the admin PIN (command "
                    "below).");
            case TokenError::Kind::PinExpired:
                return t("PIN 已过期，请先修改 PIN。", "The PIN has expired: change it first.");
            case TokenError::Kind::PinRequired:
                return t("需要 PIN 才能盖章。", "A PIN is needed to seal.");
            case TokenError::Kind::NotFound:
                return t("未找到 USB Key、密钥或证书；请插入 USB Key 或检查密钥设置。",
                         "No such USB Key, key or certificate: insert the USB Key or check the key setting.");
            case TokenError::Kind::Other:
                break;
        }
        return t("USB Key 出错，未盖章。", "The USB Key failed: nothing was sealed.");
    }
    switch (error.category()) {
        case ErrorCategory::BadInput:
            return t("文档或印章图片有问题，未盖章。",
                     "The document or the seal picture is not right: nothing was sealed.");
        case ErrorCategory::InputUnreadable:
            return t("无法读取文档或印章图片。", "The document or the seal picture cannot be read.");
        case ErrorCategory::OutputNotWritable:
            return t("无法写入：文件只读或所在文件夹不可写，文档未改动。",
                     "Cannot write: the file is read-only or its folder is not writable; the document is "
                     "unchanged.");
        case ErrorCategory::Token:
            return t("USB Key 出错，未盖章。", "The USB Key failed: nothing was sealed.");
        case ErrorCategory::Crypto:
            return t("签名时出错，未盖章。", "Signing failed: nothing was sealed.");
        case ErrorCategory::Unsupported:
            return t("暂不支持这样盖章。", "This cannot be sealed this way yet.");
        case ErrorCategory::Usage:
            return t("请检查盖章设置。", "Check the seal settings.");
        case ErrorCategory::Internal:
            break;
    }
    return t("eseal 内部错误，请报告。", "An internal error in eseal; please report it.");
}

}  // namespace eseal::extension
