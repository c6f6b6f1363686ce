#!/usr/bin/python3
"""append-signature.py IN OUT [options]: copy IN to OUT and append one
incremental update (ISO 32000-1 7.5.6) that adds or signs a signature field,
signed by openssl cms (adbe.pkcs7.detached, 12.8.3.3) with a key and
certificate given as PEM files. It makes the signatures other software would
make after an eseal seal, so the verifier tests can judge them:

  --key K --cert C [--chain P]  signing key, its certificate, more certificates
  --field NAME                  the field to sign; an existing empty signature
                                field of that name is signed, else a new one
                                is added to page 1
  --rect X1,Y1,X2,Y2            the new field's widget rectangle (default
                                0,0,0,0: invisible); with --appearance TEXT
                                the widget shows TEXT on a white box
  --certify P                   a certification signature: /Reference DocMDP
                                with /P P and catalog /Perms /DocMDP (12.8.2.2)
  --lock ACTION[:A,B]           a FieldMDP transform (12.8.2.4) and the
                                field's /Lock dictionary: All, Include or
                                Exclude the named fields
  --empty                       add the field without a signature (/V absent)
  --placeholder                 add the signature dictionary but never sign it
                                (/Contents stays zeros)
  --startxref-eol               write startxref one byte early, at the EOL
                                before "xref", as node-signpdf does (its next
                                update's /Prev then repeats that offset)
  --not-in-fields               list the new field on the page's /Annots only,
                                not in the form's /Fields (a damaged form)

pikepdf only reads IN; the update is written byte by byte, so earlier
signatures cover the same bytes. IN's last cross-reference section must be a
table (7.5.4); the new one is a table too. Prints the new field's object number.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

import pikepdf

from pdf_syntax import text, entries, dictionary

CONTENTS_HEX = 16384  # hex digits reserved for the CMS


def pdf_string(s):
    return "(" + s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("src")
    ap.add_argument("dst")
    ap.add_argument("--key")
    ap.add_argument("--cert")
    ap.add_argument("--chain")
    ap.add_argument("--field", required=True)
    ap.add_argument("--rect", default="0,0,0,0")
    ap.add_argument("--appearance")
    ap.add_argument("--certify", type=int)
    ap.add_argument("--lock")
    ap.add_argument("--empty", action="store_true")
    ap.add_argument("--placeholder", action="store_true")
    ap.add_argument("--startxref-eol", action="store_true")
    ap.add_argument("--not-in-fields", action="store_true")
    a = ap.parse_args()
    signing = not a.empty and not a.placeholder
    if signing and not (a.key and a.cert):
        print("append-signature: --key and --cert are needed to sign", file=sys.stderr)
        return 2

    data = open(a.src, "rb").read()
    starts = list(re.finditer(rb"startxref\s+(\d+)\s+%%EOF", data))
    if not starts:
        print("append-signature: no startxref in " + a.src, file=sys.stderr)
        return 1
    prev = int(starts[-1].group(1))
    # node-signpdf's startxref names the EOL before "xref".
    if data[prev:prev + 5].lstrip()[:4] != b"xref":
        print("append-signature: last xref section of %s is not a table" % a.src, file=sys.stderr)
        return 1

    objects = {}  # num -> body bytes; the signature dictionary first
    order = []
    with pikepdf.open(a.src) as pdf:
        next_num = int(pdf.trailer.Size)

        def reserve():
            nonlocal next_num
            next_num += 1
            return next_num - 1

        def put(num, body):
            objects[num] = body if isinstance(body, bytes) else body.encode("latin-1")
            if num not in order:
                order.append(num)

        root = pdf.Root
        catalog = entries(root)
        catalog_changed = False
        page = pdf.pages[0].obj
        trailer = []
        for key in ("/Root", "/Info", "/ID"):
            if key in pdf.trailer:
                trailer.append("%s %s" % (key, text(pdf.trailer.get(key))))

        acro = root.get("/AcroForm")
        existing = None
        if acro is not None:
            for f in acro.get("/Fields", []):
                if str(f.get("/T", "")) == a.field and f.get("/FT") == "/Sig":
                    existing = f
        sig_num = None
        if not a.empty:
            sig_num = reserve()
            refs = []
            if a.certify:
                refs.append("<< /Type /SigRef /TransformMethod /DocMDP /TransformParams "
                            "<< /Type /TransformParams /P %d /V /1.2 >> >>" % a.certify)
            lock = None
            if a.lock:
                action, _, names = a.lock.partition(":")
                fields = "" if action == "All" else " /Fields [%s]" % " ".join(
                    pdf_string(n) for n in names.split(",") if n)
                lock = "/Action /%s%s" % (action, fields)
                refs.append("<< /Type /SigRef /TransformMethod /FieldMDP /TransformParams "
                            "<< /Type /TransformParams %s /V /1.2 >> >>" % lock)
            body = ("<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /adbe.pkcs7.detached "
                    "/ByteRange [0 0000000000 0000000000 0000000000] /Contents <" + "0" * CONTENTS_HEX + "> "
                    "/M (D:20261203120000Z)" + (" /Reference [%s]" % " ".join(refs) if refs else "") + " >>")
            put(sig_num, body)
        if a.certify:
            catalog["/Perms"] = "<< /DocMDP %d 0 R >>" % sig_num
            catalog_changed = True

        if existing is not None:
            field_num = existing.objgen[0]
            fe = entries(existing)
            if sig_num is not None:
                fe["/V"] = "%d 0 R" % sig_num
            if a.lock:
                fe["/Lock"] = "<< /Type /SigFieldLock %s >>" % lock
            put(field_num, dictionary(fe))
        else:
            field_num = reserve()
            rect = [float(v) for v in a.rect.split(",")]
            fe = {"/FT": "/Sig", "/T": pdf_string(a.field), "/Type": "/Annot", "/Subtype": "/Widget",
                  "/Rect": "[%s]" % " ".join("%g" % v for v in rect), "/P": text(page), "/F": "132"}
            if sig_num is not None:
                fe["/V"] = "%d 0 R" % sig_num
            if a.lock:
                fe["/Lock"] = "<< /Type /SigFieldLock %s >>" % lock
            if a.appearance:
                w, h = abs(rect[2] - rect[0]), abs(rect[3] - rect[1])
                draw = ("1 1 1 rg 0 0 %g %g re f BT 0 0 0 rg /Helv 12 Tf 4 %g Td %s Tj ET" %
                        (w, h, h / 2 - 4, pdf_string(a.appearance))).encode("latin-1")
                ap_num = reserve()
                put(ap_num, ("<< /Type /XObject /Subtype /Form /BBox [0 0 %g %g] /Resources << /Font << "
                             "/Helv << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> /Length %d >>\n"
                             "stream\n" % (w, h, len(draw))).encode("latin-1") + draw + b"\nendstream")
                fe["/AP"] = "<< /N %d 0 R >>" % ap_num
            put(field_num, dictionary(fe))
            # The page's /Annots and the form's /Fields list the new field.
            annots = page.get("/Annots")
            items = [] if annots is None else [text(x) for x in annots]
            listed = "[" + " ".join(items + ["%d 0 R" % field_num]) + "]"
            if annots is not None and annots.is_indirect:
                put(annots.objgen[0], listed)
            else:
                pe = entries(page)
                pe["/Annots"] = listed
                put(page.objgen[0], dictionary(pe))
            form = entries(acro) if acro is not None else {}
            flist = [] if acro is None else [text(x) for x in acro.get("/Fields", [])]
            fields_obj = acro.get("/Fields") if acro is not None else None
            if a.not_in_fields:
                pass
            elif fields_obj is not None and fields_obj.is_indirect:
                put(fields_obj.objgen[0], "[" + " ".join(flist + ["%d 0 R" % field_num]) + "]")
            else:
                form["/Fields"] = "[" + " ".join(flist + ["%d 0 R" % field_num]) + "]"
            form["/SigFlags"] = "3"
            if acro is not None and acro.is_indirect:
                put(acro.objgen[0], dictionary(form))
            else:
                catalog["/AcroForm"] = dictionary(form)
                catalog_changed = True
        if catalog_changed:
            put(root.objgen[0], dictionary(catalog))

    out = bytearray(data)
    if not out.endswith(b"\n"):
        out += b"\n"
    offsets = {}
    for num in order:
        offsets[num] = len(out)
        out += b"%d 0 obj\n" % num + objects[num] + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n"
    for num in sorted(offsets):
        out += b"%d 1\n%010d 00000 n\r\n" % (num, offsets[num])
    out += ("trailer\n<< /Size %d %s /Prev %d >>\n" % (next_num, " ".join(trailer), prev)).encode("latin-1")
    out += b"startxref\n%d\n%%%%EOF\n" % (xref - 1 if a.startxref_eol else xref)

    if sig_num is not None:
        at = offsets[sig_num]
        c0 = out.index(b"/Contents <", at) + len(b"/Contents ")
        c1 = c0 + CONTENTS_HEX + 2
        br = b"[0 %010d %010d %010d]" % (c0, c1, len(out) - c1)
        b0 = out.index(b"[0 0000000000", at)
        out[b0:b0 + len(br)] = br
        if signing:
            with tempfile.TemporaryDirectory() as tmp:
                signed = os.path.join(tmp, "signed.bin")
                cms = os.path.join(tmp, "cms.der")
                open(signed, "wb").write(bytes(out[:c0]) + bytes(out[c1:]))
                cmd = ["openssl", "cms", "-sign", "-binary", "-md", "sha256", "-outform", "DER", "-nosmimecap",
                       "-in", signed, "-signer", a.cert, "-inkey", a.key, "-out", cms]
                if a.chain:
                    cmd += ["-certfile", a.chain]
                subprocess.run(cmd, check=True)
                der = open(cms, "rb").read().hex().encode("ascii")
            if len(der) > CONTENTS_HEX:
                print("append-signature: the CMS does not fit", file=sys.stderr)
                return 1
            out[c0 + 1:c0 + 1 + len(der)] = der
    open(a.dst, "wb").write(bytes(out))
    print(field_num)
    return 0


if __name__ == "__main__":
    sys.exit(main())
