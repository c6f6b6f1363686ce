"""What the LibreOffice-driven checks share (odf_check.py, ooxml_check.py,
office_seal_check.py, libreoffice_check.py): the pass/fail tally, running a
command, one headless LibreOffice over UNO with a throwaway profile, the
independent verifiers (xmlsec1 on ODF signature XML, Apache POI through
PoiVerify.java on OOXML), LibreOffice-made inputs with CJK text, and copying
a ZIP package with changes. Needs /usr/bin/python3 with python3-uno.
"""
import os
import shutil
import subprocess
import tempfile
import time
import zipfile

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException

HERE = os.path.dirname(os.path.abspath(__file__))
results = []


def check(name, ok, detail=""):
    results.append(bool(ok))
    print(("ok      " if ok else "FAILED  ") + name + (": " + detail if detail else ""), flush=True)


def summary():
    """Prints "N passed, M failed"; the exit code for the script."""
    failed = results.count(False)
    print("%d passed, %d failed" % (len(results) - failed, failed))
    return 1 if failed else 0


def run(cmd, env, cwd=None, timeout=180, stdin=None):
    """Runs cmd, stdout and stderr together; prints the command and, when it
    fails, the end of its output. Returns (exit code, output)."""
    r = subprocess.run(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       timeout=timeout, stdin=stdin)
    print("$ " + " ".join(cmd) + " -> exit %d" % r.returncode, flush=True)
    if r.returncode != 0:
        print(r.stdout[-3000:])
    return r.returncode, r.stdout


