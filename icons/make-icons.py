#!/usr/bin/python3
"""Draws the toolbar icons (16 and 26 px RGBA PNGs) into this folder.

Saturated red/green shapes with a pale outline, so they read on light and dark
toolbars. Shapes are sampled 4x4 per pixel for smooth edges. Run after a change:
    /usr/bin/python3 icons/make-icons.py
"""
import math
import os
import struct
import zlib

RED, GREEN, GOLD, HALO = (200, 16, 46), (20, 140, 60), (190, 130, 0), (255, 255, 255)


def ring(cx, cy, r, w):
    return lambda x, y: abs(math.hypot(x - cx, y - cy) - r) <= w / 2


def disc(cx, cy, r):
    return lambda x, y: math.hypot(x - cx, y - cy) <= r


def star(cx, cy, r):
    pts = [(cx + (r if i % 2 == 0 else r * 0.42) * math.sin(i * math.pi / 5),
            cy - (r if i % 2 == 0 else r * 0.42) * math.cos(i * math.pi / 5)) for i in range(10)]

    def inside(x, y):
        c = False
        for i in range(10):
            (x1, y1), (x2, y2) = pts[i], pts[i - 1]
            if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
                c = not c
        return c
    return inside


def segment(x1, y1, x2, y2, w):
    def inside(x, y):
        dx, dy = x2 - x1, y2 - y1
        t = max(0.0, min(1.0, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy)))
        return math.hypot(x - x1 - t * dx, y - y1 - t * dy) <= w / 2
    return inside


def rect(x1, y1, x2, y2):
    return lambda x, y: x1 <= x <= x2 and y1 <= y <= y2


# Each icon: layers of (colour, shape) on a unit square (0..1), later on top.
def seal():
    return [(RED, ring(.5, .5, .40, .10)), (RED, star(.5, .5, .24))]


def crosspage():
    half = lambda x, y: x <= .62
    return [(RED, lambda x, y: half(x, y) and ring(.62, .5, .36, .10)(x, y)),
            (RED, lambda x, y: half(x, y) and star(.62, .5, .22)(x, y)),
            (GOLD, rect(.66, .08, .74, .92))]


def verify():
    return [(GREEN, ring(.5, .5, .40, .10)), (GREEN, segment(.30, .52, .45, .68, .12)),
            (GREEN, segment(.45, .68, .72, .34, .12))]


def manage():
    return [(GOLD, ring(.32, .5, .17, .10)), (GOLD, segment(.48, .5, .90, .5, .10)),
            (GOLD, segment(.78, .5, .78, .66, .09)), (GOLD, segment(.88, .5, .88, .62, .09))]


def render(layers, size, n=4):
    rows = []
    halo = max(1.0, size / 16) / size  # outline width in unit coordinates
    for py in range(size):
        row = bytearray()
        for px in range(size):
            acc, cov, hcov = [0, 0, 0], 0, 0
            for sy in range(n):
                for sx in range(n):
                    x, y = (px + (sx + .5) / n) / size, (py + (sy + .5) / n) / size
                    hit = None
                    for colour, shape in layers:
                        if shape(x, y):
                            hit = colour
                    if hit:
                        cov += 1
                        acc = [a + c for a, c in zip(acc, hit)]
                    elif any(shape(x + dx * halo, y + dy * halo) for _, shape in layers
                             for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1))):
                        hcov += 1
            total = n * n
            if cov:
                rgb = [int(a / cov) for a in acc]
                alpha = int(255 * cov / total + 160 * hcov / total)
                row += bytes(rgb) + bytes([min(255, alpha)])
            else:
                row += bytes(HALO) + bytes([int(160 * hcov / total)])
        rows.append(bytes(row))
    return rows


def write_png(path, rows, size):
    raw = b"".join(b"\x00" + r for r in rows)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)) +
                chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


here = os.path.dirname(os.path.abspath(__file__))
for name, layers in (("seal", seal()), ("crosspage", crosspage()), ("verify", verify()), ("manage", manage())):
    for size in (16, 26):
        write_png(os.path.join(here, "%s-%d.png" % (name, size)), render(layers, size), size)
