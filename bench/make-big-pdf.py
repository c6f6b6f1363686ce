#!/usr/bin/python3
"""make-big-pdf.py OUT.pdf MIB [--sig-field]: a PDF of about MIB MiB for the
benchmarks. Each page shows one 1024 x 1024 RGB image of random bytes (3 MiB,
stored unfiltered: random data does not compress, so no filter would shrink it
and none costs time to undo). With --sig-field, page 1 also gets an empty
signature field (ISO 32000-1 12.7.4.5), which mutool sign needs to fill.
"""
import os
import random
import sys

import pikepdf
from pikepdf import Array, Dictionary, Name, String


def main() -> int:
    out, mib = sys.argv[1], int(sys.argv[2])
    field = "--sig-field" in sys.argv[3:]
    side = 1024
    per_page = side * side * 3
    pages = max(1, (mib * 1024 * 1024) // per_page)
    rnd = random.Random(20261125)  # the same file every time
    pdf = pikepdf.new()
    for i in range(pages):
        data = rnd.randbytes(per_page)
        img = pikepdf.Stream(pdf, data)
        img.Type = Name.XObject
        img.Subtype = Name.Image
        img.Width = side
        img.Height = side
        img.ColorSpace = Name.DeviceRGB
        img.BitsPerComponent = 8
        content = pikepdf.Stream(pdf, b"q 500 0 0 500 47 170 cm /Im0 Do Q\nBT /F1 12 Tf 47 100 Td (page %d) Tj ET\n" % (i + 1))
        page = pikepdf.Page(Dictionary(
            Type=Name.Page, MediaBox=Array([0, 0, 595, 842]), Contents=content,
            Resources=Dictionary(
                XObject=Dictionary(Im0=img),
                Font=Dictionary(F1=Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica)))))
        pdf.pages.append(page)
    if field:
        p1 = pdf.pages[0].obj
        widget = pdf.make_indirect(Dictionary(
            Type=Name.Annot, Subtype=Name.Widget, FT=Name.Sig, T=String("BenchSig"),
            Rect=Array([360, 60, 520, 120]), F=4, P=p1))
        p1.Annots = Array([widget])
        pdf.Root.AcroForm = pdf.make_indirect(Dictionary(Fields=Array([widget]), SigFlags=3))
    tmp = out + ".part"
    pdf.save(tmp, compress_streams=False, object_stream_mode=pikepdf.ObjectStreamMode.disable)
    os.replace(tmp, out)
    print("%s: %d pages, %d bytes" % (out, pages, os.path.getsize(out)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
