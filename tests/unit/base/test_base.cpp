#define BOOST_TEST_MODULE base
#include <sys/stat.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <clocale>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>

#include "core/base/atomic_file.hpp"
#include "core/base/bytes.hpp"
#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "core/base/secret.hpp"
#include "core/base/time.hpp"
#include "core/crypto/digest.hpp"
#include "core/key/pin.hpp"
#include "core/token/key_registry.hpp"
#include "core/token/pkcs12_key.hpp"

namespace fs = std::filesystem;
using namespace eseal;

namespace {
struct TempDir {
    fs::path path;
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "eseal-base-XXXXXX").string();
        path = ::mkdtemp(pattern.data());
    }
    ~TempDir() {
        std::error_code ec;
        fs::permissions(path, fs::perms::owner_all, ec);
        fs::remove_all(path, ec);
    }
};
std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}
}  // namespace

BOOST_AUTO_TEST_CASE(hex_round_trip_and_rejects_bad_digits) {
    Bytes data = {0x00, 0x7f, 0x80, 0xff};
    BOOST_TEST(toHex(data) == "007f80ff");
    BOOST_TEST(toHex(data, true) == "007F80FF");
    BOOST_TEST(fromHex("00 7f\n80FF") == data);
    BOOST_CHECK_THROW(fromHex("abc"), Error);
    BOOST_CHECK_THROW(fromHex("zz"), Error);
}

BOOST_AUTO_TEST_CASE(pdf_dates) {
    BOOST_TEST(pdfDate(0) == "D:19700101000000Z");
    BOOST_TEST(isoUtc(1764072000) == "2025-11-25T12:00:00Z");
    BOOST_TEST(*parsePdfDate("D:20251125120000Z") == 1764072000);
    // ISO 32000-1 7.9.4: +08'00 is eight hours ahead of UT.
    BOOST_TEST(*parsePdfDate("D:20251125200000+08'00'") == 1764072000);
    BOOST_TEST(*parsePdfDate("D:2025") == *parsePdfDate("D:20250101000000Z"));
    BOOST_TEST(!parsePdfDate("D:20x51125").has_value());
    BOOST_TEST(!parsePdfDate("").has_value());
}

BOOST_AUTO_TEST_CASE(fixed_clock_from_environment) {
    ::setenv("ESEAL_FIXED_TIME", "1764072000", 1);
    BOOST_TEST(now() == 1764072000);
    ::unsetenv("ESEAL_FIXED_TIME");
    BOOST_TEST(now() > 1764072000);
}

BOOST_AUTO_TEST_CASE(atomic_file_commits_by_rename) {
    TempDir dir;
    fs::path target = dir.path / "out.pdf";
    {
        std::ofstream(target) << "old";
        AtomicFile f(target.string());
        f.write(asBytes("new content"));
        // Until commit the target keeps its old bytes and the temporary is beside it.
        BOOST_TEST(slurp(target) == "old");
        BOOST_TEST(fs::exists(f.temporaryPath()));
        BOOST_TEST(fs::path(f.temporaryPath()).parent_path() == dir.path);
        f.commit();
    }
    BOOST_TEST(slurp(target) == "new content");
    BOOST_TEST(std::distance(fs::directory_iterator(dir.path), fs::directory_iterator{}) == 1);
}

BOOST_AUTO_TEST_CASE(atomic_file_without_commit_leaves_nothing) {
    TempDir dir;
    fs::path target = dir.path / "out.pdf";
    {
        AtomicFile f(target.string());
        f.write(asBytes("partial"));
    }
    BOOST_TEST(!fs::exists(target));
    BOOST_TEST(fs::is_empty(dir.path));
}

// A parallel batch: the worker finishes (fsync, close) and hands the file on;
// the target appears only at publish(); a finished file dropped unpublished
// leaves nothing, also after a move.
BOOST_AUTO_TEST_CASE(finished_file_is_renamed_only_when_published_and_removed_when_dropped) {
    TempDir dir;
    const fs::path a = dir.path / "a.pdf", b = dir.path / "b.pdf";
    std::optional<FinishedFile> kept;
    {
        AtomicFile f(a.string());
        f.write(asBytes("complete a"));
        FinishedFile done = f.finish();
        BOOST_TEST(done.size() == 10u);
        BOOST_TEST(f.size() == 10u);
        kept.emplace(std::move(done));
    }  // the AtomicFile is gone; its temporary now belongs to `kept`
    BOOST_TEST(!fs::exists(a));
    BOOST_TEST(std::distance(fs::directory_iterator(dir.path), fs::directory_iterator{}) == 1);
    kept->publish();
    BOOST_TEST(slurp(a) == "complete a");
    BOOST_CHECK_THROW(kept->publish(), Error);
    kept.reset();
    BOOST_TEST(slurp(a) == "complete a");  // published: dropping it removes nothing

    {
        AtomicFile f(b.string());
        f.write(asBytes("never published"));
        FinishedFile first = f.finish();
        FinishedFile second(std::move(first));
        BOOST_CHECK_THROW(first.publish(), Error);  // moved from: owns nothing
    }
    BOOST_TEST(!fs::exists(b));
    BOOST_TEST(std::distance(fs::directory_iterator(dir.path), fs::directory_iterator{}) == 1);

    // The hand-off: commit(handOff) gives the finished file away instead of renaming.
    std::optional<FinishedFile> handed;
    {
        AtomicFile f(b.string());
        f.write(asBytes("handed"));
        f.commit([&](FinishedFile done) { handed.emplace(std::move(done)); });
    }
    BOOST_TEST(!fs::exists(b));
    BOOST_REQUIRE(handed.has_value());
    handed->publish();
    BOOST_TEST(slurp(b) == "handed");
}

