// The UNO-free part of the extension (extension/seal_actions): where a seal
// picture inserted through UNO goes and how big it is, the read-only check
// before sealing in place, the PIN state a clerk reads, the typed PIN.
#define BOOST_TEST_MODULE extension_actions
#include <sys/stat.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/base/error.hpp"
#include "core/seal/binding.hpp"
#include "extension/seal_actions.hpp"

using namespace eseal;
using namespace eseal::extension;

namespace {

// A square 26 x 26 px PNG of the source tree.
const std::string kSquareSeal = std::string(ESEAL_SOURCE_DIR) + "/icons/seal-26.png";

ErrorCategory categoryOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.category();
    }
    BOOST_FAIL("no eseal::Error thrown");
    return ErrorCategory::Internal;
}

std::string temporaryFile(const char* name, const std::string& content) {
    const auto path =
        std::filesystem::temp_directory_path() / (std::string(name) + std::to_string(::getpid()));
    std::ofstream(path, std::ios::binary) << content;
    return path.string();
}

}  // namespace

BOOST_AUTO_TEST_CASE(no_placement_is_the_cursor_at_true_size) {
    const PictureSpot spot = pictureSpotFrom({{"Seal", kSquareSeal}});
    BOOST_TEST((spot.kind == PictureSpot::Kind::Cursor));
    BOOST_TEST(spot.widthMm == kDefaultSealSizeMm);
    BOOST_TEST(spot.heightMm == kDefaultSealSizeMm);  // the picture's aspect (square)
    BOOST_TEST(spot.picturePath == kSquareSeal);
}

BOOST_AUTO_TEST_CASE(keyword_and_page_spots) {
    const PictureSpot keyword = pictureSpotFrom({{"Seal", kSquareSeal}, {"Keyword", "（盖章）"}});
    BOOST_TEST((keyword.kind == PictureSpot::Kind::Keyword));
    BOOST_TEST(keyword.placement.keyword == "（盖章）");

    // At is the centre in mm from the top-left; a full-width comma is accepted.
    const PictureSpot page =
        pictureSpotFrom({{"Seal", kSquareSeal}, {"Page", "2"}, {"At", "100，50"}, {"Size", "30"}});
    BOOST_TEST((page.kind == PictureSpot::Kind::Page));
    BOOST_TEST(page.placement.page == 2);
    const MmRect r = rectOnPage(page, 210, 297);
    BOOST_TEST(r.left == 85);
    BOOST_TEST(r.top == 35);
    BOOST_TEST(r.width == 30);
    BOOST_TEST(r.height == 30);

    // Page alone: the core's default spot (30 mm from the right, 50 mm from the bottom).
    const PictureSpot fallback = pictureSpotFrom({{"Seal", kSquareSeal}, {"Page", "1"}});
    BOOST_TEST((fallback.kind == PictureSpot::Kind::Page));
    const MmRect d = rectOnPage(fallback, 210, 297);
    BOOST_TEST(d.left + d.width == 180);
    BOOST_TEST(d.top + d.height == 247);
}

BOOST_AUTO_TEST_CASE(bad_arguments_are_usage_errors) {
    BOOST_TEST((categoryOf([] { pictureSpotFrom({}); }) == ErrorCategory::Usage));
    BOOST_TEST((categoryOf([] {
                    pictureSpotFrom({{"Seal", kSquareSeal}, {"Size", "0"}});
                }) == ErrorCategory::Usage));
    BOOST_TEST((categoryOf([] {
                    pictureSpotFrom({{"Seal", kSquareSeal}, {"Size", "abc"}});
                }) == ErrorCategory::Usage));
    BOOST_TEST((categoryOf([] {
                    pictureSpotFrom({{"Seal", kSquareSeal}, {"At", "100"}});
                }) == ErrorCategory::Usage));
    const std::string notPng = temporaryFile("eseal-not-a-png-", "not a picture");
    BOOST_TEST((categoryOf([&] { pictureSpotFrom({{"Seal", notPng}}); }) == ErrorCategory::BadInput));
    std::filesystem::remove(notPng);
}

BOOST_AUTO_TEST_CASE(read_only_files_are_not_replaced) {
    const std::string path = temporaryFile("eseal-replaceable-", "x");
    ::chmod(path.c_str(), 0644);
    BOOST_CHECK_NO_THROW(checkReplaceable(path));
    ::chmod(path.c_str(), 0444);  // refused also for root, who could write it
    BOOST_TEST((categoryOf([&] { checkReplaceable(path); }) == ErrorCategory::OutputNotWritable));
    std::filesystem::remove(path);
    BOOST_TEST((categoryOf([&] { checkReplaceable(path); }) == ErrorCategory::InputUnreadable));
}