def rezip(src, dst, change=None, extra=(), drop=(), odf=False):
    """Copies the package src to dst applying change(name, data) -> data,
    leaving out drop and appending extra (name, data) entries; odf keeps
    mimetype stored (ODF 1.2 part 3 3.3)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for n in zin.namelist():
            if n in drop:
                continue
            data = zin.read(n)
            if change:
                data = change(n, data)
            stored = odf and n == "mimetype"
            zout.writestr(zipfile.ZipInfo(n), data, compress_type=zipfile.ZIP_STORED if stored else
                          zipfile.ZIP_DEFLATED)
        for n, data in extra:
            zout.writestr(n, data, compress_type=zipfile.ZIP_DEFLATED)


def storage_format(name):
    fmt = PropertyValue()
    fmt.Name, fmt.Value = "StorageFormat", name
    return uno.Any("[]com.sun.star.beans.PropertyValue", (fmt,))


def start_soffice(args, accept, env, new_session=False):
    """Starts soffice with args, accepting UNO connections at `accept` (a
    connection description such as "pipe,name=x"), and connects to it.
    Returns (process, component context); the context is None when LibreOffice
    did not answer within 90 s or ended, and the caller stops the process."""
    proc = subprocess.Popen(["soffice"] + args + ["--accept=%s;urp;" % accept], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=new_session)
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.time() + 90
    while True:
        try:
            return proc, resolver.resolve("uno:%s;urp;StarOffice.ComponentContext" % accept)
        except NoConnectException:
            if time.time() > deadline or proc.poll() is not None:
                return proc, None
            time.sleep(0.25)


class LibreOffice:
    """One headless LibreOffice with a throwaway profile, stopped by PID."""

    def __init__(self, workdir, base_port=23000, env=None):
        self.port = base_port + os.getpid() % 20000
        profile = uno.systemPathToFileUrl(os.path.join(workdir, "lo-profile"))
        self.proc, self.ctx = start_soffice(
            ["--headless", "--norestore", "--nologo", "--nodefault", "-env:UserInstallation=" + profile],
            "socket,host=127.0.0.1,port=%d" % self.port, env)
        if self.ctx is None:
            raise RuntimeError("LibreOffice did not start")
        smgr = self.ctx.ServiceManager
        self.storages = smgr.createInstanceWithContext("com.sun.star.embed.StorageFactory", self.ctx)
        self.files = smgr.createInstanceWithContext("com.sun.star.ucb.SimpleFileAccess", self.ctx)
        self.signatures = smgr.createInstanceWithArgumentsAndContext(
            "com.sun.star.security.DocumentDigitalSignatures", ("1.2", False), self.ctx)

    def open_storage(self, path, mode=1, fmt="ZipFormat"):
        # ZipFormat: a PackageFormat storage hides META-INF/, where ODF signatures are; OOXML
        # packages are read the same way (LibreOffice finds [Content_Types].xml and _xmlsignatures/).
        return uno.invoke(self.storages, "createInstanceWithArguments",
                          ((uno.systemPathToFileUrl(os.path.abspath(path)), mode, storage_format(fmt)),))

    def personal_certificates(self):
        """The certificates with a private key in the NSS database LibreOffice was started with."""
        security = self.ctx.ServiceManager.createInstanceWithContext("com.sun.star.xml.crypto.SEInitializer",
                                                                     self.ctx)
        return security.createSecurityContext("").getSecurityEnvironment().getPersonalCertificates()

    def sign(self, path, cert):
        """LibreOffice's own signature on a package (ODF or OOXML), written in place; its result."""
        storage = self.open_storage(path, 7)
        try:
            signed = self.signatures.signDocumentWithCertificate(cert, storage, None)
            storage.commit()
        finally:
            storage.dispose()
        return signed

    def verify(self, path):
        """DocumentDigitalSignatures' verdict on a package (ODF or OOXML)."""
        storage = self.open_storage(path)
        try:
            return list(self.signatures.verifyDocumentContentSignatures(storage, None))
        finally:
            storage.dispose()

    def verify_pdf(self, path):
        """The same for a PDF: no storage, LibreOffice reads the stream as a PDF."""
        stream = self.files.openFileRead(uno.systemPathToFileUrl(os.path.abspath(path)))
        try:
            return list(self.signatures.verifyDocumentContentSignatures(None, stream))
        finally:
            stream.closeInput()

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def xmlsec_verify(package, pki, work):
    """xmlsec1 on the signature XML, the package's entries extracted beside it
    (the references are relative URIs of package entries)."""
    d = tempfile.mkdtemp(dir=work)
    with zipfile.ZipFile(package) as z:
        z.extractall(d)
    shutil.copy(os.path.join(d, "META-INF", "documentsignatures.xml"), os.path.join(d, "sig.xml"))
    code, out = run(["xmlsec1", "--verify", "--trusted-pem", os.path.join(pki, "root-ca.crt"),
                     "--untrusted-pem", os.path.join(pki, "intermediate-ca.crt"),
                     "--enabled-reference-uris", "same-doc,remote",
                     "--id-attr:Id", "http://uri.etsi.org/01903/v1.3.2#:SignedProperties", "sig.xml"],
                    os.environ, cwd=d)
    return code == 0 and "OK" in out


POI_CP = ":".join("/usr/share/java/%s.jar" % j for j in (
    "poi", "poi-ooxml", "poi-ooxml-schemas", "xmlbeans", "commons-collections4", "commons-compress",
    "commons-codec", "commons-math3", "commons-logging", "bcprov", "bcpkix", "bcutil", "xmlsec", "slf4j-api",
    "slf4j-nop"))


class Poi:
    """Apache POI's OOXML signature check (PoiVerify.java, compiled here with Debian's JDK)."""

    def __init__(self, work, env):
        self.env = env
        self.classes = os.path.join(work, "poi-classes")
        os.makedirs(self.classes, exist_ok=True)
        code, _ = run(["javac", "-nowarn", "-cp", POI_CP, "-d", self.classes, os.path.join(HERE, "PoiVerify.java")],
                      env)
        self.ok = code == 0

    def verify(self, path):
        return run(["java", "-cp", POI_CP + ":" + self.classes, "PoiVerify", path], self.env)


def convert(work, src, target, env, infilter=None):
    """soffice --convert-to with a profile of its own; returns the output path."""
    profile = "-env:UserInstallation=" + uno.systemPathToFileUrl(os.path.join(work, "convert-profile"))
    run(["soffice", "--headless", profile] + (["--infilter=" + infilter] if infilter else []) +
        ["--convert-to", target, "--outdir", work, src], env)
    return os.path.join(work, os.path.splitext(os.path.basename(src))[0] + "." + target.split(":")[0])
