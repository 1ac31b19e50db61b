#!/usr/bin/env python3
"""Create the demo photos and brand logos referenced by the demo content.

Usage:
    python scripts/make_demo_photos.py [--root branches] [--force] [--dry-run]

The demo content under ``branches/`` refers to photos and logos that are not real
pictures: this script draws them (Pillow only, no downloads, no fonts), so that the
repository stays small and the pictures are free to use. Output is deterministic:
every picture is seeded by its own path, so running the script twice gives the same
bytes. Files that already exist are left alone unless ``--force`` is given.

Which files to create is read from the content itself:

* ``branches/<id>/index.md``: the ``logo`` / ``品牌标识`` key -> a 512x512 PNG emblem.
* ``branches/<id>/news/*.md``: every path in ``photos`` / ``图片`` (plain paths or
  ``{file, caption}`` mappings), ``cover`` / ``封面``, and every Markdown image in the
  body (``![..](stem/01.jpg)``) -> a 1600x1200 (or 1200x1600) JPEG.
* ``FOLDER_ONLY`` below: items that list no photos at all (the site then uses every
  image in the item's folder); the number says how many photos the folder holds.

The script only creates files; it never changes or deletes content.
"""

from __future__ import annotations

import argparse
import hashlib
import math
import random
import re
import sys
from pathlib import Path

try:
    import yaml
except ImportError:  # pragma: no cover - PyYAML comes with MkDocs
    sys.exit("PyYAML is required (pip install pyyaml)")

try:
    from PIL import Image, ImageDraw, ImageFilter
except ImportError:  # pragma: no cover
    sys.exit("Pillow is required (pip install pillow)")

PHOTO_SIZE = (1600, 1200)
JPEG_QUALITY = 82
LOGO_SIZE = 512
IMAGE_EXTS = {".jpg", ".jpeg", ".png", ".webp"}

# Items whose front matter lists no photos: the folder <branch>/news/<stem>/ holds
# 01.jpg .. NN.jpg, and the site shows all of them.
FOLDER_ONLY: dict[str, int] = {
    "jg1/news/2025-06-27-zhuti-dangri-wuda": 3,
    "jg1/news/2025-12-18-zhiweihui": 1,
    "jg1/news/2026-07-13-dangyuan-dahui": 2,
    "jg2/news/2025-03-24-zhiweihui": 1,
    "jg2/news/2025-04-17-zhiweihui": 1,
    "jg2/news/2025-12-10-dangke-chengxin": 2,
    "jg2/news/2026-03-23-dahui": 1,
    "jg2/news/2026-04-15-zhiweihui": 1,
    "jg2/news/2026-05-15-zhiweihui": 1,
    "jg2/news/2026-06-24-qiyi-zhuti-dangri": 1,
    "jg3/news/2025-01-09-dangyuan-dahui": 1,
    "jg3/news/2026-06-09-dangyuan-dahui": 1,
    "jg3/news/2026-10-14-dangyuan-dahui": 1,
    "jj-jg/news/2025-08-20-gongjian-yingshan": 2,
    "jj-jg/news/2025-12-15-zhiweihui-12": 1,
    "jj-jg/news/2026-03-17-zhiweihui-03": 1,
    "jj-xs/news/2025-06-17-dangyuan-dahui": 1,
    "jj-xs/news/2026-05-20-diaoyan-baogao": 1,
    "ltx/news/2025-02-11-dangyuan-dahui": 1,
    "ltx/news/2025-11-13-dangyuan-dahui": 1,
    "ltx/news/2026-03-20-dangyuan-dahui": 1,
    "ltx/news/chongyang-denggao": 2,
    "ss-lh/news/2025-03-24-dangyuan-dahui": 1,
    "ss-lh/news/2025-09-19-zhiweihui-09": 1,
    "xs-bk1/news/2024-12-19-dahui": 1,
    "xs-bk1/news/2025-07-10-sanxiaxiang-yangshuwan": 3,
    "xs-bk1/news/2025-08-13-8yue-zhiweihui": 1,
    "xs-bk1/news/2025-09-11-zhiwei-huiyi": 1,
    "xs-bk1/news/2025-11-12-dangke-qingnian": 1,
    "xs-bk1/news/2026-01-09-1yue-zhiweihui": 1,
    "xs-bk1/news/2026-09-22-q3-dangyuan-dahui": 1,
    "xs-bk2/news/2025-05-25-5yue-zhiweihui": 1,
    "xs-bk2/news/2025-12-17-shequ-geshui-zhidao": 2,
    "xs-bk2/news/2026-03-19-dangyuan-dahui": 2,
    "xs-bk2/news/2026-10-09-dangyuan-dahui": 1,
    "xs-yjs/news/2025-09-03-观看纪念大会": 1,
    "xs-yjs/news/2025-11-14-zhiweihui-11": 1,
    "xs-yjs/news/2025-12-03-dangke-kexue-chengxin": 1,
    "xs-yjs/news/2026-05-20-tongji-zhiyuan": 2,
    "xs-yjs/news/2026-08-25-zhiweihui": 1,
    "xs-yjs/news/2026-10-14-q4-dangyuan-dahui": 1,
}

FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*(?:\n|\Z)(.*)\Z", re.S)
MD_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")


