#include "formats/pdf/pdf_appearance.hpp"

#include <mutex>

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "formats/pdf/pdf_object_io.hpp"

namespace eseal::pdf {

std::string appearanceContent(const SealBox& box, double sliceFrom, double sliceTo) {
    if (!(sliceFrom >= 0 && sliceTo <= 1 && sliceFrom < sliceTo))
        // Internal errors (a bug in eseal, never the person's doing) stay English.
        throw Error(ErrorCategory::Internal, "seal strip out of range");
    // The upright frame [0 w] x [0 h] of what the reader sees, mapped into the
    // box. The page is shown turned clockwise by /Rotate, so the frame is
    // turned counter-clockwise by the same angle: its right edge must point
    // to the reader's right.
    const double w = box.sealWidth, h = box.sealHeight;
    double m[6] = {1, 0, 0, 1, 0, 0};
    switch (box.rotate) {
        case 0:
            break;
        case 90:
            m[0] = 0;
            m[1] = 1;
            m[2] = -1;
            m[3] = 0;
            m[4] = h;
            break;
        case 180:
            m[0] = -1;
            m[3] = -1;
            m[4] = w;
            m[5] = h;
            break;
        case 270:
            m[0] = 0;
            m[1] = -1;
            m[2] = 1;
            m[3] = 0;
            m[5] = w;
            break;
        default:
            throw Error(ErrorCategory::Internal, "page rotation not normalised");
    }
    // 11.3.5.2, 11.6.3: /GS0 sets the multiply blend mode, so the seal darkens
    // what is under it and black text stays black.
    std::string s = "/GS0 gs q";
    for (double v : m) s += " " + formatNumber(v);
    s += " cm";
    // The whole picture is (w / slice) wide; the strip's part of it is moved
    // into the frame and the rest clipped away (8.5.4).
    const double fullWidth = w / (sliceTo - sliceFrom);
    if (sliceFrom > 0 || sliceTo < 1) s += " 0 0 " + formatNumber(w) + " " + formatNumber(h) + " re W n";
    // cm maps the image's unit square (8.9.5) into the frame.
    s += " " + formatNumber(fullWidth) + " 0 0 " + formatNumber(h) + " " +
         formatNumber(-sliceFrom * fullWidth) + " 0 cm /Im0 Do Q\n";
    return s;
}

EncodedSealImage encodeSealImage(const RgbaImage& image) {
    const std::size_t count = static_cast<std::size_t>(image.width) * image.height;
    if (image.width == 0 || image.height == 0 || image.pixels.size() != count * 4) {
        throw Error(ErrorCategory::BadInput, tr("seal image is empty or inconsistent"));
    }
    EncodedSealImage e;
    e.width = image.width;
    e.height = image.height;
    Bytes rgb;
    rgb.reserve(count * 3);
    for (std::size_t i = 0; i < count; ++i) {
        rgb.insert(rgb.end(), image.pixels.begin() + static_cast<std::ptrdiff_t>(i * 4),
                   image.pixels.begin() + static_cast<std::ptrdiff_t>(i * 4 + 3));
    }
    e.colour = flate(rgb);
    if (image.hasTransparency()) {
        Bytes a(count);
        for (std::size_t i = 0; i < count; ++i) a[i] = image.pixels[i * 4 + 3];
        e.alpha = flate(a);
    }
    return e;
}

std::shared_ptr<const EncodedSealImage> encodedSealImage(const std::shared_ptr<const RgbaImage>& image) {
    // One entry: a batch seals every file with the same picture.
    static std::mutex mutex;
    static std::weak_ptr<const RgbaImage> lastImage;
    static std::shared_ptr<const EncodedSealImage> lastEncoded;
    std::lock_guard<std::mutex> lock(mutex);
    if (lastEncoded && !lastImage.owner_before(image) && !image.owner_before(lastImage) &&
        !lastImage.expired())
        return lastEncoded;
    auto encoded = std::make_shared<const EncodedSealImage>(encodeSealImage(*image));
    lastImage = image;
    lastEncoded = encoded;
    return encoded;
}

void writeSealAppearance(UpdateWriter& out, const EncodedSealImage& image,
                         const std::vector<WidgetAppearance>& widgets, const AppearanceNumbers& numbers) {
    const bool alpha = image.alpha.has_value();
    // Internal: the caller's numbering is wrong (a bug); English, as every Internal error.
    if (alpha != numbers.smask.has_value()) throw Error(ErrorCategory::Internal, "soft mask number mismatch");
    if (widgets.size() != numbers.forms.size()) throw Error(ErrorCategory::Internal, "form number mismatch");
    const std::string size =
        " /Width " + std::to_string(image.width) + " /Height " + std::to_string(image.height);
    std::string dict = "/Type /XObject /Subtype /Image" + size +
                       " /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode";
    if (alpha) dict += " /SMask " + objectRef(*numbers.smask);
    out.streamObject(numbers.image, 0, dict, image.colour);
    if (alpha) {
        // 11.6.5.3: a soft-mask image is DeviceGray and has no /SMask of its own.
        out.streamObject(*numbers.smask, 0,
                         "/Type /XObject /Subtype /Image" + size +
                             " /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode",
                         *image.alpha);
    }
    for (std::size_t i = 0; i < widgets.size(); ++i) {
        const WidgetAppearance& widget = widgets[i];
        const std::string content = appearanceContent(widget.box, widget.sliceFrom, widget.sliceTo);
        out.streamObject(numbers.forms[i], 0,
                         "/Type /XObject /Subtype /Form /BBox [0 0 " + formatNumber(widget.box.width) + " " +
                             formatNumber(widget.box.height) + "] /Resources << /XObject << /Im0 " +
                             objectRef(numbers.image) +
                             " >> /ExtGState << /GS0 << /Type /ExtGState /BM /Multiply >> >> >>",
                         asBytes(content));
    }
}

}  // namespace eseal::pdf
