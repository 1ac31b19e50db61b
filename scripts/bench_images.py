"""Time the image pipeline on phone-sized photos, cold and warm, and against Hugo when it is installed.

    .venv/bin/python scripts/bench_images.py            # 120 photos of 4032×3024
    .venv/bin/python scripts/bench_images.py -n 20      # quicker

The photos are generated once (noisy, photo-like content, 3–5 MB each, a quarter of them turned by EXIF
orientation and tagged with GPS like phone photos) and kept in a temporary folder for later runs; making
them is not timed. Each pipeline run starts from an empty cache ("cold"), then runs again on the same cache
("warm"). With `hugo` on PATH (Debian: apt-get install hugo), a minimal Hugo site resizes the same photos
to 960 and 1600 pixels wide, WebP and JPEG, as page resources: the same work as our two-width run.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from mkdocs_branches.images import ImageSettings, Job, process_all
from PIL import Image, ImageChops, ImageDraw, ImageFilter

PHOTO_SIZE = (4032, 3024)
GENERATOR = 2  # bump when the generated photos change
HUGO_LAYOUT = """{{- range .Resources.ByType "image" -}}
{{- $a := .Resize "960x webp" }}{{ $b := .Resize "960x jpg" }}{{ $c := .Resize "1600x webp" }}{{ $d := .Resize "1600x jpg" -}}
<img src="{{ $a.RelPermalink }}"><img src="{{ $b.RelPermalink }}"><img src="{{ $c.RelPermalink }}"><img src="{{ $d.RelPermalink }}">
{{ end -}}
"""


def _noise(size: tuple[int, int], sigma: float, scale: int) -> Image.Image:
    w, h = size
    return Image.effect_noise((max(1, w // scale), max(1, h // scale)), sigma).resize(size, Image.BICUBIC)


def make_photo(path: Path, seed: int) -> None:
    """Shapes with edges, texture at several scales and sensor-like noise: compresses like a photo."""
    rng = random.Random(seed)
    w, h = PHOTO_SIZE
    small = Image.new("RGB", (w // 8, h // 8), tuple(rng.randrange(256) for _ in range(3)))
    draw = ImageDraw.Draw(small)
    for _ in range(400):
        x, y, r = rng.randrange(w // 8), rng.randrange(h // 8), rng.randrange(3, 120)
        colour = tuple(rng.randrange(256) for _ in range(3))
        if rng.random() < 0.5:
            draw.ellipse([x - r, y - r, x + r, y + r], fill=colour)
        else:
            draw.rectangle([x - r, y - r // 2, x + r, y + r // 2], fill=colour)
    img = small.filter(ImageFilter.GaussianBlur(1)).resize(PHOTO_SIZE, Image.BICUBIC)
    texture = Image.merge(
        "RGB",
        [ImageChops.add(_noise(PHOTO_SIZE, 40, 16), _noise(PHOTO_SIZE, 8, 6), 1, -128) for _ in range(3)],
    )
    img = ImageChops.add(img, texture, 1, -128)
    img = ImageChops.add(img, Image.effect_noise(PHOTO_SIZE, 5).convert("RGB"), 1, -128)
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "Huawei", "P60"
    if seed % 4 == 0:  # held upright: stored landscape, shown portrait
        exif[0x0112] = 6
        exif[0x8825] = {1: "N", 2: (39.0, 54.0, float(seed % 60)), 3: "E", 4: (116.0, 23.0, 0.0)}
    tmp = path.with_suffix(".tmp")
    img.save(tmp, "JPEG", quality=92, exif=exif)
    os.replace(tmp, path)


def photos(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    stamp = folder / "generator.json"
    if not stamp.is_file() or json.loads(stamp.read_text()).get("generator") != GENERATOR:
        for old in folder.glob("photo-*.jpg"):
            old.unlink()
        stamp.write_text(json.dumps({"generator": GENERATOR}))
    paths = [folder / f"photo-{i:03}.jpg" for i in range(count)]
    missing = [(p, i) for i, p in enumerate(paths) if not p.is_file()]
    if missing:
        print(f"generating {len(missing)} photos in {folder} (not timed)…", flush=True)
        with ProcessPoolExecutor() as pool:
            list(pool.map(make_photo, *zip(*missing, strict=True)))
    return paths


def run_ours(
    paths: list[Path], widths: tuple[int, ...], cache: Path, workers: int | None
) -> tuple[float, float]:
    settings = ImageSettings(widths=widths)
    jobs = [Job(str(p), p.name, f"photos/{p.stem}") for p in paths]
    shutil.rmtree(cache, ignore_errors=True)
    times = []
    for _ in ("cold", "warm"):
        start = time.perf_counter()
        results, problems = process_all(jobs, settings, cache, workers=workers)
        times.append(time.perf_counter() - start)
        assert not problems and len(results) == len(paths), problems
    return times[0], times[1]


def run_hugo(paths: list[Path], site: Path, resample: str) -> tuple[float, float] | None:
    hugo = shutil.which("hugo")
    if hugo is None:
        return None
    shutil.rmtree(site, ignore_errors=True)
    bundle = site / "content" / "photos"
    bundle.mkdir(parents=True)
    (bundle / "index.md").write_text("---\ntitle: photos\n---\n")
    for p in paths:
        try:
            os.link(p, bundle / p.name)
        except OSError:
            shutil.copy2(p, bundle / p.name)
    layouts = site / "layouts" / "_default"
    layouts.mkdir(parents=True)
    (layouts / "single.html").write_text(HUGO_LAYOUT)
    (layouts / "list.html").write_text("")
    (site / "config.toml").write_text(
        'baseURL = "/"\ndisableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]\n'
        f'[imaging]\nquality = 80\nresampleFilter = "{resample}"\n'
    )
    times = []
    for _ in ("cold", "warm"):
        start = time.perf_counter()
        subprocess.run(
            [hugo, "--quiet", "--source", str(site), "--cacheDir", str(site / "_cache")],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        times.append(time.perf_counter() - start)
    made = list((site / "resources" / "_gen" / "images").rglob("*.*"))
    assert len(made) >= 4 * len(paths), f"Hugo made {len(made)} files for {len(paths)} photos"
    return times[0], times[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--count", type=int, default=120, help="number of photos (default 120)")
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "bench_images")
    parser.add_argument("--workers", type=int, default=None, help="worker processes (default: all cores)")
    parser.add_argument("--hugo-resample", default="Lanczos", help="Hugo's resampleFilter (its default: Box)")
    parser.add_argument("--no-hugo", action="store_true")
    args = parser.parse_args(argv)
    paths = photos(args.dir / "photos", args.count)
    megabytes = sum(p.stat().st_size for p in paths) / 1e6
    print(f"{len(paths)} photos of {PHOTO_SIZE[0]}×{PHOTO_SIZE[1]}, {megabytes / len(paths):.1f} MB each; "
          f"{os.cpu_count()} cores")  # fmt: skip

    rows: list[tuple[str, float]] = []
    three = run_ours(paths, (480, 960, 1600), args.dir / "cache-3", args.workers)
    rows += [("ours, 3 widths (480/960/1600), cold", three[0]), ("ours, 3 widths, warm", three[1])]
    two = run_ours(paths, (960, 1600), args.dir / "cache-2", args.workers)
    rows += [("ours, 2 widths (960/1600), cold", two[0]), ("ours, 2 widths, warm", two[1])]
    hugo = None if args.no_hugo else run_hugo(paths, args.dir / "hugo", args.hugo_resample)
    if hugo:
        rows += [(f"hugo, 2 widths, resample {args.hugo_resample}, cold", hugo[0]), ("hugo, warm", hugo[1])]

    print(f"\n{'run':<48} {'seconds':>8} {'ms/photo':>9}")
    for name, seconds in rows:
        print(f"{name:<48} {seconds:8.2f} {seconds / len(paths) * 1000:9.1f}")
    print("\nratios")
    print(f"  warm / cold, 3 widths          {three[1] / three[0]:6.3f}   (target ≤ 0.1)")
    print(f"  warm / cold, 2 widths          {two[1] / two[0]:6.3f}")
    if hugo:
        print(f"  ours 2 widths / hugo, cold     {two[0] / hugo[0]:6.3f}   (target ≤ 0.25)")
        print(f"  ours 3 widths / hugo, cold     {three[0] / hugo[0]:6.3f}")
    elif not args.no_hugo:
        print("  (hugo is not installed: apt-get install hugo to compare)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
