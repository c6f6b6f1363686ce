#!/usr/bin/python3
"""Chains, timestamps and revocation, against real services on loopback.

Starts, once per run, on ports chosen free at run time:
  - an RFC 3161 timestamp authority: a small http.server whose POST handler
    pipes the query to `openssl ts -reply` (the test PKI's TSA certificate);
  - a CRL distribution point: the same http.server serving a CRL made with
    `openssl ca -gencrl`;
  - an OCSP responder: `openssl ocsp -index ... -port`, stopped by its PID.
Signers whose certificates name these services (AIA OCSP, CRL distribution
point) are issued at run time by the test PKI's intermediate CA.

Every sealed file is checked by eseal verify and by tools nobody here wrote:
pdfsig (Poppler, with an NSS database trusting the test root), qpdf --check,
and `openssl ts -verify` on the timestamp token taken out of the signature.

usage: ltv_check.py ESEAL_BIN TEST_DATA_DIR SOURCE_DIR
"""
import http.server
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

ESEAL, DATA, SRC = sys.argv[1], sys.argv[2], sys.argv[3]
PKI = os.path.join(DATA, "pki")
LETTER = os.path.join(SRC, "tests/data/golden/letter.pdf")
SEAL = os.path.join(SRC, "tests/data/golden/seal.png")
TRUST = os.path.join(PKI, "trust.pem")

results = []


def check(name, ok, detail=""):
    results.append(bool(ok))
    print(("ok      " if ok else "FAILED  ") + name + (": " + detail if detail else ""), flush=True)
    return ok


def run(cmd, env=None, quiet=False):
    e = dict(os.environ)
    e.update(env or {})
    r = subprocess.run(cmd, env=e, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=120)
    if not quiet:
        print("$ " + " ".join(cmd) + " -> exit %d" % r.returncode, flush=True)
    return r


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------- DER walking
def tlv(buf, at):
    """(tag, content_start, end) of the TLV at `at` (definite lengths)."""
    tag = buf[at]
    n = buf[at + 1]
    at += 2
    if n & 0x80:
        k = n & 0x7F
        n = int.from_bytes(buf[at:at + k], "big")
        at += k
    return tag, at, at + n


def children(buf, start, end):
    out = []
    while start < end:
        t, c, e = tlv(buf, start)
        out.append((t, start, c, e))
        start = e
    return out


def signer_info(cms):
    """The single SignerInfo (start, content, end) of a DER ContentInfo."""
    _, c, e = tlv(cms, 0)
    explicit = children(cms, c, e)[1]
    sd = children(cms, explicit[2], explicit[3])[0]
    parts = children(cms, sd[2], sd[3])
    infos = parts[-1]
    return children(cms, infos[2], infos[3])[0]


def signature_value_and_token(cms):
    si = signer_info(cms)
    parts = children(cms, si[2], si[3])
    value = next(p for p in parts if p[0] == 0x04)
    token = None
    for p in parts:
        if p[0] == 0xA1:  # unsignedAttrs
            for attr in children(cms, p[2], p[3]):
                a = children(cms, attr[2], attr[3])
                oid = cms[a[0][2]:a[0][3]]
                if oid == bytes.fromhex("2a864886f70d010910020e"):  # 1.2.840.113549.1.9.16.2.14
                    vals = children(cms, a[1][2], a[1][3])
                    token = cms[vals[0][1]:vals[0][3]]
    return cms[value[2]:value[3]], token


def contents_of(pdf_path, index=-1):
    """The DER in the /Contents of the index-th signature dictionary (by file order)."""
    data = open(pdf_path, "rb").read()
    hexes = re.findall(rb"/Contents\s*<([0-9A-Fa-f]+)>", data)
    raw = bytes.fromhex(hexes[index].decode())
    _, _, end = tlv(raw, 0)
    return raw[:end]


