"""Photos made fit for the web: resized, re-encoded (WebP + JPEG/PNG), turned upright and stripped of metadata.

`process_all` takes every image of a build and returns, for each source file, the renditions to publish;
a bad image becomes a `Problem`, never an exception. Results live in a cache folder keyed by the file's
content, the settings and `PIPELINE_VERSION`, so an unchanged photo is decoded once, ever. Work runs in
a pool of processes, one per core; each cached file is written to a temporary name and renamed, so a build
that is interrupted never leaves half a picture behind.

What is published: the renditions only. Location (GPS) is never published. Other EXIF fields are dropped
too unless `keep_exif` is on. With `publish_original` the original is published as well: a JPEG or PNG
keeps its exact pixels (its bytes are copied with every metadata segment removed, except the colour
profile and, when the pixels need it, the orientation); other formats are re-encoded at full size.
"""

from __future__ import annotations

import functools
import hashlib
import html
import io
import json
import multiprocessing
import os
import tempfile
import warnings
import zlib
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageCms, ImageFile, UnidentifiedImageError

from .errors import Problem, Severity

# Bump whenever the pixels or files this module writes change: old cache entries are then ignored.
PIPELINE_VERSION = 1
WEBP = "image/webp"
JPEG = "image/jpeg"
PNG = "image/png"
# Method 2 encodes about twice as fast as 4 for files about 4% larger (scripts/bench_images.py).
WEBP_METHOD = 2
ORIGINAL_JPEG_QUALITY = 92  # for originals that cannot be copied byte for byte (HEIC, WebP, GIF…)
# Formats Pillow may try (phones' multi-picture JPEGs open as "MPO" through "JPEG"); never EPS, PDF…
FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "HEIF", "AVIF", "TIFF", "BMP")
INLINE_JOBS = 2  # this many images or fewer are processed without starting worker processes
MANIFEST = "manifest.json"
DIGESTS = "digests.json"  # in the cache folder: photo path → [size, mtime_ns, content hash]

_ORIENTATION = 0x0112
_EXIF_IFD = 0x8769
_GPS_IFD = 0x8825
_MAKER_NOTE = 0x927C
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_EXTENSIONS = {WEBP: "webp", JPEG: "jpg", PNG: "png"}


@dataclass(frozen=True)
class ImageSettings:
    widths: tuple[int, ...] = (480, 960, 1600)
    quality: int = 80  # WebP and JPEG quality
    keep_exif: bool = False  # opt-in: keep EXIF fields other than location, maker notes and orientation
    publish_original: bool = False
    max_pixels: int = 64_000_000  # bigger images are reported as too large, never decoded

    def __post_init__(self) -> None:
        widths = tuple(sorted({int(w) for w in self.widths}))
        if not widths or widths[0] < 1:
            raise ValueError("图片宽度（widths）要写成正整数的列表，例如 [480, 960, 1600]")
        if not 1 <= self.quality <= 100:
            raise ValueError(f"图片质量（quality）要在 1 到 100 之间，现在是 {self.quality}")
        if self.max_pixels < 1:
            raise ValueError("图片像素上限（max_pixels）要大于 0")
        object.__setattr__(self, "widths", widths)

    def key(self) -> str:
        """Stable hash of everything that changes the files written (not `max_pixels`: it only refuses)."""
        data = json.dumps([self.widths, self.quality, self.keep_exif, self.publish_original])
        return hashlib.blake2b(data.encode(), digest_size=8).hexdigest()


@dataclass(frozen=True)
class Rendition:
    uri: str  # site-relative output path, e.g. "branches/jg1/news/2024-03-13-x/01-960.webp"
    path: str  # absolute path of the file in the cache, to be copied into the site
    width: int
    height: int
    mime: str  # image/webp | image/jpeg | image/png
    original: bool = False  # the published original (only with `publish_original`)


