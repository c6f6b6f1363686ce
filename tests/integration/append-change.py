#!/usr/bin/python3
"""append-change.py IN OUT CHANGE[,CHANGE...]: copy IN to OUT and append one
incremental update (ISO 32000-1 7.5.6) making the named changes, the way
signers and LTV tools change a file after a seal:

  dss         catalog /DSS with /Certs, /OCSPs, /CRLs streams and a /VRI entry
              (ETSI EN 319 142-1 5.4.2)
  extensions  catalog /Extensions (an ESIC developer extension) and /Version
  metadata    a new XMP /Metadata stream and /MarkInfo << /Marked true >>
  form-da     /AcroForm /DA and /NeedAppearances (12.7.2 Table 218)
  resources   page 1's /Resources moved to a new object with the same content
  resources+  ... to a new object with one more entry (a real change)
  content     a content stream painting a rectangle added to page 1's /Contents
  annot       a text annotation (a comment) added to page 1's /Annots
  unwidget    the widgets (the seals' pictures) taken out of page 1's /Annots

The update is written byte by byte (pikepdf only reads IN), so a signature
over IN still covers the same bytes. Needs IN's last cross-reference section
to be a table (7.5.4); the new section is one too.
"""
import re
import sys

import pikepdf

from pdf_syntax import text, entries, dictionary, stream

KNOWN = {"dss", "extensions", "metadata", "form-da", "resources", "resources+", "content", "annot", "unwidget"}


def main() -> int:
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    src, dst = sys.argv[1], sys.argv[2]
    changes = sys.argv[3].split(",")
    unknown = set(changes) - KNOWN
    if unknown:
        print("append-change: unknown change " + ", ".join(sorted(unknown)), file=sys.stderr)
        return 2
    data = open(src, "rb").read()
    starts = list(re.finditer(rb"startxref\s+(\d+)\s+%%EOF", data))
    if not starts:
        print("append-change: no startxref in " + src, file=sys.stderr)
        return 1
    prev = int(starts[-1].group(1))
    if data[prev:prev + 4] != b"xref":
        print("append-change: last xref section of %s is not a table" % src, file=sys.stderr)
        return 1

    objects = {}  # (num, gen) -> body bytes
    with pikepdf.open(src) as pdf:
        next_num = int(pdf.trailer.Size)

        def new(body):
            nonlocal next_num
            objects[(next_num, 0)] = body if isinstance(body, bytes) else body.encode("latin-1")
            next_num += 1
            return "%d 0 R" % (next_num - 1)

        root = pdf.Root
        catalog = entries(root)
        page = pdf.pages[0].obj
        page_entries = entries(page)
        catalog_changed = page_changed = False
        trailer = []
        for key in ("/Root", "/Info", "/ID", "/Encrypt"):
            if key in pdf.trailer:
                trailer.append("%s %s" % (key, text(pdf.trailer.get(key))))

        if "dss" in changes:
            cert = new(stream(b"0\x82\x01\x00 certificate bytes"))
            ocsp = new(stream(b"0\x82\x01\x00 OCSP response bytes"))
            crl = new(stream(b"0\x82\x01\x00 CRL bytes"))
            vri = new("<< /%s << /Cert [%s] /OCSP [%s] /CRL [%s] >> >>" % ("AB" * 20, cert, ocsp, crl))
            catalog["/DSS"] = new(
                "<< /Type /DSS /Certs [%s] /OCSPs [%s] /CRLs [%s] /VRI %s >>" % (cert, ocsp, crl, vri))
            catalog_changed = True
        if "extensions" in changes:
            catalog["/Extensions"] = new("<< /ESIC << /BaseVersion /1.7 /ExtensionLevel 2 >> >>")
            catalog["/Version"] = "/1.7"
            catalog_changed = True
        if "metadata" in changes:
            xmp = (b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
                   b'<x:xmpmeta xmlns:x="adobe:ns:meta/"></x:xmpmeta>\n<?xpacket end="w"?>')
            catalog["/Metadata"] = new(stream(xmp, " /Type /Metadata /Subtype /XML"))
            catalog["/MarkInfo"] = "<< /Marked true >>"
            catalog_changed = True
        if "form-da" in changes:
            acro = root.get("/AcroForm")
            if acro is None:
                print("append-change: no /AcroForm in " + src, file=sys.stderr)
                return 1
            form = entries(acro)
            form["/DA"] = "(/Helv 0 Tf 0 g)"
            form["/NeedAppearances"] = "true"
            if acro.is_indirect:
                objects[acro.objgen] = dictionary(form).encode("latin-1")
            else:
                catalog["/AcroForm"] = dictionary(form)
                catalog_changed = True
        for kind in ("resources", "resources+"):
            if kind in changes:
                resources = entries(page.Resources)
                if kind == "resources+":
                    resources["/ExtGState"] = "<< /GSa << /CA 0.5 /ca 0.5 >> >>"
                page_entries["/Resources"] = new(dictionary(resources))
                page_changed = True
        if "content" in changes:
            contents = page.get("/Contents")
            old = [] if contents is None else [text(c) for c in contents] if isinstance(
                contents, pikepdf.Array) else [text(contents)]
            added = new(stream(b"q 0.9 0.1 0.1 rg 120 420 160 60 re f Q"))
            page_entries["/Contents"] = "[" + " ".join(old + [added]) + "]"
            page_changed = True

        if "annot" in changes:
            note = new("<< /Type /Annot /Subtype /Text /Rect [60 60 80 80] /Contents (a comment) /P %s >>" %
                       text(page))
            annots = page.get("/Annots")
            items = [] if annots is None else [text(a) for a in annots]
            listed = "[" + " ".join(items + [note]) + "]"
            if annots is not None and annots.is_indirect:
                objects[annots.objgen] = listed.encode("latin-1")
            else:
                page_entries["/Annots"] = listed
                page_changed = True

        if "unwidget" in changes:
            annots = page.get("/Annots")
            kept = [text(a) for a in (annots or []) if a.get("/Subtype") != "/Widget"]
            if annots is not None and annots.is_indirect:
                objects[annots.objgen] = ("[" + " ".join(kept) + "]").encode("latin-1")
            else:
                page_entries["/Annots"] = "[" + " ".join(kept) + "]"
                page_changed = True

        if catalog_changed:
            objects[root.objgen] = dictionary(catalog).encode("latin-1")
        if page_changed:
            objects[page.objgen] = dictionary(page_entries).encode("latin-1")

    out = bytearray(data)
    if not out.endswith(b"\n"):
        out += b"\n"
    offsets = {}
    for (num, gen), body in sorted(objects.items()):
        offsets[(num, gen)] = len(out)
        out += b"%d %d obj\n" % (num, gen) + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n"
    for (num, gen), at in sorted(offsets.items()):
        out += b"%d 1\n%010d %05d n\r\n" % (num, at, gen)
    out += ("trailer\n<< /Size %d %s /Prev %d >>\n" % (next_num, " ".join(trailer), prev)).encode("latin-1")
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    open(dst, "wb").write(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
