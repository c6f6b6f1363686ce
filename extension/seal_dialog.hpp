// The seal dialog (a click on 加盖电子签章 without arguments): the seal picture
// with its preview, the key with its PIN state, the PIN, where the seal goes
// (cursor or selection, keyword, page + mm) and the output. The keys are
// those of the PKCS#11 modules and the SKF libraries of the options, each
// with its token's PIN state (tries left where the token gives them). Built in code from
// awt control models; its result is the same arguments automation passes.
#pragma once

#include <com/sun/star/awt/XWindowPeer.hpp>
#include <com/sun/star/uno/XComponentContext.hpp>

#include "core/base/secret.hpp"
#include "extension/seal_actions.hpp"

namespace eseal::extension {

struct SealDialogResult {
    CommandArgs args;  // Key, Seal, Keyword or Page + At, Output
    SecretString pin;
};

// Shows the dialog over `parent` with `defaults` (the options) filled in;
// false when the person cancels. Throws uno::Exception when it cannot be made.
bool runSealDialog(const com::sun::star::uno::Reference<com::sun::star::uno::XComponentContext>& context,
                   const com::sun::star::uno::Reference<com::sun::star::awt::XWindowPeer>& parent,
                   const CommandArgs& defaults, const std::vector<std::string>& modules,
                   const std::vector<std::string>& skfLibraries, bool chinese, SealDialogResult& result);

}  // namespace eseal::extension
