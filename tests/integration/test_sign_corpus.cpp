// Seal every input of the corpus other programs wrote (LibreOffice, qpdf,
// pdfsig, mutool) with both keys of the SoftHSM2 token, and check each output
// with eseal verify, pdfsig and qpdf --check. Signatures already in the input
// must stay valid.
#define BOOST_TEST_MODULE integ_sign_corpus
#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <tuple>

#include "tests/integration/support.hpp"

using namespace integ;
namespace bdata = boost::unit_test::data;

namespace {

struct Input {
    std::string file;
    std::size_t priorSignatures;  // signatures other tools put in
    std::string priorField;
};
std::ostream& operator<<(std::ostream& os, const Input& i) { return os << i.file; }

const std::vector<Input> kInputs{
    {"letter.pdf", 0, ""},
    {"twopage.pdf", 0, ""},
    {"objstm.pdf", 0, ""},
    {"linearized.pdf", 0, ""},
    {"rotated.pdf", 0, ""},
    {"pdfsig-signed.pdf", 1, "PopplerSig"},
    {"mutool-signed.pdf", 1, "MuPDFSig"},
};
const std::vector<std::string> kKeys{"signer-ec", "signer-rsa"};

}  // namespace

BOOST_DATA_TEST_CASE(seal_corpus_input, bdata::make(kInputs) * bdata::make(kKeys), input, key) {
    TempDir dir("corpus");
    const fs::path in = inputsDir() / input.file;
    BOOST_REQUIRE_MESSAGE(fs::exists(in), "missing fixture input " << in << " (fixture.inputs)");
    const std::string before = sha256File(in);
    const fs::path out = dir / ("sealed-" + input.file);

    RunResult r = sign({in}, {"-o", out.string()}, key, {"--reason", "集成测试", "--location", "北京"});
    BOOST_REQUIRE_MESSAGE(r.exitCode == 0, r.describe());
    BOOST_CHECK_EQUAL(sha256File(in), before);

    auto lines = parseSealedLines(r.out);
    BOOST_REQUIRE_MESSAGE(lines.size() == 1, "expected one 'sealed IN -> OUT (field F, page N)' line:\n"
                                                 << r.out);
    // No spot named: a PDF is sealed on its last page (GB/T 9704 signature block).
    RunResult pages = run({"qpdf", "--show-npages", in.string()});
    BOOST_REQUIRE_MESSAGE(pages.exitCode == 0, pages.describe());
    BOOST_CHECK_EQUAL(lines[0].page, std::stoi(pages.out));
    BOOST_CHECK_MESSAGE(fs::path(lines[0].out).filename() == out.filename(), lines[0].out);
    const std::string field = lines[0].field;
    BOOST_CHECK_MESSAGE(field != input.priorField && !field.empty(), "field " << field);
    if (input.priorSignatures == 0) BOOST_CHECK_EQUAL(field, "Seal1");

    // Incremental update: the input is a byte prefix of the output (ISO 32000-1 7.5.6).
    const std::string inBytes = readFile(in), outBytes = readFile(out);
    BOOST_CHECK_MESSAGE(outBytes.size() > inBytes.size() && outBytes.compare(0, inBytes.size(), inBytes) == 0,
                        "the output does not start with the input's bytes");

    nlohmann::json rep = checkSealed(out, field, key, input.priorSignatures + 1);
    if (rep.is_object()) {
        const auto* s = findSignature(rep, field);
        if (s != nullptr) {
            BOOST_CHECK_EQUAL(s->value("reason", std::string()), "集成测试");
            BOOST_CHECK_EQUAL(s->value("location", std::string()), "北京");
        }
        BOOST_CHECK_EQUAL(rep.value("signatures", nlohmann::json::array()).size(), input.priorSignatures + 1);
        if (input.priorSignatures > 0) {
            // The earlier signature is now followed by our revision.
            const auto* prior = findSignature(rep, input.priorField);
            BOOST_REQUIRE_MESSAGE(prior != nullptr, "eseal does not report " << input.priorField);
            BOOST_TEST_MESSAGE(input.priorField << " per eseal: " << prior->value("indication", std::string())
                                                << " " << prior->value("subIndication", std::string()));
            BOOST_CHECK_EQUAL(prior->value("coverage", std::string()), "earlier-revision");
            BOOST_CHECK(prior->value("signatureValid", false));
            if (prior->value("digestAlgorithm", std::string()) == "SHA-1") {
                // mutool signs with SHA-1; refusing it is policy (ETSI TS 119 312), not a broken file.
                BOOST_CHECK_NE(prior->value("indication", std::string()), "FAILED");
            } else {
                BOOST_CHECK(prior->value("digestMatches", false));
                BOOST_CHECK_EQUAL(prior->value("indication", std::string()), "PASSED");
            }
            for (const auto& m : prior->value("modifications", nlohmann::json::array()))
                BOOST_CHECK_MESSAGE(m.value("allowed", false),
                                    "our seal counted as a disallowed change: " << m.dump());
        }
    }
}

