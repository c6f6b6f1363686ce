#!/usr/bin/env python3
"""Hostile ZIP and XML inputs for test_package, written with Python's zipfile
(independent of libzip): a zip bomb, path escapes, duplicate names, a CRC error."""
import os, sys, warnings, zipfile

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
def make(name, entries, method=zipfile.ZIP_DEFLATED):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with zipfile.ZipFile(os.path.join(out, name), "w", method) as z:
            for n, data in entries:
                z.writestr(n, data)

make("good.zip", [("OFD.xml", b"<a/>"), ("Doc_0/x.txt", b"hello"), ("Doc_0/", b"")])
make("bomb.zip", [("zeros.bin", b"\0" * (20 << 20))])
make("escape.zip", [("ok.txt", b"1"), ("../evil.txt", b"2")])
make("absolute.zip", [("/etc/evil", b"2")])
make("backslash.zip", [("a\\..\\..\\evil", b"2")])
make("duplicate.zip", [("a.xml", b"1"), ("a.xml", b"2")])
make("stored.zip", [("data.txt", b"A" * 1000)], zipfile.ZIP_STORED)
# The same with one stored byte changed: the CRC no longer matches.
raw = bytearray(open(os.path.join(out, "stored.zip"), "rb").read())
raw[30 + len("data.txt") + 500] ^= 1
open(os.path.join(out, "crc.zip"), "wb").write(raw)
open(os.path.join(out, "notzip.zip"), "wb").write(b"PK\3\4 not really a zip")
