#!/usr/bin/python3
"""Issuing CA certificates from AIA caIssuers URLs (RFC 5280 4.2.2.1).

Makes, at run time with openssl, a CA hierarchy root -> intermediate -> signers
whose certificates name caIssuers URLs on a loopback HTTP server (a separate
python3 process started here and stopped by its PID). The keys are PKCS#12
files holding only the signer's certificate, as a USB Key holds only the
unit's own. The server answers each path in its own way: the intermediate as
DER, as a certs-only PKCS#7 (.p7c), garbage, an oversize answer, another CA's
certificate with the intermediate's name and key identifier (not its
issuer), a redirect loop, a 404, and an answer slower than eseal waits for.

Checked:
  - sign without --online: the seal lacks the intermediate, eseal warns and
    names the sources it tried; nothing is fetched;
  - sign --online: the CMS holds signer and intermediate, never the root;
    eseal verify (--trust root only) PASSED, pdfsig (NSS db trusting only the
    root) valid and trusted, qpdf --check clean;
  - the system store (SSL_CERT_DIR) as a source without --online;
  - verify --online builds the path of a seal that lacks the intermediate,
    each URL fetched once per command;
  - hostile answers: a warning naming the URL, the seal is made without the
    intermediate (exit 0), verification stays INDETERMINATE (exit 2);
  - at most 4 levels of caIssuers are followed.

usage: aia_check.py ESEAL_BIN SOURCE_DIR
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ESEAL, SRC = sys.argv[1], sys.argv[2]
LETTER = os.path.join(SRC, "tests/data/golden/letter.pdf")
SEAL = os.path.join(SRC, "tests/data/golden/seal.png")

results = []


def check(name, ok, detail=""):
    results.append(bool(ok))
    print(("ok      " if ok else "FAILED  ") + name + ("" if ok or not detail else ": " + detail), flush=True)
    return ok


def run(cmd, env=None, quiet=False, timeout=120):
    e = dict(os.environ)
    e.update(env or {})
    r = subprocess.run(cmd, env=e, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=timeout)
    if not quiet:
        print("$ " + " ".join(cmd) + " -> exit %d" % r.returncode, flush=True)
    return r


def must(cmd):
    r = run(cmd, quiet=True)
    assert r.returncode == 0, " ".join(cmd) + "\n" + r.stderr
    return r


# ---------------------------------------------------------------- the server
SERVER = r'''
import http.server, os, sys, threading, time
files, log = sys.argv[1], sys.argv[2]
lock = threading.Lock()

class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass
    def do_GET(self):
        with lock, open(log, "a") as f:
            f.write(self.path + "\n")
        name = self.path.lstrip("/")
        if name == "loop":
            self.send_response(302)
            self.send_header("Location", "http://127.0.0.1:%d/loop" % self.server.server_address[1])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if name == "slow":
            time.sleep(30)
        path = os.path.join(files, name)
        if "/" in name or not os.path.isfile(path):
            self.send_error(404)
            return
        data = open(path, "rb").read()
        self.send_response(200)
        self.send_header("Content-Type", "application/pkix-cert")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        try:
            self.wfile.write(data)
        except OSError:
            pass

s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
s.daemon_threads = True
print(s.server_address[1], flush=True)
s.serve_forever()
'''


class Server:
    def __init__(self, work):
        self.files = os.path.join(work, "served")
        os.makedirs(self.files)
        self.log = os.path.join(work, "requests.log")
        open(self.log, "w").close()
        script = os.path.join(work, "server.py")
        open(script, "w").write(SERVER)
        self.proc = subprocess.Popen(["/usr/bin/python3", script, self.files, self.log], stdout=subprocess.PIPE,
                                     text=True)
        self.port = int(self.proc.stdout.readline())

    def url(self, name):
        return "http://127.0.0.1:%d/%s" % (self.port, name)

    def requests(self):
        return open(self.log).read().split()

    def stop(self):
        os.kill(self.proc.pid, 15)
        self.proc.wait()


# ---------------------------------------------------------------- the PKI
class Pki:
    def __init__(self, work, srv):
        self.dir = os.path.join(work, "pki")
        os.makedirs(self.dir)
        self.srv = srv
        self.serial = 100

    def p(self, name):
        return os.path.join(self.dir, name)

    def issue(self, name, issuer, ca, aia=None, ski=None, cn=None):
        """name.key/.crt, issued by issuer (a name, or None: self-signed)."""
        key, crt, csr, ext = self.p(name + ".key"), self.p(name + ".crt"), self.p(name + ".csr"), self.p(name + ".ext")
        must(["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key])
        lines = ["[x]"]
        if ca:
            lines += ["basicConstraints = critical, CA:true", "keyUsage = critical, keyCertSign, cRLSign"]
        else:
            lines += ["basicConstraints = critical, CA:false", "keyUsage = critical, digitalSignature, nonRepudiation"]
        lines.append("subjectKeyIdentifier = " + (ski or "hash"))
        if issuer:
            lines.append("authorityKeyIdentifier = keyid")
        if aia:
            lines.append("authorityInfoAccess = caIssuers;URI:" + aia)
        open(ext, "w").write("\n".join(lines) + "\n")
        subj = "/O=eseal AIA test/CN=" + (cn or ("AIA " + name))
        self.serial += 1
        if issuer is None:
            must(["openssl", "req", "-new", "-x509", "-key", key, "-subj", subj, "-days", "3650", "-out", crt,
                  "-set_serial", str(self.serial), "-extensions", "x", "-config", ext])
        else:
            must(["openssl", "req", "-new", "-key", key, "-subj", subj, "-out", csr, "-config", ext])
            must(["openssl", "x509", "-req", "-in", csr, "-CA", self.p(issuer + ".crt"), "-CAkey",
                  self.p(issuer + ".key"), "-set_serial", str(self.serial), "-days", "3650", "-extfile", ext,
                  "-extensions", "x", "-out", crt])
        return crt

    def der(self, name, served_as):
        must(["openssl", "x509", "-in", self.p(name + ".crt"), "-outform", "DER", "-out",
              os.path.join(self.srv.files, served_as)])

    def p12(self, name):
        """A PKCS#12 holding the key and only its own certificate."""
        out = self.p(name + ".p12")
        must(["openssl", "pkcs12", "-export", "-inkey", self.p(name + ".key"), "-in", self.p(name + ".crt"),
              "-passout", "pass:test", "-out", out])
        return out


