#include "core/seal/selection.hpp"

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "core/base/time.hpp"
#include "core/seal/binding.hpp"

namespace eseal::seal {

std::string describeNamedSeal(const NamedSeal& s) {
    return "'" + s.label + "' (" + s.seal.property.name + ", " + tr("seal ID") + " " + s.seal.esId + ", " +
           fill(tr("valid until {date}"), {{"{date}", isoUtc(s.seal.property.validEnd).substr(0, 10)}}) + ")";
}

const NamedSeal& chooseSeal(const std::vector<NamedSeal>& seals, const std::string& name,
                            const std::vector<Bytes>& signerCertificates, const std::string& where) {
    std::vector<const NamedSeal*> matches;
    for (const auto& s : seals)
        if (s.label == name || s.seal.property.name == name || s.seal.esId == name) matches.push_back(&s);
    if (matches.size() > 1) {
        std::vector<const NamedSeal*> bound;
        for (const NamedSeal* s : matches)
            for (const auto& c : signerCertificates)
                if (listsCertificate(s->seal, c)) {
                    bound.push_back(s);
                    break;
                }
        if (!bound.empty()) matches = bound;
    }
    if (matches.size() == 1) return *matches.front();
    std::string list;
    for (const NamedSeal* s : matches) list += (list.empty() ? "" : ", ") + describeNamedSeal(*s);
    if (matches.empty()) {
        for (const auto& s : seals) list += (list.empty() ? "" : ", ") + describeNamedSeal(s);
        if (seals.empty())
            throw TokenError(TokenError::Kind::NotFound,
                             fill(tr("'{name}' is neither a seal file nor a seal on {key}: the key holds no "
                                     "seals (store one with: eseal seal store SEAL.esl --key KEY)"),
                                  {{"{name}", name}, {"{key}", where}}));
        throw TokenError(TokenError::Kind::NotFound,
                         fill(tr("'{name}' is neither a seal file nor a seal on {key}; seals there: {list}"),
                              {{"{name}", name}, {"{key}", where}, {"{list}", list}}));
    }
    throw TokenError(
        TokenError::Kind::NotFound,
        fill(
            tr("{n} seals on {key} are named '{name}': {list}; name one by its label or seal ID"),
            {{"{n}", std::to_string(matches.size())}, {"{key}", where}, {"{name}", name}, {"{list}", list}}));
}

}  // namespace eseal::seal
