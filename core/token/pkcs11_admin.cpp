#include "core/token/pkcs11_admin.hpp"

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "core/token/pkcs11_token.hpp"
#include "core/token/pkcs11_uri.hpp"

namespace eseal {

using namespace pkcs11;

namespace {
std::string defaultPinNotice(const TokenRef& token) {
    return fill(tr("the new PIN of token '{token}' is a well-known default PIN; choose another: {command}"),
                {{"{token}", token.label}, {"{command}", changePinCommand(token.uri)}});
}
}  // namespace

void unlockUserPin(std::string_view tokenUri, PinSource& soPins, PinSource& newPins) {
    TokenRef token = openToken(Pkcs11Uri::parse(tokenUri));
    Session session(token.module, token.slot, true);
    token.refresh();
    PinState so = pinStateOf(token.info, true);
    if (so.locked)
        throw TokenError(TokenError::Kind::PinLocked,
                         fill(tr("the SO (admin) PIN of token '{token}' is locked too; only re-initialising "
                                 "the token (which "
                                 "erases its keys) can help"),
                              {{"{token}", token.label}}),
                         CKR_PIN_LOCKED);
    SecretString soPin;
    CK_RV rv;
    if (so.protectedPath) {
        soPins.notice(fill(tr("enter the SO (admin) PIN on the PIN pad of token '{token}'"),
                           {{"{token}", token.label}}));
        rv = session.login(CKU_SO, nullptr);
    } else {
        PinPrompt prompt{token.label, so, true, "SO (admin) PIN"};
        soPin = soPins.get(prompt);
        rv = session.login(CKU_SO, &soPin);
    }
    if (rv == CKR_PIN_INCORRECT || rv == CKR_PIN_LEN_RANGE)
        throwWrongPin(token.module, token.slot, token.label, true, rv, token.uri);
    if (rv == CKR_PIN_LOCKED)
        throw TokenError(
            TokenError::Kind::PinLocked,
            fill(tr("the SO (admin) PIN of token '{token}' is locked"), {{"{token}", token.label}}), rv);
    check(rv, fill(tr("logging in as SO to token '{token}' (C_Login)"), {{"{token}", token.label}}));

    CK_FUNCTION_LIST* fn = token.module.fn();
    if (so.protectedPath) {
        newPins.notice(
            fill(tr("enter the new user PIN on the PIN pad of token '{token}'"), {{"{token}", token.label}}));
        rv = fn->C_InitPIN(session.handle(), nullptr, 0);
    } else {
        PinPrompt prompt{token.label, pinStateOf(token.info), false, "new user PIN"};
        SecretString newPin = newPins.get(prompt);
        SecretString buf(newPin.view());
        rv = fn->C_InitPIN(session.handle(), ckPin(buf), ckPinLen(buf));
        if (rv == CKR_OK && isCommonDefaultPin(newPin.view())) newPins.notice(defaultPinNotice(token));
    }
    newPinResult(rv, token.info,
                 fill(tr("setting the user PIN of token '{token}' (C_InitPIN)"), {{"{token}", token.label}}));
}

void changeUserPin(std::string_view tokenUri, PinSource& oldPins, PinSource& newPins) {
    TokenRef token = openToken(Pkcs11Uri::parse(tokenUri));
    Session session(token.module, token.slot, true);
    token.refresh();
    PinState state = pinStateOf(token.info);
    requireUsableUserPin(state, token.label, token.uri);
    CK_FUNCTION_LIST* fn = token.module.fn();
    CK_RV rv;
    SecretString newPin;
    if (state.protectedPath) {
        oldPins.notice(fill(tr("enter the old and then the new PIN on the PIN pad of token '{token}'"),
                            {{"{token}", token.label}}));
        rv = fn->C_SetPIN(session.handle(), nullptr, 0, nullptr, 0);
    } else {
        SecretString oldPin = oldPins.get(PinPrompt{token.label, state, false, "user PIN"});
        // The current PIN is checked (C_Login) before the new one is asked for, so
        // a mistyped current PIN does not cost typing a new one twice.
        CK_RV login = session.login(CKU_USER, &oldPin);
        if (login == CKR_PIN_INCORRECT || login == CKR_PIN_LEN_RANGE)
            throwWrongPin(token.module, token.slot, token.label, false, login, token.uri);
        if (login == CKR_PIN_LOCKED) throwUserPinLocked(token.label, token.uri, login);
        if (login != CKR_USER_ALREADY_LOGGED_IN)
            check(login, fill(tr("checking the PIN of token '{token}'"), {{"{token}", token.label}}));
        newPin = newPins.get(PinPrompt{token.label, state, false, "new user PIN"});
        SecretString a(oldPin.view()), b(newPin.view());
        // PKCS#11 2.40 5.6: in an R/W public session C_SetPIN changes the user PIN
        // after checking the old one.
        rv = fn->C_SetPIN(session.handle(), ckPin(a), ckPinLen(a), ckPin(b), ckPinLen(b));
    }
    if (rv == CKR_PIN_INCORRECT) throwWrongPin(token.module, token.slot, token.label, false, rv, token.uri);
    if (rv == CKR_PIN_LOCKED) throwUserPinLocked(token.label, token.uri, rv);
    newPinResult(rv, token.info,
                 fill(tr("changing the PIN of token '{token}' (C_SetPIN)"), {{"{token}", token.label}}));
    if (isCommonDefaultPin(newPin.view())) newPins.notice(defaultPinNotice(token));
}

}  // namespace eseal
