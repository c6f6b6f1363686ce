// Sealing encrypted PDFs (ISO 32000-1 7.6): qpdf encrypts a LibreOffice letter
// with each standard security handler revision (RC4 40 and 128 bit, AES-128,
// AES-256), eseal seals it, and readers nobody here wrote must decrypt what the
// seal added: pdfsig validates the signature and reads the field name, Poppler
// renders the seal picture, qpdf --check decodes every stream, and qpdf (through
// pikepdf) reads back the signature's /Reason and /M in the clear. A file that
// opens only with a password, and one whose permissions do not allow adding a
// signature field, are refused with nothing written unless the right password
// is given.
#define BOOST_TEST_MODULE integ_encrypted
#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "tests/integration/support.hpp"

using namespace integ;
namespace bdata = boost::unit_test::data;

namespace {

struct Case {
    std::string name;
    std::vector<std::string> encrypt;  // qpdf --encrypt USER OWNER BITS [options] --
    std::string method;                // qpdf --show-encryption's stream method line, "" for R2/R3
    bool objectStreams = false;        // a cross-reference stream input
};
std::ostream& operator<<(std::ostream& os, const Case& c) { return os << c.name; }

const std::vector<Case> kCases{
    {"rc4_40_r2", {"", "owner", "40"}, ""},
    {"rc4_128_r3", {"", "owner", "128", "--use-aes=n"}, ""},
    {"aes128_r4", {"", "owner", "128", "--use-aes=y"}, "AESv2"},
    {"aes256_r6", {"", "owner", "256"}, "AESv3"},
    {"aes256_r6_xref_stream", {"", "owner", "256"}, "AESv3", true},
};

const std::string kReason = "同意发文 (approved)";

fs::path encryptedInput(const TempDir& dir, const std::vector<std::string>& encrypt, bool objectStreams,
                        const std::string& name) {
    const fs::path out = dir / name;
    std::vector<std::string> argv{"qpdf", "--allow-weak-crypto"};  // RC4 inputs, as old files have
    if (objectStreams) argv.push_back("--object-streams=generate");
    argv.push_back("--encrypt");
    argv.insert(argv.end(), encrypt.begin(), encrypt.end());
    argv.push_back("--");
    argv.push_back((inputsDir() / "letter.pdf").string());
    argv.push_back(out.string());
    RunResult r = run(argv);
    BOOST_TEST_REQUIRE(r.exitCode == 0, r.describe());
    return out;
}

// The signature fields as qpdf decrypts them: "T|Reason|M" per line.
std::string decryptedFields(const fs::path& pdf, const std::string& password = "") {
    RunResult r = run({"/usr/bin/python3", "-c",
                       "import sys, pikepdf\n"
                       "pdf = pikepdf.open(sys.argv[1], password=sys.argv[2])\n"
                       "for f in pdf.Root.AcroForm.Fields:\n"
                       "    if f.get('/FT') == '/Sig' and '/V' in f:\n"
                       "        v = f.V\n"
                       "        print(str(f.T) + '|' + str(v.get('/Reason', '')) + '|' + str(v.M))\n",
                       pdf.string(), password});
    BOOST_TEST_REQUIRE(r.exitCode == 0, r.describe());
    return r.out;
}

void checkEncryptedSeal(const fs::path& out, const std::string& field, std::size_t count,
                        const std::string& password = "") {
    if (password.empty()) {
        // Poppler decrypts the signature dictionary, the CMS stays readable.
        PdfsigResult ps = pdfsig(out);
        BOOST_TEST_REQUIRE(ps.signatures.size() == count, ps.run.describe());
        for (const PdfsigSignature& s : ps.signatures) {
            BOOST_TEST(s.valid, s.fieldName << ": " << s.validation);
        }
        const PdfsigSignature& ours = ps.signatures.back();
        BOOST_TEST(ours.fieldName == field);  // the encrypted /T read back
        BOOST_TEST(ours.totalDocument);
        BOOST_TEST(ours.commonName == commonNameOf("signer-ec"));
        // qpdf decodes every stream (the appearance, the picture and its mask).
        std::string check;
        BOOST_TEST(qpdfCheck(out, &check), check);
    } else {
        RunResult ps = run({"pdfsig", "-upw", password, out.string()});
        BOOST_TEST_REQUIRE(ps.exitCode == 0, ps.describe());
        std::size_t valid = 0;
        for (std::size_t at = 0; (at = ps.out.find("Signature is Valid", at)) != std::string::npos; ++at)
            ++valid;
        BOOST_TEST(valid == count, ps.out);
        BOOST_TEST(ps.out.find("Signature Field Name: " + field) != std::string::npos, ps.out);
        BOOST_TEST(ps.out.find("Total document signed") != std::string::npos, ps.out);
        RunResult check = run({"qpdf", "--password=" + password, "--check", out.string()});
        BOOST_TEST(check.exitCode == 0, check.describe());
    }
    const std::string fields = decryptedFields(out, password);
    BOOST_TEST(fields.find(field + "|" + kReason + "|D:") != std::string::npos, fields);
}

}  // namespace