BOOST_AUTO_TEST_CASE(atomic_file_in_unwritable_directory_is_an_io_error) {
    if (::geteuid() == 0) {
        // root ignores directory permissions; use a directory that does not exist instead.
        try {
            AtomicFile f("/nonexistent-eseal-dir/out.pdf");
            BOOST_FAIL("expected an error");
        } catch (const Error& e) {
            BOOST_TEST(static_cast<int>(e.category()) == static_cast<int>(ErrorCategory::OutputNotWritable));
        }
        return;
    }
    TempDir dir;
    fs::permissions(dir.path, fs::perms::owner_read | fs::perms::owner_exec);
    BOOST_CHECK_THROW(AtomicFile((dir.path / "out.pdf").string()), Error);
}

BOOST_AUTO_TEST_CASE(input_and_output_must_differ) {
    TempDir dir;
    fs::path a = dir.path / "a.pdf";
    std::ofstream(a) << "x";
    fs::create_hard_link(a, dir.path / "b.pdf");
    BOOST_CHECK_THROW(ensureDistinctFiles(a.string(), (dir.path / "b.pdf").string()), Error);
    BOOST_CHECK_NO_THROW(ensureDistinctFiles(a.string(), (dir.path / "c.pdf").string()));
}

BOOST_AUTO_TEST_CASE(secret_string_moves_and_clears) {
    SecretString a("123456");
    SecretString b(std::move(a));
    BOOST_TEST(b.view() == "123456");
    BOOST_TEST(a.empty());
    b.clear();
    BOOST_TEST(b.empty());
}

BOOST_AUTO_TEST_CASE(secret_string_grows_and_gives_c_apis_a_buffer) {
    SecretString s;
    const std::string text(300, '7');  // past any small-string buffer: the storage moves
    for (char c : text) s.push_back(c);
    BOOST_TEST(s.view() == text);
    BOOST_TEST(std::string(s.c_str()) == text);
    s.mutableData()[0] = '1';
    BOOST_TEST(s.view().front() == '1');
    s.pop_back();
    BOOST_TEST(s.size() == 299u);
}

// One reader for --pin-file and a PKCS#11 URI's pin-source: the first line,
// without \n or \r\n; empty, missing and oversized files are PinRequired.
BOOST_AUTO_TEST_CASE(pin_file_reader_takes_the_first_line) {
    TempDir dir;
    auto write = [&](const std::string& name, const std::string& body) {
        std::ofstream(dir.path / name, std::ios::binary) << body;
        return (dir.path / name).string();
    };
    BOOST_TEST(readPinFile(write("a", "123456\n"), "PIN").view() == "123456");
    BOOST_TEST(readPinFile(write("b", "65 43 21\r\nsecond line\n"), "PIN").view() == "65 43 21");
    BOOST_TEST(readPinFile(write("c", "no-newline"), "PIN").view() == "no-newline");
    BOOST_TEST(readPinFile(write("d", std::string(1024, 'x')), "PIN").size() == 1024u);
    auto kindOf = [](const std::string& path) {
        try {
            readPinFile(path, "user PIN");
        } catch (const TokenError& e) {
            return std::make_pair(e.kind(), e.message());
        }
        return std::make_pair(TokenError::Kind::Other, std::string("no error"));
    };
    for (const std::string& bad : {write("e", ""), write("f", "\n"), write("g", std::string(1025, 'x')),
                                   (dir.path / "missing").string()}) {
        auto [kind, message] = kindOf(bad);
        BOOST_TEST((kind == TokenError::Kind::PinRequired), bad << ": " << message);
        BOOST_TEST(message.find(bad) != std::string::npos, message);
    }
}

