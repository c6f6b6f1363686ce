#!/usr/bin/python3
"""append-update.py IN OUT [--startxref-off N]: copy IN to OUT and append one incremental update
(ISO 32000-1 7.5.6) that changes page 1's content: a new content stream that
paints a filled rectangle is added to the page's /Contents.

The update is written byte by byte (pikepdf only reads IN), so every byte of IN
stays where it was and a signature over IN still covers the same bytes: the
case of someone changing a sealed page after sealing. Needs IN's last cross-
reference section to be a table (7.5.4); the new section is one too.
Prints the number of the new revision's page object.
--startxref-off N writes a startxref N bytes away from the new xref section
(N may be negative or point past the end): viewers repair such a file and show
the new content, so a verifier must not skip the update (a known forgery class).
"""
import re
import sys

import pikepdf


def main() -> int:
    src, dst = sys.argv[1], sys.argv[2]
    off = 0
    if len(sys.argv) == 5 and sys.argv[3] == "--startxref-off":
        off = int(sys.argv[4])
    data = open(src, "rb").read()
    starts = list(re.finditer(rb"startxref\s+(\d+)\s+%%EOF", data))
    if not starts:
        print("append-update: no startxref in " + src, file=sys.stderr)
        return 1
    prev = int(starts[-1].group(1))
    if data[prev:prev + 4] != b"xref":
        print("append-update: last xref section of %s is not a table" % src, file=sys.stderr)
        return 1

    with pikepdf.open(src) as pdf:
        page = pdf.pages[0].obj
        pnum, pgen = page.objgen
        size = int(pdf.trailer.Size)
        trailer_keys = []
        for key in ("/Root", "/Info", "/ID"):
            if key in pdf.trailer:
                trailer_keys.append("%s %s" % (key, pdf.trailer.get(key).unparse().decode("latin-1")))
        contents = page.get("/Contents")
        if contents is None:
            old = []
        elif isinstance(contents, pikepdf.Array):
            old = [c.unparse().decode("latin-1") for c in contents]
        else:
            old = [contents.unparse().decode("latin-1")]
        entries = []
        for key, value in page.items():
            if key == "/Contents":
                continue
            entries.append("%s %s" % (key, value.unparse().decode("latin-1")))

    new_num = size
    content = b"q 0.9 0.1 0.1 rg 120 420 160 60 re f Q\n"
    out = bytearray(data)
    if not out.endswith(b"\n"):
        out += b"\n"
    offsets = {}
    offsets[new_num] = len(out)
    out += b"%d 0 obj\n<< /Length %d >>\nstream\n" % (new_num, len(content))
    out += content + b"\nendstream\nendobj\n"
    offsets[pnum] = len(out)
    page_dict = "<< " + " ".join(entries) + " /Contents [" + " ".join(old + ["%d 0 R" % new_num]) + "] >>"
    out += b"%d %d obj\n" % (pnum, pgen) + page_dict.encode("latin-1") + b"\nendobj\n"

    xref = len(out)
    out += b"xref\n"
    for num in sorted(offsets):
        gen = pgen if num == pnum else 0
        out += b"%d 1\n%010d %05d n\r\n" % (num, offsets[num], gen)
    out += ("trailer\n<< /Size %d %s /Prev %d >>\n" % (new_num + 1, " ".join(trailer_keys), prev)).encode(
        "latin-1")
    out += b"startxref\n%d\n%%%%EOF\n" % (xref + off)
    open(dst, "wb").write(out)
    print(pnum)
    return 0


if __name__ == "__main__":
    sys.exit(main())
