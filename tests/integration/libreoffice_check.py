#!/usr/bin/python3
"""LibreOffice's own PDF signature check of files eseal sealed.

Seals a LibreOffice-made PDF through the SoftHSM2 fixture token, seals the result
again with a PKCS#12 key, appends an unsigned page change to a copy and damages
another; then asks a headless LibreOffice
(com.sun.star.security.DocumentDigitalSignatures.verifyDocumentContentSignatures
with a PDF stream, LibreOffice's xmlsecurity PDF verifier) what it thinks of each.
Needs /usr/bin/python3 with python3-uno. Prints "N passed, M failed".

usage: libreoffice_check.py ESEAL_BIN TEST_DATA_DIR
"""
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import office_support  # noqa: E402
from office_support import check, summary  # noqa: E402


def run(cmd, env):
    return office_support.run(cmd, env, timeout=120)[0]


class LibreOffice(office_support.LibreOffice):
    """One headless LibreOffice with a throwaway profile, stopped by PID; verify() reads a PDF."""

    def __init__(self, workdir):
        super().__init__(workdir, base_port=21000)

    def verify(self, path):
        return self.verify_pdf(path)


def main():
    eseal, data = sys.argv[1], sys.argv[2]
    pki, inputs = os.path.join(data, "pki"), os.path.join(data, "inputs")
    work = tempfile.mkdtemp(prefix="eseal-lo-check-", dir=os.path.join(data, "tmp") if os.path.isdir(
        os.path.join(data, "tmp")) else None)
    env = dict(os.environ, SOFTHSM2_CONF=os.path.join(data, "softhsm", "softhsm2.conf"),
               ESEAL_LO_PIN="11223344", ESEAL_LO_P12="test")
    token_key = "pkcs11:token=eseal-test;object=signer-ec?module-path=/usr/lib/softhsm/libsofthsm2.so"
    seal = os.path.join(inputs, "seal-red.png")
    one, two, changed, flipped = (os.path.join(work, n) for n in ("one.pdf", "two.pdf", "changed.pdf",
                                                                  "flipped.pdf"))

    check("seal through the token", run([eseal, "sign", os.path.join(inputs, "letter.pdf"), "-o", one, "--key",
                                         token_key, "--seal", seal, "--at", "140,207", "--pin-env",
                                         "ESEAL_LO_PIN"], env) == 0)
    check("second seal with a PKCS#12 key",
          run([eseal, "sign", one, "-o", two, "--key", "p12:" + os.path.join(pki, "signer-rsa.p12"), "--seal", seal,
               "--at", "50,250", "--size", "30", "--pin-env", "ESEAL_LO_P12"], env) == 0)
    check("append an unsigned update that changes page content",
          run(["/usr/bin/python3", os.path.join(os.path.dirname(os.path.abspath(__file__)), "append-update.py"),
               one, changed], env) == 0)
    check("eseal verify changed.pdf says FAILED (exit 1)",
          run([eseal, "verify", changed, "--trust", os.path.join(pki, "trust.pem"), "--no-system-trust"], env) == 1)
    shutil.copy(one, flipped)
    with open(flipped, "r+b") as f:  # one bit inside the first signed range
        f.seek(2000)
        b = f.read(1)
        f.seek(2000)
        f.write(bytes([b[0] ^ 0x01]))
    for path in (one, two):
        check("eseal verify " + os.path.basename(path),
              run([eseal, "verify", path, "--trust", os.path.join(pki, "trust.pem"), "--no-system-trust"],
                  env) == 0)

    lo = LibreOffice(work)
    try:
        s = lo.verify(one)
        check("LibreOffice: one signature on one.pdf", len(s) == 1, "%d found" % len(s))
        if s:
            check("LibreOffice: one.pdf signature valid", s[0].SignatureIsValid)
            check("LibreOffice: one.pdf covers the whole document", not s[0].PartialDocumentSignature)
            check("LibreOffice: signer is the token's key",
                  s[0].Signer is not None and "ECDSA" in s[0].Signer.SubjectName, str(
                      s[0].Signer.SubjectName if s[0].Signer else None))
        s = lo.verify(two)
        check("LibreOffice: two signatures on two.pdf", len(s) == 2, "%d found" % len(s))
        if len(s) == 2:
            check("LibreOffice: both signatures valid", s[0].SignatureIsValid and s[1].SignatureIsValid)
            # LibreOffice calls a signature partial only when an UNSIGNED incremental
            # update follows it; the second seal's update is signed, so neither is.
            partial = [x.PartialDocumentSignature for x in s]
            check("LibreOffice: neither seal partial (the later update is signed)", partial == [False, False],
                  str(partial))
        s = lo.verify(changed)
        check("LibreOffice: one signature on changed.pdf", len(s) == 1, "%d found" % len(s))
        if s:
            check("LibreOffice: an unsigned later update makes the seal partial", s[0].PartialDocumentSignature)
        s = lo.verify(flipped)
        check("LibreOffice: the damaged copy is not valid", len(s) == 1 and not s[0].SignatureIsValid)
    finally:
        lo.stop()
        shutil.rmtree(work, ignore_errors=True)

    return summary()


if __name__ == "__main__":
    sys.exit(main())
