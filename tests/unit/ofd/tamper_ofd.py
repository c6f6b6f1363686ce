#!/usr/bin/env python3
"""Copies an OFD package entry by entry (Python's zipfile, not libzip), changing
one byte of ENTRY: the middle-most letter or digit (of text content, in XML)
becomes another one, so XML stays well-formed and only the content differs."""
import sys, zipfile

src, dst, entry = sys.argv[1:4]
with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
    found = False
    for info in zin.infolist():
        data = bytearray(zin.read(info.filename))
        if info.filename == entry:
            found = True
            mid = len(data) // 2
            # In XML only text content is changed (between '>' and '<').
            text, inside = [], entry.endswith(".xml") is False
            for c in data:
                if c == ord("<"):
                    inside = False
                text.append(inside or not entry.endswith(".xml"))
                if c == ord(">"):
                    inside = True
            for i in sorted(range(len(data)), key=lambda i: abs(i - mid)):
                c = data[i]
                if text[i] and chr(c).isalnum():
                    data[i] = ord("7") if c != ord("7") else ord("8")
                    break
            else:
                data[mid] ^= 1
        zout.writestr(info, bytes(data))
    if not found:
        sys.exit("no entry " + entry)
