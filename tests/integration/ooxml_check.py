#!/usr/bin/python3
"""OOXML package seals, checked by software nobody here wrote.

Makes a docx, an xlsx and a pptx with CJK text, a table and a picture with a
headless LibreOffice (soffice --convert-to), seals each through the SoftHSM2
fixture token (RSA) and with a PKCS#12 key (ECDSA), then checks every result
with (a) eseal verify (exit 0, --json too), (b) Apache POI 4.0.1 (Debian's
libapache-poi-java) through tests/integration/PoiVerify.java, compiled here
with javac, (c) LibreOffice's own check (DocumentDigitalSignatures.
verifyDocumentContentSignatures on the package as a ZipFormat storage, where it
finds [Content_Types].xml and _xmlsignatures/: the signature valid, LibreOffice
7.4 calling every OOXML signature partial). Attack files of the
classes of "Every Signature is Broken" (USENIX Security 2023) are built from
our own sealed files and must not PASS; bad packages end in exit 4 with no
output written.

usage: ooxml_check.py ESEAL_BIN TEST_DATA_DIR
"""
import base64
import json
import os
import re
import shutil
import sys
import tempfile
import zipfile

import uno

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from office_support import LibreOffice, Poi, check, run, summary  # noqa: E402
from office_support import rezip as repack  # noqa: E402