BOOST_AUTO_TEST_CASE(digest_matches_known_vector) {
    // FIPS 180-2 appendix B.1: SHA-256("abc").
    BOOST_TEST(toHex(digest(DigestAlgorithm::Sha256, asBytes("abc"))) ==
               "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    // GB/T 32905-2016 appendix A.1: SM3("abc").
    BOOST_TEST(toHex(digest(DigestAlgorithm::Sm3, asBytes("abc"))) ==
               "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
    Hasher h(DigestAlgorithm::Sha256);
    h.update(asBytes("a"));
    h.update(asBytes("bc"));
    BOOST_TEST(h.finish() == digest(DigestAlgorithm::Sha256, asBytes("abc")));
}

BOOST_AUTO_TEST_CASE(pkcs12_key_signs_and_wrong_password_is_wrong_pin) {
    const std::string p12 = std::string(ESEAL_TEST_PKI) + "/signer-ec.p12";
    FixedPin good("test");
    auto key = openKey("p12:" + p12, good);
    BOOST_TEST(key->certificateChain().size() == 3u);
    BOOST_TEST((key->algorithms().front().scheme == SignatureScheme::Ecdsa));
    Bytes d = digest(DigestAlgorithm::Sha256, asBytes("hello"));
    Bytes sig = key->sign(d, {SignatureScheme::Ecdsa, DigestAlgorithm::Sha256});
    // Independent check: verify with the certificate's public key.
    auto cert = ossl::parseCertificate(key->certificateChain().front());
    EVP_PKEY* pub = X509_get0_pubkey(cert.get());
    ossl::EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pub, nullptr));
    BOOST_REQUIRE(EVP_PKEY_verify_init(ctx.get()) == 1);
    BOOST_TEST(EVP_PKEY_verify(ctx.get(), sig.data(), sig.size(), d.data(), d.size()) == 1);
    Bytes other = digest(DigestAlgorithm::Sha256, asBytes("hellO"));
    BOOST_TEST(EVP_PKEY_verify(ctx.get(), sig.data(), sig.size(), other.data(), other.size()) != 1);

    FixedPin bad("nope");
    try {
        openKey("p12:" + p12, bad);
        BOOST_FAIL("expected a wrong-PIN error");
    } catch (const TokenError& e) {
        BOOST_TEST(static_cast<int>(e.kind()) == static_cast<int>(TokenError::Kind::WrongPin));
    }
    BOOST_CHECK_THROW(openKey("nosuch:thing", good), Error);
}

// The extension's language is LibreOffice's UI language, not the process locale:
// selectLanguage reads the catalogue itself and leaves the locale alone.
BOOST_AUTO_TEST_CASE(selected_language_overrides_the_process_locale) {
    const std::string before = std::setlocale(LC_MESSAGES, nullptr);
    BOOST_TEST(selectLanguage("zh-CN", ESEAL_LOCALE_DIR));
    BOOST_TEST(chineseMessages());
    BOOST_TEST(std::string(tr("warning: ")) == "警告：");
    BOOST_TEST(std::string(tr("a message no catalogue has")) == "a message no catalogue has");
    const char* kept = tr("warning: ");
    BOOST_TEST(!selectLanguage("en-US", ESEAL_LOCALE_DIR));
    BOOST_TEST(!chineseMessages());
    BOOST_TEST(std::string(tr("warning: ")) == "warning: ");
    BOOST_TEST(std::string(kept) == "警告：");  // still valid after the change
    BOOST_TEST(selectLanguage("zh_CN.UTF-8", ESEAL_LOCALE_DIR));
    BOOST_TEST(std::string(tr("warning: ")) == "警告：");
    BOOST_TEST(std::string(std::setlocale(LC_MESSAGES, nullptr)) == before);
    selectLanguage("en-US", "");
}

// A catalogue that is missing, truncated or not a catalogue at all means English.
BOOST_AUTO_TEST_CASE(a_broken_catalogue_means_english) {
    TempDir dir;
    fs::create_directories(dir.path / "zh_CN" / "LC_MESSAGES");
    BOOST_TEST(!selectLanguage("zh-CN", (dir.path / "none").string()));
    std::ifstream good(std::string(ESEAL_LOCALE_DIR) + "/zh_CN/LC_MESSAGES/eseal.mo", std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(good)), std::istreambuf_iterator<char>());
    BOOST_REQUIRE(bytes.size() > 1000);
    std::ofstream(dir.path / "zh_CN" / "LC_MESSAGES" / "eseal.mo", std::ios::binary)
        << bytes.substr(0, bytes.size() / 2);
    BOOST_TEST(!selectLanguage("zh-CN", dir.path.string()));
    BOOST_TEST(std::string(tr("warning: ")) == "warning: ");
    // A table offset past the end of the file.
    TempDir other;
    fs::create_directories(other.path / "zh_CN" / "LC_MESSAGES");
    std::string bad = bytes;
    bad[12] = '\xff';
    bad[13] = '\xff';
    bad[14] = '\xff';
    bad[15] = '\x7f';
    std::ofstream(other.path / "zh_CN" / "LC_MESSAGES" / "eseal.mo", std::ios::binary) << bad;
    BOOST_TEST(!selectLanguage("zh-CN", other.path.string()));
    selectLanguage("en-US", "");
}