BOOST_DATA_TEST_CASE(encrypted_pdfs_seal_and_readers_decrypt_the_seal, bdata::make(kCases), c) {
    TempDir dir("encrypted");
    const fs::path in = encryptedInput(dir, c.encrypt, c.objectStreams, "in.pdf");
    const std::string inHash = sha256File(in);
    const fs::path out = dir / "sealed.pdf";
    RunResult r = sign({in}, {"-o", out.string()}, "signer-ec", {"--reason", kReason, "--at", "150,200"});
    BOOST_TEST_REQUIRE(r.exitCode == 0, r.describe());
    BOOST_TEST(sha256File(in) == inHash);

    RunResult enc = run({"qpdf", "--show-encryption", out.string()});
    BOOST_TEST(enc.out.find("File is not encrypted") == std::string::npos, enc.describe());
    if (!c.method.empty())
        BOOST_TEST(enc.out.find("stream encryption method: " + c.method) != std::string::npos);
    checkEncryptedSeal(out, "Seal1", 1);

    // The picture is drawn: Poppler decrypted the appearance and image streams.
    const Raster before = render(in, 1), after = render(out, 1);
    long added = 0;
    for (int y = 0; y < after.height; ++y)
        for (int x = 0; x < after.width; ++x) added += after.isRed(x, y) && !before.isRed(x, y);
    BOOST_TEST(added > 300, "new red pixels: " << added);

    // A second seal on the sealed encrypted file: both stay valid.
    const fs::path twice = dir / "twice.pdf";
    r = sign({out}, {"-o", twice.string()}, "signer-ec", {"--reason", kReason, "--at", "60,200"});
    BOOST_TEST_REQUIRE(r.exitCode == 0, r.describe());
    checkEncryptedSeal(twice, "Seal2", 2);
}

BOOST_AUTO_TEST_CASE(a_user_password_is_needed_and_taken) {
    TempDir dir("encrypted-userpw");
    const fs::path in = encryptedInput(dir, {"view", "master", "256"}, false, "in.pdf");
    const fs::path out = dir / "sealed.pdf";

    RunResult r = sign({in}, {"-o", out.string()}, "signer-ec", {"--reason", kReason});
    BOOST_TEST(r.exitCode == 4, r.describe());
    BOOST_TEST(r.err.find("--pdf-password-env") != std::string::npos, r.err);
    BOOST_TEST(!fs::exists(out));
    BOOST_TEST(listDir(dir.path).size() == 1u);  // no temporary left

    r = sign({in}, {"-o", out.string()}, "signer-ec", {"--reason", kReason, "--pdf-password-env", "DOC_PW"},
             {{"DOC_PW", "wrong"}});
    BOOST_TEST(r.exitCode == 4, r.describe());
    BOOST_TEST(r.err.find("not its user or owner password") != std::string::npos, r.err);
    BOOST_TEST(!fs::exists(out));

    r = sign({in}, {"-o", out.string()}, "signer-ec", {"--reason", kReason, "--pdf-password-env", "DOC_PW"},
             {{"DOC_PW", "view"}});
    BOOST_TEST_REQUIRE(r.exitCode == 0, r.describe());
    checkEncryptedSeal(out, "Seal1", 1, "view");
}