def main():
    eseal, data = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    pki, inputs = os.path.join(data, "pki"), os.path.join(data, "inputs")
    work = tempfile.mkdtemp(prefix="eseal-ooxml-check-")
    env = dict(os.environ, SOFTHSM2_CONF=os.path.join(data, "softhsm", "softhsm2.conf"),
               ESEAL_OOXML_PIN="11223344", ESEAL_OOXML_P12="test")
    token_key = "pkcs11:token=eseal-test;object=signer-rsa?module-path=/usr/lib/softhsm/libsofthsm2.so"
    p12_key = "p12:" + os.path.join(pki, "signer-ec.p12")
    seal = os.path.join(inputs, "seal-red.png")
    trust = ["--trust", os.path.join(pki, "trust.pem"), "--no-system-trust"]
    with open(seal, "rb") as f:
        picture = base64.b64encode(f.read()).decode()

    # Inputs LibreOffice writes from real text with a table, a picture and CJK characters.
    img = "<img src='data:image/png;base64,%s' width='80' height='80'>" % picture
    with open(os.path.join(work, "letter.html"), "w", encoding="utf-8") as f:
        f.write("<html><head><meta charset='utf-8'></head><body><h1>服务合同 Service contract</h1>"
                "<p>甲方：测试单位。乙方：示例公司。本合同一式两份。</p><p>" + img + "</p>"
                "<table border='1'><tr><td>项目</td><td>金额（元）</td></tr><tr><td>技术服务</td><td>12,000</td></tr>"
                "</table><p>甲方（盖章）：</p><p>日期：2026年12月2日</p></body></html>")
    # A workbook with a picture (its sheet has a drawing) from flat ODF, and one without (from CSV).
    rows = [("名称", "数量", "单价"), ("苹果", "3", "5.5"), ("香蕉", "5", "2"), ("合计", "8", "")]

    def cell(v):
        if re.fullmatch(r"[0-9.]+", v):
            return '<table:table-cell office:value-type="float" office:value="%s"><text:p>%s</text:p>' \
                   '</table:table-cell>' % (v, v)
        return '<table:table-cell office:value-type="string"><text:p>%s</text:p></table:table-cell>' % v
    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" office:version="1.3" ')
    with open(os.path.join(work, "sheet.fods"), "w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?><office:document ' + ns +
                'office:mimetype="application/vnd.oasis.opendocument.spreadsheet"><office:body><office:spreadsheet>'
                '<table:table table:name="Sheet1"><table:shapes><draw:frame svg:x="9cm" svg:y="0.5cm" svg:width="2cm" '
                'svg:height="2cm"><draw:image><office:binary-data>' + picture + '</office:binary-data></draw:image>'
                '</draw:frame></table:shapes><table:table-column table:number-columns-repeated="3"/>' +
                "".join("<table:table-row>" + "".join(cell(v) for v in r) + "</table:table-row>" for r in rows) +
                '</table:table></office:spreadsheet></office:body></office:document>')
    with open(os.path.join(work, "plain.csv"), "w", encoding="utf-8") as f:
        f.write("\n".join(",".join(r) for r in rows) + "\n")
    with open(os.path.join(work, "slides.fodp"), "w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>'
                '<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
                'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
                'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
                'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
                'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
                'office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.presentation">'
                '<office:body><office:presentation><draw:page draw:name="p1">'
                '<draw:frame svg:x="2cm" svg:y="2cm" svg:width="20cm" svg:height="3cm"><draw:text-box>'
                '<text:p>年度报告 Annual report：测试单位</text:p></draw:text-box></draw:frame>'
                '<draw:frame svg:x="2cm" svg:y="6cm" svg:width="12cm" svg:height="3cm"><table:table>'
                '<table:table-column table:number-columns-repeated="2"/>'
                '<table:table-row><table:table-cell><text:p>项目</text:p></table:table-cell>'
                '<table:table-cell><text:p>金额</text:p></table:table-cell></table:table-row>'
                '<table:table-row><table:table-cell><text:p>服务</text:p></table:table-cell>'
                '<table:table-cell><text:p>12,000</text:p></table:table-cell></table:table-row>'
                '</table:table></draw:frame>'
                '<draw:frame svg:x="16cm" svg:y="6cm" svg:width="4cm" svg:height="4cm"><draw:image>'
                '<office:binary-data>' + picture + '</office:binary-data></draw:image></draw:frame>'
                '</draw:page><draw:page draw:name="p2"><draw:frame svg:x="2cm" svg:y="2cm" svg:width="20cm" '
                'svg:height="3cm"><draw:text-box><text:p>第二页</text:p></draw:text-box></draw:frame></draw:page>'
                '</office:presentation></office:body></office:document>')
    profile = "-env:UserInstallation=" + uno.systemPathToFileUrl(os.path.join(work, "convert-profile"))
    run(["soffice", "--headless", profile, "--convert-to", "docx:MS Word 2007 XML", "--outdir", work,
         os.path.join(work, "letter.html")], env)
    for src, infilter in (("sheet.fods", []), ("plain.csv", ["--infilter=CSV:44,34,76"])):
        run(["soffice", "--headless", profile] + infilter + ["--convert-to", "xlsx:Calc MS Excel 2007 XML",
                                                              "--outdir", work, os.path.join(work, src)], env)
    run(["soffice", "--headless", profile, "--convert-to", "pptx:Impress MS PowerPoint 2007 XML", "--outdir", work,
         os.path.join(work, "slides.fodp")], env)
    docx, xlsx, plain, pptx = (os.path.join(work, n) for n in ("letter.docx", "sheet.xlsx", "plain.xlsx", "slides.pptx"))
    for doc, media in ((docx, "word/media/"), (xlsx, "xl/media/"), (plain, None), (pptx, "ppt/media/")):
        ok = os.path.isfile(doc)
        if ok and media:
            with zipfile.ZipFile(doc) as z:
                ok = any(n.startswith(media) for n in z.namelist())
        check("LibreOffice made " + os.path.basename(doc) + (" with a picture" if media else ""), ok)

    # The POI checker, compiled now with Debian's JDK.
    poi_checker = Poi(work, env)
    check("javac PoiVerify.java", poi_checker.ok)
    poi = poi_checker.verify

    sealed = {}
    jobs = [(docx, token_key, "ESEAL_OOXML_PIN", []), (xlsx, token_key, "ESEAL_OOXML_PIN", []),
            (pptx, token_key, "ESEAL_OOXML_PIN", []), (docx, p12_key, "ESEAL_OOXML_P12", []),
            (xlsx, p12_key, "ESEAL_OOXML_P12", []), (plain, p12_key, "ESEAL_OOXML_P12", []),
            (pptx, p12_key, "ESEAL_OOXML_P12", ["--page", "2"]),
            (xlsx, token_key, "ESEAL_OOXML_PIN", ["--cell", "Sheet1!F20"])]
    for src, key, pin, extra in jobs:
        tag = ("token" if key == token_key else "p12") + ("-cell" if "--cell" in extra else "")
        out = os.path.join(work, tag + "-" + os.path.basename(src))
        code, _ = run([eseal, "sign", src, "-o", out, "--key", key, "--seal", seal, "--pin-env", pin] + extra, env)
        check("eseal sign " + os.path.basename(out), code == 0 and os.path.isfile(out))
        sealed[out] = key
    code, text = run([eseal, "sign", xlsx, "-o", os.path.join(work, "x.xlsx"), "--key", p12_key, "--seal", seal,
                      "--pin-env", "ESEAL_OOXML_P12", "--cell", "Sheet9!B2"], env)
    check("eseal sign --cell Sheet9!B2: exit 4 naming the sheets there are",
          code == 4 and "no sheet named Sheet9 (its sheets: Sheet1)" in text, "exit %d" % code)

    for out, key in sealed.items():
        name = os.path.basename(out)
        code, text = run([eseal, "verify", out] + trust, env)
        check("eseal verify " + name + " PASSED", code == 0 and "PASSED" in text)
        code, text = run([eseal, "verify", "--json", out] + trust, env)
        try:
            report = json.loads(text)
        except ValueError:
            report = {}
        sigs = report.get("signatures", [])
        check("eseal verify --json " + name + ": one signature, entire package covered",
              code == 0 and report.get("format") == "OOXML" and len(sigs) == 1 and
              sigs[0].get("coverage") == "entire-file", text[:300])
        with zipfile.ZipFile(out) as z:
            names = z.namelist()
            types = z.read("[Content_Types].xml").decode()
            check(name + ": origin, signature and their content types",
                  "_xmlsignatures/origin.sigs" in names and "_xmlsignatures/sig1.xml" in names and
                  "_xmlsignatures/_rels/origin.sigs.rels" in names and 'Extension="sigs"' in types and
                  'PartName="/_xmlsignatures/sig1.xml"' in types)
            rels = [n for n in names if n.endswith(".rels")]
            check(name + ": relationships parts without white space between elements",
                  all(b">\n<Relationship " not in z.read(n) and b"> <" not in z.read(n) for n in rels))
            sig = z.read("_xmlsignatures/sig1.xml").decode()
            check(name + ": manifest, SignatureInfoV1, XAdES, relationship transform",
                  'Id="idPackageObject"' in sig and "SignatureInfoV1" in sig and "SigningCertificate" in sig and
                  "RelationshipTransform" in sig and "/docProps/core.xml" not in sig)
            pictures = [n for n in names if "/media/eseal-seal-" in n]
            check(name + ": one seal picture", len(pictures) == 1)
            if name.endswith(".docx"):
                doc = z.read("word/document.xml").decode()
                check(name + ": a floating picture in front of the text, 42 mm wide",
                      'behindDoc="0"' in doc and "wp:anchor" in doc and 'cx="1512000"' in doc)
            if name.endswith(".xlsx"):
                drawings = [z.read(n).decode() for n in names if n.startswith("xl/drawings/drawing")]
                cell = "<xdr:col>5</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>19</xdr:row>" if "-cell" in name \
                    else "<xdr:col>0</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>5</xdr:row>"
                check(name + ": a picture anchored to " + ("F20" if "-cell" in name else "A6, below the used range"),
                      any("oneCellAnchor" in d and 'cx="1512000"' in d and cell in d for d in drawings))
            if name.endswith(".pptx"):
                slide = "ppt/slides/slide%d.xml" % (2 if key == p12_key else 1)
                check(name + ": the picture on " + slide, "eseal seal" in z.read(slide).decode())
        code, text = poi(out)
        check("Apache POI verifies " + name, code == 0 and "POI: valid" in text, text[-300:])

    # The seal is visible at its true size: LibreOffice renders the sealed files to PDF and
    # pdfimages finds the seal picture at width_px / (42 mm / 25.4) ppi.
    import struct
    with open(seal, "rb") as f:
        width_px = struct.unpack(">I", f.read(24)[16:20])[0]
    ppi = width_px / (42 / 25.4)
    pdfs = os.path.join(work, "pdf")
    shown = [o for o in sealed if os.path.basename(o).startswith("token-") and "-cell" not in o]
    run(["soffice", "--headless", profile, "--convert-to", "pdf", "--outdir", pdfs] + shown, env)
    for out in shown:
        pdf = os.path.join(pdfs, os.path.splitext(os.path.basename(out))[0] + ".pdf")
        code, text = run(["pdfimages", "-list", pdf], env) if os.path.exists(pdf) else (1, "")
        rows = [line.split() for line in text.splitlines()[2:] if len(line.split()) > 13]
        check("LibreOffice shows the seal of " + os.path.basename(out) + " at 42 mm",
              any(int(r[3]) == width_px and abs(float(r[12]) - ppi) < 2 for r in rows),
              "; ".join("%sx%s@%s" % (r[3], r[4], r[12]) for r in rows))

    # Attack files from our own sealed documents ("Every Signature is Broken").
    base = next(o for o in sealed if o.endswith(".docx"))
    attacks = []

    def attack(name, **kw):
        path = os.path.join(work, name)
        repack(base, path, **kw)
        attacks.append(path)

    rels = "word/_rels/document.xml.rels"

    def add_rel(xml, rel):
        return xml.replace(b"</Relationships>", rel + b"</Relationships>")

    # Content injection: a new part (a header) and a relationship to it the signature does not list.
    header = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:hdr xmlns:w="http://schemas.'
              b'openxmlformats.org/wordprocessingml/2006/main"><w:p><w:r><w:t>\xe5\x81\x87 forged</w:t></w:r>'
              b'</w:p></w:hdr>')
    attack("inject-part.docx", extra=[("word/header9.xml", header)],
           change=lambda n, d: add_rel(d, b'<Relationship Id="rIdX9" Type="http://schemas.openxmlformats.org/'
                                          b'officeDocument/2006/relationships/header" Target="header9.xml"/>')
           if n == rels else d.replace(b"</Types>", b'<Override PartName="/word/header9.xml" ContentType='
                                                    b'"application/vnd.openxmlformats-officedocument.wordprocessing'
                                                    b'ml.header+xml"/></Types>') if n == "[Content_Types].xml" else d)
    # Content masking: a second main document, re-attached through an unsigned package relationship.
    with zipfile.ZipFile(base) as z:
        forged = z.read("word/document.xml").replace("甲方".encode(), "乙方".encode())
    attack("mask-main.docx", extra=[("word/document2.xml", forged)],
           change=lambda n, d: d.replace(b"<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/"
                                         b"relationships\">", b"<Relationships xmlns=\"http://schemas.openxmlformats"
                                         b".org/package/2006/relationships\"><Relationship Id=\"rId0\" Type=\""
                                         b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
                                         b"officeDocument\" Target=\"word/document2.xml\"/>")
           if n == "_rels/.rels" else d.replace(b"</Types>", b'<Override PartName="/word/document2.xml" ContentType='
                                                b'"application/vnd.openxmlformats-officedocument.wordprocessingml.'
                                                b'document.main+xml"/></Types>') if n == "[Content_Types].xml" else d)
    # Masking by content type: the signed document declared as something else.
    attack("content-type.docx", change=lambda n, d: re.sub(
        rb'(PartName="/word/styles.xml" ContentType=")[^"]*', rb"\1application/vnd.openxmlformats-officedocument."
                                                             rb"wordprocessingml.header+xml", d)
        if n == "[Content_Types].xml" else d)
    # A signed part changed.
    attack("changed.docx", change=lambda n, d: d.replace("甲方".encode(), "乙方".encode())
           if n == "word/document.xml" else d)
    # A foreign signature transplanted: the signature of our sealed xlsx put into the docx.
    with zipfile.ZipFile(next(o for o in sealed if o.endswith(".xlsx"))) as z:
        foreign = z.read("_xmlsignatures/sig1.xml")
    attack("transplant.docx", change=lambda n, d: foreign if n == "_xmlsignatures/sig1.xml" else d)
    # Broken packages that only "repair" into content: a part without content type, a dangling relationship.
    attack("repair-no-type.docx", extra=[("word/extra.bin", b"hidden")])
    attack("repair-dangling.docx", change=lambda n, d: add_rel(
        d, b'<Relationship Id="rIdX8" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
           b'footer" Target="footer8.xml"/>') if n == rels else d)
    # A signature part nothing references any more (the origin relationship dropped).
    # Exit 2: INDETERMINATE naming what is not covered; 1: FAILED; 4: a broken package, not repaired.
    want = {"inject-part.docx": (2, "header9.xml"), "mask-main.docx": (2, "document2.xml"),
            "content-type.docx": (1, "content type of word/styles.xml changed"),
            "changed.docx": (1, "word/document.xml"), "transplant.docx": (1, "/xl/workbook.xml"),
            "repair-no-type.docx": (4, "word/extra.bin has no content type"),
            "repair-dangling.docx": (4, "footer8.xml")}
    for path in attacks:
        code, text = run([eseal, "verify", path] + trust, env)
        name = os.path.basename(path)
        check("eseal verify " + name + ": exit %d naming %s, not PASSED" % want[name],
              code == want[name][0] and want[name][1] in text and "Overall: PASSED" not in text, "exit %d" % code)
    code, text = poi(os.path.join(work, "changed.docx"))
    check("Apache POI: changed.docx not valid", code != 0, text[-200:])

    # --cell names a spreadsheet cell: refused for a PDF and a Word document (usage 64, unsupported 4).
    for src, want in ((os.path.join(inputs, "letter.pdf"), 64), (docx, 4)):
        out = os.path.join(work, "cell-" + os.path.basename(src))
        code, text = run([eseal, "sign", src, "-o", out, "--key", p12_key, "--seal", seal, "--pin-env",
                          "ESEAL_OOXML_P12", "--cell", "Sheet1!F20"], env)
        check("eseal sign --cell " + os.path.basename(src) + ": exit %d, no output" % want,
              code == want and not os.path.exists(out), "exit %d" % code)

    # Bad packages: exit 4, nothing written.
    notzip = os.path.join(work, "notzip.docx")
    with open(notzip, "wb") as f:
        f.write(b"PK\x03\x04 this is not a package at all" * 10)
    escape = os.path.join(work, "escape.docx")
    repack(docx, escape, extra=[("../evil.xml", b"<x/>")])
    dup = os.path.join(work, "dup.docx")
    repack(docx, dup)
    with zipfile.ZipFile(dup, "a") as z:
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            z.writestr("word/document.xml", b"<x/>")
    broken = os.path.join(work, "broken.docx")
    repack(docx, broken, change=lambda n, d: d[:len(d) // 2] if n == "word/document.xml" else d)
    xxe = os.path.join(work, "xxe.docx")
    repack(docx, xxe, change=lambda n, d: (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM '
                                           b'"file:///etc/passwd">]>' + d[d.index(b"?>") + 2:])
           if n == "word/styles.xml" else d)
    bomb = os.path.join(work, "bomb.xlsx")
    repack(xlsx, bomb, extra=[("xl/media/bomb.png", b"\0" * (260 << 20))])
    for path, reason in ((notzip, "not a valid ZIP"), (escape, "not safe: ../evil.xml"),
                         (dup, "appear"), (broken, "not well-formed XML"), (xxe, "DOCTYPE"),
                         (bomb, "too large when expanded")):
        out = path + ".sealed" + os.path.splitext(path)[1]
        code, text = run([eseal, "sign", path, "-o", out, "--key", p12_key, "--seal", seal, "--pin-env",
                          "ESEAL_OOXML_P12"], env)
        check("eseal sign " + os.path.basename(path) + ": exit 4, no output, the reason named",
              code == 4 and not os.path.exists(out) and reason in text, "exit %d" % code)

    lo = LibreOffice(work)
    try:
        for out, key in sealed.items():
            name = os.path.basename(out)
            s = lo.verify(out)
            check("LibreOffice: one signature on " + name, len(s) == 1, "%d found" % len(s))
            if s:
                # LibreOffice 7.4 calls every OOXML signature partial (it does not check coverage).
                check("LibreOffice: " + name + " signature valid", s[0].SignatureIsValid,
                      "partial: %s" % s[0].PartialDocumentSignature)
                want = "RSA" if key == token_key else "ECDSA"
                check("LibreOffice: " + name + " signer", s[0].Signer is not None and want in
                      s[0].Signer.SubjectName, str(s[0].Signer.SubjectName if s[0].Signer else None))
        s = lo.verify(os.path.join(work, "changed.docx"))
        check("LibreOffice: changed.docx not valid", len(s) == 1 and not s[0].SignatureIsValid)
    finally:
        lo.stop()
        shutil.rmtree(work, ignore_errors=True)

    return summary()


if __name__ == "__main__":
    sys.exit(main())