@dataclass(frozen=True)
class Processed:
    width: int  # of the original, after EXIF orientation
    height: int
    renditions: tuple[Rendition, ...]  # every width in WebP and the fallback type, then the original

    @property
    def _fallbacks(self) -> list[Rendition]:
        return [r for r in self.renditions if r.mime != WEBP and not r.original]

    @property
    def fallback(self) -> Rendition:
        """The largest JPEG (PNG when the image has transparency), for `<img src>` and the lightbox."""
        return max(self._fallbacks, key=lambda r: r.width)

    @property
    def thumbnail(self) -> Rendition:
        return min(self._fallbacks, key=lambda r: r.width)

    @property
    def original(self) -> Rendition | None:
        return next((r for r in self.renditions if r.original), None)

    def srcset(self, mime: str, url_of: Callable[[str], str]) -> str:
        """`a-480.webp 480w, a-960.webp 960w` for the renditions of one type; `url_of` maps a URI to a URL."""
        chosen = sorted(
            (r for r in self.renditions if r.mime == mime and not r.original), key=lambda r: r.width
        )
        return ", ".join(f"{_srcset_url(url_of(r.uri))} {r.width}w" for r in chosen)


@dataclass(frozen=True)
class Job:
    source: str  # absolute path of the original
    shown: str  # path for messages, relative to the site root, e.g. "branches/jg1/news/x/01.jpg"
    out_base: str  # site-relative output path without extension, e.g. "branches/jg1/news/2024-03-13-x/01"


def target_widths(widths: Iterable[int], width: int) -> list[int]:
    """The configured widths an image of `width` can fill; its own width when it is narrower than all."""
    return sorted({w for w in widths if w <= width}) or [width]


def picture_html(
    p: Processed,
    alt: str,
    url_of: Callable[[str], str],
    sizes: str = "(max-width: 960px) 100vw, 960px",
    lazy: bool = True,
    css_class: str = "",
) -> str:
    """`<picture>` with a WebP `<source>` and a JPEG/PNG `<img>`; `css_class` goes on the `<img>`."""
    fallback = p.fallback
    attrs = [
        ("src", url_of(fallback.uri)),
        ("srcset", p.srcset(fallback.mime, url_of)),
        ("sizes", sizes),
        ("width", str(fallback.width)),
        ("height", str(fallback.height)),
        ("alt", alt),
    ]
    if css_class:
        attrs.append(("class", css_class))
    if lazy:
        attrs.append(("loading", "lazy"))
    attrs.append(("decoding", "async"))
    img = "<img " + " ".join(f'{name}="{html.escape(value)}"' for name, value in attrs) + ">"
    webp = p.srcset(WEBP, url_of)
    source = (
        f'<source type="{WEBP}" srcset="{html.escape(webp)}" sizes="{html.escape(sizes)}">' if webp else ""
    )
    return f"<picture>{source}{img}</picture>"


def _srcset_url(url: str) -> str:
    # A space or comma would split a srcset candidate.
    return url.replace(" ", "%20").replace(",", "%2C")


@functools.cache
def register_heif() -> bool:
    """Teach Pillow to open HEIC/HEIF (iPhone photos). Called for you; False when pillow-heif is missing."""
    try:
        import pillow_heif
    except ImportError:
        return False
    pillow_heif.register_heif_opener()
    return True


@functools.cache
def _formats() -> tuple[str, ...]:
    register_heif()
    Image.init()
    return tuple(f for f in FORMATS if f in Image.OPEN)


# --------------------------------------------------------------------------- orchestration


