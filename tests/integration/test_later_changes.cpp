// Changes that signers and LTV tools make after a seal (validation data,
// catalog extensions, metadata, form defaults, resources moved to new
// objects) keep an eseal seal PASSED; the same updates with a page content
// change make it FAILED. Each update is a real incremental update appended by
// tests/integration/append-change.py to a file eseal sealed; qpdf and pdfsig
// check the files independently.
#define BOOST_TEST_MODULE integ_later_changes
#include <boost/test/unit_test.hpp>

#include "tests/integration/support.hpp"

using namespace integ;

namespace {

fs::path sealedLetter(const TempDir& dir) {
    const fs::path out = dir / "sealed.pdf";
    RunResult r = sign({inputsDir() / "letter.pdf"}, {"-o", out.string()}, "signer-ec", {"--at", "151,212"});
    BOOST_REQUIRE_MESSAGE(r.exitCode == 0, r.describe());
    return out;
}

fs::path appendChange(const TempDir& dir, const fs::path& in, const std::string& changes) {
    std::string name = changes;
    for (auto& c : name)
        if (c == ',' || c == '+') c = '_';
    const fs::path out = dir / (name + ".pdf");
    RunResult u = run({"/usr/bin/python3", std::string(ESEAL_INTEG_DIR) + "/append-change.py", in.string(),
                       out.string(), changes});
    BOOST_REQUIRE_MESSAGE(u.exitCode == 0, u.describe());
    std::string qpdfOut;
    BOOST_REQUIRE_MESSAGE(qpdfCheck(out, &qpdfOut), qpdfOut);
    // pdfsig judges the signed bytes only: valid, and not the whole file.
    PdfsigResult p = pdfsig(out);
    BOOST_REQUIRE_EQUAL(p.signatures.size(), 1u);
    BOOST_CHECK_MESSAGE(p.signatures[0].valid, p.signatures[0].validation);
    BOOST_CHECK(!p.signatures[0].totalDocument);
    return out;
}

std::string listOf(const nlohmann::json& mods) {
    std::string out;
    for (const auto& m : mods)
        out += "\n  r" + std::to_string(m.value("revision", 0)) + " " + m.value("kind", std::string()) + " " +
               (m.value("allowed", false) ? "allowed" : "NOT allowed") + ": " +
               m.value("description", std::string());
    return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(ltv_catalog_form_and_moved_resources_keep_the_seal) {
    TempDir dir("later-ok");
    const fs::path sealed = sealedLetter(dir);
    // kind each change must be reported as (allowed)
    const std::vector<std::pair<std::string, std::vector<std::string>>> cases{
        {"dss", {"dss"}},
        {"extensions", {"catalog"}},
        {"metadata", {"metadata", "catalog"}},
        {"form-da", {"form-field"}},
        {"resources", {"page"}},
        {"dss,extensions,metadata,form-da,resources", {"dss", "catalog", "metadata", "form-field", "page"}},
    };
    for (const auto& [changes, kinds] : cases) {
        BOOST_TEST_CONTEXT(changes) {
            const fs::path f = appendChange(dir, sealed, changes);
            Verified v = verifyJson(f);
            BOOST_CHECK_MESSAGE(v.run.exitCode == 0, v.run.describe());
            BOOST_REQUIRE_MESSAGE(v.report.is_object(), v.run.describe());
            const auto* s = findSignature(v.report, "Seal1");
            BOOST_REQUIRE_MESSAGE(s != nullptr, v.report.dump(1));
            const auto mods = s->value("modifications", nlohmann::json::array());
            BOOST_TEST_CONTEXT(listOf(mods)) {
                BOOST_CHECK_EQUAL(s->value("indication", std::string()), "PASSED");
                BOOST_CHECK_EQUAL(s->value("coverage", std::string()), "earlier-revision");
                BOOST_CHECK(s->value("laterRevisions", nlohmann::json::array()) ==
                            nlohmann::json::array({3}));
                for (const auto& m : mods) BOOST_CHECK(m.value("allowed", false));
                for (const auto& kind : kinds) {
                    bool found = false;
                    for (const auto& m : mods) found = found || m.value("kind", std::string()) == kind;
                    BOOST_CHECK_MESSAGE(found, "no " << kind << " modification");
                }
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(the_same_updates_with_a_content_change_fail) {
    TempDir dir("later-bad");
    const fs::path sealed = sealedLetter(dir);
    const std::vector<std::pair<std::string, std::string>> cases{
        {"dss,content", "page-content"},
        {"extensions,content", "page-content"},
        {"metadata,content", "page-content"},
        {"form-da,content", "page-content"},
        {"resources,content", "page-content"},
        {"resources+", "page-content"},  // moved and changed: not the same content
        {"annot", "annotation"},         // a comment: only a certification with P 3 allows it
    };
    for (const auto& [changes, kind] : cases) {
        BOOST_TEST_CONTEXT(changes) {
            const fs::path f = appendChange(dir, sealed, changes);
            Verified v = verifyJson(f);
            BOOST_CHECK_MESSAGE(v.run.exitCode == 1, v.run.describe());
            BOOST_REQUIRE_MESSAGE(v.report.is_object(), v.run.describe());
            const auto* s = findSignature(v.report, "Seal1");
            BOOST_REQUIRE_MESSAGE(s != nullptr, v.report.dump(1));
            const auto mods = s->value("modifications", nlohmann::json::array());
            BOOST_TEST_CONTEXT(listOf(mods)) {
                BOOST_CHECK_EQUAL(s->value("indication", std::string()), "FAILED");
                BOOST_CHECK_EQUAL(s->value("subIndication", std::string()), "SIG_CONSTRAINTS_FAILURE");
                bool found = false;
                for (const auto& m : mods)
                    found = found || (m.value("kind", std::string()) == kind && !m.value("allowed", true) &&
                                      m.value("revision", 0) == 3);
                BOOST_CHECK_MESSAGE(found, "no disallowed " << kind << " modification in revision 3");
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(a_second_seal_after_ltv_data_keeps_both) {
    TempDir dir("later-reseal");
    const fs::path sealed = sealedLetter(dir);
    const fs::path ltv = appendChange(dir, sealed, "dss,extensions");
    const fs::path twice = dir / "twice.pdf";
    RunResult r = sign({ltv}, {"-o", twice.string()}, "signer-rsa", {"--at", "60,212"});
    BOOST_REQUIRE_MESSAGE(r.exitCode == 0, r.describe());
    nlohmann::json rep = checkSealed(twice, "Seal2", "signer-rsa", 2);
    BOOST_REQUIRE(rep.is_object());
    BOOST_CHECK_EQUAL(rep.value("indication", std::string()), "PASSED");
    BOOST_CHECK_EQUAL(rep.value("revisions", 0), 4);
    const auto* first = findSignature(rep, "Seal1");
    BOOST_REQUIRE_MESSAGE(first != nullptr, rep.dump(1));
    BOOST_CHECK_EQUAL(first->value("indication", std::string()), "PASSED");
    BOOST_CHECK(first->value("laterRevisions", nlohmann::json::array()) == nlohmann::json::array({3, 4}));
}