def ski_of(crt):
    text = must(["openssl", "x509", "-in", crt, "-noout", "-ext", "subjectKeyIdentifier"]).stdout
    return text.strip().splitlines()[-1].strip()


def make_pki(work, srv):
    pki = Pki(work, srv)
    pki.issue("root", None, True, cn="AIA Root CA")
    pki.der("root", "root.der")
    # The intermediate names its own issuer: eseal fetches the root and does not embed it.
    pki.issue("intermediate", "root", True, aia=srv.url("root.der"), cn="AIA Intermediate CA")
    pki.der("intermediate", "intermediate.der")
    must(["openssl", "crl2pkcs7", "-nocrl", "-certfile", pki.p("intermediate.crt"), "-outform", "DER", "-out",
          os.path.join(srv.files, "intermediate.p7c")])
    # Not the issuer: another CA under the same root with the intermediate's
    # name and key identifier but its own key.
    pki.issue("impostor", "root", True, ski=ski_of(pki.p("intermediate.crt")), cn="AIA Intermediate CA")
    pki.der("impostor", "impostor.der")
    open(os.path.join(srv.files, "garbage"), "wb").write(b"<html>no certificate here</html>\n" * 20)
    open(os.path.join(srv.files, "oversize"), "wb").write(open(os.path.join(srv.files, "intermediate.der"), "rb")
                                                          .read() + b"\0" * (300 << 10))
    signers = {
        "good": srv.url("intermediate.der"),
        "p7c": srv.url("intermediate.p7c"),
        "garbage": srv.url("garbage"),
        "oversize": srv.url("oversize"),
        "impostor": srv.url("impostor.der"),
        "loop": srv.url("loop"),
        "slow": srv.url("slow"),
        "missing": srv.url("no-such.der"),
        "https": "https://127.0.0.1:%d/intermediate.der" % srv.port,
    }
    for name, url in signers.items():
        pki.issue(name, "intermediate", False, aia=url)
        pki.p12(name)
    # A path of five intermediates under the root, each naming its issuer.
    parent, parent_url = "root", srv.url("root.der")
    for i in range(1, 6):
        pki.issue("deep%d" % i, parent, True, aia=parent_url, cn="AIA Deep CA %d" % i)
        pki.der("deep%d" % i, "deep%d.der" % i)
        parent, parent_url = "deep%d" % i, srv.url("deep%d.der" % i)
    pki.issue("deep", parent, False, aia=parent_url)
    pki.p12("deep")
    return pki