# ---------------------------------------------------------------- responders
class Handler(http.server.BaseHTTPRequestHandler):
    work = None
    crl = {}

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.path != "/tsa":
            self.send_error(404)
            return
        q = os.path.join(self.work, "tsq-%d.der" % threading.get_ident())
        r = q.replace("tsq", "tsr")
        open(q, "wb").write(body)
        p = subprocess.run(["openssl", "ts", "-reply", "-config", os.path.join(self.work, "ts.cnf"),
                            "-queryfile", q, "-out", r], cwd=self.work, capture_output=True)
        if p.returncode != 0:
            self.send_error(500, p.stderr.decode()[-200:])
            return
        answer = open(r, "rb").read()
        Handler.tsa_requests = getattr(Handler, "tsa_requests", 0) + 1
        self.send_response(200)
        self.send_header("Content-Type", "application/timestamp-reply")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def do_GET(self):
        data = self.crl.get(self.path)
        if data is None:
            self.send_error(404)
            return
        Handler.crl_requests = getattr(Handler, "crl_requests", 0) + 1
        self.send_response(200)
        self.send_header("Content-Type", "application/pkix-crl")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class Services:
    def __init__(self, work):
        self.work = work
        Handler.work = work
        shutil.copy(os.path.join(PKI, "ts.cnf"), work)
        open(os.path.join(work, "tsa.serial"), "w").write("01\n")
        self.http = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.http_port = self.http.server_address[1]
        threading.Thread(target=self.http.serve_forever, daemon=True).start()
        self.ocsp_port = free_port()
        self.ocsp = None

    @property
    def tsa_url(self):
        return "http://127.0.0.1:%d/tsa" % self.http_port

    @property
    def crl_url(self):
        return "http://127.0.0.1:%d/intermediate.crl" % self.http_port

    @property
    def ocsp_url(self):
        return "http://127.0.0.1:%d/" % self.ocsp_port

    def start_ocsp(self, index):
        self.index = index
        log = os.path.join(self.work, "ocsp.log")
        with open(log, "w") as f:
            self.ocsp = subprocess.Popen(
                ["openssl", "ocsp", "-index", index, "-port", str(self.ocsp_port),
                 "-rsigner", os.path.join(PKI, "ocsp-responder.crt"),
                 "-rkey", os.path.join(PKI, "ocsp-responder.key"),
                 "-CA", os.path.join(PKI, "intermediate-ca.crt"), "-nmin", "60", "-ignore_err"],
                stdout=f, stderr=subprocess.STDOUT)
        # Probing the port would hold up the single-threaded responder: wait for its own line.
        deadline = time.time() + 15
        while time.time() < deadline:
            if "waiting for OCSP client connections" in open(log).read():
                return
            if self.ocsp.poll() is not None:
                break
            time.sleep(0.1)
        raise RuntimeError("openssl ocsp did not start: " + open(log).read())

    def stop_ocsp(self):
        if self.ocsp:
            os.kill(self.ocsp.pid, 15)
            self.ocsp.wait()
            self.ocsp = None

    def stop(self):
        self.stop_ocsp()
        self.http.shutdown()