BOOST_AUTO_TEST_CASE(a_pdf_is_not_given_a_placed_picture) {
    const std::string pdf = temporaryFile("eseal-placed-", "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n");
    const CommandArgs args{
        {"Seal", kSquareSeal}, {"Key", "p12:/nonexistent.p12"}, {"PinEnv", "ESEAL_NO_PIN"}};
    BOOST_TEST(
        (categoryOf([&] { SealSession(pdf, pdf + ".out", args, false, true); }) == ErrorCategory::Internal));
    std::filesystem::remove(pdf);
}

BOOST_AUTO_TEST_CASE(pin_state_for_clerks) {
    PinState s;
    BOOST_TEST(pinStateText(s, true) == "PIN 正常");
    BOOST_TEST(pinStateText(s, false) == "PIN OK");
    s.retriesLeft = 3;
    s.countLow = true;
    BOOST_TEST(pinStateText(s, true).find("剩余 3 次") != std::string::npos);
    s.finalTry = true;
    BOOST_TEST(pinStateText(s, true).find("最后一次") != std::string::npos);
    s.locked = true;
    BOOST_TEST(pinStateText(s, true).find("锁定") != std::string::npos);
    BOOST_TEST(pinStateText(s, false) == "PIN locked");
}

BOOST_AUTO_TEST_CASE(a_typed_pin_is_given_once) {
    TypedPin pin(SecretString("11223344"));
    PinPrompt prompt;
    prompt.tokenLabel = "Unit";
    BOOST_TEST(std::string(pin.get(prompt).c_str()) == "11223344");
    try {
        pin.get(prompt);
        BOOST_FAIL("a second PIN was handed out");
    } catch (const TokenError& e) {
        BOOST_TEST((e.kind() == TokenError::Kind::PinRequired));
    }
}

BOOST_AUTO_TEST_CASE(error_headlines_for_clerks) {
    const TokenError locked(TokenError::Kind::PinLocked, "locked");
    BOOST_TEST(clerkHeadline(locked, true).find("管理员 PIN") != std::string::npos);
    BOOST_TEST(clerkHeadline(locked, false).find("admin PIN") != std::string::npos);
    const TokenError wrong(TokenError::Kind::WrongPin, "wrong");
    BOOST_TEST(clerkHeadline(wrong, true).find("PIN 不正确") != std::string::npos);
    const Error readOnly(ErrorCategory::OutputNotWritable, "read-only");
    BOOST_TEST(clerkHeadline(readOnly, true).find("只读") != std::string::npos);
    BOOST_TEST(errorJson("token", "wrong PIN", "PIN 不正确") ==
               R"({"category":"token","error":"wrong PIN","headline":"PIN 不正确","ok":false})");
    BOOST_TEST(errorJson("usage", "x") == R"({"category":"usage","error":"x","ok":false})");
}

// A seal that does not list the signer certificate, or is outside its
// validity: a headline that says so, not the generic "document or picture".
BOOST_AUTO_TEST_CASE(an_unusable_seal_has_its_own_headline) {
    const std::string v4 = std::string(ESEAL_SOURCE_DIR) + "/../shared/testdata/gbt38540/UserV4.esl";
    BOOST_REQUIRE(std::filesystem::exists(v4));
    const ChosenSeal file = chosenSeal({{"Seal", v4}});
    BOOST_REQUIRE(file.electronic.has_value());
    const seal::SesSeal& s = *file.electronic;
    BOOST_REQUIRE(!seal::listsCertificate(s, s.makerCertificate));  // the maker is not a signer it lists
    try {
        seal::requireSignerListed(s, s.makerCertificate, v4);
        BOOST_FAIL("a signer the seal does not list was accepted");
    } catch (const Error& e) {
        BOOST_TEST((e.category() == ErrorCategory::BadInput));
        BOOST_TEST(clerkHeadline(e, true).find("印章未绑定此 USB Key 的签章证书") != std::string::npos);
        BOOST_TEST(clerkHeadline(e, false).find("not bound to this USB Key's certificate") !=
                   std::string::npos);
    }
    const std::time_t afterValidity = s.property.validEnd + 86400;
    try {
        seal::requireUsableSeal(s, afterValidity, v4);
        BOOST_FAIL("a seal past its validity was accepted");
    } catch (const Error& e) {
        BOOST_TEST((e.category() == ErrorCategory::BadInput));
        BOOST_TEST(clerkHeadline(e, true).find("印章不在有效期内或已被改动") != std::string::npos);
        BOOST_TEST(clerkHeadline(e, false).find("outside its validity period") != std::string::npos);
    }
}