# ---------------------------------------------------------------- tools
def contents_of(pdf_path):
    data = open(pdf_path, "rb").read()
    hexes = re.findall(rb"/Contents\s*<([0-9A-Fa-f]+)>", data)
    raw = bytes.fromhex(hexes[-1].decode())
    n = raw[1]
    if n & 0x80:
        k = n & 0x7F
        return raw[:2 + k + int.from_bytes(raw[2:2 + k], "big")]
    return raw[:2 + n]


def cms_subjects(pdf):
    """The subjects of the certificates in the seal's CMS, by openssl pkcs7
    (None when there is no sealed file)."""
    if not os.path.exists(pdf):
        return None
    p = subprocess.run(["openssl", "pkcs7", "-inform", "DER", "-print_certs", "-noout"], input=contents_of(pdf),
                       capture_output=True)
    return [l for l in p.stdout.decode().splitlines() if l.startswith("subject=")]


def nss_db(work, pki):
    db = os.path.join(work, "nssdb")
    os.makedirs(db)
    must(["certutil", "-N", "-d", "sql:" + db, "--empty-password"])
    must(["certutil", "-A", "-d", "sql:" + db, "-n", "root", "-t", "CT,C,C", "-i", pki.p("root.crt")])
    return db


def pdfsig_ok(pdf, db):
    r = run(["pdfsig", "-nssdir", "sql:" + db, pdf], quiet=True)
    out = r.stdout + r.stderr
    return "Signature is Valid" in out and "Certificate is Trusted" in out, out


def qpdf_ok(pdf):
    r = run(["qpdf", "--check", pdf], quiet=True)
    return r.returncode == 0 and "WARNING" not in (r.stdout + r.stderr), (r.stdout + r.stderr)[-800:]


class Env:
    def __init__(self, work, pki):
        self.pki = pki
        config = os.path.join(work, "config-empty")
        os.makedirs(config)
        store = os.path.join(work, "store-empty")
        os.makedirs(store)
        # An empty user folder and an empty system store: only what the test gives is known.
        self.base = {"XDG_CONFIG_HOME": config, "SSL_CERT_DIR": store, "SSL_CERT_FILE": os.path.join(store, "none"),
                     "ESEAL_AIA_PIN": "test", "LC_ALL": "C", "LANGUAGE": ""}

    def sign(self, name, out, *extra, env=None, timeout=120):
        e = dict(self.base)
        e.update(env or {})
        return run([ESEAL, "sign", LETTER, "-o", out, "--key", "p12:" + self.pki.p(name + ".p12"), "--seal", SEAL,
                    "--pin-env", "ESEAL_AIA_PIN", "--force"] + list(extra), env=e, timeout=timeout)

    def verify(self, paths, *extra, timeout=120):
        paths = paths if isinstance(paths, list) else [paths]
        r = run([ESEAL, "verify", "--json", "--no-system-trust", "--trust", self.pki.p("root.crt")] + list(extra) +
                paths, env=self.base, timeout=timeout)
        try:
            rep = json.loads(r.stdout)
        except ValueError:
            rep = None
            print(r.stdout[-2000:], r.stderr[-2000:])
        return r, rep


def sig(rep):
    if isinstance(rep, list):
        rep = rep[0] if rep else None
    return rep["signatures"][-1] if rep and rep.get("signatures") else {}


def all_warnings(rep):
    s = sig(rep)
    return " ".join(s.get("warnings", []) + s.get("errors", []) + (rep or {}).get("warnings", []))


