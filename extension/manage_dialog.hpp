// The 签章管理 dialog (a click on 签章管理): the USB Keys with their PIN state
// (tries left where the key tells) and signing certificates (holder,
// validity), the seals of the local seal folder and of the keys with their
// pictures, and 修改 PIN / 解锁 for the selected key, which ask the PINs in a
// second dialog and call the core (extension/manage_actions).
#pragma once

#include <com/sun/star/awt/XWindowPeer.hpp>
#include <com/sun/star/uno/XComponentContext.hpp>

#include "extension/seal_actions.hpp"

namespace eseal::extension {

// args: Modules, SkfLibraries, SealFolder as vnd.eseal:Manage takes them.
// Returns when the person closes it. Throws uno::Exception when it cannot be made.
void runManageDialog(const com::sun::star::uno::Reference<com::sun::star::uno::XComponentContext>& context,
                     const com::sun::star::uno::Reference<com::sun::star::awt::XWindowPeer>& parent,
                     const CommandArgs& args, bool chinese);

}  // namespace eseal::extension