# --------------------------------------------------------------------------- content


def read_front_matter(path: Path) -> tuple[dict, str]:
    text = path.read_text(encoding="utf-8")
    m = FRONT_MATTER.match(text)
    if not m:
        return {}, text
    data = yaml.safe_load(m.group(1)) or {}
    return (data if isinstance(data, dict) else {}), m.group(2)


def pick(meta: dict, *keys):
    for k in keys:
        if k in meta and meta[k] not in (None, ""):
            return meta[k]
    return None


def wanted_files(root: Path) -> tuple[list[tuple[Path, str]], list[Path]]:
    """Return (logos with their meaning text, photos) that the content under ``root`` refers to."""
    logos: list[tuple[Path, str]] = []
    photos: set[Path] = set()
    for branch in sorted(p for p in root.iterdir() if p.is_dir()):
        index = branch / "index.md"
        if index.is_file():
            meta, _ = read_front_matter(index)
            logo = pick(meta, "logo", "品牌标识")
            if isinstance(logo, str) and not re.match(r"^[a-z]+://", logo):
                meaning = pick(meta, "logo_meaning", "标识释义")
                logos.append((branch / logo, str(meaning or "")))
        news = branch / "news"
        if not news.is_dir():
            continue
        for item in sorted(news.glob("*.md")):
            meta, body = read_front_matter(item)
            refs: list[str] = []
            listed = pick(meta, "photos", "图片") or []
            if isinstance(listed, (str, dict)):
                listed = [listed]
            for entry in listed:
                if isinstance(entry, dict):
                    entry = entry.get("file")
                if isinstance(entry, str):
                    refs.append(entry)
            cover = pick(meta, "cover", "封面")
            if isinstance(cover, str):
                refs.append(cover)
            refs.extend(MD_IMAGE.findall(body))
            for ref in refs:
                if re.match(r"^[a-z]+://", ref) or ref.startswith("/"):
                    continue
                target = (news / ref).resolve()
                if target.suffix.lower() in IMAGE_EXTS:
                    photos.add(target)
    for rel, count in FOLDER_ONLY.items():
        folder = root / rel
        for i in range(1, count + 1):
            photos.add((folder / f"{i:02d}.jpg").resolve())
    return logos, sorted(photos)


# --------------------------------------------------------------------------- drawing


def rng_for(path: Path, root: Path) -> random.Random:
    try:
        key = path.resolve().relative_to(root.resolve().parent).as_posix()
    except ValueError:
        key = path.as_posix()
    seed = int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big")
    return random.Random(seed)


def lerp(a, b, t):
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=False))


def jitter(rng, color, amount=14):
    return tuple(max(0, min(255, c + rng.randint(-amount, amount))) for c in color)


def vgradient(size, top, bottom):
    w, h = size
    col = Image.new("RGB", (1, h))
    for y in range(h):
        col.putpixel((0, y), lerp(top, bottom, y / max(1, h - 1)))
    return col.resize((w, h))


SKIN = [(236, 200, 170), (222, 184, 150), (240, 208, 180), (214, 176, 140)]
HAIR = [(30, 26, 24), (44, 36, 30), (60, 50, 44), (90, 88, 86), (170, 170, 170)]
CLOTHES = [
    (40, 48, 70),
    (30, 30, 36),
    (70, 74, 84),
    (235, 235, 232),
    (120, 40, 40),
    (50, 80, 120),
    (90, 70, 60),
    (200, 200, 205),
    (60, 90, 70),
]
RED = (196, 22, 28)
GOLD = (250, 204, 60)


def person(d: ImageDraw.ImageDraw, rng, x, y, s, shirt=None, back=False):
    """A simple figure: shoulders/torso at (x, y) with head size s."""
    shirt = shirt or rng.choice(CLOTHES)
    body_w = s * 2.3
    d.rounded_rectangle(
        [x - body_w / 2, y + s * 0.9, x + body_w / 2, y + s * 4.2], radius=int(s * 0.7), fill=shirt
    )
    if not back and shirt in ((30, 30, 36), (40, 48, 70), (70, 74, 84)):
        d.polygon(
            [(x - s * 0.3, y + s * 0.95), (x + s * 0.3, y + s * 0.95), (x, y + s * 1.6)], fill=(240, 240, 240)
        )
        # party badge
        d.ellipse([x - s * 0.75, y + s * 1.5, x - s * 0.5, y + s * 1.75], fill=RED)
    hair = rng.choice(HAIR)
    d.ellipse(
        [x - s * 0.62, y - s * 0.35, x + s * 0.62, y + s * 1.0], fill=hair if back else rng.choice(SKIN)
    )
    if not back:
        d.chord([x - s * 0.64, y - s * 0.4, x + s * 0.64, y + s * 0.7], 180, 360, fill=hair)


def star(d, cx, cy, r, fill, rot=-90.0):
    pts = []
    for i in range(10):
        rr = r if i % 2 == 0 else r * 0.382
        a = math.radians(rot + i * 36)
        pts.append((cx + rr * math.cos(a), cy + rr * math.sin(a)))
    d.polygon(pts, fill=fill)