# ---------------------------------------------------------------- the checks
def sign_side(work, env, srv, db):
    plain = os.path.join(work, "plain.pdf")
    r = env.sign("good", plain)
    check("sign without --online: exit 0", r.returncode == 0, r.stderr)
    check("sign without --online: warns the chain is incomplete and names the sources tried",
          "incomplete" in r.stderr and "--chain" in r.stderr and "system store" in r.stderr, r.stderr)
    check("sign without --online: the warning points to --online (the certificate names a caIssuers URL)",
          "--online" in r.stderr, r.stderr)
    check("sign without --online: nothing fetched", srv.requests() == [], " ".join(srv.requests()))
    subjects = cms_subjects(plain)
    check("sign without --online: the CMS holds the signer alone (openssl pkcs7)", len(subjects or []) == 1, str(subjects))
    r, rep = env.verify(plain)
    check("verify of the seal without intermediate: INDETERMINATE, chain incomplete (exit 2)",
          r.returncode == 2 and sig(rep).get("chain", {}).get("status") == "incomplete", r.stdout[-600:])
    ok, out = qpdf_ok(plain)
    check("qpdf --check of the seal without intermediate", ok, out)

    online = os.path.join(work, "online.pdf")
    r = env.sign("good", online, "--online")
    check("sign --online: exit 0 without an incomplete-chain warning",
          r.returncode == 0 and "incomplete" not in r.stderr, r.stderr)
    subjects = cms_subjects(online)
    check("sign --online: the CMS holds signer and intermediate, not the root (openssl pkcs7)",
          len(subjects or []) == 2 and any("AIA Intermediate CA" in s for s in subjects)
          and not any("Root" in s for s in subjects), str(subjects))
    reqs = srv.requests()
    check("sign --online: fetched the intermediate once and the root (its caIssuers) to end the path",
          reqs.count("/intermediate.der") == 1 and reqs.count("/root.der") == 1, " ".join(reqs))
    r, rep = env.verify(online)
    check("eseal verify --trust root (offline) of the --online seal: PASSED, path of 3",
          r.returncode == 0 and len(sig(rep).get("chain", {}).get("path", [])) == 3, r.stdout[-600:])
    ok, out = pdfsig_ok(online, db)
    check("pdfsig (NSS trusting only the root): valid and trusted", ok, out)
    ok, out = qpdf_ok(online)
    check("qpdf --check of the --online seal", ok, out)

    p7c = os.path.join(work, "p7c.pdf")
    r = env.sign("p7c", p7c, "--online")
    subjects = cms_subjects(p7c)
    check("sign --online with a certs-only PKCS#7 (.p7c) answer: intermediate embedded",
          r.returncode == 0 and "incomplete" not in r.stderr and len(subjects or []) == 2, r.stderr + str(subjects))
    r, rep = env.verify(p7c)
    ok, out = pdfsig_ok(p7c, db)
    check("... eseal verify PASSED and pdfsig trusted", r.returncode == 0 and ok, out)

    store = os.path.join(work, "store-intermediate")
    os.makedirs(store)
    shutil.copy(env.pki.p("intermediate.crt"), os.path.join(store, "intermediate.pem"))
    must(["openssl", "rehash", store])
    before = len(srv.requests())
    sys_pdf = os.path.join(work, "system-store.pdf")
    r = env.sign("good", sys_pdf, env={"SSL_CERT_DIR": store, "SSL_CERT_FILE": ""})
    subjects = cms_subjects(sys_pdf)
    check("sign without --online takes the intermediate from the system store (SSL_CERT_DIR)",
          r.returncode == 0 and "incomplete" not in r.stderr and len(subjects or []) == 2, r.stderr + str(subjects))
    check("... and fetched nothing", len(srv.requests()) == before, " ".join(srv.requests()[before:]))
    r, rep = env.verify(sys_pdf)
    ok, out = pdfsig_ok(sys_pdf, db)
    check("... eseal verify PASSED and pdfsig trusted", r.returncode == 0 and ok, out)

    deep = os.path.join(work, "deep.pdf")
    before = len(srv.requests())
    r = env.sign("deep", deep, "--online")
    reqs = srv.requests()[before:]
    subjects = cms_subjects(deep)
    check("sign --online follows at most 4 caIssuers levels (and says so)",
          r.returncode == 0 and len(reqs) == 4 and len(subjects or []) == 5 and "at most 4" in r.stderr,
          r.stderr + " ".join(reqs) + str(subjects))
    r, rep = env.verify(deep)
    check("... eseal verify: INDETERMINATE (the fifth intermediate is missing)", r.returncode == 2, r.stdout[-400:])
    ok, out = qpdf_ok(deep)
    check("... qpdf --check", ok, out)
    return plain


