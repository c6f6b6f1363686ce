// Choosing a seal on a key by name (eseal sign --seal NAME): label, seal name
// or esID; several of one name narrowed to the ones binding the signer; none
// or still several: a TokenError naming the seals there.
#define BOOST_TEST_MODULE seal_selection
#include <boost/test/unit_test.hpp>

#include "core/base/error.hpp"
#include "core/seal/selection.hpp"

using namespace eseal;
using namespace eseal::seal;

namespace {

NamedSeal sealOf(const std::string& label, const std::string& name, const std::string& esId, Bytes cert) {
    NamedSeal s;
    s.label = label;
    s.seal.property.name = name;
    s.seal.esId = esId;
    s.seal.property.certificates = {std::move(cert)};
    s.seal.property.validEnd = 4102444799;  // 2099-12-31T23:59:59Z
    return s;
}

std::string failure(const std::vector<NamedSeal>& seals, const std::string& name,
                    const std::vector<Bytes>& certs) {
    try {
        (void)chooseSeal(seals, name, certs, "token 'T'");
    } catch (const TokenError& e) {
        BOOST_TEST((e.kind() == TokenError::Kind::NotFound));
        return e.message();
    }
    BOOST_FAIL("no error for " + name);
    return {};
}

const Bytes kOld{0x30, 0x01, 0x01}, kNew{0x30, 0x01, 0x02}, kOther{0x30, 0x01, 0x03};

}  // namespace

BOOST_AUTO_TEST_CASE(by_label_name_or_esid) {
    const std::vector<NamedSeal> seals{sealOf("finance", "财务专用章", "id-1", kOld),
                                       sealOf("contracts", "合同专用章", "id-2", kOld)};
    BOOST_TEST(chooseSeal(seals, "finance", {}, "T").seal.esId == "id-1");
    BOOST_TEST(chooseSeal(seals, "合同专用章", {}, "T").seal.esId == "id-2");
    BOOST_TEST(chooseSeal(seals, "id-2", {}, "T").label == "contracts");
}

BOOST_AUTO_TEST_CASE(one_name_twice_after_a_renewal_picks_the_signers_seal) {
    const std::vector<NamedSeal> seals{sealOf("old", "业务专用章", "id-old", kOld),
                                       sealOf("new", "业务专用章", "id-new", kNew)};
    BOOST_TEST(chooseSeal(seals, "业务专用章", {kNew}, "T").seal.esId == "id-new");
    BOOST_TEST(chooseSeal(seals, "业务专用章", {kOther, kOld}, "T").seal.esId == "id-old");
    // Neither binds the signer (or the key shows no certificate before the PIN): ambiguous.
    const std::string both = failure(seals, "业务专用章", {kOther});
    BOOST_TEST(both.find("2 seals on token 'T' are named '业务专用章'") != std::string::npos, both);
    BOOST_TEST(both.find("id-old") != std::string::npos, both);
    BOOST_TEST(both.find("id-new") != std::string::npos, both);
    BOOST_TEST(both.find("seal ID") != std::string::npos, both);
    BOOST_TEST(!failure(seals, "业务专用章", {}).empty());
    // Both bind the signer: still ambiguous.
    const std::vector<NamedSeal> twins{sealOf("a", "章", "id-a", kNew), sealOf("b", "章", "id-b", kNew)};
    BOOST_TEST(failure(twins, "章", {kNew}).find("2 seals") != std::string::npos);
    BOOST_TEST(chooseSeal(twins, "id-b", {kNew}, "T").label == "b");
}

BOOST_AUTO_TEST_CASE(a_missing_name_lists_the_seals_there) {
    const std::vector<NamedSeal> seals{sealOf("finance", "财务专用章", "id-1", kOld)};
    const std::string m = failure(seals, "人事章", {kOld});
    BOOST_TEST(m.find("'人事章' is neither a seal file nor a seal on token 'T'") != std::string::npos, m);
    BOOST_TEST(m.find("'finance' (财务专用章, seal ID id-1, valid until 2099-12-31)") != std::string::npos,
               m);
    const std::string none = failure({}, "x.esl", {});
    BOOST_TEST(none.find("holds no seals") != std::string::npos, none);
    BOOST_TEST(none.find("eseal seal store") != std::string::npos, none);
}
