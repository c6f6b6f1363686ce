#!/usr/bin/python3
"""placement_check.py: independent checks of where and how a seal is drawn, for
test_placement.cpp (pikepdf reads the file, pdftoppm renders it, PIL compares).

  asymmetric-seal OUT.png       a seal picture whose left and right halves differ
  widgets PDF FIELD             JSON list of the field's widgets: page (1-based),
                                rect in points from the page's top-left [x0, top, x1, bottom]
  crosspage PDF FIELD SEAL DPI  renders the widgets' pages, cuts each widget's box out,
                                lays them side by side in page order (and reversed) and
                                compares with the seal picture on white: JSON
                                {strips, iou, iouReversed, meanDiff}
  need-appearances IN OUT       IN with /AcroForm /NeedAppearances true
"""
import json
import subprocess
import sys
import tempfile

import pikepdf
from PIL import Image, ImageDraw


def asymmetric_seal(out):
    n = 400
    im = Image.new("RGBA", (n, n), (0, 0, 0, 0))
    d = ImageDraw.Draw(im)
    red = (220, 20, 30, 255)
    d.ellipse([6, 6, n - 7, n - 7], outline=red, width=26)
    d.rectangle([70, 90, 190, 200], fill=red)     # upper left block
    d.rectangle([210, 250, 330, 290], fill=red)   # lower right bar
    im.save(out)


def field_widgets(pdf, field):
    out = []
    pages = {p.objgen: i + 1 for i, p in enumerate(pdf.pages)}
    for i, page in enumerate(pdf.pages):
        for a in page.obj.get("/Annots", []):
            if a.get("/Subtype") != "/Widget":
                continue
            node, name = a, None
            while node is not None and name is None:
                if "/T" in node:
                    name = str(node.T)
                node = node.get("/Parent")
            if name != field:
                continue
            box = [float(v) for v in page.obj.MediaBox]
            r = [float(v) for v in a.Rect]
            top = box[3]
            out.append({"page": i + 1, "rect": [r[0] - box[0], top - r[3], r[2] - box[0], top - r[1]]})
    return out


def render(path, page, dpi, tmp):
    prefix = f"{tmp}/p{page}"
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-f", str(page), "-l", str(page), "-singlefile",
                    path, prefix], check=True)
    return Image.open(prefix + ".png").convert("RGB")


def red_mask(im):
    return [r > 150 and g < 110 and b < 110 for (r, g, b) in im.getdata()]


def compare(a, b):
    ma, mb = red_mask(a), red_mask(b)
    inter = sum(1 for x, y in zip(ma, mb) if x and y)
    union = sum(1 for x, y in zip(ma, mb) if x or y)
    return inter / union if union else 0.0


def crosspage(path, field, seal, dpi):
    with pikepdf.open(path) as pdf:
        widgets = field_widgets(pdf, field)
    scale = dpi / 72.0
    strips = []
    with tempfile.TemporaryDirectory() as tmp:
        for w in widgets:
            im = render(path, w["page"], dpi, tmp)
            x0, t, x1, b = [round(v * scale) for v in w["rect"]]
            strips.append(im.crop((x0, t, x1, b)))
    width = sum(s.width for s in strips)
    height = max(s.height for s in strips)

    def lay(order):
        whole = Image.new("RGB", (width, height), "white")
        x = 0
        for s in order:
            whole.paste(s, (x, 0))
            x += s.width
        return whole

    picture = Image.open(seal).convert("RGBA")
    on_white = Image.new("RGBA", picture.size, "white")
    on_white.alpha_composite(picture)
    want = on_white.convert("RGB").resize((width, height), Image.LANCZOS)
    got = lay(strips)
    diff = sum(abs(p - q) for pa, pb in zip(got.getdata(), want.getdata()) for p, q in zip(pa, pb))
    return {"strips": len(strips), "iou": compare(got, want), "iouReversed": compare(lay(strips[::-1]), want),
            "meanDiff": diff / (width * height * 3)}


def main():
    cmd = sys.argv[1]
    if cmd == "asymmetric-seal":
        asymmetric_seal(sys.argv[2])
    elif cmd == "widgets":
        with pikepdf.open(sys.argv[2]) as pdf:
            print(json.dumps(field_widgets(pdf, sys.argv[3])))
    elif cmd == "crosspage":
        print(json.dumps(crosspage(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))))
    elif cmd == "need-appearances":
        with pikepdf.open(sys.argv[2]) as pdf:
            pdf.Root.AcroForm = pdf.make_indirect(pikepdf.Dictionary(Fields=pikepdf.Array(), NeedAppearances=True))
            pdf.save(sys.argv[3])
    else:
        sys.exit("unknown command " + cmd)


if __name__ == "__main__":
    main()
