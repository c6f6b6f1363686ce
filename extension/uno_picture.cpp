#include "extension/uno_picture.hpp"

#include <algorithm>
#include <com/sun/star/awt/Point.hpp>
#include <com/sun/star/awt/Size.hpp>
#include <com/sun/star/beans/PropertyValue.hpp>
#include <com/sun/star/beans/XPropertySet.hpp>
#include <com/sun/star/container/XIndexAccess.hpp>
#include <com/sun/star/container/XNameAccess.hpp>
#include <com/sun/star/container/XNamed.hpp>
#include <com/sun/star/drawing/XDrawPages.hpp>
#include <com/sun/star/drawing/XDrawPagesSupplier.hpp>
#include <com/sun/star/drawing/XShape.hpp>
#include <com/sun/star/drawing/XShapes.hpp>
#include <com/sun/star/frame/XController.hpp>
#include <com/sun/star/graphic/GraphicProvider.hpp>
#include <com/sun/star/graphic/XGraphic.hpp>
#include <com/sun/star/lang/XComponent.hpp>
#include <com/sun/star/lang/XMultiServiceFactory.hpp>
#include <com/sun/star/lang/XServiceInfo.hpp>
#include <com/sun/star/sheet/XCellRangeAddressable.hpp>
#include <com/sun/star/sheet/XSpreadsheetDocument.hpp>
#include <com/sun/star/sheet/XSpreadsheetView.hpp>
#include <com/sun/star/style/XStyleFamiliesSupplier.hpp>
#include <com/sun/star/table/CellRangeAddress.hpp>
#include <com/sun/star/table/XCell.hpp>
#include <com/sun/star/table/XCellRange.hpp>
#include <com/sun/star/text/HoriOrientation.hpp>
#include <com/sun/star/text/RelOrientation.hpp>
#include <com/sun/star/text/TextContentAnchorType.hpp>
#include <com/sun/star/text/VertOrientation.hpp>
#include <com/sun/star/text/WrapTextMode.hpp>
#include <com/sun/star/text/XPageCursor.hpp>
#include <com/sun/star/text/XText.hpp>
#include <com/sun/star/text/XTextContent.hpp>
#include <com/sun/star/text/XTextCursor.hpp>
#include <com/sun/star/text/XTextDocument.hpp>
#include <com/sun/star/text/XTextViewCursor.hpp>
#include <com/sun/star/text/XTextViewCursorSupplier.hpp>
#include <com/sun/star/util/XSearchDescriptor.hpp>
#include <com/sun/star/util/XSearchable.hpp>
#include <com/sun/star/view/XSelectionSupplier.hpp>
#include <string>

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "extension/uno_common.hpp"

using namespace com::sun::star;
using com::sun::star::uno::Reference;
using com::sun::star::uno::Sequence;
using rtl::OUString;

