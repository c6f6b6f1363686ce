#!/usr/bin/python3
"""Electronic seals and --keyword in ODF and OOXML, checked by software nobody here wrote.

LibreOffice makes a letter (docx, odt) and a sheet (xlsx, ods) with CJK text
(soffice --convert-to). `eseal seal make` makes a GB/T 38540 seal binding the
token's RSA signer (maker: the SM2 test key) and one binding another
certificate. Each document is sealed with the seal file through the SoftHSM2
token at a keyword (Word and Writer: the paragraph "甲方（盖章）", at the
keyword itself; Excel and Calc: the cell "合计"). A second docx LibreOffice
makes has the keyword on the third line of its third paragraph, split over
three runs by bold and italic (as Word and LibreOffice write formatting), and
so has an odt made of the same text (text:span): the
seal must be centred on it there, not on the paragraph's first line. A
presentation (pptx, odp) LibreOffice makes of three slides has the keyword in a
text box on the second: the seal goes on that slide, on that box. Every result is checked by
(a) eseal verify (the seal's name, maker, validity, binding and picture in
--json, the Seal lines in text), (b) xmlsec1 --verify (ODF) or Apache POI
(OOXML), (c) LibreOffice's own signature check, and (d) LibreOffice renders it
to PDF, where pdftohtml -xml finds the seal's picture at the keyword. Refused
before the PIN: a seal that does not list the signer (no PIN source given, so a
prompt would fail differently). A keyword that is not there: exit 4 naming it,
nothing written. A seal copied into a signature that does not sign it is not
shown and the signature is not PASSED. Finally LibreOffice itself signs a docx
and an odt with its NSS certificate (DocumentDigitalSignatures through UNO),
and eseal verify PASSes them with that signer trusted.

usage: office_seal_check.py ESEAL_BIN TEST_DATA_DIR
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from office_support import LibreOffice, Poi, check, convert, rezip, run, summary, xmlsec_verify  # noqa: E402

SEAL_NAME = "测试单位合同专用章"
WORD_KEYWORD = "甲方（盖章）"
CELL_KEYWORD = "合计"
# Sealed at WORD_KEYWORD; "split", "split-odt": the keyword across runs, on a later line of its paragraph.
TEXT_KINDS = ("docx", "odt", "split", "split-odt")
SLIDE_KINDS = ("pptx", "odp")  # sealed at WORD_KEYWORD, on the second of three slides
ODF_KINDS = ("odt", "ods", "odp", "split-odt")
MM = 72 / 25.4  # PDF points per mm


def keyword_box(xml_text, keyword):
    """The box (left, top, right, bottom in points) of the first pdftohtml text
    fragment holding keyword, and the page number."""
    root = ET.fromstring(xml_text)
    for page in root.iter("page"):
        for t in page.iter("text"):
            if keyword in "".join(t.itertext()):
                left, top = float(t.get("left")), float(t.get("top"))
                return int(page.get("number")), (left, top, left + float(t.get("width")),
                                                 top + float(t.get("height")))
    return None, None


def keyword_spot(xml_text, keyword):
    """Where pdftohtml shows keyword in running text, its fragments joined line by
    line (formatting splits a word into fragments): the page, the line's box and
    the left edge of the keyword's middle character (x, and the line's middle y)."""
    want = "".join(keyword.split())
    for page in ET.fromstring(xml_text).iter("page"):
        lines = []
        for t in page.iter("text"):
            top, left = float(t.get("top")), float(t.get("left"))
            frag = (left, top, float(t.get("width")), float(t.get("height")), "".join(t.itertext()))
            line = next((ln for ln in lines if abs(ln[0][1] - top) < 3), None)
            if line is None:
                lines.append([frag])
            else:
                line.append(frag)
        for line in lines:
            chars = []  # (character, left edge) of the line's text without white space
            for left, top, width, height, text in sorted(line):
                for i, c in enumerate(text):
                    if not c.isspace():
                        chars.append((c, left + width * i / max(len(text), 1)))
            at = "".join(c for c, _ in chars).find(want)
            if at >= 0:
                box = (min(f[0] for f in line), min(f[1] for f in line), max(f[0] + f[2] for f in line),
                       max(f[1] + f[3] for f in line))
                return int(page.get("number")), box, (chars[at + len(want) // 2][1], (box[1] + box[3]) / 2)
    return None, None, None


def image_boxes(xml_text, width_pt):
    """The boxes of the images about width_pt wide (the seal), with their page."""
    root = ET.fromstring(xml_text)
    out = []
    for page in root.iter("page"):
        for i in page.iter("image"):
            w = float(i.get("width"))
            if abs(w - width_pt) < 3:
                left, top = float(i.get("left")), float(i.get("top"))
                out.append((int(page.get("number")), (left, top, left + w, top + float(i.get("height")))))
    return out


def gap(a, b):
    """The distance between two boxes (0 when they overlap), in points."""
    dx = max(a[0] - b[2], b[0] - a[2], 0)
    dy = max(a[1] - b[3], b[1] - a[3], 0)
    return (dx * dx + dy * dy) ** 0.5


def centre(b):
    return ((b[0] + b[2]) / 2, (b[1] + b[3]) / 2)


def main():
    eseal, data = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    pki, inputs = os.path.join(data, "pki"), os.path.join(data, "inputs")
    work = tempfile.mkdtemp(prefix="eseal-office-seal-")
    env = dict(os.environ, SOFTHSM2_CONF=os.path.join(data, "softhsm", "softhsm2.conf"),
               ESEAL_OS_PIN="11223344", ESEAL_OS_P12="test")
    token_key = "pkcs11:token=eseal-test;object=signer-rsa?module-path=/usr/lib/softhsm/libsofthsm2.so"
    trust = ["--trust", os.path.join(pki, "trust.pem"), "--no-system-trust"]
    picture = os.path.join(inputs, "seal-red.png")

    # Seals: one binding the token's signer, one binding someone else.
    seals = {}
    for tag, cert in (("bound", "signer-rsa.crt"), ("other", "signer-untrusted.crt")):
        seals[tag] = os.path.join(work, tag + ".esl")
        code, _ = run([eseal, "seal", "make", "--image", picture, "--size", "40", "--name", SEAL_NAME,
                       "--cert", os.path.join(pki, cert), "--valid", "2025-01-01..2099-12-31", "--maker-key",
                       "p12:" + os.path.join(pki, "signer-sm2.p12"), "--pin-env", "ESEAL_OS_P12",
                       "--id", "office-" + tag, "-o", seals[tag]], env)
        check("eseal seal make " + tag + ".esl", code == 0 and os.path.isfile(seals[tag]))

    # Inputs LibreOffice writes, the keywords in the middle of the content.
    with open(os.path.join(work, "letter.html"), "w", encoding="utf-8") as f:
        f.write("<html><head><meta charset='utf-8'></head><body><h1>服务合同 Service contract</h1>"
                "<p>甲方：测试单位。乙方：示例公司。本合同一式两份，双方各执一份，自签字盖章之日起生效。</p>"
                "<table border='1'><tr><td>项目</td><td>金额（元）</td></tr><tr><td>技术服务</td><td>12,000</td></tr>"
                "</table><p>" + WORD_KEYWORD + "：测试单位</p><p>乙方（盖章）：示例公司</p>"
                + "".join("<p>第%d条 其他约定事项。</p>" % i for i in range(1, 9)) +
                "<p>日期：2026年12月2日</p></body></html>")
    # The keyword on the third line of the third paragraph, split into three runs by formatting.
    long_text = "本合同一式两份，双方各执一份，自签字盖章之日起生效。" * 5
    with open(os.path.join(work, "split.html"), "w", encoding="utf-8") as f:
        f.write("<html><head><meta charset='utf-8'></head><body><p>服务合同</p><p>" + long_text + "</p><p>" +
                long_text + "甲方<b>（盖</b><i>章）</i>：测试单位</p><p>乙方（盖章）：示例公司</p></body></html>")
    with open(os.path.join(work, "sheet.csv"), "w", encoding="utf-8") as f:
        f.write("名称,数量,单价\n苹果,3,5.5\n香蕉,5,2\n" + CELL_KEYWORD + ",8,\n备注,,\n说明,,\n")
    html, csv = os.path.join(work, "letter.html"), os.path.join(work, "sheet.csv")
    # Three slides, the keyword in a text box (12 cm, 10 cm; 10 x 4 cm) on the second.
    deck = os.path.join(work, "deck.fodp")
    frame = ('<draw:frame svg:x="%s" svg:y="%s" svg:width="%s" svg:height="%s"><draw:text-box><text:p>%s</text:p>'
             '</draw:text-box></draw:frame>')
    with open(deck, "w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?><office:document xmlns:office="urn:oasis:names:tc:opendocument:'
                'xmlns:office:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:text="urn:'
                'oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-'
                'compatible:1.0" office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.'
                'presentation"><office:body><office:presentation>' +
                "".join('<draw:page draw:name="s%d">' % n + frame % ("2cm", "2cm", "20cm", "3cm", title) +
                        (frame % ("12cm", "10cm", "10cm", "4cm", WORD_KEYWORD + "：测试单位") if n == 2 else "") +
                        "</draw:page>" for n, title in ((1, "服务合同"), (2, "第二页：条款"), (3, "附件"))) +
                "</office:presentation></office:body></office:document>")
    docs = {
        "docx": convert(work, html, "docx:MS Word 2007 XML", env),
        "split": convert(work, os.path.join(work, "split.html"), "docx:MS Word 2007 XML", env),
        "split-odt": convert(work, os.path.join(work, "split.html"), "odt:writer8", env),
        "pptx": convert(work, deck, "pptx:Impress MS PowerPoint 2007 XML", env),
        "odp": convert(work, deck, "odp:impress8", env),
        "odt": convert(work, html, "odt:writer8", env),
        "xlsx": convert(work, csv, "xlsx:Calc MS Excel 2007 XML", env, "CSV:44,34,76"),
        "ods": convert(work, csv, "ods", env, "CSV:44,34,76"),
    }
    check("LibreOffice made letter.docx, letter.odt, sheet.xlsx, sheet.ods, split.docx, split.odt, deck.pptx, deck.odp",
          all(os.path.isfile(p) for p in docs.values()), str(docs))
    if os.path.isfile(docs["split"]):
        with zipfile.ZipFile(docs["split"]) as z:
            body = ET.fromstring(z.read("word/document.xml")).find(
                "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}body")
        w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
        paragraphs = [["".join(t.itertext()) for t in p.iter(w + "t")] for p in body.iter(w + "p")]
        holding = [i for i, p in enumerate(paragraphs) if WORD_KEYWORD in "".join(p)]
        check("split.docx: the keyword in the third paragraph only, in no single w:t",
              holding == [2] and not any(WORD_KEYWORD in t for t in paragraphs[2]), str(paragraphs[2:3]))

    poi = Poi(work, env)
    check("javac PoiVerify.java", poi.ok)

    # Sealed with the seal file at the keyword.
    sealed = {}
    for kind, src in docs.items():
        out = os.path.join(work, "sealed-" + os.path.basename(src))
        keyword = CELL_KEYWORD if kind in ("xlsx", "ods") else WORD_KEYWORD
        code, _ = run([eseal, "sign", src, "-o", out, "--key", token_key, "--seal", seals["bound"],
                       "--keyword", keyword, "--pin-env", "ESEAL_OS_PIN"], env)
        check("eseal sign --seal --keyword " + os.path.basename(out), code == 0 and os.path.isfile(out))
        sealed[kind] = out

    sealed = {kind: out for kind, out in sealed.items() if os.path.isfile(out)}  # failed above when missing
    for kind, out in sealed.items():
        name = os.path.basename(out)
        code, text = run([eseal, "verify", "--json", out] + trust, env)
        try:
            report = json.loads(text)
        except ValueError:
            report = {}
        sigs = report.get("signatures", [])
        e = sigs[0].get("electronicSeal", {}) if sigs else {}
        check("eseal verify --json " + name + ": PASSED with the seal, its maker, validity and binding",
              code == 0 and len(sigs) == 1 and sigs[0].get("indication") == "PASSED" and
              e.get("name") == SEAL_NAME and e.get("esID") == "office-bound" and
              e.get("validStart") == "2025-01-01T00:00:00Z" and e.get("validEnd") == "2099-12-31T23:59:59Z" and
              "CN=" in e.get("maker", "") and e.get("makerSignatureValid") is True and
              e.get("signerListed") is True and "ds:Object" in e.get("carriedIn", ""), json.dumps(e)[:400])
        check("eseal verify --json " + name + ": the picture shown is the seal's", e.get("pictureOnPage") == "matches",
              str(e.get("pictureOnPage")))
        code, text = run([eseal, "verify", out] + trust, dict(env, LANGUAGE="en", LANG="C.UTF-8", LC_ALL="C.UTF-8"))
        check("eseal verify " + name + ": the Seal lines",
              code == 0 and re.search(r"Seal:\s+" + SEAL_NAME, text) and "signer listed in the seal" in text and
              "the picture on the page is the seal's picture" in text, text[-600:])
        with zipfile.ZipFile(out) as z:
            sigpart = "META-INF/documentsignatures.xml" if kind in ODF_KINDS else "_xmlsignatures/sig1.xml"
            sig = z.read(sigpart).decode()
        check(name + ": the seal in a signed Object of its own",
              re.search(r'<Reference URI="#(idElectronicSeal[^"]*)"', sig) is not None and
              "urn:uuid:9fcf2c95-8af4-4ec6-ae4f-ad6b4b092641" in sig)
        if kind in ODF_KINDS:
            check("xmlsec1 --verify " + name, xmlsec_verify(out, pki, work))
        else:
            code, text = poi.verify(out)
            check("Apache POI verifies " + name, code == 0 and "POI: valid" in text, text[-300:])

    # The seal picture at the keyword, as LibreOffice lays the sealed documents out.
    pdfs = os.path.join(work, "pdf")
    profile = "-env:UserInstallation=file://" + os.path.join(work, "render-profile")
    for kind, out in sealed.items():
        # One folder per kind: letter.docx and letter.odt both render to letter.pdf.
        run(["soffice", "--headless", profile, "--convert-to", "pdf", "--outdir", os.path.join(pdfs, kind), out], env)
        pdf = os.path.join(pdfs, kind, os.path.splitext(os.path.basename(out))[0] + ".pdf")
        code, xml_text = run(["pdftohtml", "-xml", "-i", "-stdout", "-zoom", "1", pdf], env) \
            if os.path.exists(pdf) else (1, "")
        # -i leaves images out of the text; run again with them for their boxes.
        code2, xml_images = run(["pdftohtml", "-xml", "-stdout", "-zoom", "1", "-nodrm", pdf], env) \
            if os.path.exists(pdf) else (1, "")
        keyword = CELL_KEYWORD if kind in ("xlsx", "ods") else WORD_KEYWORD
        spot = None
        try:
            if kind in TEXT_KINDS:
                page, box, spot = keyword_spot(xml_text, keyword)
            else:
                page, box = keyword_box(xml_text, keyword)
            images = image_boxes(xml_images, 40 * MM)
        except ET.ParseError as err:
            page, box, images = None, None, []
            print("pdftohtml output does not parse: %s" % err)
        near = [b for p, b in images if p == page and box and gap(b, box) < 5 * MM]
        detail = "keyword %s on page %s, seals %s" % (box, page, images)
        check("LibreOffice shows the seal of " + os.path.basename(out) + " at the keyword", code == 0 and code2 == 0
              and len(images) == 1 and len(near) == 1, detail)
        if kind in SLIDE_KINDS and near:
            # On the second slide, centred on the text box (12 cm + 5 cm, 10 cm + 2 cm from the top-left).
            cx, cy = centre(near[0])
            check(os.path.basename(out) + ": seal on slide 2, centred on the keyword's text box (within 3 mm)",
                  page == 2 and abs(cx - 170 * MM) < 3 * MM and abs(cy - 120 * MM) < 3 * MM,
                  "page %s, seal centre %.0f,%.0f pt" % (page, cx, cy))
        if spot and near:
            # In text the seal is centred on the keyword itself: its middle character, its line.
            kx, ky = spot
            cx, cy = centre(near[0])
            check(os.path.basename(out) + ": seal centred on the keyword (within 6 mm)",
                  abs(cx - kx) < 6 * MM and abs(cy - ky) < 6 * MM, "seal centre %.0f,%.0f keyword %.0f,%.0f pt"
                  % (cx, cy, kx, ky))

    # Refused before the PIN: no PIN source, stdin closed; a prompt would fail otherwise.
    out = os.path.join(work, "other.docx")
    r = subprocess.run([eseal, "sign", docs["docx"], "-o", out, "--key", token_key, "--seal", seals["other"]],
                       env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, timeout=120)
    print(r.stdout[-800:])
    check("eseal sign docx --seal (other signer): exit 4 before the PIN, nothing written",
          r.returncode == 4 and "does not list the signer certificate" in r.stdout and not os.path.exists(out),
          "exit %d" % r.returncode)
    out = os.path.join(work, "other.ods")
    code, text = run([eseal, "sign", docs["ods"], "-o", out, "--key", token_key, "--seal", seals["other"]], env,
                     stdin=subprocess.DEVNULL)
    check("eseal sign ods --seal (other signer): exit 4 before the PIN, nothing written",
          code == 4 and "does not list the signer certificate" in text and not os.path.exists(out), "exit %d" % code)

    # A keyword that is not there: exit 4 naming it, nothing written (checked before the PIN too).
    for kind, src in docs.items():
        out = os.path.join(work, "missing-" + os.path.basename(src))
        code, text = run([eseal, "sign", src, "-o", out, "--key", token_key, "--seal", seals["bound"], "--keyword",
                          "不存在的文字"], env, stdin=subprocess.DEVNULL)
        check("eseal sign " + kind + " --keyword (missing): exit 4 naming the text, no output",
              code == 4 and "不存在的文字" in text and not os.path.exists(out), "exit %d" % code)

    # A seal put into a signature that does not sign it is not the signer's.
    plain = {}
    for kind in ("docx", "odt"):
        plain[kind] = os.path.join(work, "plain-" + os.path.basename(docs[kind]))
        code, _ = run([eseal, "sign", docs[kind], "-o", plain[kind], "--key", token_key, "--image", picture,
                       "--pin-env", "ESEAL_OS_PIN"], env)
        check("eseal sign " + os.path.basename(plain[kind]) + " (picture only)", code == 0)
    for kind, sigpart in (("docx", "_xmlsignatures/sig1.xml"), ("odt", "META-INF/documentsignatures.xml")):
        with zipfile.ZipFile(sealed[kind]) as z:
            obj = re.search(r"<Object Id=\"idElectronicSeal[^\"]*\">.*?</Object>", z.read(sigpart).decode(), re.S)
        forged = os.path.join(work, "unsigned-seal-" + os.path.basename(docs[kind]))
        rezip(plain[kind], forged, lambda n, d: d.decode().replace("</Signature>", obj.group(0) + "</Signature>")
              .encode() if n == sigpart else d, odf=kind == "odt")
        code, text = run([eseal, "verify", "--json", forged] + trust, env)
        try:
            s = json.loads(text)["signatures"][0]
        except (ValueError, KeyError, IndexError):
            s = {}
        check("eseal verify " + os.path.basename(forged) + ": FAILED, the unsigned seal not shown",
              code == 1 and s.get("indication") == "FAILED" and "electronicSeal" not in s and
              "outside what it signs" in text, "exit %d" % code)

    # LibreOffice signs a docx and an odt itself, with its NSS certificate (the signer-rsa key).
    nss = os.path.join(work, "nss")
    os.mkdir(nss)
    run(["certutil", "-N", "-d", "sql:" + nss, "--empty-password"], env)
    run(["pk12util", "-i", os.path.join(pki, "signer-rsa.p12"), "-d", "sql:" + nss, "-W", "test"], env)
    lo_env = dict(env, MOZILLA_CERTIFICATE_FOLDER="sql:" + nss)
    lo_signed = {}
    for kind in ("docx", "odt"):
        lo_signed[kind] = os.path.join(work, "lo-signed-" + os.path.basename(docs[kind]))
        shutil.copy(docs[kind], lo_signed[kind])

    lo = LibreOffice(work, base_port=25000, env=lo_env)
    try:
        for kind, out in sealed.items():
            name = os.path.basename(out)
            s = lo.verify(out)
            check("LibreOffice: one valid signature on " + name, len(s) == 1 and s[0].SignatureIsValid,
                  "%d found" % len(s))
            if s and kind in ODF_KINDS:
                check("LibreOffice: " + name + " not partial", not s[0].PartialDocumentSignature)
            if s:
                check("LibreOffice: " + name + " signer", s[0].Signer is not None and "RSA" in
                      s[0].Signer.SubjectName, str(s[0].Signer.SubjectName if s[0].Signer else None))
        certs = lo.personal_certificates()
        check("LibreOffice sees the signer in the NSS database", len(certs) == 1)
        for kind, path in lo_signed.items():
            if not certs:
                break
            check("LibreOffice signs " + os.path.basename(path), lo.sign(path, certs[0]))
            s = lo.verify(path)
            check("LibreOffice: its own signature on " + os.path.basename(path) + " valid",
                  len(s) == 1 and s[0].SignatureIsValid, "%d found" % len(s))
            # LibreOffice's OOXML signature carries the signer certificate alone: its issuing CA is
            # given as trusted too. Its relationships are digested the LibreOffice way (a warning).
            code, text = run([eseal, "verify", path] + trust + ["--trust", os.path.join(pki, "intermediate-ca.crt")],
                             env)
            check("eseal verify " + os.path.basename(path) + " (LibreOffice's own signature) PASSED",
                  code == 0 and "Overall: PASSED" in text, "exit %d" % code)
            if kind == "docx":
                check("eseal verify " + os.path.basename(path) + ": LibreOffice's relationship digests noted",
                      "digested as LibreOffice 7.4 does" in text)
                code, text = poi.verify(path)
                check("Apache POI on " + os.path.basename(path) + " (LibreOffice's relationship digests): not valid",
                      code == 1 and "POI: invalid" in text, text[-300:])
    finally:
        lo.stop()
        shutil.rmtree(work, ignore_errors=True)
    return summary()


if __name__ == "__main__":
    sys.exit(main())
