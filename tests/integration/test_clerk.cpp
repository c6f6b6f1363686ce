// The clerk's habits and safety rails (issue 10).
#define BOOST_TEST_MODULE integ_clerk
#include <boost/test/unit_test.hpp>

#include "tests/integration/support.hpp"

using namespace integ;

BOOST_AUTO_TEST_CASE(full_width_comma_in_at_places_the_seal_like_the_ascii_comma) {
    TempDir dir("clerk-comma");
    RunResult a = sign({inputsDir() / "letter.pdf"}, {"-o", (dir / "ascii.pdf").string()}, "signer-ec",
                       {"--at", "138,86"});
    RunResult b = sign({inputsDir() / "letter.pdf"}, {"-o", (dir / "wide.pdf").string()}, "signer-ec",
                       {"--at", "138\xEF\xBC\x8C" "86"});
    BOOST_REQUIRE_MESSAGE(a.exitCode == 0, a.describe());
    BOOST_REQUIRE_MESSAGE(b.exitCode == 0, b.describe());
    Verified va = verifyJson(dir / "ascii.pdf");
    Verified vb = verifyJson(dir / "wide.pdf");
    const auto& appA = va.report["signatures"].at(0)["appearances"].at(0);
    const auto& appB = vb.report["signatures"].at(0)["appearances"].at(0);
    BOOST_CHECK_EQUAL(appA.dump(), appB.dump());
    BOOST_CHECK_EQUAL(vb.report["indication"], "PASSED");
}