// The prior signatures stay valid per pdfsig is covered by checkSealed (every
// signature pdfsig lists must be valid). Here: the pdfsig-signed input sealed
// twice keeps all three valid.
BOOST_AUTO_TEST_CASE(pdfsig_input_sealed_twice) {
    TempDir dir("corpus2");
    const fs::path in = inputsDir() / "pdfsig-signed.pdf";
    const fs::path once = dir / "once.pdf", twice = dir / "twice.pdf";
    RunResult r1 = sign({in}, {"-o", once.string()}, "signer-rsa");
    BOOST_REQUIRE_MESSAGE(r1.exitCode == 0, r1.describe());
    RunResult r2 = sign({once}, {"-o", twice.string()}, "signer-ec", {"--at", "60,240"});
    BOOST_REQUIRE_MESSAGE(r2.exitCode == 0, r2.describe());
    auto lines = parseSealedLines(r2.out);
    BOOST_REQUIRE_EQUAL(lines.size(), 1u);
    checkSealed(twice, lines[0].field, "signer-ec", 3);
}

// --digest and --field reach the signature: SHA-384/512 message digests
// (RFC 5652 5.4) that eseal and pdfsig both accept, under the field name asked for.
BOOST_AUTO_TEST_CASE(digest_and_field_options) {
    TempDir dir("digest");
    for (const auto& [digest, name, key] :
         {std::tuple<std::string, std::string, std::string>{"sha384", "SHA-384", "signer-ec"},
          std::tuple<std::string, std::string, std::string>{"sha512", "SHA-512", "signer-rsa"}}) {
        BOOST_TEST_CONTEXT(digest) {
            const fs::path out = dir / (digest + ".pdf");
            RunResult r = sign({inputsDir() / "letter.pdf"}, {"-o", out.string()}, key,
                               {"--digest", digest, "--field", "公章-" + digest});
            BOOST_REQUIRE_MESSAGE(r.exitCode == 0, r.describe());
            auto lines = parseSealedLines(r.out);
            BOOST_REQUIRE_EQUAL(lines.size(), 1u);
            BOOST_CHECK_EQUAL(lines[0].field, "公章-" + digest);
            Verified v = verifyJson(out);
            const auto* s = findSignature(v.report, "公章-" + digest);
            BOOST_REQUIRE_MESSAGE(s != nullptr, v.run.describe());
            BOOST_CHECK_EQUAL(s->value("indication", std::string()), "PASSED");
            BOOST_CHECK_EQUAL(s->value("digestAlgorithm", std::string()), name);
            PdfsigResult p = pdfsig(out);
            BOOST_REQUIRE_EQUAL(p.signatures.size(), 1u);
            BOOST_CHECK_MESSAGE(p.signatures[0].valid, p.signatures[0].validation);
            BOOST_CHECK_EQUAL(p.signatures[0].hash, name);
            BOOST_CHECK_EQUAL(p.signatures[0].fieldName, "公章-" + digest);
        }
    }
}
