#!/usr/bin/python3
"""Writes a flat ODF document of about MIB MiB for LibreOffice to convert into
a large docx or xlsx (bench/office.sh): pictures of seeded pseudo-random
pixels (which do not compress, so the package stays large) and real content
(CJK paragraphs, or a sheet of numbers).

usage: make-big-office.py OUT.fodt|OUT.fods MIB
       make-big-office.py OUT.docx MIB --text

--text writes a docx directly (no LibreOffice: converting that much text takes it
minutes) whose word/document.xml holds about MIB MiB of paragraphs of seeded
pseudo-random CJK text in LibreOffice's markup (each paragraph two runs, the
second bold), the last one "甲方（盖章）：" split over three runs; no pictures, so
the main part is most of the package.
"""
import base64
import random
import struct
import sys
import zlib


def png(width, height, rng):
    """A valid RGB PNG of random pixels, stored without compression."""
    raw = b"".join(b"\0" + rng.randbytes(width * 3) for _ in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw, 0)) + chunk(b"IEND", b""))


NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
      'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
      'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
      'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
      'xmlns:xlink="http://www.w3.org/1999/xlink" '
      'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" office:version="1.3"')


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def text_docx(out, mib):
    import zipfile
    rng = random.Random(20261204)
    pool = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]
    head = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="%s"><w:body>' % W)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.'
                   'openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/'
                   'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/'
                   'xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
                   'officedocument.wordprocessingml.document.main+xml"/></Types>')
        z.writestr("_rels/.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
                   'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
                   'openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
                   '</Relationships>')
        z.writestr("word/_rels/document.xml.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns='
                   '"http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>')
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            f.write(head.encode())
            size, i = len(head), 0
            while size < mib << 20:
                p = ('<w:p><w:pPr><w:pStyle w:val="TextBody"/><w:rPr></w:rPr></w:pPr><w:r><w:rPr></w:rPr><w:t>%s'
                     '</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>第%d条</w:t></w:r></w:p>'
                     % ("".join(rng.choice(pool) for _ in range(60)), i)).encode()
                f.write(p)
                size += len(p)
                i += 1
            f.write(('<w:p><w:r><w:t>甲方</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>（盖</w:t></w:r><w:r><w:rPr>'
                     '<w:i/></w:rPr><w:t>章）：</w:t></w:r></w:p><w:sectPr><w:pgSz w:w="11906" w:h="16838"/>'
                     '</w:sectPr></w:body></w:document>').encode())


def main():
    out, mib = sys.argv[1], int(sys.argv[2])
    if len(sys.argv) > 3 and sys.argv[3] == "--text":
        return text_docx(out, mib)
    rng = random.Random(20261203)
    side = 1024  # 3 MiB a picture
    count = max(1, (mib * 9 // 10) // 3)
    frames = ["<draw:frame svg:width=\"4cm\" svg:height=\"4cm\" text:anchor-type=\"paragraph\"><draw:image>"
              "<office:binary-data>%s</office:binary-data></draw:image></draw:frame>"
              % base64.b64encode(png(side, side, rng)).decode() for _ in range(count)]
    with open(out, "w", encoding="utf-8") as f:
        if out.endswith(".fodt"):
            f.write('<?xml version="1.0" encoding="UTF-8"?><office:document %s '
                    'office:mimetype="application/vnd.oasis.opendocument.text"><office:body><office:text>' % NS)
            for i in range(4000):
                f.write("<text:p>第%d条 甲方与乙方就技术服务事项达成如下约定，双方应当遵守。Clause %d.</text:p>" % (i, i))
                if i % (4000 // count) == 0 and frames:
                    f.write("<text:p>" + frames.pop() + "</text:p>")
            f.write("<text:p>甲方（盖章）：</text:p></office:text></office:body></office:document>")
        else:
            f.write('<?xml version="1.0" encoding="UTF-8"?><office:document %s '
                    'office:mimetype="application/vnd.oasis.opendocument.spreadsheet"><office:body>'
                    '<office:spreadsheet><table:table table:name="Sheet1"><table:shapes>' % NS)
            for i, fr in enumerate(frames):
                f.write(fr.replace('text:anchor-type="paragraph"', 'svg:x="%dcm" svg:y="1cm"' % (12 + 5 * i)))
            f.write("</table:shapes>")
            for r in range(20000):
                f.write("<table:table-row>" + "".join(
                    '<table:table-cell office:value-type="float" office:value="%d"><text:p>%d</text:p>'
                    '</table:table-cell>' % (v, v) for v in (rng.randrange(1000000) for _ in range(8))) +
                    "</table:table-row>")
            f.write("</table:table></office:spreadsheet></office:body></office:document>")


if __name__ == "__main__":
    main()
