// The seal picture put into a Writer or Calc document through UNO, at its true
// size and where the person chose (extension/seal_actions PictureSpot), before
// the document is stored and its file signed by the core.
#pragma once

#include <com/sun/star/frame/XModel.hpp>
#include <com/sun/star/uno/XComponentContext.hpp>
#include <functional>

#include "extension/seal_actions.hpp"

namespace eseal::extension {

// True for the documents placePicture() handles: Writer text and Calc sheets.
bool canPlacePicture(const com::sun::star::uno::Reference<com::sun::star::frame::XModel>& model);

// Inserts the picture and returns what takes it out again (for a seal that
// fails after the insertion). Writer: a TextGraphicObject in front of the
// text, at the cursor (centred on its character and line), on the keyword's
// middle character, or anchored to the page at the spot. Calc: a
// GraphicObjectShape anchored to the selected cell or the keyword's cell
// (from its top-left corner), or on sheet `Page` at `At` mm from its top-left corner.
// Throws eseal::Error (a missing keyword or page) or uno::Exception.
std::function<void()> placePicture(
    const com::sun::star::uno::Reference<com::sun::star::uno::XComponentContext>& context,
    const com::sun::star::uno::Reference<com::sun::star::frame::XModel>& model, const PictureSpot& spot);

}  // namespace eseal::extension