def banner(d, rng, box, color=RED):
    x0, y0, x1, y1 = box
    d.rectangle(box, fill=color)
    h = y1 - y0
    n = rng.randint(10, 18)
    cw = (x1 - x0) * 0.8 / n
    sx = x0 + (x1 - x0) * 0.1
    for i in range(n):
        if rng.random() < 0.08:
            continue
        cx = sx + i * cw
        d.rectangle([cx + cw * 0.15, y0 + h * 0.25, cx + cw * 0.85, y0 + h * 0.75], fill=(255, 230, 150))


def tree(d, rng, x, ground, h):
    trunk = (96, 70, 50)
    d.rectangle([x - h * 0.04, ground - h * 0.45, x + h * 0.04, ground], fill=trunk)
    base = jitter(rng, (60, 130, 70), 25)
    for i in range(3):
        r = h * (0.28 - i * 0.05)
        cy = ground - h * (0.55 + i * 0.16)
        d.ellipse([x - r, cy - r, x + r, cy + r], fill=lerp(base, (150, 200, 120), i * 0.25))


def pine(d, rng, x, ground, h):
    d.rectangle([x - h * 0.03, ground - h * 0.2, x + h * 0.03, ground], fill=(80, 60, 45))
    c = jitter(rng, (34, 84, 52), 12)
    for i in range(4):
        w = h * (0.32 - i * 0.06)
        top = ground - h * (0.45 + i * 0.17)
        d.polygon(
            [(x - w, top + h * 0.3), (x + w, top + h * 0.3), (x, top)], fill=lerp(c, (70, 120, 80), i * 0.2)
        )


def scene_meeting(img, rng):
    w, h = img.size
    d = ImageDraw.Draw(img)
    wall = jitter(rng, rng.choice([(236, 230, 218), (222, 226, 230), (240, 236, 226)]))
    img.paste(vgradient((w, int(h * 0.62)), wall, lerp(wall, (180, 170, 160), 0.35)), (0, 0))
    floor = jitter(rng, (150, 110, 80))
    img.paste(vgradient((w, h - int(h * 0.62)), floor, lerp(floor, (60, 40, 30), 0.5)), (0, int(h * 0.62)))
    banner(d, rng, (w * 0.12, h * 0.07, w * 0.88, h * 0.17))
    if rng.random() < 0.6:  # screen
        d.rectangle([w * 0.32, h * 0.21, w * 0.68, h * 0.46], fill=(30, 30, 34))
        scr = jitter(rng, (180, 40, 40), 20)
        d.rectangle([w * 0.33, h * 0.225, w * 0.67, h * 0.445], fill=scr)
        star(d, w * 0.5, h * 0.31, h * 0.05, GOLD)
        d.rectangle([w * 0.4, h * 0.38, w * 0.6, h * 0.40], fill=(255, 235, 180))
    else:  # party flag on the wall
        d.rectangle([w * 0.4, h * 0.21, w * 0.6, h * 0.44], fill=RED)
        star(d, w * 0.45, h * 0.27, h * 0.035, GOLD)
    # windows
    for x in (0.03, 0.9):
        d.rectangle([w * x, h * 0.2, w * (x + 0.07), h * 0.5], fill=(200, 222, 240))
    # table
    tcol = jitter(rng, (120, 78, 50))
    d.polygon([(w * 0.2, h * 0.6), (w * 0.8, h * 0.6), (w * 0.98, h * 0.98), (w * 0.02, h * 0.98)], fill=tcol)
    d.polygon(
        [(w * 0.22, h * 0.6), (w * 0.78, h * 0.6), (w * 0.84, h * 0.7), (w * 0.16, h * 0.7)],
        fill=lerp(tcol, (255, 255, 255), 0.12),
    )
    n = rng.randint(3, 6)
    for side in (-1, 1):
        for i in range(n):
            t = (i + 0.5) / n
            y = h * (0.52 + t * 0.3)
            x = w * 0.5 + side * w * (0.32 + t * 0.17)
            s = h * (0.035 + t * 0.03)
            person(d, rng, x, y - s * 1.5, s)
            d.rectangle(
                [x - side * s * 1.6 - s * 0.6, y + s * 0.6, x - side * s * 1.6 + s * 0.6, y + s * 0.9],
                fill=(245, 245, 245),
            )
    # potted plant
    if rng.random() < 0.7:
        px = w * rng.choice([0.08, 0.92])
        d.rectangle([px - 40, h * 0.55, px + 40, h * 0.64], fill=(180, 120, 80))
        for k in range(7):
            a = math.radians(200 + k * 20)
            d.ellipse(
                [
                    px + math.cos(a) * 70 - 35,
                    h * 0.52 + math.sin(a) * 90 - 25,
                    px + math.cos(a) * 70 + 35,
                    h * 0.52 + math.sin(a) * 90 + 25,
                ],
                fill=(60, 140, 70),
            )


def sky(img, rng, horizon):
    w, _h = img.size
    top = jitter(rng, rng.choice([(90, 150, 220), (120, 170, 230), (150, 190, 235), (240, 180, 130)]))
    img.paste(vgradient((w, horizon), top, lerp(top, (245, 245, 250), 0.7)), (0, 0))
    d = ImageDraw.Draw(img)
    for _ in range(rng.randint(2, 5)):
        cx, cy, r = rng.uniform(0, w), rng.uniform(0, horizon * 0.5), rng.uniform(40, 110)
        for k in range(4):
            d.ellipse(
                [cx + k * r * 0.6 - r, cy - r * 0.5 - (k % 2) * r * 0.3, cx + k * r * 0.6 + r, cy + r * 0.5],
                fill=(250, 250, 252),
            )


