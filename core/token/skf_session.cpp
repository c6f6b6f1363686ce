#include "core/token/skf_session.hpp"

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"

namespace eseal::skf {

// Picks `wanted` from `names`, or the only name when `wanted` is empty.
std::string pick(const std::vector<std::string>& names, const std::string& wanted, const std::string& what,
                 const std::string& attr) {
    std::string all;
    for (const auto& n : names) all += (all.empty() ? "'" : ", '") + n + "'";
    if (wanted.empty()) {
        if (names.size() == 1) return names.front();
        if (names.empty())
            throw TokenError(TokenError::Kind::NotFound, fill(tr("no {what} found"), {{"{what}", what}}));
        throw TokenError(TokenError::Kind::NotFound,
                         fill(tr("more than one {what} ({all}); choose one with {attr}=NAME"),
                              {{"{what}", what}, {"{all}", all}, {"{attr}", attr}}));
    }
    for (const auto& n : names)
        if (n == wanted) return n;
    throw TokenError(
        TokenError::Kind::NotFound,
        names.empty() ? fill(tr("no {what} '{name}' (none present)"), {{"{what}", what}, {"{name}", wanted}})
                      : fill(tr("no {what} '{name}' (present: {all})"),
                             {{"{what}", what}, {"{name}", wanted}, {"{all}", all}}));
}

PinState pinInfo(const Application& app, ULONG type) {
    ULONG max = 0, left = 0;
    BOOL isDefault = kFalse;
    check(
        app.lib().GetPINInfo(app.get(), type, &max, &left, &isDefault),
        fill(tr("reading the PIN state of application '{name}' (SKF_GetPINInfo)"), {{"{name}", app.name()}}));
    PinState s;
    s.retriesLeft = static_cast<int>(left);
    s.locked = left == 0;
    s.finalTry = left == 1;
    s.countLow = left < max;
    s.mustChange = isDefault != kFalse;
    return s;
}

Opened openApplication(const SkfSpec& spec) {
    auto lib = Library::open(spec.library);
    Opened o{spec, nullptr};
    o.spec.device = pick(lib->enumDevices(), spec.device,
                         fill(tr("SKF device in {library}"), {{"{library}", spec.library}}), "device");
    auto dev = std::make_shared<Device>(lib, o.spec.device);
    o.spec.app = pick(lib->enumApplications(dev->get()), spec.app,
                      fill(tr("application on SKF device '{device}'"), {{"{device}", o.spec.device}}), "app");
    o.app = std::make_shared<Application>(dev, o.spec.app);
    return o;
}

std::string unlockCommand(const SkfSpec& spec) {
    SkfSpec t = spec;
    t.container.clear();
    return "eseal token unlock --token '" + t.toString() + "'";
}

std::string appLabel(const Opened& o) {
    return fill(tr("SKF application '{app}' on '{device}'"),
                {{"{app}", o.spec.app}, {"{device}", o.spec.device}});
}

void refuseLocked(const Opened& o, const PinState& state) {
    if (state.locked)
        throw TokenError(
            TokenError::Kind::PinLocked,
            fill(tr("{key} is locked (too many wrong PINs); unlock it with the admin PIN: {command}"),
                 {{"{key}", appLabel(o)}, {"{command}", unlockCommand(o.spec)}}),
            SAR_PIN_LOCKED);
}

// A PIN the key refused: one message for the user and the admin PIN, with the
// count the key returned (SKF tells how many tries are left).
[[noreturn]] void throwWrongPin(const Opened& o, bool admin, ULONG retries, ULONG rv, const char* extra) {
    WrongPinFacts facts;
    facts.tokenLabel = o.spec.device + " / " + o.spec.app;
    facts.pin = admin ? WrongPinFacts::Pin::Admin : WrongPinFacts::Pin::User;
    PinState after;
    after.retriesLeft = static_cast<int>(retries);
    after.locked = retries == 0;
    after.finalTry = retries == 1;
    facts.after = after;
    facts.unlockCommand = unlockCommand(o.spec);
    facts.adminLockedAdvice = tr("only the issuer of the key can help");
    throw TokenError(TokenError::Kind::WrongPin, wrongPinMessage(facts) + (retries == 0 ? "" : tr(extra)),
                     rv);
}

// SKF_VerifyPIN of the user PIN; a wrong PIN ends here with the retries left.
void login(Opened& o, PinSource& pins) {
    const PinState state = pinInfo(*o.app, USER_TYPE);
    refuseLocked(o, state);
    PinPrompt prompt;
    prompt.tokenLabel = appLabel(o);
    prompt.state = state;
    prompt.purpose = "user PIN";
    SecretString pin = pins.get(prompt);
    ULONG retries = 0;
    const ULONG rv = o.app->lib().VerifyPIN(o.app->get(), USER_TYPE, pin.mutableData(), &retries);
    if (rv == SAR_PIN_INCORRECT || rv == SAR_PIN_LEN_RANGE || rv == SAR_PIN_INVALID)
        throwWrongPin(o, false, retries, rv);
    if (rv == SAR_PIN_LOCKED) {
        PinState locked;
        locked.locked = true;
        refuseLocked(o, locked);
    }
    check(rv, fill(tr("logging in to {key} (SKF_VerifyPIN)"), {{"{key}", appLabel(o)}}));
    o.app->loggedIn = true;
    if (state.mustChange)
        pins.notice(fill(tr("the PIN of {key} is still the default PIN; change it with: {command}"),
                         {{"{key}", appLabel(o)},
                          {"{command}", "eseal token change-pin --token '" + o.spec.toString() + "'"}}));
}

}  // namespace eseal::skf