namespace eseal::extension {

namespace {

// 1/100 mm, the unit of UNO geometry.
sal_Int32 hmm(double mm) { return static_cast<sal_Int32>(mm * 100 + (mm < 0 ? -0.5 : 0.5)); }

Reference<graphic::XGraphic> loadGraphic(const Reference<uno::XComponentContext>& context,
                                         const std::string& path) {
    const OUString url = fileUrl(path);
    Reference<graphic::XGraphicProvider> provider = graphic::GraphicProvider::create(context);
    Sequence<beans::PropertyValue> args(1);
    args[0].Name = "URL";
    args[0].Value <<= url;
    Reference<graphic::XGraphic> graphic = provider->queryGraphic(args);
    if (!graphic.is())
        throw Error(ErrorCategory::BadInput, tr("LibreOffice cannot read the seal picture"), path);
    return graphic;
}

bool supports(const Reference<frame::XModel>& model, const char* service) {
    Reference<lang::XServiceInfo> info(model, uno::UNO_QUERY);
    return info.is() && info->supportsService(OUString::createFromAscii(service));
}

// The picture named as the ODF adapter names the frame it places ("eseal
// seal"), so that the verify panel finds seal pictures (LibreOffice makes a
// name unique where it must).
void nameSealPicture(const Reference<beans::XPropertySet>& p) {
    try {
        Reference<container::XNamed> named(p, uno::UNO_QUERY);
        if (named.is()) named->setName("eseal seal 1");
    } catch (const uno::Exception&) {
        // Unnamed: the panel shows the seal without its picture.
    }
}

// ---- Writer ---------------------------------------------------------------

void set(const Reference<beans::XPropertySet>& p, const char* name, const uno::Any& value) {
    p->setPropertyValue(OUString::createFromAscii(name), value);
}

// The page count and the displayed size of page `page` (-1: the last), in mm.
// The view cursor goes back where it was.
void writerPage(const Reference<frame::XModel>& model, int& page, double& widthMm, double& heightMm) {
    Reference<text::XTextViewCursorSupplier> views(model->getCurrentController(), uno::UNO_QUERY_THROW);
    Reference<text::XTextViewCursor> cursor = views->getViewCursor();
    Reference<text::XPageCursor> pages(cursor, uno::UNO_QUERY_THROW);
    const Reference<text::XTextRange> was = cursor->getStart();
    pages->jumpToLastPage();
    const int last = pages->getPage();
    if (page == -1) page = last;
    if (page < 1 || page > last) {
        cursor->gotoRange(was, false);
        throw Error(ErrorCategory::BadInput,
                    fill(tr("page {page} does not exist; the document has {count} page(s)"),
                         {{"{page}", std::to_string(page)}, {"{count}", std::to_string(last)}}));
    }
    pages->jumpToPage(static_cast<sal_Int16>(page));
    OUString styleName;
    Reference<beans::XPropertySet>(cursor, uno::UNO_QUERY_THROW)->getPropertyValue("PageStyleName") >>=
        styleName;
    cursor->gotoRange(was, false);
    Reference<style::XStyleFamiliesSupplier> families(model, uno::UNO_QUERY_THROW);
    Reference<container::XNameAccess> pageStyles(families->getStyleFamilies()->getByName("PageStyles"),
                                                 uno::UNO_QUERY_THROW);
    Reference<beans::XPropertySet> style(pageStyles->getByName(styleName), uno::UNO_QUERY_THROW);
    sal_Int32 w = 0, h = 0;
    style->getPropertyValue("Width") >>= w;
    style->getPropertyValue("Height") >>= h;
    widthMm = w / 100.0;
    heightMm = h / 100.0;
}

std::function<void()> placeInWriter(const Reference<uno::XComponentContext>& context,
                                    const Reference<frame::XModel>& model, const PictureSpot& spot) {
    Reference<lang::XMultiServiceFactory> factory(model, uno::UNO_QUERY_THROW);
    Reference<text::XTextContent> content(factory->createInstance("com.sun.star.text.TextGraphicObject"),
                                          uno::UNO_QUERY_THROW);
    Reference<beans::XPropertySet> p(content, uno::UNO_QUERY_THROW);
    set(p, "Graphic", uno::Any(loadGraphic(context, spot.picturePath)));
    nameSealPicture(p);
    set(p, "Size", uno::Any(awt::Size(hmm(spot.widthMm), hmm(spot.heightMm))));
    // A stamp lies over the text it seals, in front of it.
    set(p, "TextWrap", uno::Any(text::WrapTextMode_THROUGH));
    set(p, "Opaque", uno::Any(true));

    Reference<text::XText> text;
    Reference<text::XTextRange> at;
    if (spot.kind == PictureSpot::Kind::Page) {
        int page = spot.placement.page;
        double pageW = 0, pageH = 0;
        writerPage(model, page, pageW, pageH);
        const MmRect r = rectOnPage(spot, pageW, pageH);
        set(p, "AnchorType", uno::Any(text::TextContentAnchorType_AT_PAGE));
        set(p, "AnchorPageNo", uno::Any(static_cast<sal_Int16>(page)));
        set(p, "HoriOrient", uno::Any(text::HoriOrientation::NONE));
        set(p, "HoriOrientRelation", uno::Any(text::RelOrientation::PAGE_FRAME));
        set(p, "HoriOrientPosition", uno::Any(hmm(r.left)));
        set(p, "VertOrient", uno::Any(text::VertOrientation::NONE));
        set(p, "VertOrientRelation", uno::Any(text::RelOrientation::PAGE_FRAME));
        set(p, "VertOrientPosition", uno::Any(hmm(r.top)));
        Reference<text::XTextDocument> doc(model, uno::UNO_QUERY_THROW);
        text = doc->getText();
        at = text->getStart();
    } else {
        if (spot.kind == PictureSpot::Kind::Keyword) {
            Reference<util::XSearchable> searchable(model, uno::UNO_QUERY_THROW);
            Reference<util::XSearchDescriptor> search = searchable->createSearchDescriptor();
            const OUString keyword = ou(spot.placement.keyword);
            search->setSearchString(keyword);
            Reference<container::XIndexAccess> found = searchable->findAll(search);
            if (!found.is() || found->getCount() < spot.placement.occurrence)
                throw Error(ErrorCategory::BadInput,
                            fill(tr("the document does not contain the keyword \"{keyword}\""),
                                 {{"{keyword}", spot.placement.keyword}}));
            Reference<text::XTextRange> range(found->getByIndex(spot.placement.occurrence - 1),
                                              uno::UNO_QUERY_THROW);
            text = range->getText();
            // The seal's centre on the keyword's middle character.
            Reference<text::XTextCursor> cursor = text->createTextCursorByRange(range->getStart());
            cursor->goRight(static_cast<sal_Int16>(keyword.getLength() / 2), false);
            at.set(cursor, uno::UNO_QUERY_THROW);
        } else {
            Reference<text::XTextViewCursorSupplier> views(model->getCurrentController(),
                                                           uno::UNO_QUERY_THROW);
            Reference<text::XTextViewCursor> cursor = views->getViewCursor();
            text = cursor->getText();
            at = cursor->getStart();
        }
        set(p, "AnchorType", uno::Any(text::TextContentAnchorType_AT_CHARACTER));
        set(p, "HoriOrient", uno::Any(text::HoriOrientation::CENTER));
        set(p, "HoriOrientRelation", uno::Any(text::RelOrientation::CHAR));
        set(p, "VertOrient", uno::Any(text::VertOrientation::CENTER));
        set(p, "VertOrientRelation", uno::Any(text::RelOrientation::TEXT_LINE));
    }
    text->insertTextContent(at, content, false);
    return [content]() { Reference<lang::XComponent>(content, uno::UNO_QUERY_THROW)->dispose(); };
}

// ---- Calc -----------------------------------------------------------------

struct CellSpot {
    sal_Int32 sheet = 0, column = 0, row = 0;
};

CellSpot selectedCell(const Reference<frame::XModel>& model) {
    Reference<view::XSelectionSupplier> selection(model->getCurrentController(), uno::UNO_QUERY_THROW);
    Reference<sheet::XCellRangeAddressable> range(selection->getSelection(), uno::UNO_QUERY);
    if (!range.is()) throw Error(ErrorCategory::Usage, tr("select a cell for the seal first"));
    const table::CellRangeAddress a = range->getRangeAddress();
    return CellSpot{a.Sheet, a.StartColumn, a.StartRow};
}

CellSpot keywordCell(const Reference<container::XIndexAccess>& sheets, const PictureSpot& spot) {
    int left = spot.placement.occurrence;
    for (sal_Int32 i = 0; i < sheets->getCount(); ++i) {
        Reference<util::XSearchable> searchable(sheets->getByIndex(i), uno::UNO_QUERY_THROW);
        Reference<util::XSearchDescriptor> search = searchable->createSearchDescriptor();
        search->setSearchString(ou(spot.placement.keyword));
        Reference<container::XIndexAccess> found = searchable->findAll(search);
        for (sal_Int32 k = 0; found.is() && k < found->getCount(); ++k) {
            if (--left > 0) continue;
            Reference<sheet::XCellRangeAddressable> range(found->getByIndex(k), uno::UNO_QUERY_THROW);
            const table::CellRangeAddress a = range->getRangeAddress();
            return CellSpot{a.Sheet, a.StartColumn, a.StartRow};
        }
    }
    throw Error(ErrorCategory::BadInput,
                fill(tr("no cell holds the keyword \"{keyword}\""), {{"{keyword}", spot.placement.keyword}}));
}

std::function<void()> placeInCalc(const Reference<uno::XComponentContext>& context,
                                  const Reference<frame::XModel>& model, const PictureSpot& spot) {
    Reference<sheet::XSpreadsheetDocument> doc(model, uno::UNO_QUERY_THROW);
    Reference<container::XIndexAccess> sheets(doc->getSheets(), uno::UNO_QUERY_THROW);
    Reference<lang::XMultiServiceFactory> factory(model, uno::UNO_QUERY_THROW);
    Reference<drawing::XShape> shape(factory->createInstance("com.sun.star.drawing.GraphicObjectShape"),
                                     uno::UNO_QUERY_THROW);
    Reference<beans::XPropertySet> p(shape, uno::UNO_QUERY_THROW);
    const awt::Size size(hmm(spot.widthMm), hmm(spot.heightMm));

    sal_Int32 sheetIndex = 0;
    Reference<table::XCell> cell;
    awt::Point position;
    if (spot.kind == PictureSpot::Kind::Page) {
        // A sheet has no pages before printing: Page is the sheet (1-based, -1
        // the last) and At the centre in mm from its top-left corner.
        const int page = spot.placement.page == -1 ? sheets->getCount() : spot.placement.page;
        if (page < 1 || page > sheets->getCount())
            throw Error(
                ErrorCategory::BadInput,
                fill(tr("sheet {sheet} does not exist; the workbook has {count} sheet(s)"),
                     {{"{sheet}", std::to_string(page)}, {"{count}", std::to_string(sheets->getCount())}}));
        sheetIndex = page - 1;
        if (spot.placement.fromBottomRight)
            throw Error(ErrorCategory::Usage,
                        tr("a spreadsheet seal needs At (x,y in mm), a Keyword or a selected cell"));
        position = awt::Point(hmm(spot.placement.xMm - spot.widthMm / 2),
                              hmm(spot.placement.yMm - spot.heightMm / 2));
    } else {
        const CellSpot c =
            spot.kind == PictureSpot::Kind::Keyword ? keywordCell(sheets, spot) : selectedCell(model);
        sheetIndex = c.sheet;
        Reference<table::XCellRange> cells(sheets->getByIndex(c.sheet), uno::UNO_QUERY_THROW);
        cell = cells->getCellByPosition(c.column, c.row);
        Reference<beans::XPropertySet> cp(cell, uno::UNO_QUERY_THROW);
        // Calc anchors a shape to the cell under its top-left corner: the seal
        // starts at the cell's top-left, as the ODF adapter places it.
        cp->getPropertyValue("Position") >>= position;
    }
    Reference<drawing::XDrawPagesSupplier> pagesSupplier(model, uno::UNO_QUERY_THROW);
    Reference<drawing::XShapes> page(pagesSupplier->getDrawPages()->getByIndex(sheetIndex),
                                     uno::UNO_QUERY_THROW);
    page->add(shape);
    p->setPropertyValue("Graphic", uno::Any(loadGraphic(context, spot.picturePath)));
    nameSealPicture(p);
    shape->setSize(size);
    shape->setPosition(position);
    if (cell.is()) p->setPropertyValue("Anchor", uno::Any(cell));
    return [page, shape]() { page->remove(shape); };
}

}  // namespace

bool canPlacePicture(const Reference<frame::XModel>& model) {
    return supports(model, "com.sun.star.text.TextDocument") ||
           supports(model, "com.sun.star.sheet.SpreadsheetDocument");
}

std::function<void()> placePicture(const Reference<uno::XComponentContext>& context,
                                   const Reference<frame::XModel>& model, const PictureSpot& spot) {
    if (supports(model, "com.sun.star.text.TextDocument")) return placeInWriter(context, model, spot);
    if (supports(model, "com.sun.star.sheet.SpreadsheetDocument")) return placeInCalc(context, model, spot);
    throw Error(ErrorCategory::Unsupported, tr("seal pictures go into Writer and Calc documents"));
}

}  // namespace eseal::extension
