#!/usr/bin/python3
"""LibreOffice itself loading, storing and signing an Office file, timed
(bench/office.sh): one headless LibreOffice (throwaway profile, the NSS
database in MOZILLA_CERTIFICATE_FOLDER), then
  load   Desktop.loadComponentFromURL (Hidden)
  store  storeToURL in the same format (the filter LibreOffice detected), close
  sign   DocumentDigitalSignatures.signDocumentWithCertificate on the stored
         package (the one certificate of the NSS database), which commits it.
Prints one line "load S store S sign S total S" (seconds, wall) or why it failed.

usage: lo-sign.py IN OUT WORKDIR
"""
import os
import shutil
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "integration"))
import uno  # noqa: E402
from com.sun.star.beans import PropertyValue  # noqa: E402

from office_support import LibreOffice, storage_format  # noqa: E402


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def nss_certificate(ctx):
    """The one personal certificate of the NSS database (MOZILLA_CERTIFICATE_FOLDER),
    or the reason there is none (a string)."""
    security = ctx.ServiceManager.createInstanceWithContext("com.sun.star.xml.crypto.SEInitializer", ctx)
    certs = security.createSecurityContext("").getSecurityEnvironment().getPersonalCertificates()
    if len(certs) != 1:
        return "%d certificates in the NSS database, want 1" % len(certs)
    return certs[0]


def sign_stored(ctx, path, certificate):
    """DocumentDigitalSignatures.signDocumentWithCertificate on the package at
    path (read-write storage, committed by the call), as LibreOffice's own
    File > Digital Signatures signs a stored document. True when it signed.
    (bench/clerk.py uses this too: LibreOffice's sign-and-reload.)"""
    smgr = ctx.ServiceManager
    storages = smgr.createInstanceWithContext("com.sun.star.embed.StorageFactory", ctx)
    signatures = smgr.createInstanceWithArgumentsAndContext(
        "com.sun.star.security.DocumentDigitalSignatures", ("1.2", False), ctx)
    storage = uno.invoke(storages, "createInstanceWithArguments",
                         ((uno.systemPathToFileUrl(os.path.abspath(path)), 7, storage_format("ZipFormat")),))
    try:
        return bool(signatures.signDocumentWithCertificate(certificate, storage, None))
    finally:
        storage.dispose()


def main():
    src, out, work = (os.path.abspath(a) for a in sys.argv[1:4])
    lo = LibreOffice(work, base_port=27000, env=dict(os.environ))
    try:
        smgr = lo.ctx.ServiceManager
        desktop = smgr.createInstanceWithContext("com.sun.star.frame.Desktop", lo.ctx)
        t0 = time.monotonic()
        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(src), "_blank", 0, (prop("Hidden", True),))
        t1 = time.monotonic()
        filt = next((a.Value for a in doc.getArgs() if a.Name == "FilterName"), "")
        doc.storeToURL(uno.systemPathToFileUrl(out), (prop("FilterName", filt), prop("Overwrite", True)))
        doc.close(True)
        t2 = time.monotonic()
        certificate = nss_certificate(lo.ctx)
        if isinstance(certificate, str):
            print("lo-sign: " + certificate)
            return 1
        signed = sign_stored(lo.ctx, out, certificate)
        t3 = time.monotonic()
        if not signed:
            print("lo-sign: LibreOffice did not sign %s (filter %s)" % (out, filt))
            return 1
        print("load %.2f store %.2f sign %.2f total %.2f filter %s" % (t1 - t0, t2 - t1, t3 - t2, t3 - t0, filt))
        return 0
    finally:
        lo.stop()
        shutil.rmtree(os.path.join(work, "lo-profile"), ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
