#!/usr/bin/python3
"""ODF package seals, checked by software nobody here wrote.

Makes an odt and an ods with CJK text from HTML and CSV with a headless
LibreOffice (soffice --convert-to), seals each through the SoftHSM2 fixture
token (RSA) and with a PKCS#12 key (ECDSA), then checks every result with
(a) eseal verify (exit 0), (b) xmlsec1 --verify on documentsignatures.xml
over the extracted package, (c) LibreOffice's own check
(DocumentDigitalSignatures.verifyDocumentContentSignatures on the package
storage: SignatureIsValid, not partial). Tampered copies (content.xml changed,
an entry added, a second SigningTime, certificates mixed, an unknown signature
method) must not PASS, and bad packages (not a ZIP, a path escape, a duplicate
entry, an external entity) must end in exit 4 with no output written.

usage: odf_check.py ESEAL_BIN TEST_DATA_DIR
"""
import os
import re
import shutil
import sys
import tempfile
import zipfile

import uno

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from office_support import LibreOffice, check, results, run, summary, xmlsec_verify  # noqa: E402,F401
from office_support import rezip as _rezip  # noqa: E402


def rezip(src, dst, change=None, extra=()):
    _rezip(src, dst, change, extra, odf=True)


def main():
    eseal, data = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    pki, inputs = os.path.join(data, "pki"), os.path.join(data, "inputs")
    work = tempfile.mkdtemp(prefix="eseal-odf-check-")
    env = dict(os.environ, SOFTHSM2_CONF=os.path.join(data, "softhsm", "softhsm2.conf"),
               ESEAL_ODF_PIN="11223344", ESEAL_ODF_P12="test")
    token_key = "pkcs11:token=eseal-test;object=signer-rsa?module-path=/usr/lib/softhsm/libsofthsm2.so"
    p12_key = "p12:" + os.path.join(pki, "signer-ec.p12")
    seal = os.path.join(inputs, "seal-red.png")
    trust = ["--trust", os.path.join(pki, "trust.pem"), "--no-system-trust"]

    # Inputs LibreOffice writes from real text with a table and CJK characters.
    with open(os.path.join(work, "letter.html"), "w", encoding="utf-8") as f:
        f.write("<html><head><meta charset='utf-8'></head><body><h1>服务合同 Service contract</h1>"
                "<p>甲方：测试单位。乙方：示例公司。本合同一式两份。</p>"
                "<table border='1'><tr><td>项目</td><td>金额（元）</td></tr><tr><td>技术服务</td><td>12,000</td></tr>"
                "</table><p>甲方（盖章）：</p><p>日期：2026年12月2日</p></body></html>")
    with open(os.path.join(work, "sheet.csv"), "w", encoding="utf-8") as f:
        f.write("名称,数量,单价\n苹果,3,5.5\n香蕉,5,2\n合计,8,\n")
    profile = "-env:UserInstallation=" + uno.systemPathToFileUrl(os.path.join(work, "convert-profile"))
    run(["soffice", "--headless", profile, "--convert-to", "odt:writer8", "--outdir", work,
         os.path.join(work, "letter.html")], env)
    run(["soffice", "--headless", profile, "--infilter=CSV:44,34,76", "--convert-to", "ods", "--outdir", work,
         os.path.join(work, "sheet.csv")], env)
    odt, ods = os.path.join(work, "letter.odt"), os.path.join(work, "sheet.ods")
    check("LibreOffice made letter.odt and sheet.ods", os.path.isfile(odt) and os.path.isfile(ods))

    sealed = {}
    for src, key, pin, extra in ((odt, token_key, "ESEAL_ODF_PIN", []),
                                 (ods, token_key, "ESEAL_ODF_PIN", []),
                                 (odt, p12_key, "ESEAL_ODF_P12", []),
                                 (ods, p12_key, "ESEAL_ODF_P12", [])):
        tag = "token" if key == token_key else "p12"
        out = os.path.join(work, tag + "-" + os.path.basename(src))
        code, _ = run([eseal, "sign", src, "-o", out, "--key", key, "--seal", seal, "--pin-env", pin] + extra, env)
        check("eseal sign " + os.path.basename(out), code == 0 and os.path.isfile(out))
        sealed[out] = key

    for out in sealed:
        name = os.path.basename(out)
        code, text = run([eseal, "verify", out] + trust, env)
        check("eseal verify " + name + " PASSED", code == 0 and "PASSED" in text)
        with zipfile.ZipFile(out) as z:
            infos = z.infolist()
            check(name + ": mimetype first and stored",
                  infos[0].filename == "mimetype" and infos[0].compress_type == zipfile.ZIP_STORED)
            content = z.read("content.xml").decode("utf-8")
            pictures = [i for i in z.namelist() if i.startswith("Pictures/eseal-seal-")]
            check(name + ": seal picture in Pictures/ and a draw:frame showing it at 42 mm",
                  len(pictures) == 1 and pictures[0] in content and 'svg:width="42.00mm"' in content)
            check(name + ": picture listed in the manifest", pictures and pictures[0].encode() in
                  z.read("META-INF/manifest.xml"))
        check("xmlsec1 --verify " + name, xmlsec_verify(out, pki, work))

    # Tampered copies.
    base = next(iter(sealed))
    changed = os.path.join(work, "changed.odt")
    rezip(base, changed, lambda n, d: d.replace("甲方".encode(), "乙方".encode()) if n == "content.xml" else d)
    injected = os.path.join(work, "injected.odt")
    rezip(base, injected, extra=[("Pictures/extra.png", open(seal, "rb").read())])

    def sigxml(fn):
        return lambda n, d: fn(d.decode("utf-8")).encode("utf-8") if n == "META-INF/documentsignatures.xml" else d

    two_times = os.path.join(work, "cve-2021-25634.odt")  # a second, unsigned SigningTime wrapped in
    rezip(base, two_times, sigxml(lambda s: s.replace(
        "</xd:QualifyingProperties>", "<xd:UnsignedProperties><xd:SigningTime>2001-01-01T00:00:00Z"
        "</xd:SigningTime></xd:UnsignedProperties></xd:QualifyingProperties>", 1)))
    mixed = os.path.join(work, "cve-2021-25633.odt")  # another certificate put first in KeyInfo
    with open(os.path.join(pki, "signer-untrusted.der"), "rb") as f:
        import base64
        other = base64.b64encode(f.read()).decode()
    rezip(base, mixed, sigxml(lambda s: re.sub(r"<X509Certificate>[^<]*</X509Certificate>",
                                               "<X509Certificate>" + other + "</X509Certificate>", s, count=1)))
    unknown = os.path.join(work, "cve-2021-25635.odt")  # an algorithm nobody checks
    rezip(base, unknown, sigxml(lambda s: re.sub(r'SignatureMethod Algorithm="[^"]*"',
                                                 'SignatureMethod Algorithm="urn:example:unknown"', s)))
    for path, want in ((changed, 1), (injected, 2), (two_times, 1), (mixed, 1), (unknown, 2)):
        code, text = run([eseal, "verify", path] + trust, env)
        check("eseal verify " + os.path.basename(path) + " exit %d, not PASSED" % want,
              code == want and "Overall: PASSED" not in text, "exit %d" % code)

    # Bad packages: exit 4, nothing written.
    notzip = os.path.join(work, "notzip.odt")
    with open(notzip, "wb") as f:
        f.write(b"PK\x03\x04 this is not a package at all" * 10)
    escape = os.path.join(work, "escape.odt")
    rezip(odt, escape, extra=[("../evil.xml", b"<x/>")])
    dup = os.path.join(work, "dup.odt")
    rezip(odt, dup)
    with zipfile.ZipFile(dup, "a") as z:
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            z.writestr("content.xml", b"<x/>")
    xxe = os.path.join(work, "xxe.odt")
    rezip(odt, xxe, lambda n, d: (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                                  + d[d.index(b"?>") + 2:]) if n == "styles.xml" else d)
    for path in (notzip, escape, dup, xxe):
        out = path + ".sealed.odt"
        code, text = run([eseal, "sign", path, "-o", out, "--key", p12_key, "--seal", seal, "--pin-env",
                          "ESEAL_ODF_P12"], env)
        check("eseal sign " + os.path.basename(path) + ": exit 4, no output",
              code == 4 and not os.path.exists(out) and "eseal:" in text, "exit %d" % code)

    # LibreOffice signs a copy itself (its certificate from an NSS database),
    # for eseal verify to check a signature eseal did not write.
    nss = os.path.join(work, "nss")
    os.mkdir(nss)
    run(["certutil", "-N", "-d", "sql:" + nss, "--empty-password"], env)
    run(["pk12util", "-i", os.path.join(pki, "signer-rsa.p12"), "-d", "sql:" + nss, "-W", "test"], env)
    os.environ["MOZILLA_CERTIFICATE_FOLDER"] = "sql:" + nss
    lo_signed = os.path.join(work, "lo-signed.odt")
    shutil.copy(odt, lo_signed)

    lo = LibreOffice(work)
    try:
        smgr = lo.ctx.ServiceManager
        security = smgr.createInstanceWithContext("com.sun.star.xml.crypto.SEInitializer", lo.ctx)
        certs = security.createSecurityContext("").getSecurityEnvironment().getPersonalCertificates()
        check("LibreOffice sees the signer in the NSS database", len(certs) == 1)
        if certs:
            storage = lo.open_storage(lo_signed, 7)
            check("LibreOffice signs lo-signed.odt", lo.signatures.signDocumentWithCertificate(certs[0], storage, None))
            storage.dispose()
            code, text = run([eseal, "verify", lo_signed] + trust, env)
            check("eseal verify lo-signed.odt (LibreOffice's own signature) PASSED", code == 0 and "PASSED" in text)

        for out, key in sealed.items():
            s = lo.verify(out)
            name = os.path.basename(out)
            check("LibreOffice: one signature on " + name, len(s) == 1, "%d found" % len(s))
            if s:
                check("LibreOffice: " + name + " signature valid", s[0].SignatureIsValid)
                check("LibreOffice: " + name + " not partial", not s[0].PartialDocumentSignature)
                want = "RSA" if key == token_key else "ECDSA"
                check("LibreOffice: " + name + " signer", s[0].Signer is not None and want in
                      s[0].Signer.SubjectName, str(s[0].Signer.SubjectName if s[0].Signer else None))
        s = lo.verify(changed)
        check("LibreOffice: changed.odt not valid", len(s) == 1 and not s[0].SignatureIsValid)
    finally:
        lo.stop()
        shutil.rmtree(work, ignore_errors=True)

    return summary()


if __name__ == "__main__":
    sys.exit(main())