# ---------------------------------------------------------------- test PKI at run time
def issue_signers(work, svc):
    """Signers of the intermediate CA whose certificates name the loopback
    services; an OCSP index and a CRL saying which are revoked."""
    ca = os.path.join(work, "ca")
    os.makedirs(os.path.join(ca, "newcerts"))
    open(os.path.join(ca, "index.txt"), "w").close()
    open(os.path.join(ca, "serial"), "w").write("1000\n")
    open(os.path.join(ca, "crlnumber"), "w").write("01\n")
    cnf = os.path.join(ca, "ca.cnf")
    open(cnf, "w").write("""[ ca ]
default_ca = c
[ c ]
dir = %(ca)s
database = $dir/index.txt
new_certs_dir = $dir/newcerts
serial = $dir/serial
crlnumber = $dir/crlnumber
certificate = %(pki)s/intermediate-ca.crt
private_key = %(pki)s/intermediate-ca.key
default_md = sha256
default_crl_days = 7
policy = any
unique_subject = no
email_in_dn = no
[ any ]
commonName = supplied
[ both ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, nonRepudiation
authorityInfoAccess = OCSP;URI:%(ocsp)s
crlDistributionPoints = URI:%(crl)s
[ ocsp_only ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, nonRepudiation
authorityInfoAccess = OCSP;URI:%(ocsp)s
[ crl_only ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, nonRepudiation
crlDistributionPoints = URI:%(crl)s
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = unused
""" % {"ca": ca, "pki": PKI, "ocsp": svc.ocsp_url, "crl": svc.crl_url})
    signers = {"good": "both", "revoked": "both", "unknown": "ocsp_only", "crl-revoked": "crl_only"}
    for name, ext in signers.items():
        key = os.path.join(work, name + ".key")
        run(["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key], quiet=True)
        csr = os.path.join(work, name + ".csr")
        run(["openssl", "req", "-new", "-key", key, "-subj", "/O=LTV test/CN=LTV " + name, "-out", csr,
             "-config", cnf], quiet=True)
        crt = os.path.join(work, name + ".crt")
        r = run(["openssl", "ca", "-batch", "-notext", "-config", cnf, "-extensions", ext, "-in", csr, "-out", crt,
                 "-startdate", "20250101000000Z", "-enddate", "20451231235959Z"], quiet=True)
        assert r.returncode == 0, r.stderr
        chain = os.path.join(work, name + "-chain.pem")
        open(chain, "w").write(open(crt).read() + open(os.path.join(PKI, "intermediate-ca.crt")).read())
        r = run(["openssl", "pkcs12", "-export", "-inkey", key, "-in", chain, "-passout", "pass:test",
                 "-out", os.path.join(work, name + ".p12")], quiet=True)
        assert r.returncode == 0, r.stderr
    for name in ("revoked", "crl-revoked"):
        r = run(["openssl", "ca", "-config", cnf, "-revoke", os.path.join(work, name + ".crt"),
                 "-crl_reason", "keyCompromise"], quiet=True)
        assert r.returncode == 0, r.stderr
    crl = os.path.join(work, "intermediate.crl")
    r = run(["openssl", "ca", "-gencrl", "-config", cnf, "-out", crl + ".pem"], quiet=True)
    assert r.returncode == 0, r.stderr
    run(["openssl", "crl", "-in", crl + ".pem", "-outform", "DER", "-out", crl], quiet=True)
    Handler.crl["/intermediate.crl"] = open(crl, "rb").read()
    # The OCSP responder knows good and revoked, not "unknown" (its line is removed).
    index = os.path.join(ca, "index.txt")
    unknown_serial = run(["openssl", "x509", "-in", os.path.join(work, "unknown.crt"), "-noout", "-serial"],
                         quiet=True).stdout.strip().split("=")[1]
    ocsp_index = os.path.join(work, "ocsp-index.txt")
    with open(index) as f, open(ocsp_index, "w") as o:
        for line in f:
            if line.split("\t")[3] != unknown_serial:
                o.write(line)
    return ocsp_index


def nss_db(work):
    db = os.path.join(work, "nssdb")
    os.makedirs(db)
    run(["certutil", "-N", "-d", "sql:" + db, "--empty-password"], quiet=True)
    run(["certutil", "-A", "-d", "sql:" + db, "-n", "root", "-t", "CT,C,C", "-i", os.path.join(PKI, "root-ca.crt")],
        quiet=True)
    return db


def pdfsig(path, db, *extra):
    r = run(["pdfsig", "-nssdir", "sql:" + db] + list(extra) + [path])
    return r.stdout + r.stderr


def verify(path, *extra, env=None):
    r = run([ESEAL, "verify", "--json", "--no-system-trust", "--trust", TRUST, path] + list(extra), env=env)
    try:
        rep = json.loads(r.stdout)
    except ValueError:
        rep = None
        print(r.stdout[-2000:], r.stderr[-2000:])
    return r.returncode, rep


def sign(inp, out, key, *extra, env=None):
    e = {"ESEAL_LTV_PIN": "test"}
    e.update(env or {})
    return run([ESEAL, "sign", inp, "-o", out, "--key", "p12:" + key, "--seal", SEAL, "--pin-env", "ESEAL_LTV_PIN",
                "--force"] + list(extra), env=e)


def sig(rep, i=-1):
    return rep["signatures"][i] if rep and rep.get("signatures") else {}


def main():
    work = tempfile.mkdtemp(prefix="eseal-ltv-")
    svc = Services(work)
    db = nss_db(work)
    empty_config = os.path.join(work, "config-empty")
    os.makedirs(empty_config)
    env_plain = {"XDG_CONFIG_HOME": empty_config}
    try:
        chains(work, db, env_plain)
        timestamps(work, svc, db, env_plain)
        ocsp_index = issue_signers(work, svc)
        svc.start_ocsp(ocsp_index)
        revocation(work, svc, db, env_plain)
        long_term(work, svc, db, env_plain)
    finally:
        svc.stop()
    failed = results.count(False)
    print("%d checks, %d failed" % (len(results), failed))
    if failed == 0:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print("work folder kept: " + work)
    return 1 if failed else 0


def chains(work, db, env):
    alone = os.path.join(PKI, "signer-rsa-alone.p12")
    out = os.path.join(work, "alone.pdf")
    r = sign(LETTER, out, alone, env=env)
    check("chain: a key holding only its own certificate seals (exit 0)", r.returncode == 0, r.stderr)
    check("chain: sign warns that the chain is incomplete", "incomplete" in r.stderr, r.stderr)
    code, rep = verify(out, env=env)
    check("chain: without the intermediate the seal is INDETERMINATE (exit 2)",
          code == 2 and sig(rep).get("chain", {}).get("status") == "incomplete", "exit %d" % code)
    certs = os.path.join(work, "config-certs", "eseal", "certs")
    os.makedirs(certs)
    shutil.copy(os.path.join(PKI, "intermediate-ca.crt"), os.path.join(certs, "intermediate.pem"))
    env_certs = {"XDG_CONFIG_HOME": os.path.join(work, "config-certs")}
    code, rep = verify(out, env=env_certs)
    check("chain: verify takes intermediates from ~/.config/eseal/certs (PASSED)",
          code == 0 and len(sig(rep).get("chain", {}).get("path", [])) == 3, "exit %d" % code)

    out2 = os.path.join(work, "chain-option.pdf")
    r = sign(LETTER, out2, alone, "--chain", os.path.join(PKI, "intermediate-ca.crt"), env=env)
    check("chain: --chain seals without a warning", r.returncode == 0 and "incomplete" not in r.stderr, r.stderr)
    code, rep = verify(out2, env=env)
    check("chain: --chain embeds the intermediate: PASSED with an empty certs folder", code == 0, "exit %d" % code)
    der = contents_of(out2)
    p = subprocess.run(["openssl", "pkcs7", "-inform", "DER", "-print_certs", "-noout"], input=der,
                       capture_output=True)
    subjects = "\n".join(l for l in p.stdout.decode().splitlines() if l.startswith("subject="))
    check("chain: the CMS holds signer and intermediate, not the root (openssl pkcs7)",
          subjects.count("subject=") == 2 and "Intermediate CA" in subjects and "Root CA" not in subjects, subjects)
    s = pdfsig(out2, db)
    check("chain: pdfsig: signature valid, certificate trusted",
          "Signature is Valid" in s and "Certificate is Trusted" in s, s)

    out3 = os.path.join(work, "chain-folder.pdf")
    r = sign(LETTER, out3, alone, env=env_certs)
    check("chain: sign takes intermediates from ~/.config/eseal/certs", r.returncode == 0 and "incomplete" not in r.stderr,
          r.stderr)
    code, rep = verify(out3, env=env)
    check("chain: ... and embeds them (PASSED without the folder)", code == 0, "exit %d" % code)
    r = sign(LETTER, os.path.join(work, "bad-chain.pdf"), alone, "--chain", LETTER, env=env)
    check("chain: --chain with a file holding no certificate: exit 4, nothing written",
          r.returncode == 4 and not os.path.exists(os.path.join(work, "bad-chain.pdf")), r.stderr)


def timestamps(work, svc, db, env):
    key = os.path.join(PKI, "signer-ec.p12")
    out = os.path.join(work, "bt.pdf")
    r = sign(LETTER, out, key, "--tsa", svc.tsa_url, env=env)
    check("B-T: sealed with --tsa (exit 0)", r.returncode == 0, r.stderr)
    code, rep = verify(out, env=env)
    s = sig(rep)
    ts = s.get("timestamp") or {}
    check("B-T: eseal verify PASSED, timestamped, time from the timestamp",
          code == 0 and s.get("timestamped") is True and s.get("signingTimeSource") == "timestamp", json.dumps(s)[:1500])
    check("B-T: the timestamp names the TSA and its trusted chain",
          (ts.get("tsa") or {}).get("commonName") == "eseal Test TSA" and ts.get("chain", {}).get("status") == "trusted",
          json.dumps(ts)[:800])
    check("B-T: the chain is checked at the timestamp's time",
          ts.get("time") is not None and s.get("chain", {}).get("validationTime") == ts.get("time"),
          "%s vs %s" % (s.get("chain", {}).get("validationTime"), ts.get("time")))
    cms = contents_of(out)
    value, token = signature_value_and_token(cms)
    check("B-T: the CMS carries id-aa-signatureTimeStampToken", token is not None)
    if token:
        open(os.path.join(work, "token.der"), "wb").write(token)
        open(os.path.join(work, "sigvalue.bin"), "wb").write(value)
        r = run(["openssl", "ts", "-verify", "-in", os.path.join(work, "token.der"), "-token_in", "-data",
                 os.path.join(work, "sigvalue.bin"), "-CAfile", TRUST, "-untrusted",
                 os.path.join(PKI, "tsa-chain.pem")])
        check("B-T: openssl ts -verify accepts the token over the signature value",
              r.returncode == 0 and "Verification: OK" in r.stdout, r.stdout + r.stderr)
        r = run(["openssl", "ts", "-verify", "-in", os.path.join(work, "token.der"), "-token_in", "-data", LETTER,
                 "-CAfile", TRUST, "-untrusted", os.path.join(PKI, "tsa-chain.pem")])
        check("B-T: openssl ts -verify refuses it over other data (the check can fail)", r.returncode != 0)
    zh = dict(env, LANG="zh_CN.UTF-8", LC_ALL="zh_CN.UTF-8")
    r = run([ESEAL, "verify", "--no-system-trust", "--trust", TRUST, out], env=zh)
    check("B-T: the text report shows the timestamp, in Chinese too (时间戳: ... eseal Test TSA)",
          r.returncode == 0 and "时间戳" in r.stdout and "eseal Test TSA" in r.stdout, r.stdout[-1500:])
    r = run([ESEAL, "sign", "--help"], env=zh)
    check("B-T: sign --help in Chinese explains --tsa and --level", "时间戳服务" in r.stdout and "PAdES 级别" in r.stdout)
    p = pdfsig(out, db)
    check("B-T: pdfsig: signature valid, certificate trusted",
          "Signature is Valid" in p and "Certificate is Trusted" in p, p)
    ok, q = qpdf_check(out)
    check("B-T: qpdf --check clean", ok, q)

    # A token changed inside /Contents: the signer's signature stays valid (the
    # token is an unsigned attribute), the timestamp must not.
    if token:
        data = bytearray(open(out, "rb").read())
        hx = token.hex().encode()
        at = bytes(data).lower().find(hx)
        pos = at + len(hx) - 10
        data[pos:pos + 2] = b"00" if data[pos:pos + 2] != b"00" else b"11"
        bad = os.path.join(work, "bt-bad-token.pdf")
        open(bad, "wb").write(bytes(data))
        code, rep = verify(bad, env=env)
        s = sig(rep)
        check("B-T: a damaged timestamp token is not PASSED (INDETERMINATE, exit 2)",
              at > 0 and code == 2 and s.get("timestamped") is False and s.get("indication") == "INDETERMINATE",
              "exit %d %s" % (code, json.dumps(s.get("errors"))))

    r = sign(LETTER, os.path.join(work, "no-tsa.pdf"), key, "--tsa", "http://127.0.0.1:%d/nothing" % svc.http_port,
             env=env)
    check("B-T: a TSA URL that answers 404: exit 7, nothing written",
          r.returncode == 7 and not os.path.exists(os.path.join(work, "no-tsa.pdf")), r.stderr)
    r = sign(LETTER, os.path.join(work, "lvl.pdf"), key, "--level", "B-T", env=env)
    check("B-T: --level B-T without --tsa is a usage error (64)", r.returncode == 64, r.stderr)


def qpdf_check(path):
    r = run(["qpdf", "--check", path], quiet=True)
    return r.returncode == 0 and "WARNING" not in (r.stdout + r.stderr), (r.stdout + r.stderr)[-800:]


def revocation(work, svc, db, env):
    outs = {}
    for name in ("good", "revoked", "unknown", "crl-revoked"):
        out = os.path.join(work, "rev-%s.pdf" % name)
        r = sign(LETTER, out, os.path.join(work, name + ".p12"), env=env)
        check("revocation: sealed with signer %s" % name, r.returncode == 0, r.stderr)
        outs[name] = out
    code, rep = verify(outs["revoked"], env=env)
    check("revocation: offline, no data in the file: not checked, PASSED",
          code == 0 and sig(rep).get("revocation", {}).get("status") == "not-checked", "exit %d" % code)
    code, rep = verify(outs["good"], "--online", env=env)
    check("revocation: --online, good (OCSP): PASSED",
          code == 0 and sig(rep).get("revocation", {}).get("status") == "good", json.dumps(sig(rep).get("revocation")))
    code, rep = verify(outs["revoked"], "--online", env=env)
    s = sig(rep)
    check("revocation: --online, revoked (OCSP): FAILED / REVOKED (exit 1)",
          code == 1 and s.get("indication") == "FAILED" and s.get("subIndication") == "REVOKED",
          "exit %d %s" % (code, json.dumps(s.get("revocation"))))
    code, rep = verify(outs["unknown"], "--online", env=env)
    s = sig(rep)
    check("revocation: --online, unknown to the responder: INDETERMINATE (exit 2)",
          code == 2 and s.get("indication") == "INDETERMINATE" and s.get("revocation", {}).get("status") == "unknown",
          "exit %d %s" % (code, json.dumps(s.get("revocation"))))
    before = getattr(Handler, "crl_requests", 0)
    code, rep = verify(outs["crl-revoked"], "--online", env=env)
    s = sig(rep)
    check("revocation: --online, revoked (CRL): FAILED / REVOKED",
          code == 1 and s.get("subIndication") == "REVOKED" and getattr(Handler, "crl_requests", 0) > before,
          "exit %d %s" % (code, json.dumps(s.get("revocation"))))
    p = pdfsig(outs["good"], db)
    check("revocation: pdfsig: the good seal is valid", "Signature is Valid" in p and "Certificate is Trusted" in p, p)
    p = pdfsig(outs["revoked"], db)
    check("revocation: pdfsig (NSS asks the same OCSP responder): the revoked signer's certificate is revoked",
          "Signature is Valid" in p and "Revoked" in p, p)


def byte_range_data(path, index):
    data = open(path, "rb").read()
    ranges = re.findall(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", data)
    a, b, c, d = (int(x) for x in ranges[index])
    return data[a:a + b] + data[c:c + d]


def long_term(work, svc, db, env):
    key = os.path.join(work, "good.p12")
    lt = os.path.join(work, "b-lt.pdf")
    r = sign(LETTER, lt, key, "--tsa", svc.tsa_url, "--level", "B-LT", env=env)
    check("B-LT: sealed (exit 0)", r.returncode == 0, r.stderr)
    ok, q = qpdf_check(lt)
    check("B-LT: qpdf --check clean", ok, q)
    tail = open(lt, "rb").read()[-3000:]
    check("B-LT: the last update holds the DSS and declares ESIC", b"/DSS" in tail and b"/ESIC" in tail)
    p = pdfsig(lt, db)
    check("B-LT: pdfsig: the seal is valid", "Signature is Valid" in p and p.count("Signature #") == 1, p)
    svc.stop_ocsp()  # offline from here: the DSS must be enough
    code, rep = verify(lt, env=env)
    s = sig(rep, 0)
    rev = s.get("revocation", {})
    check("B-LT: offline verify PASSED with the DSS's OCSP response (responder stopped)",
          code == 0 and rev.get("status") == "good" and any("DSS" in x for x in rev.get("sources", [])),
          "exit %d %s" % (code, json.dumps(rev)))
    mods = s.get("modifications", [])
    check("B-LT: the DSS update is an allowed change (kind dss)",
          mods and all(m["allowed"] for m in mods) and any(m["kind"] == "dss" for m in mods), json.dumps(mods)[:600])

    revoked_lt = os.path.join(work, "b-lt-revoked.pdf")
    svc.start_ocsp(svc.index)
    r = sign(LETTER, revoked_lt, os.path.join(work, "revoked.p12"), "--tsa", svc.tsa_url, "--level", "B-LT", env=env)
    svc.stop_ocsp()
    code, rep = verify(revoked_lt, env=env)
    check("B-LT: a revoked signer's DSS OCSP response makes it FAILED / REVOKED offline",
          r.returncode == 0 and code == 1 and sig(rep, 0).get("subIndication") == "REVOKED", "exit %d" % code)

    lta = os.path.join(work, "b-lta.pdf")
    svc.start_ocsp(svc.index)
    r = sign(LETTER, lta, key, "--tsa", svc.tsa_url, "--level", "B-LTA", env=env)
    svc.stop_ocsp()
    check("B-LTA: sealed (exit 0)", r.returncode == 0, r.stderr)
    ok, q = qpdf_check(lta)
    check("B-LTA: qpdf --check clean", ok, q)
    # Poppler 22.12 lists a document timestamp but cannot validate ETSI.RFC3161 ("unknown"
    # type): its token is checked with openssl ts -verify below. NSS asks the OCSP responder.
    svc.start_ocsp(svc.index)
    p = pdfsig(lta, db)
    svc.stop_ocsp()
    seal_part, _, dts_part = p.partition("Signature #2:")
    check("B-LTA: pdfsig: the seal valid and trusted, the document timestamp DocTimeStamp1 by the TSA listed",
          "Signature is Valid" in seal_part and "Certificate is Trusted" in seal_part
          and "DocTimeStamp1" in dts_part and "eseal Test TSA" in dts_part and "Total document signed" in dts_part, p)
    code, rep = verify(lta, env=env)
    seal, dts = sig(rep, 0), sig(rep, 1)
    check("B-LTA: eseal verify PASSED for the seal and the document timestamp (exit 0)",
          code == 0 and seal.get("indication") == "PASSED" and dts.get("indication") == "PASSED"
          and dts.get("format") == "ETSI.RFC3161" and (dts.get("timestamp") or {}).get("kind") == "document",
          "exit %d %s" % (code, json.dumps([seal.get("errors"), dts.get("errors")])))
    r = run([ESEAL, "verify", "--no-system-trust", "--trust", TRUST, lta], env=dict(env, LANG="C.UTF-8", LC_ALL="C.UTF-8"))
    first = r.stdout.splitlines()[0] if r.stdout else ""
    check("B-LTA: the verdict sentence names the sealer, not the TSA", r.returncode == 0 and first.startswith("Valid")
          and "LTV good" in first and "TSA" not in first, first)
    token = contents_of(lta, -1)
    open(os.path.join(work, "doc-token.der"), "wb").write(token)
    open(os.path.join(work, "doc-range.bin"), "wb").write(byte_range_data(lta, -1))
    r = run(["openssl", "ts", "-verify", "-in", os.path.join(work, "doc-token.der"), "-token_in", "-data",
             os.path.join(work, "doc-range.bin"), "-CAfile", TRUST, "-untrusted", os.path.join(PKI, "tsa-chain.pem")])
    check("B-LTA: openssl ts -verify accepts the document timestamp over its byte range",
          r.returncode == 0 and "Verification: OK" in r.stdout, r.stdout + r.stderr)
    data = open(lta, "rb").read()
    at = data.rfind(b"/Type /DSS")
    bad = os.path.join(work, "b-lta-changed.pdf")
    open(bad, "wb").write(data[:at] + b"/Type /DSX" + data[at + 10:])
    code, rep = verify(bad, env=env)
    check("B-LTA: a byte changed under the document timestamp: FAILED / HASH_FAILURE",
          at > 0 and code == 1 and sig(rep, 1).get("subIndication") == "HASH_FAILURE",
          "exit %d %s" % (code, json.dumps(sig(rep, 1).get("errors"))))
    lta_leftovers(work, svc, db, env, lta)
    r = sign(LETTER, os.path.join(work, "lt-no-urls.pdf"), os.path.join(PKI, "signer-ec.p12"), "--tsa", svc.tsa_url,
             "--level", "B-LT", env=env)
    check("B-LT: a signer naming no CRL/OCSP service: exit 7, nothing written",
          r.returncode == 7 and not os.path.exists(os.path.join(work, "lt-no-urls.pdf")), r.stderr)


def append_lta_leftovers(src, dst):
    """Appends to src, as a later LTV tool does, an update that writes a new /DSS
    (the old one's entries, in a new dictionary the catalog now names) and
    leaves behind a tree of new objects nothing refers to: a superseded DSS
    dictionary, its /VRI entry and a stream under that (Acrobat's LTV updates in
    the EU DSS test files hold such trees). Returns the new objects' numbers."""
    import pikepdf
    data = open(src, "rb").read()
    prev = int(re.findall(rb"startxref\s+(\d+)\s+%%EOF", data)[-1])
    with pikepdf.open(src) as pdf:
        size = int(pdf.trailer.Size)
        root = pdf.trailer.Root
        rnum, rgen = root.objgen
        root_entries = " ".join("%s %s" % (k, v.unparse().decode("latin-1")) for k, v in root.items() if k != "/DSS")
        dss_entries = " ".join("%s %s" % (k, v.unparse().decode("latin-1")) for k, v in root.DSS.items())
        trailer = " ".join("%s %s" % (k, pdf.trailer.get(k).unparse().decode("latin-1"))
                           for k in ("/Root", "/Info", "/ID") if k in pdf.trailer)
    dss, orphan, vri, stream = size, size + 1, size + 2, size + 3
    leftover = b"superseded validation data"
    objects = {
        dss: b"<< " + dss_entries.encode("latin-1") + b" >>",
        orphan: b"<< /Type /DSS /VRI %d 0 R >>" % vri,
        vri: b"<< /" + b"A" * 40 + b" << /Cert [%d 0 R] >> >>" % stream,
        stream: b"<< /Length %d >>\nstream\n" % len(leftover) + leftover + b"\nendstream",
        rnum: b"<< " + root_entries.encode("latin-1") + b" /DSS %d 0 R >>" % dss,
    }
    out = bytearray(data if data.endswith(b"\n") else data + b"\n")
    offsets = {}
    for num, body in objects.items():
        offsets[num] = len(out)
        out += b"%d %d obj\n" % (num, rgen if num == rnum else 0) + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n"
    for num in sorted(offsets):
        out += b"%d 1\n%010d %05d n\r\n" % (num, offsets[num], rgen if num == rnum else 0)
    out += ("trailer\n<< /Size %d %s /Prev %d >>\n" % (stream + 1, trailer, prev)).encode("latin-1")
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    open(dst, "wb").write(out)
    return [orphan, vri, stream]


def lta_leftovers(work, svc, db, env, lta):
    """An LTV update after a B-LTA seal that leaves unused objects behind is an
    allowed change (LTA update), not a FAILED seal: a verifier must not cry wolf."""
    later = os.path.join(work, "b-lta-leftovers.pdf")
    unused = append_lta_leftovers(lta, later)
    ok, q = qpdf_check(later)
    check("LTA leftovers: qpdf --check clean", ok, q)
    svc.start_ocsp(svc.index)
    p = pdfsig(later, db)
    svc.stop_ocsp()
    seal_part = p.partition("Signature #2:")[0]
    check("LTA leftovers: pdfsig: the seal is still valid", "Signature is Valid" in seal_part, p)
    code, rep = verify(later, env=env)
    seal, dts = sig(rep, 0), sig(rep, 1)
    last = rep.get("revisions", 0)
    mods = [m for m in seal.get("modifications", []) if m["revision"] == last]
    refs = {"%d 0 R" % n for n in unused}
    check("LTA leftovers: the seal and the document timestamp PASSED (exit 0)",
          code == 0 and seal.get("indication") == "PASSED" and dts.get("indication") == "PASSED",
          "exit %d %s" % (code, json.dumps([seal.get("errors"), dts.get("errors")])[:800]))
    check("LTA leftovers: the tree nothing uses is reported unused, to its leaves, and allowed",
          refs <= {m["object"] for m in mods if m["kind"] == "unused" and m["allowed"]}, json.dumps(mods)[:800])
    check("LTA leftovers: the new /DSS is an allowed dss change",
          any(m["kind"] == "dss" and m["allowed"] for m in mods) and all(m["allowed"] for m in mods),
          json.dumps(mods)[:800])


if __name__ == "__main__":
    sys.exit(main())