// The Seal argument: a seal picture as before, or an electronic seal (GB/T
// 38540 SES_Seal) by its file or by its name in the seal folder.
BOOST_AUTO_TEST_CASE(the_seal_argument_names_a_picture_or_an_electronic_seal) {
    const std::string v4 = std::string(ESEAL_SOURCE_DIR) + "/../shared/testdata/gbt38540/UserV4.esl";
    BOOST_REQUIRE(std::filesystem::exists(v4));
    const ChosenSeal picture = chosenSeal({{"Seal", kSquareSeal}});
    BOOST_TEST(!picture.electronic);
    BOOST_TEST(picture.where == kSquareSeal);

    const ChosenSeal file = chosenSeal({{"Seal", v4}});
    BOOST_REQUIRE(file.electronic.has_value());
    BOOST_TEST(file.where == v4);
    BOOST_TEST(file.electronic->property.name == "OFD R&W 测试用印章");

    const auto folder =
        std::filesystem::temp_directory_path() / ("eseal-seals-" + std::to_string(::getpid()));
    std::filesystem::create_directories(folder);
    std::filesystem::copy_file(v4, folder / "单位印章.esl",
                               std::filesystem::copy_options::overwrite_existing);
    std::ofstream(folder / "notes.txt") << "not a seal";
    for (const char* name : {"OFD R&W 测试用印章", "单位印章"}) {
        const ChosenSeal named = chosenSeal({{"Seal", name}, {"SealFolder", folder.string()}});
        BOOST_REQUIRE(named.electronic.has_value());
        BOOST_TEST(named.where == (folder / "单位印章.esl").string());
        BOOST_TEST(named.electronic->esId == file.electronic->esId);
    }
    // A name no seal has: the seals there are named (seal::chooseSeal).
    try {
        chosenSeal({{"Seal", "没有这枚印章"}, {"SealFolder", folder.string()}});
        BOOST_FAIL("an unknown seal name was accepted");
    } catch (const TokenError& e) {
        BOOST_TEST((e.kind() == TokenError::Kind::NotFound));
        BOOST_TEST(std::string(e.what()).find("OFD R&W") != std::string::npos);
        // The clerk's headline names the seal and the places looked in, not a missing USB Key.
        const auto* missing = dynamic_cast<const SealNotFound*>(&e);
        BOOST_REQUIRE(missing != nullptr);
        BOOST_TEST(missing->name() == "没有这枚印章");
        BOOST_TEST(missing->folder() == folder.string());
        const std::string zh = clerkHeadline(e, true), en = clerkHeadline(e, false);
        BOOST_TEST(zh.find("未找到名为“没有这枚印章”的印章") != std::string::npos);
        BOOST_TEST(zh.find("印章文件夹 " + folder.string()) != std::string::npos);
        BOOST_TEST(en.find("No seal named '没有这枚印章'") != std::string::npos);
        BOOST_TEST(en.find("the seal folder " + folder.string()) != std::string::npos);
        BOOST_TEST(en.find("USB Key") == std::string::npos);  // no Key given: no key looked in
    }
    // Two seals of one name are not "not found": chooseSeal's own error, generic headline.
    std::filesystem::copy_file(v4, folder / "副本.esl", std::filesystem::copy_options::overwrite_existing);
    try {
        chosenSeal({{"Seal", "OFD R&W 测试用印章"}, {"SealFolder", folder.string()}});
        BOOST_FAIL("an ambiguous seal name was accepted");
    } catch (const TokenError& e) {
        BOOST_TEST(dynamic_cast<const SealNotFound*>(&e) == nullptr);
        BOOST_TEST(std::string(e.what()).find("2 seals") != std::string::npos);
    }
    // The headline with a key looked in, and with a key whose seals could not be read.
    const SealNotFound onKey("x", "公章", "/s", "soft-skf-0 ESEAL", "");
    BOOST_TEST(clerkHeadline(onKey, true).find("USB Key “soft-skf-0 ESEAL”") != std::string::npos);
    BOOST_TEST(clerkHeadline(onKey, false).find("the USB Key 'soft-skf-0 ESEAL'") != std::string::npos);
    const SealNotFound unread("x", "公章", "/s", "", "skf:/lib.so");
    BOOST_TEST(clerkHeadline(unread, false).find("the seals of the key skf:/lib.so could not be read") !=
               std::string::npos);
    // A PKCS#12 key keeps no seals: only the folder was looked in, nothing "unread".
    try {
        chosenSeal({{"Seal", "没有这枚印章"}, {"SealFolder", folder.string()}, {"Key", "p12:/nowhere.p12"}});
        BOOST_FAIL("an unknown seal name was accepted");
    } catch (const SealNotFound& e) {
        BOOST_TEST(e.keyLooked().empty());
        BOOST_TEST(e.keyUnread().empty());
    }
    std::filesystem::remove_all(folder);
    BOOST_TEST((categoryOf([] { chosenSeal({}); }) == ErrorCategory::Usage));
}
