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
import subprocess
import sys
import tempfile
import time

import uno
from com.sun.star.connection import NoConnectException

results = []


def check(name, ok, detail=""):
    results.append(ok)
    print(("ok      " if ok else "FAILED  ") + name + (": " + detail if detail else ""), flush=True)


def run(cmd, env):
    r = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120)
    print("$ " + " ".join(cmd) + " -> exit %d" % r.returncode, flush=True)
    if r.returncode != 0:
        print(r.stdout)
    return r.returncode


class LibreOffice:
    """One headless LibreOffice with a throwaway profile, stopped by PID."""

    def __init__(self, workdir):
        self.port = 21000 + os.getpid() % 20000
        profile = uno.systemPathToFileUrl(os.path.join(workdir, "lo-profile"))
        self.proc = subprocess.Popen(
            ["soffice", "--headless", "--norestore", "--nologo", "--nodefault",
             "-env:UserInstallation=" + profile,
             "--accept=socket,host=127.0.0.1,port=%d;urp;" % self.port],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        deadline = time.time() + 90
        while True:
            try:
                self.ctx = resolver.resolve(
                    "uno:socket,host=127.0.0.1,port=%d;urp;StarOffice.ComponentContext" % self.port)
                break
            except NoConnectException:
                if time.time() > deadline or self.proc.poll() is not None:
                    raise RuntimeError("LibreOffice did not start")
                time.sleep(0.25)
        smgr = self.ctx.ServiceManager
        self.files = smgr.createInstanceWithContext("com.sun.star.ucb.SimpleFileAccess", self.ctx)
        self.signatures = smgr.createInstanceWithContext("com.sun.star.security.DocumentDigitalSignatures",
                                                         self.ctx)

    def verify(self, path):
        stream = self.files.openFileRead(uno.systemPathToFileUrl(os.path.abspath(path)))
        try:
            # No storage: LibreOffice treats the stream as a PDF.
            return list(self.signatures.verifyDocumentContentSignatures(None, stream))
        finally:
            stream.closeInput()

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


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

    failed = results.count(False)
    print("%d passed, %d failed" % (len(results) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