def ground(img, rng, horizon, color):
    w, h = img.size
    color = jitter(rng, color)
    img.paste(vgradient((w, h - horizon), color, lerp(color, (40, 40, 40), 0.35)), (0, horizon))


def group_rows(d, rng, w, y0, rows, scale, shirt=None, spread=0.8):
    for r in range(rows):
        n = rng.randint(5, 9)
        y = y0 + r * scale * 2.6
        s = scale * (1 + r * 0.08)
        for i in range(n):
            x = w * (0.5 - spread / 2) + (i + 0.5 + (r % 2) * 0.3) * w * spread / n
            person(d, rng, x, y, s, shirt=shirt(rng) if shirt else None)


def scene_flag(img, rng):
    w, h = img.size
    hz = int(h * rng.uniform(0.55, 0.66))
    sky(img, rng, hz)
    ground(img, rng, hz, (120, 160, 90))
    d = ImageDraw.Draw(img)
    # building behind
    bx = w * rng.uniform(0.05, 0.45)
    bw = w * rng.uniform(0.35, 0.5)
    bc = jitter(rng, (214, 204, 190))
    d.rectangle([bx, hz - h * 0.28, bx + bw, hz], fill=bc)
    for i in range(int(bw // 90)):
        for j in range(3):
            d.rectangle(
                [
                    bx + 25 + i * 90,
                    hz - h * 0.25 + j * h * 0.08,
                    bx + 75 + i * 90,
                    hz - h * 0.2 + j * h * 0.08,
                ],
                fill=(150, 180, 205),
            )
    for _x in range(rng.randint(4, 8)):
        tree(d, rng, rng.uniform(0, w), hz + 10, h * rng.uniform(0.18, 0.3))
    # flag
    fx = w * rng.uniform(0.62, 0.8)
    d.rectangle([fx - 6, h * 0.1, fx + 6, hz + 40], fill=(200, 200, 205))
    fw, fh = w * 0.2, h * 0.17
    wave = rng.uniform(0.02, 0.05)
    pts_top = [
        (fx + 6 + fw * t, h * 0.11 + math.sin(t * 6.0) * h * wave) for t in [i / 20 for i in range(21)]
    ]
    pts_bot = [(x, y + fh) for x, y in reversed(pts_top)]
    d.polygon(pts_top + pts_bot, fill=RED)
    star(d, fx + fw * 0.17, h * 0.11 + fh * 0.3, fh * 0.2, GOLD)
    for k, (ox, oy) in enumerate([(0.34, 0.12), (0.4, 0.24), (0.4, 0.4), (0.34, 0.52)]):
        star(d, fx + fw * ox, h * 0.11 + fh * oy, fh * 0.07, GOLD, rot=-90 + k * 20)
    group_rows(d, rng, w, hz + h * 0.06, rng.randint(2, 3), h * 0.03)


def scene_volunteer(img, rng):
    w, h = img.size
    hz = int(h * 0.5)
    sky(img, rng, hz)
    ground(img, rng, hz, (170, 170, 165))
    d = ImageDraw.Draw(img)
    for i in range(rng.randint(3, 5)):  # community buildings
        x = w * (i / 4.5) + rng.uniform(-40, 40)
        bh = h * rng.uniform(0.18, 0.35)
        col = jitter(rng, rng.choice([(230, 210, 190), (210, 220, 225), (235, 225, 200)]))
        d.rectangle([x, hz - bh, x + w * 0.18, hz], fill=col)
        for j in range(int(bh // 60)):
            d.rectangle(
                [x + 20, hz - bh + 20 + j * 60, x + w * 0.18 - 20, hz - bh + 40 + j * 60],
                fill=lerp(col, (100, 130, 160), 0.4),
            )
    for _ in range(rng.randint(3, 6)):
        tree(d, rng, rng.uniform(0, w), hz + 20, h * rng.uniform(0.2, 0.3))
    # tent
    tx = w * rng.uniform(0.15, 0.45)
    tc = rng.choice([RED, (30, 90, 170)])
    d.polygon(
        [
            (tx, hz + h * 0.05),
            (tx + w * 0.4, hz + h * 0.05),
            (tx + w * 0.36, hz - h * 0.04),
            (tx + w * 0.04, hz - h * 0.04),
        ],
        fill=tc,
    )
    d.rectangle([tx, hz + h * 0.05, tx + w * 0.4, hz + h * 0.09], fill=lerp(tc, (255, 255, 255), 0.2))
    for px in (tx + 10, tx + w * 0.4 - 10):
        d.line([px, hz + h * 0.09, px, hz + h * 0.3], fill=(220, 220, 220), width=8)
    d.rectangle([tx + w * 0.05, hz + h * 0.2, tx + w * 0.35, hz + h * 0.24], fill=(245, 245, 240))
    vest = lambda r: r.choice([RED, RED, (220, 60, 40)])  # noqa: E731 - 红马甲
    for _ in range(rng.randint(5, 9)):
        x = rng.uniform(w * 0.05, w * 0.95)
        y = hz + h * rng.uniform(0.12, 0.4)
        s = h * (0.03 + (y - hz) / h * 0.06)
        person(d, rng, x, y, s, shirt=vest(rng) if rng.random() < 0.65 else None)


def scene_memorial(img, rng):
    w, h = img.size
    hz = int(h * 0.62)
    sky(img, rng, hz)
    ground(img, rng, hz, (160, 150, 140))
    d = ImageDraw.Draw(img)
    for i in range(10):
        pine(d, rng, w * (i / 9) + rng.uniform(-30, 30), hz + 5, h * rng.uniform(0.25, 0.4))
    cx = w * rng.uniform(0.4, 0.6)
    d.rectangle([cx - w * 0.16, hz - h * 0.05, cx + w * 0.16, hz + h * 0.02], fill=(190, 186, 180))
    d.polygon(
        [
            (cx - w * 0.05, hz - h * 0.05),
            (cx + w * 0.05, hz - h * 0.05),
            (cx + w * 0.03, h * 0.12),
            (cx, h * 0.06),
            (cx - w * 0.03, h * 0.12),
        ],
        fill=(225, 222, 215),
    )
    star(d, cx, h * 0.2, w * 0.018, RED)
    # wreath
    wx, wy, wr = cx, hz + h * 0.06, h * 0.06
    d.rectangle([wx - 5, wy, wx + 5, wy + wr * 1.8], fill=(90, 70, 50))
    for k in range(16):
        a = math.radians(k * 22.5)
        col = (245, 245, 240) if k % 2 else (250, 210, 80)
        d.ellipse(
            [
                wx + math.cos(a) * wr - 18,
                wy + math.sin(a) * wr - 18,
                wx + math.cos(a) * wr + 18,
                wy + math.sin(a) * wr + 18,
            ],
            fill=col,
        )
    d.rectangle([wx - 10, wy + wr * 0.6, wx + 10, wy + wr * 1.6], fill=RED)
    for i in range(rng.randint(7, 12)):
        x = w * 0.08 + i * (w * 0.84 / 11)
        if abs(x - wx) < w * 0.06:
            continue
        person(d, rng, x, hz + h * 0.2, h * 0.032, back=True)


def scene_lecture(img, rng):
    w, h = img.size
    d = ImageDraw.Draw(img)
    wall = jitter(rng, rng.choice([(60, 60, 70), (210, 200, 190), (120, 90, 70)]))
    img.paste(vgradient((w, h), wall, lerp(wall, (20, 20, 24), 0.5)), (0, 0))
    d.rectangle([0, h * 0.45, w, h * 0.5], fill=lerp(wall, (200, 160, 120), 0.4))  # stage
    banner(d, rng, (w * 0.08, h * 0.05, w * 0.92, h * 0.13))
    scr = jitter(rng, rng.choice([(40, 90, 170), (180, 40, 40), (235, 235, 240)]), 10)
    d.rectangle([w * 0.25, h * 0.16, w * 0.75, h * 0.42], fill=(20, 20, 22))
    d.rectangle([w * 0.26, h * 0.17, w * 0.74, h * 0.41], fill=scr)
    tc = (255, 255, 255) if sum(scr) < 500 else (120, 30, 30)
    for j in range(rng.randint(3, 5)):
        d.rectangle(
            [w * 0.3, h * (0.22 + j * 0.04), w * rng.uniform(0.5, 0.7), h * (0.24 + j * 0.04)], fill=tc
        )
    px = w * rng.choice([0.14, 0.86])
    d.rectangle([px - 50, h * 0.34, px + 50, h * 0.47], fill=(130, 80, 50))
    person(d, rng, px, h * 0.27, h * 0.03)
    d.rectangle([px - 55, h * 0.34, px + 55, h * 0.47], fill=(130, 80, 50))
    star(d, px, h * 0.4, 22, GOLD)
    for r in range(4):
        y = h * (0.56 + r * 0.11)
        s = h * (0.034 + r * 0.008)
        n = 7 + r
        d.rectangle([0, y + s * 2.2, w, y + s * 3.5], fill=lerp((140, 40, 40), (60, 20, 20), r / 5))
        for i in range(n):
            if rng.random() < 0.12:
                continue
            person(d, rng, (i + 0.5 + (r % 2) * 0.3) * w / n, y, s, back=True)


def scene_exhibition(img, rng):
    w, h = img.size
    d = ImageDraw.Draw(img)
    wall = jitter(rng, rng.choice([(232, 226, 214), (200, 40, 40), (230, 230, 232)]))
    img.paste(vgradient((w, int(h * 0.7)), wall, lerp(wall, (150, 140, 130), 0.3)), (0, 0))
    fl = jitter(rng, (170, 160, 150))
    img.paste(vgradient((w, h - int(h * 0.7)), fl, lerp(fl, (90, 80, 70), 0.5)), (0, int(h * 0.7)))
    d.rectangle([0, h * 0.04, w, h * 0.1], fill=(150, 20, 24) if wall[0] < 215 or wall[1] > 100 else GOLD)
    n = rng.randint(3, 5)
    for i in range(n):
        x0 = w * (0.06 + i * 0.9 / n)
        x1 = x0 + w * 0.9 / n - w * 0.04
        d.rectangle([x0, h * 0.18, x1, h * 0.55], fill=(60, 50, 45))
        inner = jitter(
            rng, rng.choice([(200, 180, 150), (120, 110, 100), (170, 150, 120), (210, 200, 190)]), 20
        )
        d.rectangle([x0 + 10, h * 0.18 + 10, x1 - 10, h * 0.55 - 10], fill=inner)
        for _k in range(rng.randint(1, 3)):
            cx, cy = rng.uniform(x0 + 40, x1 - 40), rng.uniform(h * 0.25, h * 0.45)
            d.ellipse([cx - 30, cy - 40, cx + 30, cy + 40], fill=lerp(inner, (40, 30, 30), 0.5))
        d.rectangle([x0, h * 0.58, x1, h * 0.62], fill=(250, 246, 236))
    for _ in range(rng.randint(4, 8)):
        x = rng.uniform(w * 0.05, w * 0.95)
        y = h * rng.uniform(0.55, 0.72)
        person(d, rng, x, y, h * 0.055, back=rng.random() < 0.7)


def scene_steps(img, rng):
    w, h = img.size
    hz = int(h * 0.7)
    sky(img, rng, int(h * 0.4))
    d = ImageDraw.Draw(img)
    fac = jitter(rng, rng.choice([(226, 214, 196), (190, 90, 70), (220, 220, 215)]))
    d.rectangle([0, h * 0.15, w, hz], fill=fac)
    d.polygon(
        [(w * 0.15, h * 0.15), (w * 0.85, h * 0.15), (w * 0.5, h * 0.02)], fill=lerp(fac, (90, 90, 90), 0.2)
    )
    for i in range(8):
        x = w * (0.12 + i * 0.108)
        d.rectangle([x, h * 0.2, x + w * 0.035, hz], fill=lerp(fac, (255, 255, 255), 0.35))
    banner(d, rng, (w * 0.25, h * 0.17, w * 0.75, h * 0.24))
    for j in range(6):
        d.rectangle(
            [0, hz + j * (h - hz) / 6, w, hz + (j + 1) * (h - hz) / 6],
            fill=lerp((200, 196, 190), (150, 146, 140), j / 6),
        )
    group_rows(d, rng, w, h * 0.55, 3, h * 0.04, spread=0.86)
    # the front row holds a red flag
    fx = w * rng.uniform(0.3, 0.7)
    d.rectangle([fx - w * 0.09, h * 0.78, fx + w * 0.09, h * 0.88], fill=RED)
    star(d, fx - w * 0.065, h * 0.8, 16, GOLD)


def scene_roundtable(img, rng):
    """A seminar room seen from above: an oval table with people around it."""
    w, h = img.size
    d = ImageDraw.Draw(img)
    wall = jitter(rng, rng.choice([(214, 196, 170), (226, 230, 236), (200, 214, 206), (236, 224, 214)]))
    img.paste(vgradient((w, int(h * 0.32)), wall, lerp(wall, (150, 140, 130), 0.25)), (0, 0))
    floor = jitter(rng, rng.choice([(120, 130, 150), (160, 130, 100), (150, 150, 145)]))
    img.paste(
        vgradient((w, h - int(h * 0.32)), lerp(floor, (255, 255, 255), 0.15), floor), (0, int(h * 0.32))
    )
    # wall: whiteboard or bookshelves, plus a small red banner
    if rng.random() < 0.5:
        d.rectangle(
            [w * 0.1, h * 0.05, w * 0.55, h * 0.26], fill=(248, 248, 246), outline=(150, 150, 150), width=6
        )
        for j in range(4):
            d.line(
                [w * 0.14, h * (0.09 + j * 0.04), w * rng.uniform(0.3, 0.5), h * (0.09 + j * 0.04)],
                fill=rng.choice([(40, 60, 160), (180, 30, 30), (40, 40, 40)]),
                width=6,
            )
    else:
        for i in range(5):
            x0 = w * (0.05 + i * 0.1)
            d.rectangle([x0, h * 0.04, x0 + w * 0.09, h * 0.3], fill=(120, 84, 56))
            for j in range(3):
                y0 = h * (0.06 + j * 0.08)
                x = x0 + 8
                while x < x0 + w * 0.085:
                    bw = rng.randint(10, 22)
                    d.rectangle(
                        [x, y0 + rng.randint(0, 12), x + bw, y0 + h * 0.065],
                        fill=jitter(
                            rng,
                            rng.choice([(180, 40, 40), (40, 80, 140), (230, 200, 120), (60, 120, 80)]),
                            20,
                        ),
                    )
                    x += bw + 3
    d.rectangle([w * 0.62, h * 0.06, w * 0.92, h * 0.13], fill=RED)
    star(d, w * 0.66, h * 0.095, h * 0.025, GOLD)
    for j in range(6):
        d.rectangle(
            [w * (0.7 + j * 0.033), h * 0.085, w * (0.72 + j * 0.033), h * 0.105], fill=(255, 230, 150)
        )
    # table and people
    cx, cy = w * 0.5, h * 0.64
    rx, ry = w * rng.uniform(0.3, 0.36), h * rng.uniform(0.16, 0.2)
    n = rng.randint(8, 13)
    seats = [
        (
            cx + math.cos(2 * math.pi * i / n + 0.3) * (rx + h * 0.07),
            cy + math.sin(2 * math.pi * i / n + 0.3) * (ry + h * 0.07),
        )
        for i in range(n)
    ]
    back = sorted([p for p in seats if p[1] < cy], key=lambda p: p[1])
    front = sorted([p for p in seats if p[1] >= cy], key=lambda p: p[1])
    for x, y in back:
        person(d, rng, x, y - h * 0.09, h * 0.035)
    tcol = jitter(rng, rng.choice([(150, 100, 62), (236, 232, 224), (90, 64, 44)]))
    d.ellipse([cx - rx, cy - ry + 14, cx + rx, cy + ry + 14], fill=lerp(tcol, (0, 0, 0), 0.35))
    d.ellipse([cx - rx, cy - ry, cx + rx, cy + ry], fill=tcol)
    for _ in range(rng.randint(4, 8)):
        a = rng.uniform(0, 2 * math.pi)
        px, py = cx + math.cos(a) * rx * 0.75, cy + math.sin(a) * ry * 0.7
        d.rectangle([px - 26, py - 18, px + 26, py + 18], fill=(250, 250, 250))
    if rng.random() < 0.7:
        d.ellipse([cx - 40, cy - 24, cx + 40, cy + 24], fill=(70, 140, 80))
    for x, y in front:
        person(d, rng, x, y - h * 0.06, h * 0.045, back=True)


SCENES = [
    scene_meeting,
    scene_roundtable,
    scene_flag,
    scene_volunteer,
    scene_memorial,
    scene_lecture,
    scene_exhibition,
    scene_steps,
]

HINTS = [
    (("dahui", "xuanju", "大会"), (scene_lecture, scene_steps, scene_meeting)),
    (
        ("zhiweihui", "huiyi", "zuotan", "支委", "shenghuohui", "pingyi", "xiaozu", "会"),
        (scene_meeting, scene_roundtable, scene_roundtable),
    ),
    (
        ("dangke", "xuexi", "jiangzuo", "宣讲", "党课", "peixun", "xuanjiang", "学习", "dushu", "ketang"),
        (scene_lecture, scene_roundtable),
    ),
    (("zhiyuan", "志愿", "leifeng", "雷锋", "fuwu", "shequ"), (scene_volunteer,)),
    (("jisao", "祭扫", "qingming", "清明", "lieshi", "jinian"), (scene_memorial, scene_flag)),
    (("zhanlan", "canguan", "jinianguan", "参观", "bowuguan", "展"), (scene_exhibition,)),
    (
        ("qiyi", "七一", "biaozhang", "zhuti", "主题", "xuanshi", "gongjian"),
        (scene_flag, scene_steps, scene_exhibition),
    ),
]


def make_photo(path: Path, root: Path) -> Image.Image:
    rng = rng_for(path, root)
    size = PHOTO_SIZE if rng.random() < 0.8 else (PHOTO_SIZE[1], PHOTO_SIZE[0])
    img = Image.new("RGB", size, (255, 255, 255))
    stem = path.parent.name.lower()
    scene = None
    if rng.random() < 0.75:
        for words, scenes in HINTS:
            if any(word in stem for word in words):
                scene = rng.choice(scenes)
                break
    if scene is None:
        scene = rng.choice(SCENES)
    scene(img, rng)
    # soft light and a gentle vignette make the flat shapes look more like a photo
    img = img.filter(ImageFilter.GaussianBlur(2.0))
    w, h = size
    mask = Image.new("L", (w // 8, h // 8), 0)
    md = ImageDraw.Draw(mask)
    md.ellipse([-w // 40, -h // 40, w // 8 + w // 40, h // 8 + h // 40], fill=255)
    mask = mask.filter(ImageFilter.GaussianBlur(w // 60)).resize(size)
    dark = Image.new("RGB", size, (20, 16, 14))
    img = Image.composite(img, Image.blend(img, dark, 0.35), mask)
    return img


# --------------------------------------------------------------------------- logos


MOTIF_WORDS = [
    ("torch", ("火炬", "火把")),
    ("flame", ("火焰", "星火", "火苗", "燎原")),
    ("book", ("书", "学堂", "课堂")),
    ("sun", ("太阳", "朝阳", "夕阳", "光芒")),
    ("star", ("星", "党徽")),
]
RING_WORDS = [
    ("cog", ("齿轮", "引擎")),
    ("laurel", ("麦穗", "橄榄", "稻穗", "枝叶")),
    ("double", ("双环", "同心", "圆环")),
]


def choose(rng, meaning: str, table, default):
    for value, words in table:
        if any(word in meaning for word in words):
            return value
    return rng.choice(default)


def make_logo(path: Path, root: Path, meaning: str = "") -> Image.Image:
    rng = rng_for(path, root)
    scale = 4
    S = LOGO_SIZE * scale
    img = Image.new("RGBA", (S, S), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    c = S / 2
    red = (*jitter(rng, RED, 10), 255)
    gold = (*jitter(rng, GOLD, 10), 255)
    ring = choose(rng, meaning, RING_WORDS, ["double", "single", "cog", "laurel"])
    R = S * 0.47
    d.ellipse([c - R, c - R, c + R, c + R], fill=red)
    if ring == "double":
        d.ellipse([c - R * 0.9, c - R * 0.9, c + R * 0.9, c + R * 0.9], fill=gold)
        d.ellipse([c - R * 0.85, c - R * 0.85, c + R * 0.85, c + R * 0.85], fill=red)
    elif ring == "cog":
        for k in range(24):
            a = math.radians(k * 15)
            d.ellipse(
                [
                    c + math.cos(a) * R * 0.86 - R * 0.05,
                    c + math.sin(a) * R * 0.86 - R * 0.05,
                    c + math.cos(a) * R * 0.86 + R * 0.05,
                    c + math.sin(a) * R * 0.86 + R * 0.05,
                ],
                fill=gold,
            )
    elif ring == "laurel":
        for side in (-1, 1):
            for k in range(9):
                a = math.radians(90 + side * (30 + k * 15))
                x, y = c + math.cos(a) * R * 0.8, c + math.sin(a) * R * 0.8
                d.ellipse([x - R * 0.07, y - R * 0.04, x + R * 0.07, y + R * 0.04], fill=gold)
    else:
        d.ellipse(
            [c - R * 0.88, c - R * 0.88, c + R * 0.88, c + R * 0.88], outline=gold, width=int(S * 0.012)
        )
    motif = choose(rng, meaning, MOTIF_WORDS, ["star", "flame", "book", "torch", "sun"])
    if motif == "star":
        star(d, c, c, R * 0.55, gold)
    elif motif == "flame":
        for scale_, col in ((1.0, gold), (0.5, red)):
            pts = []
            for i in range(80):
                t = i / 79 * 2 * math.pi
                x = math.sin(t) * math.sin(t / 2) ** 1.6
                y = -math.cos(t)
                pts.append(
                    (c + x * R * 0.42 * scale_, c + R * 0.12 + (y * 0.62 + 0.25 * (1 - scale_)) * R * scale_)
                )
            d.polygon(pts, fill=col)
    elif motif == "book":
        for side in (-1, 1):
            d.polygon(
                [
                    (c, c + R * 0.05),
                    (c + side * R * 0.5, c - R * 0.05),
                    (c + side * R * 0.5, c + R * 0.35),
                    (c, c + R * 0.45),
                ],
                fill=gold,
            )
        star(d, c, c - R * 0.32, R * 0.2, gold)
    elif motif == "torch":
        d.polygon(
            [
                (c - R * 0.12, c + R * 0.05),
                (c + R * 0.12, c + R * 0.05),
                (c + R * 0.05, c + R * 0.6),
                (c - R * 0.05, c + R * 0.6),
            ],
            fill=gold,
        )
        d.ellipse([c - R * 0.22, c - R * 0.5, c + R * 0.22, c + R * 0.05], fill=gold)
        d.polygon([(c - R * 0.2, c - R * 0.3), (c, c - R * 0.75), (c + R * 0.2, c - R * 0.3)], fill=gold)
    else:
        d.ellipse([c - R * 0.3, c - R * 0.3, c + R * 0.3, c + R * 0.3], fill=gold)
        for k in range(12):
            a = math.radians(k * 30)
            d.line(
                [
                    c + math.cos(a) * R * 0.38,
                    c + math.sin(a) * R * 0.38,
                    c + math.cos(a) * R * 0.6,
                    c + math.sin(a) * R * 0.6,
                ],
                fill=gold,
                width=int(S * 0.02),
            )
    # ribbon at the bottom
    if rng.random() < 0.6:
        d.rounded_rectangle(
            [c - R * 0.55, c + R * 0.62, c + R * 0.55, c + R * 0.8], radius=int(R * 0.05), fill=gold
        )
    return img.resize((LOGO_SIZE, LOGO_SIZE), Image.LANCZOS)


# --------------------------------------------------------------------------- main


def main(argv=None) -> int:
    here = Path(__file__).resolve().parent.parent
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", default=str(here / "branches"), help="content folder (default: branches/)")
    ap.add_argument("--force", action="store_true", help="redraw files that already exist")
    ap.add_argument("--dry-run", action="store_true", help="only list what would be created")
    args = ap.parse_args(argv)
    root = Path(args.root)
    if not root.is_dir():
        print(f"no such folder: {root}", file=sys.stderr)
        return 1
    logos, photos = wanted_files(root)
    made = skipped = 0
    jobs = [("logo", p, m) for p, m in logos] + [("photo", p, "") for p in photos]
    for kind, path, meaning in jobs:
        if path.exists() and not args.force:
            skipped += 1
            continue
        if args.dry_run:
            print(f"would create {kind}: {path}")
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if kind == "logo":
            make_logo(path, root, meaning).save(path, "PNG", optimize=True)
        else:
            make_photo(path, root).save(path, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
        made += 1
    print(f"{len(logos)} logos, {len(photos)} photos referenced; created {made}, kept {skipped} existing")
    return 0


if __name__ == "__main__":
    sys.exit(main())
