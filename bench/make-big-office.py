#!/usr/bin/python3
"""Writes a flat ODF document of about MIB MiB for LibreOffice to convert into
a large docx or xlsx (bench/office.sh): pictures of seeded pseudo-random
pixels (which do not compress, so the package stays large) and real content
(CJK paragraphs, or a sheet of numbers).

usage: make-big-office.py OUT.fodt|OUT.fods MIB
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


def main():
    out, mib = sys.argv[1], int(sys.argv[2])
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
