#!/usr/bin/python3
"""Documents LibreOffice signs itself, verified by eseal.

One headless LibreOffice (throwaway profile; an NSS database this test makes
holds the signer-rsa key and certificate, MOZILLA_CERTIFICATE_FOLDER) writes a
letter with a table and CJK text as docx and odt, a sheet as xlsx and ods and
a three-slide deck as pptx and odp (loadComponentFromURL + storeToURL), then
signs each stored package with its own DocumentDigitalSignatures
(signDocumentWithCertificate on a ZipFormat storage, the way its File > Digital
Signatures signs). For each of the six:
  - LibreOffice's own signature check: one valid signature (ODF: not partial);
    xmlsec1 --verify (ODF) or Apache POI (OOXML) as the independent checker:
    POI must accept a package whose signed .rels parts have no white space
    between elements and must refuse one that has it (LibreOffice's xmlsec
    digests those text nodes, ECMA-376 part 2 13.2.4.24 drops them), and then
    eseal must say it read them the LibreOffice way;
  - eseal verify --trust CA.pem (the fixture's ca-chain.pem: the signer's
    issuing CA and the root; LibreOffice's OOXML signature carries the signer's
    certificate alone): PASSED, exit 0; --json: the signer, the chain trusted,
    coverage entire-file;
  - eseal verify without --trust (no trust files, no user trust folder):
    INDETERMINATE, exit 2, never PASSED (digests and signature value good, the
    chain not trusted);
  - one character of a signed part changed (合 -> 和 in content.xml,
    word/document.xml, xl/sharedStrings.xml, ppt/slides/slide2.xml): eseal
    verify FAILED, exit 1, and LibreOffice calls it invalid too.

usage: lo_signed_check.py ESEAL_BIN TEST_DATA_DIR
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import uno  # noqa: E402
from com.sun.star.beans import PropertyValue  # noqa: E402

from office_support import LibreOffice, Poi, check, rezip, run, summary, xmlsec_verify  # noqa: E402

KINDS = {  # kind: (source, LibreOffice export filter, the signed part a byte of is changed)
    "docx": ("letter.html", "MS Word 2007 XML", "word/document.xml"),
    "odt": ("letter.html", "writer8", "content.xml"),
    "xlsx": ("sheet.csv", "Calc MS Excel 2007 XML", "xl/sharedStrings.xml"),
    "ods": ("sheet.csv", "calc8", "content.xml"),
    "pptx": ("deck.fodp", "Impress MS PowerPoint 2007 XML", "ppt/slides/slide2.xml"),
    "odp": ("deck.fodp", "impress8", "content.xml"),
}
ODF = ("odt", "ods", "odp")
CHANGED_TEXT = "合同"  # in every document; its first character is changed in the tampered copies


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def write_inputs(work):
    with open(os.path.join(work, "letter.html"), "w", encoding="utf-8") as f:
        f.write("<html><head><meta charset='utf-8'></head><body><h1>服务合同 Service contract</h1>"
                "<p>甲方：测试单位。乙方：示例公司。本合同自双方盖章之日起生效。</p>"
                "<table border='1'><tr><th>项目</th><th>金额</th></tr><tr><td>设计</td><td>1200</td></tr>"
                "<tr><td>实施</td><td>3400</td></tr></table><p>甲方（盖章）</p></body></html>")
    with open(os.path.join(work, "sheet.csv"), "w", encoding="utf-8") as f:
        f.write("合同,数量,单价\n苹果,3,5.5\n香蕉,5,2\n合计,8,\n")
    frame = ('<draw:frame svg:x="2cm" svg:y="%s" svg:width="20cm" svg:height="3cm"><draw:text-box><text:p>%s'
             '</text:p></draw:text-box></draw:frame>')
    with open(os.path.join(work, "deck.fodp"), "w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?><office:document xmlns:office="urn:oasis:names:tc:opendocument:'
                'xmlns:office:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:text="urn:'
                'oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-'
                'compatible:1.0" office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.'
                'presentation"><office:body><office:presentation>' +
                "".join('<draw:page draw:name="s%d">' % n + frame % ("2cm", title) + frame % ("8cm", body) +
                        "</draw:page>" for n, title, body in ((1, "服务合同", "甲方：测试单位"),
                                                              (2, "第二页：合同条款", "付款：验收后三十日内"),
                                                              (3, "附件", "报价单"))) +
                "</office:presentation></office:body></office:document>")


def make_documents(lo, work):
    """LibreOffice loads each source and stores it in each format; the paths made."""
    desktop = lo.ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", lo.ctx)
    load = {"letter.html": (prop("Hidden", True), prop("FilterName", "HTML (StarWriter)")),
            "sheet.csv": (prop("Hidden", True), prop("FilterName", "Text - txt - csv (StarCalc)"),
                          prop("FilterOptions", "44,34,76")),
            "deck.fodp": (prop("Hidden", True),)}
    out = {}
    for src in load:
        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(os.path.join(work, src)), "_blank", 0, load[src])
        try:
            for kind, (source, filt, _) in KINDS.items():
                if source != src:
                    continue
                path = os.path.join(work, "lo-signed-" + os.path.splitext(src)[0] + "." + kind)
                doc.storeToURL(uno.systemPathToFileUrl(path), (prop("FilterName", filt), prop("Overwrite", True)))
                out[kind] = path
        finally:
            doc.close(True)
    return out


def signed_rels_with_white_space(path):
    """The .rels parts of an OOXML package holding white space between their elements."""
    with zipfile.ZipFile(path) as z:
        return [n for n in z.namelist() if n.endswith(".rels") and not n.startswith("_xmlsignatures/") and
                re.search(rb">\s+<", z.read(n))]


def tamper(path, part, out, odf):
    """A copy of path with the first character of CHANGED_TEXT in part changed (one
    character, the same length in UTF-8: 合 -> 和). False when the text is not there."""
    found = []

    def change(name, data):
        if name != part:
            return data
        text = data.decode("utf-8")
        found.append(CHANGED_TEXT in text)
        return text.replace(CHANGED_TEXT, "和" + CHANGED_TEXT[1:], 1).encode("utf-8")
    rezip(path, out, change, odf=odf)
    return found == [True]


def verify_json(eseal, path, args, env):
    code, text = run([eseal, "verify", "--json", path] + args, env)
    try:
        return code, json.loads(text)
    except ValueError:
        return code, {}


def main():
    eseal, data = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    pki = os.path.join(data, "pki")
    work = tempfile.mkdtemp(prefix="eseal-lo-signed-")
    # No user trust folder (${XDG_CONFIG_HOME}/eseal/trust/) and no bundle from the environment.
    env = dict(os.environ, XDG_CONFIG_HOME=os.path.join(work, "config"))
    env.pop("SSL_CERT_FILE", None)
    ca = os.path.join(pki, "ca-chain.pem")  # the signer's issuing CA and its root
    write_inputs(work)

    nss = os.path.join(work, "nss")
    os.mkdir(nss)
    run(["certutil", "-N", "-d", "sql:" + nss, "--empty-password"], env)
    code, _ = run(["pk12util", "-i", os.path.join(pki, "signer-rsa.p12"), "-d", "sql:" + nss, "-W", "test"], env)
    check("pk12util: signer-rsa in the NSS database", code == 0)
    poi = Poi(work, env)
    check("javac PoiVerify.java", poi.ok)

    lo = LibreOffice(work, base_port=29000, env=dict(env, MOZILLA_CERTIFICATE_FOLDER="sql:" + nss))
    try:
        docs = make_documents(lo, work)
        check("LibreOffice wrote " + ", ".join(sorted(KINDS)), sorted(docs) == sorted(KINDS) and
              all(os.path.isfile(p) for p in docs.values()), str(docs))
        certs = lo.personal_certificates()
        check("LibreOffice sees the one signer in the NSS database", len(certs) == 1, "%d found" % len(certs))
        if len(certs) != 1:
            return summary()
        for kind, path in sorted(docs.items()):
            name = os.path.basename(path)
            check("LibreOffice signs " + name, lo.sign(path, certs[0]))
            with zipfile.ZipFile(path) as z:
                names = z.namelist()
            sigpart = "META-INF/documentsignatures.xml" if kind in ODF else "_xmlsignatures/sig1.xml"
            check(name + ": holds " + sigpart, sigpart in names)

            # (a) LibreOffice's own check and the independent one.
            s = lo.verify(path)
            check("LibreOffice: one valid signature on " + name, len(s) == 1 and s[0].SignatureIsValid,
                  "%d found" % len(s))
            if kind in ODF:
                if s:
                    check("LibreOffice: " + name + " not partial", not s[0].PartialDocumentSignature)
                check("xmlsec1 --verify " + name, xmlsec_verify(path, pki, work))
            lo_rels = []
            if kind not in ODF:
                lo_rels = signed_rels_with_white_space(path)
                code, text = poi.verify(path)
                if lo_rels:
                    check("Apache POI refuses " + name + " (white space digested in " + ", ".join(lo_rels) + ")",
                          code == 1 and "POI: invalid" in text, text[-300:])
                else:
                    check("Apache POI verifies " + name, code == 0 and "POI: valid" in text, text[-300:])

            # (b) eseal, the signer's CA trusted.
            code, report = verify_json(eseal, path, ["--trust", ca, "--no-system-trust"], env)
            sigs = report.get("signatures", [])
            check("eseal verify --trust CA.pem " + name + ": PASSED, exit 0",
                  code == 0 and len(sigs) == 1 and sigs[0].get("indication") == "PASSED",
                  "exit %d, %s" % (code, json.dumps(sigs)[:1500]))
            sig = sigs[0] if sigs else {}
            signer = (sig.get("signer") or {}).get("subject", "")
            check("eseal verify --json " + name + ": signer-rsa, chain trusted, the whole package covered",
                  "RSA" in signer and (sig.get("chain") or {}).get("status") == "trusted" and
                  sig.get("coverage") == "entire-file", "%s %s %s" % (signer, sig.get("chain"), sig.get("coverage")))
            code, text = run([eseal, "verify", path, "--trust", ca, "--no-system-trust"],
                             dict(env, LANGUAGE="en", LANG="C.UTF-8", LC_ALL="C.UTF-8"))
            check("eseal verify " + name + ": Overall: PASSED", code == 0 and "Overall: PASSED" in text,
                  text[-800:])
            if kind not in ODF:
                check("eseal verify " + name + ": LibreOffice's relationship digests noted exactly when used",
                      ("digested as LibreOffice 7.4 does" in text) == bool(lo_rels), text[-800:])

            # (c) Nobody trusted: never PASSED.
            code, report = verify_json(eseal, path, [], env)
            sigs = report.get("signatures", [])
            check("eseal verify " + name + " without --trust: INDETERMINATE (chain untrusted, digests and value good), "
                  "exit 2", code == 2 and len(sigs) == 1 and sigs[0].get("indication") == "INDETERMINATE" and
                  sigs[0].get("digestMatches") is True and sigs[0].get("signatureValid") is True and
                  (sigs[0].get("chain") or {}).get("status") != "trusted",
                  "exit %d, %s" % (code, json.dumps(sigs)[:600]))

            # (d) One byte of a signed part changed.
            part = KINDS[kind][2]
            bad = os.path.join(work, "changed-" + name)
            check(name + ": '" + CHANGED_TEXT + "' in " + part, tamper(path, part, bad, kind in ODF))
            code, report = verify_json(eseal, bad, ["--trust", ca, "--no-system-trust"], env)
            sigs = report.get("signatures", [])
            check("eseal verify " + os.path.basename(bad) + " (a character of " + part + " changed): FAILED, exit 1",
                  code == 1 and len(sigs) == 1 and sigs[0].get("indication") == "FAILED",
                  "exit %d, %s" % (code, json.dumps(sigs)[:600]))
            s = lo.verify(bad)
            check("LibreOffice: " + os.path.basename(bad) + " not valid", len(s) == 1 and not s[0].SignatureIsValid,
                  "%d found" % len(s))
    finally:
        lo.stop()
        shutil.rmtree(work, ignore_errors=True)
    return summary()


if __name__ == "__main__":
    try:
        sys.exit(main())
    except subprocess.TimeoutExpired as e:
        print("timed out: %s" % e)
        sys.exit(1)