def process_all(
    jobs: list[Job],
    settings: ImageSettings,
    cache_dir: Path,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    manifests: dict[str, dict[str, Any]] | None = None,
) -> tuple[dict[str, Processed], list[Problem]]:
    """Renditions for every job, keyed by `Job.source`; each bad image becomes a Problem (ERROR).

    `progress(done, total)` is called in this process after the cache is checked and as images finish;
    `total` counts distinct sources. `workers` defaults to the number of cores. `manifests`, kept by a
    caller across calls (`mkdocs serve`), remembers cache entries already read.
    """
    problems: list[Problem] = []
    chosen: dict[str, Job] = {}
    owners: dict[str, Job] = {}
    for job in jobs:
        if job.source in chosen:
            continue
        other = owners.get(job.out_base)
        if other is not None:
            problems.append(
                Problem(
                    job.shown,
                    f"这张图片和“{other.shown}”发布后的文件名相同（{job.out_base}）",
                    "两张图片的文件名只差扩展名或转成拼音后相同；请把其中一张改个名字",
                )
            )
            continue
        owners[job.out_base] = chosen[job.source] = job
    total, done = len(chosen), 0
    root = Path(cache_dir).absolute() / f"v{PIPELINE_VERSION}-{settings.key()}"
    results: dict[str, Processed] = {}
    pending: dict[str, list[Job]] = {}
    digests = _digests(list(chosen), workers, Path(cache_dir).absolute() / DIGESTS)
    for job, digest in zip(chosen.values(), digests, strict=True):
        if isinstance(digest, OSError):
            problems.append(_unreadable(job.shown, digest))
            done += 1
            continue
        entry = os.path.join(root, digest[:2], digest)  # strings: this runs for every photo, every build
        manifest = manifests.get(entry) if manifests is not None else None
        if manifest is None:
            manifest = _read_manifest(Path(entry))
            if manifest is not None and manifests is not None:
                manifests[entry] = manifest
        if manifest is None:
            pending.setdefault(entry, []).append(job)
            continue
        done += 1
        if manifest["pixels"] > settings.max_pixels:
            size = (manifest["width"], manifest["height"])
            problems.append(Problem(job.shown, *_too_large_text(size, settings.max_pixels)))
        else:
            results[job.source] = _processed(manifest, entry, job.out_base)
    if progress:
        progress(done, total)
    tasks = [_Task(group[0].source, group[0].shown, entry, settings) for entry, group in pending.items()]
    for task, outcome in _execute(tasks, workers):
        group = pending[task.entry]
        if isinstance(outcome, dict) and manifests is not None:
            manifests[task.entry] = outcome
        for job in group:
            if isinstance(outcome, dict):
                results[job.source] = _processed(outcome, task.entry, job.out_base)
            else:
                message, hint = outcome
                problems.append(Problem(job.shown, message, hint, None, Severity.ERROR))
        done += len(group)
        if progress:
            progress(done, total)
    return results, problems


def _digests(sources: list[str], workers: int | None, index_path: Path) -> list[str | OSError]:
    """Content hashes. A photo whose size and modification time are those recorded in `index_path`
    keeps its recorded hash (as git's index does), so a warm build reads no photo; the others are
    read in threads (hashlib and file reads release the GIL)."""
    known = _load_index(index_path)
    found: dict[str, str | OSError] = {}
    todo: dict[str, tuple[int, int]] = {}
    for source in sources:
        try:
            st = os.stat(source)
        except OSError as exc:
            found[source] = exc
            continue
        was = known.get(source)
        if was is not None and was[0] == st.st_size and was[1] == st.st_mtime_ns:
            found[source] = was[2]
        else:
            todo[source] = (st.st_size, st.st_mtime_ns)
    if todo:
        with ThreadPoolExecutor(min(len(todo), workers or os.cpu_count() or 1, 8)) as pool:
            found.update(zip(todo, pool.map(_digest, todo), strict=True))
    gone = [source for source, digest in found.items() if isinstance(digest, OSError) and source in known]
    if todo or gone:
        for source in gone:
            del known[source]
        for source, (size, mtime) in todo.items():
            if isinstance(found[source], str):
                known[source] = [size, mtime, found[source]]
        _save_index(index_path, known)
    return [found[source] for source in sources]