BOOST_AUTO_TEST_CASE(permissions_that_forbid_new_fields_need_the_owner_password) {
    TempDir dir("encrypted-restricted");
    // Forms may be filled in, but no annotation or field added (ISO 32000-1 Table 22 bits 4 and 6 clear).
    const fs::path in = encryptedInput(
        dir, {"", "master", "128", "--use-aes=y", "--modify=form", "--annotate=n"}, false, "in.pdf");
    const fs::path out = dir / "sealed.pdf";

    RunResult r = sign({in}, {"-o", out.string()}, "signer-ec", {"--reason", kReason});
    BOOST_TEST(r.exitCode == 4, r.describe());
    BOOST_TEST(r.err.find("permissions do not allow") != std::string::npos, r.err);
    BOOST_TEST(!fs::exists(out));

    const fs::path pwFile = dir / "owner-password";
    writeFile(pwFile, "master\n");
    r = sign({in}, {"-o", out.string()}, "signer-ec",
             {"--reason", kReason, "--pdf-password-file", pwFile.string()});
    BOOST_TEST_REQUIRE(r.exitCode == 0, r.describe());
    checkEncryptedSeal(out, "Seal1", 1);
}

namespace {

// eseal verify --json with extra arguments (a password option).
Verified verifyWith(const fs::path& f, const std::vector<std::string>& extra, const Env& env = {}) {
    std::vector<std::string> args{"verify",  f.string(),          "--json",
                                  "--trust", trustPem().string(), "--no-system-trust"};
    args.insert(args.end(), extra.begin(), extra.end());
    Verified v{eseal(args, env), nullptr};
    v.report = nlohmann::json::parse(v.run.out, nullptr, /*allow_exceptions=*/false);
    if (v.report.is_discarded()) v.report = nullptr;
    return v;
}

bool anyErrorHas(const nlohmann::json& errors, const std::string& text) {
    if (!errors.is_array()) return false;
    for (const auto& e : errors)
        if (e.is_string() && e.get<std::string>().find(text) != std::string::npos) return true;
    return false;
}

// Without the right password nothing is judged: the file and every signature
// found are INDETERMINATE / SIGNED_DATA_NOT_FOUND, and the file-level error says why.
void checkNotJudged(const Verified& v, const std::string& sentence) {
    BOOST_TEST_REQUIRE(v.report.is_object(), v.run.describe());
    BOOST_TEST(v.run.exitCode == 2, v.run.describe());
    BOOST_TEST(v.report["indication"] == "INDETERMINATE", v.run.out);
    BOOST_TEST(anyErrorHas(v.report["errors"], sentence), v.run.out);
    BOOST_TEST_REQUIRE(!v.report["signatures"].empty(), v.run.out);
    for (const auto& s : v.report["signatures"]) {
        BOOST_TEST(s["indication"] == "INDETERMINATE", v.run.out);
        BOOST_TEST(s["subIndication"] == "SIGNED_DATA_NOT_FOUND", v.run.out);
        BOOST_TEST(anyErrorHas(s["errors"], sentence), v.run.out);
    }
}

// qpdf --encrypt u o 256 --, then sealed by eseal with the user password;
// pdfsig -upw u and qpdf --password=u --check read the seal.
fs::path sealedWithUserPassword(const TempDir& dir, bool objectStreams) {
    const fs::path in = encryptedInput(dir, {"u", "o", "256"}, objectStreams, "in.pdf");
    const fs::path out = dir / "sealed.pdf";
    RunResult r = sign({in}, {"-o", out.string()}, "signer-ec",
                       {"--reason", kReason, "--pdf-password-env", "DOC_PW"}, {{"DOC_PW", "u"}});
    BOOST_TEST_REQUIRE(r.exitCode == 0, r.describe());
    checkEncryptedSeal(out, "Seal1", 1, "u");
    return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(verify_needs_the_user_password) {
    TempDir dir("encrypted-verify");
    const fs::path out = sealedWithUserPassword(dir, false);

    const std::string noPassword = "encrypted with a user password (a password to open it)";
    Verified v = verifyWith(out, {});
    checkNotJudged(v, noPassword);
    BOOST_TEST_REQUIRE(v.report["signatures"].size() == 1u, v.run.out);
    // Found without decrypting: the field by its object, the signer from the CMS.
    const auto& found = v.report["signatures"][0];
    BOOST_TEST(found["id"].get<std::string>().rfind("field ", 0) == 0, v.run.out);
    BOOST_TEST(found["signer"]["commonName"] == commonNameOf("signer-ec"), v.run.out);
    BOOST_TEST(found["coverage"] == "entire-file", v.run.out);

    // People read the same, in words, and no PASSED or FAILED.
    RunResult text = eseal({"verify", out.string(), "--trust", trustPem().string(), "--no-system-trust"});
    BOOST_TEST(text.exitCode == 2, text.describe());
    BOOST_TEST(text.out.find(noPassword) != std::string::npos, text.out);
    BOOST_TEST(text.out.find("PASSED") == std::string::npos, text.out);
    BOOST_TEST(text.out.find("FAILED") == std::string::npos, text.out);

    // A wrong password: the same, saying the password is not the file's.
    checkNotJudged(verifyWith(out, {"--pdf-password-env", "DOC_PW"}, {{"DOC_PW", "wrong"}}),
                   "neither its user nor its owner password");

    // The user password (variable) and the owner password (file) open it: PASSED.
    const fs::path ownerFile = dir / "owner-password";
    writeFile(ownerFile, "o\n");
    for (const Verified& ok : {verifyWith(out, {"--pdf-password-env", "DOC_PW"}, {{"DOC_PW", "u"}}),
                               verifyWith(out, {"--pdf-password-file", ownerFile.string()})}) {
        BOOST_TEST_REQUIRE(ok.report.is_object(), ok.run.describe());
        BOOST_TEST(ok.run.exitCode == 0, ok.run.describe());
        const nlohmann::json* seal = findSignature(ok.report, "Seal1");  // the /T decrypted
        BOOST_TEST_REQUIRE(seal != nullptr, ok.run.out);
        BOOST_TEST((*seal)["indication"] == "PASSED", ok.run.out);
        BOOST_TEST(anyErrorHas((*seal)["warnings"], "opened with the password given"), ok.run.out);
    }

    // A byte changed in the signed range: FAILED with the password, and
    // without it still only INDETERMINATE (nothing was judged).
    const fs::path changed = dir / "changed.pdf";
    std::string data = readFile(out);
    const std::size_t at = data.find("/Reason");
    BOOST_TEST_REQUIRE(at != std::string::npos);
    data[at + 1] = 'S';  // "/Season": the signed bytes no longer match
    writeFile(changed, data);
    Verified bad = verifyWith(changed, {"--pdf-password-env", "DOC_PW"}, {{"DOC_PW", "u"}});
    BOOST_TEST(bad.run.exitCode == 1, bad.run.describe());
    checkNotJudged(verifyWith(changed, {}), noPassword);
    RunResult pdfsigBad = run({"pdfsig", "-upw", "u", changed.string()});
    BOOST_TEST(pdfsigBad.out.find("Signature is Valid") == std::string::npos, pdfsigBad.out);

    // A password for a file that needs none is no error: it is read as it is.
    const fs::path plain = encryptedInput(dir, {"", "o", "256"}, false, "plain.pdf");
    const fs::path plainSealed = dir / "plain-sealed.pdf";
    RunResult r = sign({plain}, {"-o", plainSealed.string()}, "signer-ec", {"--reason", kReason});
    BOOST_TEST_REQUIRE(r.exitCode == 0, r.describe());
    Verified extra = verifyWith(plainSealed, {"--pdf-password-env", "DOC_PW"}, {{"DOC_PW", "wrong"}});
    BOOST_TEST(extra.run.exitCode == 0, extra.run.describe());
    const nlohmann::json* plainSeal = findSignature(extra.report, "Seal1");
    BOOST_TEST_REQUIRE(plainSeal != nullptr, extra.run.out);
    BOOST_TEST(anyErrorHas((*plainSeal)["warnings"], "not this file's"), extra.run.out);
}

BOOST_AUTO_TEST_CASE(verify_without_the_password_in_object_streams) {
    // The original's objects are in encrypted object streams (the page tree
    // cannot be read without the password); the seal's update is not, so its
    // signature is still found. (A file with no signature readable this way
    // is one INDETERMINATE "encrypted document" entry: test_pdf_verify.)
    TempDir dir("encrypted-verify-objstm");
    const fs::path out = sealedWithUserPassword(dir, true);
    Verified v = verifyWith(out, {});
    checkNotJudged(v, "encrypted with a user password");
    BOOST_TEST_REQUIRE(v.report["signatures"].size() == 1u, v.run.out);
    BOOST_TEST(v.report["signatures"][0]["signer"]["commonName"] == commonNameOf("signer-ec"), v.run.out);
    Verified ok = verifyWith(out, {"--pdf-password-env", "DOC_PW"}, {{"DOC_PW", "u"}});
    BOOST_TEST(ok.run.exitCode == 0, ok.run.describe());
}