def verify_side(work, env, srv, db, plain):
    copy = os.path.join(work, "plain-copy.pdf")
    shutil.copy(plain, copy)
    before = len(srv.requests())
    r, rep = env.verify([plain, copy], "--online")
    reps = rep if isinstance(rep, list) else []
    check("verify --online builds the path from the caIssuers URL: both files PASSED (exit 0)",
          r.returncode == 0 and len(reps) == 2 and all(len(sig(x).get("chain", {}).get("path", [])) == 3 for x in reps),
          r.stdout[-800:])
    reqs = srv.requests()[before:]
    check("verify --online: the caIssuers URL fetched once for the command", reqs.count("/intermediate.der") == 1,
          " ".join(reqs))
    # pdfsig's independent view of the same file: without the intermediate NSS finds no path.
    r = run(["pdfsig", "-nssdir", "sql:" + db, plain], quiet=True)
    check("pdfsig of the seal without intermediate: signature valid, certificate not trusted",
          "Signature is Valid" in r.stdout and "Certificate is Trusted" not in r.stdout, r.stdout)


HOSTILE = {
    "garbage": "garbage",
    "oversize": "oversize",
    "impostor": "impostor.der",
    "loop": "loop",
    "slow": "slow",
    "missing": "no-such.der",
    "https": "https://",
}


def hostile(work, env, srv, db):
    for name, where in HOSTILE.items():
        url = ("https://127.0.0.1:%d/intermediate.der" % srv.port) if name == "https" else srv.url(where)
        out = os.path.join(work, "hostile-%s.pdf" % name)
        before = len(srv.requests())
        t0 = time.time()
        r = env.sign(name, out, "--online", timeout=60)
        took = time.time() - t0
        check("hostile %s: sign --online exit 0, a warning naming %s, chain incomplete" % (name, url),
              r.returncode == 0 and url in r.stderr and "incomplete" in r.stderr, r.stderr)
        subjects = cms_subjects(out)
        check("hostile %s: the CMS holds the signer alone" % name, subjects is not None and len(subjects) == 1,
              str(subjects))
        if name == "https":
            check("hostile https: not fetched, and the warning says https URLs are not fetched",
                  len(srv.requests()) == before and "https" in r.stderr and "not fetched" in r.stderr, r.stderr)
        if name == "slow":
            check("hostile slow: given up after the 5 s timeout (%.1f s)" % took, 4 <= took < 20, "%.1f s" % took)
        t0 = time.time()
        v, rep = env.verify(out, "--online", timeout=60)
        check("hostile %s: verify --online INDETERMINATE (exit 2), a warning naming the URL" % name,
              v.returncode == 2 and url in all_warnings(rep) and sig(rep).get("chain", {}).get("status") == "incomplete",
              v.stdout[-800:] + v.stderr[-400:])
        ok, q = qpdf_ok(out)
        check("hostile %s: qpdf --check" % name, ok, q)


def main():
    work = tempfile.mkdtemp(prefix="eseal-aia-")
    srv = Server(work)
    try:
        pki = make_pki(work, srv)
        env = Env(work, pki)
        db = nss_db(work, pki)
        for part in (lambda: verify_side(work, env, srv, db, sign_side(work, env, srv, db)),
                     lambda: hostile(work, env, srv, db)):
            try:
                part()
            except Exception as e:  # a check that cannot go on is a failure, the other part still runs
                check("no exception in the checks", False, "%s: %s" % (type(e).__name__, e))
    finally:
        srv.stop()
    failed = results.count(False)
    print("%d checks, %d failed" % (len(results), failed))
    if failed == 0:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print("work folder kept: " + work)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