def _load_index(path: Path) -> dict[str, list[Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {k: v for k, v in data.items() if isinstance(v, list) and len(v) == 3}
    except (OSError, ValueError, AttributeError):
        return {}


def _save_index(path: Path, index: dict[str, list[Any]]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _write(path, json.dumps(index, ensure_ascii=False).encode("utf-8"))
    except OSError:
        pass  # only a speed-up: the next build hashes again


def _digest(source: str) -> str | OSError:
    h = hashlib.blake2b(digest_size=20)
    try:
        with open(source, "rb") as f:
            while chunk := f.read(1 << 20):
                h.update(chunk)
    except OSError as exc:
        return exc
    return h.hexdigest()


def _read_manifest(entry: Path) -> dict[str, Any] | None:
    """A complete cache entry's manifest, or None when anything is missing or unreadable."""
    try:
        manifest = json.loads((entry / MANIFEST).read_text(encoding="utf-8"))
        if manifest.get("version") != PIPELINE_VERSION:
            return None
        for r in manifest["renditions"]:
            if not (entry / r["file"]).is_file():
                return None
        int(manifest["width"]), int(manifest["height"]), int(manifest["pixels"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return manifest


def _processed(manifest: dict[str, Any], entry: str | Path, out_base: str) -> Processed:
    renditions = []
    folder = str(entry)  # os.path, not pathlib: this runs for every photo in every build
    for r in manifest["renditions"]:
        ext = r["file"].rsplit(".", 1)[1]
        uri = f"{out_base}.{ext}" if r["original"] else f"{out_base}-{r['width']}.{ext}"
        path = os.path.join(folder, r["file"])
        renditions.append(Rendition(uri, path, r["width"], r["height"], r["mime"], r["original"]))
    return Processed(manifest["width"], manifest["height"], tuple(renditions))


@dataclass(frozen=True)
class _Task:
    source: str
    shown: str
    entry: str  # the cache folder of this content
    settings: ImageSettings


_Outcome = dict[str, Any] | tuple[str, str]  # a manifest, or (message, hint)


_Runner = Callable[[list[_Task]], list[_Outcome]]


def _execute(
    tasks: list[_Task], workers: int | None, run_chunk: _Runner | None = None
) -> Iterator[tuple[_Task, _Outcome]]:
    """Outcomes in the order tasks finish: inline for a few, else in worker processes, in small chunks."""
    run_chunk = run_chunk or _run_chunk
    workers = max(1, min(workers or os.cpu_count() or 1, len(tasks)))
    if len(tasks) <= INLINE_JOBS or workers == 1:
        for task in tasks:
            yield task, run_chunk([task])[0]
        return
    # Biggest first, so that no large photo is left alone at the end; small chunks keep cores balanced.
    tasks = sorted(tasks, key=_file_size, reverse=True)
    size = max(1, min(4, len(tasks) // (workers * 4)))
    chunks = [tasks[i : i + size] for i in range(0, len(tasks), size)]
    crashed: list[_Task] = []
    pool = ProcessPoolExecutor(workers, mp_context=_context())
    try:
        futures: dict[Future[list[_Outcome]], list[_Task]] = {pool.submit(run_chunk, c): c for c in chunks}
        for future in as_completed(futures):
            try:
                outcomes = future.result()
            except BrokenProcessPool:
                crashed.extend(futures[future])
                continue
            yield from zip(futures[future], outcomes, strict=True)
    finally:
        # Normally everything is done here; after Ctrl+C, do not wait for the photos still queued.
        pool.shutdown(wait=True, cancel_futures=True)
    yield from _isolate(crashed, run_chunk)


_CRASHED = ("处理这张图片时图片程序意外退出", "图片可能已损坏；请重新从手机或相机导出后再放进来")


def _isolate(tasks: list[_Task], run_chunk: _Runner) -> Iterator[tuple[_Task, _Outcome]]:
    """After a worker died (a crash inside an image library), retry one image at a time to find the culprit."""
    while tasks:
        with ProcessPoolExecutor(1, mp_context=_context()) as pool:
            futures = [pool.submit(run_chunk, [task]) for task in tasks]
            for i, future in enumerate(futures):
                try:
                    outcome = future.result()[0]
                except BrokenProcessPool:
                    yield tasks[i], _CRASHED
                    tasks = tasks[i + 1 :]
                    break
                yield tasks[i], outcome
            else:
                tasks = []


def _context() -> multiprocessing.context.BaseContext:
    # "spawn" everywhere: forking a process that has threads (as `mkdocs serve` has) can deadlock.
    return multiprocessing.get_context("spawn")


def _file_size(task: _Task) -> int:
    try:
        return os.path.getsize(task.source)
    except OSError:
        return 0


def _run_chunk(tasks: list[_Task]) -> list[_Outcome]:
    return [_run(task) for task in tasks]


# --------------------------------------------------------------------------- one image


class _Refused(Exception):
    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


_CORRUPT = ("图片文件已损坏或不完整", "请重新从手机或相机导出这张照片，再复制进来")


def _unreadable(shown: str, exc: OSError) -> Problem:
    return Problem(
        shown, f"无法读取图片文件（{exc.strerror or exc}）", "请检查文件是否还在、是否被其他程序占用"
    )


def _too_large_text(size: tuple[int, int], limit: int) -> tuple[str, str]:
    w, h = size
    return (
        f"图片太大（{w}×{h}，约 {round(w * h / 10_000)} 万像素），超过上限 {round(limit / 10_000)} 万像素",
        "请先用看图软件把它缩小（例如长边不超过 6000 像素）再放进来",
    )


def _run(task: _Task) -> _Outcome:
    """Process one image into its cache entry; every failure becomes (message, hint)."""
    try:
        return _render(task)
    except _Refused as exc:
        return exc.message, exc.hint
    except MemoryError:
        return "图片太大，处理时内存不够", "请先用看图软件把它缩小再放进来"
    except OSError as exc:
        return f"无法写入图片缓存（{exc.strerror or exc}）", "请检查磁盘空间，或删除缓存文件夹后重新生成"
    except Exception as exc:
        return f"处理图片时出错（{type(exc).__name__}: {exc}）", "请把这张图片和这条消息发给网站维护人员"


@contextmanager
def _decoding() -> Iterator[None]:
    """Pillow's global limits while one image is opened and decoded: we check the size ourselves."""
    limit, truncated = Image.MAX_IMAGE_PIXELS, ImageFile.LOAD_TRUNCATED_IMAGES
    Image.MAX_IMAGE_PIXELS = None  # our own check below runs on the header, before any decoding
    ImageFile.LOAD_TRUNCATED_IMAGES = False  # half a photo is an error, not a grey band
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            yield
    finally:
        Image.MAX_IMAGE_PIXELS, ImageFile.LOAD_TRUNCATED_IMAGES = limit, truncated


def _open(source: str, max_pixels: int) -> Image.Image:
    try:
        if os.path.getsize(source) == 0:
            raise _Refused("图片文件是空的（0 字节）", "请重新复制这张图片")
        img = Image.open(source, formats=_formats())
    except _Refused:
        raise
    except UnidentifiedImageError:
        raise _Refused(
            "这个文件不是能识别的图片（不是 JPG、PNG、WebP、HEIC、GIF 格式，或已损坏）",
            "请用手机或看图软件重新导出为 JPG 再放进来；只改扩展名是不行的",
        ) from None
    except OSError as exc:
        if isinstance(exc, (FileNotFoundError, PermissionError, IsADirectoryError)):
            problem = _unreadable("", exc)
            raise _Refused(problem.message, problem.hint) from None
        raise _Refused(*_CORRUPT) from None
    except Exception:
        raise _Refused(*_CORRUPT) from None
    w, h = img.size
    if w * h > max_pixels:
        img.close()
        raise _Refused(*_too_large_text((w, h), max_pixels))
    if w < 1 or h < 1:
        img.close()
        raise _Refused(*_CORRUPT)
    return img


def _render(task: _Task) -> dict[str, Any]:
    s = task.settings
    with _decoding():
        img = _open(task.source, s.max_pixels)
        with img:
            fmt = img.format or ""
            stored = img.size
            jpeg = fmt in ("JPEG", "MPO")
            if jpeg:
                # A JPEG's EXIF comes with its header, and libjpeg can decode straight to 1/2, 1/4 or 1/8
                # size (never smaller than asked): the widths refer to the upright picture.
                orientation = _orientation(img)
                width, height = _upright_size(stored, orientation)
                largest = target_widths(s.widths, width)[-1]
                if largest * 2 <= width:
                    want = (largest, max(1, height * largest // width))
                    img.draft(None, want[::-1] if orientation in (5, 6, 7, 8) else want)
            try:
                img.load()
                base = _normal_mode(img)
            except (MemoryError, Image.DecompressionBombError):
                raise _Refused(*_too_large_text(stored, s.max_pixels)) from None
            except Exception:
                raise _Refused(*_CORRUPT) from None
            if not jpeg:  # PNG and others may keep EXIF after the pixels: read it once they are decoded
                orientation = _orientation(img)
            raw_exif = img.info.get("exif")
            icc = img.info.get("icc_profile")
    swapped = orientation in (5, 6, 7, 8)
    width, height = _upright_size(stored, orientation)
    widths = target_widths(s.widths, width)
    copy_original = s.publish_original and fmt in ("JPEG", "MPO", "PNG")
    entry = Path(task.entry)
    entry.mkdir(parents=True, exist_ok=True)
    alpha = base.mode in ("RGBA", "LA")
    fallback_mime = PNG if alpha else JPEG
    exif = _exif_bytes(raw_exif, s.keep_exif, 1)
    files: list[dict[str, Any]] = []

    def height_of(w: int) -> int:
        return max(1, round(height * w / width))

    full = None
    if s.publish_original and not copy_original:
        full = _to_srgb(_upright(base, orientation), icc)
    if full is not None:
        current = full
    else:
        w0 = widths[-1]
        size = (height_of(w0), w0) if swapped else (w0, height_of(w0))
        current = _to_srgb(_upright(_resized(base, size), orientation), icc)
    for w in reversed(widths):
        current = _resized(current, (w, height_of(w)))
        current.info.clear()
        for mime in (WEBP, fallback_mime):
            name = f"{w}.{_EXTENSIONS[mime]}"
            _write(entry / name, _encoded(current, mime, s.quality, exif))
            files.append(
                {"file": name, "width": w, "height": current.height, "mime": mime, "original": False}
            )
    files.sort(key=lambda r: (r["width"], r["mime"] != WEBP))
    if s.publish_original:
        files.append(
            _publish_original(task.source, fmt, entry, full, alpha, raw_exif, s, orientation, width, height)
        )
    manifest = {
        "version": PIPELINE_VERSION,
        "width": width,
        "height": height,
        "pixels": stored[0] * stored[1],
        "renditions": files,
    }
    _write(entry / MANIFEST, json.dumps(manifest).encode())  # last: it marks the entry complete
    return manifest


def _orientation(img: Image.Image) -> int:
    try:
        value = img.getexif().get(_ORIENTATION, 1)
    except Exception:  # broken EXIF must not stop a photo from being published
        return 1
    return value if isinstance(value, int) and value in _TRANSPOSE else 1


def _upright_size(size: tuple[int, int], orientation: int) -> tuple[int, int]:
    return (size[1], size[0]) if orientation in (5, 6, 7, 8) else size


def _upright(img: Image.Image, orientation: int) -> Image.Image:
    """What ImageOps.exif_transpose does, given the orientation read before decoding (after resizing: cheaper)."""
    method = _TRANSPOSE.get(orientation)
    return img.transpose(method) if method is not None else img


def _normal_mode(img: Image.Image) -> Image.Image:
    """RGB, RGBA, L, LA or CMYK; alpha only when some pixel is see-through."""
    mode = img.mode
    if mode in ("P", "PA"):
        has_alpha = mode == "PA" or "transparency" in img.info
        img = img.convert("RGBA" if has_alpha else "RGB")
    elif mode == "1":
        img = img.convert("L")
    elif mode.startswith("I;16") or mode == "I":  # 16-bit grey (PNG, TIFF)
        img = img.convert("I").point(lambda v: v / 256).convert("L")
    elif mode in ("RGB", "L") and "transparency" in img.info:
        img = img.convert("RGBA" if mode == "RGB" else "LA")
    elif mode not in ("RGB", "RGBA", "L", "LA", "CMYK"):
        img = img.convert("RGB")
    if img.mode in ("RGBA", "LA") and img.getchannel("A").getextrema()[0] == 255:
        img = img.convert("RGB" if img.mode == "RGBA" else "L")
    return img


@functools.cache
def _srgb() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def _to_srgb(img: Image.Image, icc: bytes | None) -> Image.Image:
    """Colours as browsers show untagged images: the embedded profile applied, CMYK made RGB."""
    if icc and img.mode in ("RGB", "RGBA", "CMYK"):
        try:
            profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            space = profile.profile.xcolor_space.strip()
            described = ImageCms.getProfileDescription(profile) or ""
            if space == ("CMYK" if img.mode == "CMYK" else "RGB") and "srgb" not in described.lower():
                alpha = img.getchannel("A") if img.mode == "RGBA" else None
                rgb = ImageCms.profileToProfile(
                    img.convert("RGB") if alpha else img, profile, _srgb(), outputMode="RGB"
                )
                if alpha is not None and rgb is not None:
                    rgb.putalpha(alpha)
                if rgb is not None:
                    return rgb
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            pass  # a broken profile: fall back to the plain conversion
    if img.mode not in ("RGB", "RGBA", "L", "LA"):
        return img.convert("RGB")
    return img


def _resized(img: Image.Image, size: tuple[int, int]) -> Image.Image:
    if img.size == size:
        return img
    return img.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def _encoded(img: Image.Image, mime: str, quality: int, exif: bytes) -> bytes:
    out = io.BytesIO()
    extra: dict[str, Any] = {"exif": exif} if exif else {}
    if mime == WEBP:
        img.save(out, "WEBP", quality=quality, method=WEBP_METHOD, **extra)
    elif mime == JPEG:
        img.save(out, "JPEG", quality=quality, optimize=True, **extra)
    else:
        img.save(out, "PNG", compress_level=6, **extra)
    return out.getvalue()


def _write(path: Path, data: bytes) -> None:
    """Write to a temporary file next to `path`, then rename: readers see the old file or the whole new one."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise


# --------------------------------------------------------------------------- metadata


def _exif_bytes(raw: bytes | None, keep: bool, orientation: int) -> bytes:
    """EXIF for a published file: none by default; with `keep`, everything but location and maker notes.

    `orientation` is written only for files whose pixels still need turning (an untouched original).
    """
    exif = Image.Exif()
    if keep and raw:
        try:
            exif.load(raw)
            exif.pop(_GPS_IFD, None)
            exif.pop(_ORIENTATION, None)
            if _EXIF_IFD in exif:
                exif.get_ifd(_EXIF_IFD).pop(_MAKER_NOTE, None)
        except Exception:
            exif = Image.Exif()
    if orientation != 1:
        exif[_ORIENTATION] = orientation
    if not len(exif):
        return b""
    try:
        data = exif.tobytes()
    except Exception:
        return b""
    return data if len(data) <= 65_000 else b""  # must fit one JPEG segment


def _publish_original(
    source: str,
    fmt: str,
    entry: Path,
    full: Image.Image | None,
    alpha: bool,
    raw_exif: bytes | None,
    s: ImageSettings,
    orientation: int,
    width: int,
    height: int,
) -> dict[str, Any]:
    """The original, metadata removed: JPEG and PNG bytes copied without metadata, others re-encoded."""
    if full is None:
        data = Path(source).read_bytes()
        exif = _exif_bytes(raw_exif, s.keep_exif, orientation)
        try:
            data, mime = (_strip_png(data, exif), PNG) if fmt == "PNG" else (_strip_jpeg(data, exif), JPEG)
        except ValueError:
            raise _Refused(*_CORRUPT) from None
    else:
        full.info.clear()
        mime = PNG if alpha else JPEG
        data = _encoded(
            full, mime, max(s.quality, ORIGINAL_JPEG_QUALITY), _exif_bytes(raw_exif, s.keep_exif, 1)
        )
    name = f"original.{_EXTENSIONS[mime]}"
    _write(entry / name, data)
    return {"file": name, "width": width, "height": height, "mime": mime, "original": True}


# APP segments that affect how pixels look; every other APPn (EXIF, XMP, IPTC, MPF, maker data) and COM go.
_JPEG_KEEP = {0xE0: (b"JFIF\x00", b"JFXX\x00"), 0xE2: (b"ICC_PROFILE\x00",), 0xEE: (b"Adobe",)}


def _strip_jpeg(data: bytes, exif: bytes) -> bytes:
    """The same JPEG, byte for byte in its image data, without metadata; `exif` (may be empty) is added.

    Everything after the first image's end is dropped too: phones append depth maps and HDR gain maps there.
    """
    if data[:2] != b"\xff\xd8":
        raise ValueError("not a JPEG")
    parts: list[bytes] = []
    pos, n = 2, len(data)
    while True:
        pos = data.find(b"\xff", pos)  # like libjpeg, skip stray bytes between segments
        if pos < 0:
            raise ValueError("truncated")
        while pos < n and data[pos] == 0xFF:
            pos += 1
        if pos >= n:
            raise ValueError("truncated")
        marker = data[pos]
        pos += 1
        if marker == 0xD9:
            break
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            parts.append(bytes((0xFF, marker)))
            continue
        length = int.from_bytes(data[pos : pos + 2], "big")
        if length < 2 or pos + length > n:
            raise ValueError("truncated")
        body = data[pos : pos + length]
        pos += length
        if 0xE0 <= marker <= 0xEF or marker == 0xFE:
            if body[2:].startswith(_JPEG_KEEP.get(marker, ())):
                parts.append(bytes((0xFF, marker)) + body)
            continue
        parts.append(bytes((0xFF, marker)) + body)
        if marker == 0xDA:  # start of scan: entropy-coded data runs to the next real marker
            end = _scan_end(data, pos)
            parts.append(data[pos:end])
            pos = end
    if exif:
        segment = b"\xff\xe1" + (len(exif) + 2).to_bytes(2, "big") + exif
        at = 1 if parts and parts[0][:2] == b"\xff\xe0" else 0
        parts.insert(at, segment)
    return b"\xff\xd8" + b"".join(parts) + b"\xff\xd9"


def _scan_end(data: bytes, pos: int) -> int:
    while True:
        pos = data.find(b"\xff", pos)
        if pos < 0 or pos + 1 >= len(data):
            raise ValueError("truncated")
        following = data[pos + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7:
            pos += 2
        elif following == 0xFF:
            pos += 1
        else:
            return pos


_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Chunks that affect how pixels look (and APNG frames); text, EXIF, time and private chunks go.
_PNG_KEEP = {
    b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"cHRM", b"gAMA", b"iCCP", b"sBIT", b"sRGB",
    b"cICP", b"mDCV", b"cLLI", b"bKGD", b"pHYs", b"acTL", b"fcTL", b"fdAT",
}  # fmt: skip


def _strip_png(data: bytes, exif: bytes) -> bytes:
    if not data.startswith(_PNG_SIGNATURE):
        raise ValueError("not a PNG")
    out = [_PNG_SIGNATURE]
    pos = len(_PNG_SIGNATURE)
    added = False
    while pos + 8 <= len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        kind = data[pos + 4 : pos + 8]
        end = pos + 12 + length
        if end > len(data):
            raise ValueError("truncated")
        if kind == b"IDAT" and exif and not added:
            body = exif[6:] if exif.startswith(b"Exif\x00\x00") else exif
            out.append(_png_chunk(b"eXIf", body))
            added = True
        if kind in _PNG_KEEP:
            out.append(data[pos:end])
        pos = end
        if kind == b"IEND":
            return b"".join(out)
    raise ValueError("truncated")


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")
