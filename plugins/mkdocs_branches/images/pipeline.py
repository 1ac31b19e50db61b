"""One photo through the pipeline: decode, turn upright, convert to sRGB, resize, encode, into its cache entry.

`run` never raises for a bad image: every failure becomes a `Failure` (message, hint) for the editor. It
runs in worker processes (see `batch`), so everything it needs travels in its `Task`. A photo's size is
checked from its header (`ImageSettings.max_pixels`), before anything is decoded.
"""

from __future__ import annotations

import functools
import io
import json
import os
import threading
import warnings
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from PIL import Image, ImageCms, ImageFile, UnidentifiedImageError

from ..errors import Problem
from .cache import MANIFEST, write
from .metadata import ORIENTATION, exif_bytes, strip_jpeg, strip_png
from .records import EXTENSIONS, JPEG, PIPELINE_VERSION, PNG, WEBP, ImageSettings, target_widths

# Method 2 encodes about twice as fast as 4 for files about 4% larger (scripts/bench_images.py).
WEBP_METHOD = 2
ORIGINAL_JPEG_QUALITY = 92  # for originals that cannot be copied byte for byte (HEIC, WebP, GIF…)
# Formats Pillow may try (phones' multi-picture JPEGs open as "MPO" through "JPEG"); never EPS, PDF…
FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "HEIF", "AVIF", "TIFF", "BMP")
# A photo whose decoding holds more pixels than this at once (a large PNG, HEIC or WebP, which decode at
# full size, or a progressive JPEG, whose coefficients libjpeg keeps at full size however small it decodes)
# waits for any other such photo: one at a time, never one per worker (a 250-megapixel RGBA PNG is 1 GB).
LARGE_DECODE = 50_000_000
_large: AbstractContextManager[Any] = threading.Lock()  # worker processes share their pool's (`share_lock`)

_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


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


@dataclass(frozen=True)
class Task:
    source: str
    shown: str
    entry: str  # the cache folder of this content
    settings: ImageSettings


class Failure(NamedTuple):
    """Why a photo was not published, for the editor. `photo`: the photo is to blame (the item goes out
    without it); False when the build is (its cache entry could not be written), which stops the build."""

    message: str
    hint: str
    photo: bool = True


Outcome = dict[str, Any] | Failure  # a manifest, or why not


class Refused(Exception):
    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


CORRUPT = ("图片文件已损坏或不完整", "请重新从手机或相机导出这张照片，再复制进来")


def unreadable(shown: str, exc: OSError) -> Problem:
    return Problem(
        shown, f"无法读取图片文件（{exc.strerror or exc}）", "请检查文件是否还在、是否被其他程序占用"
    )


def too_large_text(size: tuple[int, int], limit: int) -> tuple[str, str]:
    w, h = size
    return (
        f"图片太大（{w}×{h}，约 {_pixels(w * h)}像素），超过上限 {_pixels(limit)}像素",
        "请先用看图软件把它缩小（例如长边不超过 6000 像素）再放进来",
    )


def _pixels(n: int) -> str:
    """A number of pixels as editors read it: 80 万, 1.08 亿."""
    if n >= 100_000_000:
        return f"{n / 100_000_000:.2f}".rstrip("0").rstrip(".") + " 亿"
    return f"{round(n / 10_000)} 万"


def run(task: Task) -> Outcome:
    """Process one image into its cache entry; every failure becomes a `Failure`."""
    try:
        return render(task)
    except Refused as exc:
        return Failure(exc.message, exc.hint)
    except MemoryError:
        return Failure("图片太大，处理时内存不够", "请先用看图软件把它缩小再放进来")
    except OSError as exc:  # reading the photo is `Refused`: what is left is writing the cache
        return Failure(
            f"无法写入图片缓存（{exc.strerror or exc}）", "请检查磁盘空间，或删除缓存文件夹后重新生成", False
        )
    except Exception as exc:
        return Failure(
            f"处理图片时出错（{type(exc).__name__}: {exc}）", "请把这张图片和这条消息发给网站维护人员"
        )


def is_image(source: str) -> bool:
    """Whether Pillow knows the file for a picture, from its header."""
    try:
        with decoding(), Image.open(source, formats=_formats()):
            return True
    except Exception:
        return False


def inspect(source: str, settings: ImageSettings) -> tuple[str, str] | None:
    """What `run` would refuse in this photo, found cheaply: its header read, its pixels decoded small (a
    JPEG at 1/8 of its size), nothing written. Call inside `decoding()`."""
    try:
        img = _open(source, settings.max_pixels)
        with img:
            stored = img.size
            if img.format in ("JPEG", "MPO"):
                img.draft(None, (max(1, img.width // 8), max(1, img.height // 8)))
            try:
                with _one_large_at_a_time(img, stored):
                    img.load()
                    _normal_mode(img)
            except (MemoryError, Image.DecompressionBombError):
                raise Refused(*too_large_text(stored, settings.max_pixels)) from None
            except Exception:
                raise Refused(*CORRUPT) from None
            width, height = _upright_size(stored, _orientation(img))
            _within_webp([width], width, height)
            if settings.publish_original and img.format in ("JPEG", "MPO", "PNG"):
                _strip(Path(source).read_bytes(), img.format, b"")
    except Refused as exc:
        return exc.message, exc.hint
    except MemoryError:
        return "图片太大，处理时内存不够", "请先用看图软件把它缩小再放进来"
    except OSError as exc:
        problem = unreadable("", exc)
        return problem.message, problem.hint
    return None


def share_lock(lock: AbstractContextManager[Any]) -> None:
    """In a worker process: the lock its pool's workers take for a large decode (`LARGE_DECODE`)."""
    global _large
    _large = lock


@contextmanager
def _one_large_at_a_time(img: Image.Image, stored: tuple[int, int]) -> Iterator[None]:
    """Holds `_large` while `img` is decoded and worked on, if decoding it holds more than LARGE_DECODE
    pixels: its size once reduced (`draft`), or, for a progressive JPEG, its stored size."""
    held = img.width * img.height
    if img.format in ("JPEG", "MPO") and img.info.get("progressive"):
        held = stored[0] * stored[1]
    if held <= LARGE_DECODE:
        yield
        return
    with _large:
        yield


@contextmanager
def decoding() -> Iterator[None]:
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
            raise Refused("图片文件是空的（0 字节）", "请重新复制这张图片")
        img = Image.open(source, formats=_formats())
    except Refused:
        raise
    except UnidentifiedImageError:
        raise Refused(
            "这个文件不是能识别的图片（不是 JPG、PNG、WebP、HEIC、GIF 格式，或已损坏）",
            "请用手机或看图软件重新导出为 JPG 再放进来；只改扩展名是不行的",
        ) from None
    except OSError as exc:
        if isinstance(exc, (FileNotFoundError, PermissionError, IsADirectoryError)):
            problem = unreadable("", exc)
            raise Refused(problem.message, problem.hint) from None
        raise Refused(*CORRUPT) from None
    except Exception:
        raise Refused(*CORRUPT) from None
    w, h = img.size
    if w * h > max_pixels:
        img.close()
        raise Refused(*too_large_text((w, h), max_pixels))
    if w < 1 or h < 1:
        img.close()
        raise Refused(*CORRUPT)
    return img


def render(task: Task) -> dict[str, Any]:
    with decoding():
        img = _open(task.source, task.settings.max_pixels)
        with img:
            stored = img.size
            orientation = _reduced(img, task.settings.widths)
            with _one_large_at_a_time(img, stored):
                return _render(task, img, stored, orientation)


def _reduced(img: Image.Image, widths: tuple[int, ...]) -> int | None:
    """A JPEG set to decode reduced, and its orientation (None for other formats: read after decoding).

    A JPEG's EXIF comes with its header, and libjpeg can decode straight to 1/2, 1/4 or 1/8 size (never
    smaller than asked): a 12000×9000 phone photo decodes at 3000×2250 for 1600-wide renditions."""
    if img.format not in ("JPEG", "MPO"):
        return None
    orientation = _orientation(img)
    width, height = _upright_size(img.size, orientation)
    largest = target_widths(widths, width)[-1]
    if largest * 2 <= width:
        want = (largest, max(1, height * largest // width))
        img.draft(None, want[::-1] if orientation in (5, 6, 7, 8) else want)
    return orientation


def _render(task: Task, img: Image.Image, stored: tuple[int, int], orientation: int | None) -> dict[str, Any]:
    s = task.settings
    fmt = img.format or ""
    try:
        img.load()
        base = _normal_mode(img)
    except (MemoryError, Image.DecompressionBombError):
        raise Refused(*too_large_text(stored, s.max_pixels)) from None
    except Exception:
        raise Refused(*CORRUPT) from None
    if orientation is None:  # PNG and others may keep EXIF after the pixels: read it once decoded
        orientation = _orientation(img)
    raw_exif = img.info.get("exif")
    icc = img.info.get("icc_profile")
    swapped = orientation in (5, 6, 7, 8)
    width, height = _upright_size(stored, orientation)
    widths = _within_webp(target_widths(s.widths, width), width, height)
    copy_original = s.publish_original and fmt in ("JPEG", "MPO", "PNG")
    entry = Path(task.entry)
    entry.mkdir(parents=True, exist_ok=True)
    alpha = base.mode in ("RGBA", "LA")
    fallback_mime = PNG if alpha else JPEG
    exif = exif_bytes(raw_exif, s.keep_exif, 1)
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
            name = f"{w}.{EXTENSIONS[mime]}"
            write(entry / name, _encoded(current, mime, s.quality, exif))
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
    write(entry / MANIFEST, json.dumps(manifest).encode())  # last: it marks the entry complete
    return manifest


WEBP_MAX = 16383  # pixels, either side


def _within_webp(widths: list[int], width: int, height: int) -> list[int]:
    """The widths to publish, narrowed where WebP could not hold the height (a phone's long screenshot)."""
    widest = WEBP_MAX * width // height
    if widest < 1:
        raise Refused(*_too_thin((width, height)))
    return sorted({min(w, widest) for w in widths})


def _too_thin(size: tuple[int, int]) -> tuple[str, str]:
    return (
        f"图片太细长（{size[0]}×{size[1]}），网页上显示不了",
        "请用看图软件把它裁成几张，再放进来",
    )


def _orientation(img: Image.Image) -> int:
    try:
        value = img.getexif().get(ORIENTATION, 1)
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


def _strip(data: bytes, fmt: str, exif: bytes) -> tuple[bytes, str]:
    """A JPEG's or PNG's bytes without metadata (`exif` put back), and its type."""
    try:
        return (strip_png(data, exif), PNG) if fmt == "PNG" else (strip_jpeg(data, exif), JPEG)
    except ValueError:
        raise Refused(*CORRUPT) from None


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
        try:
            data = Path(source).read_bytes()
        except OSError as exc:
            problem = unreadable("", exc)
            raise Refused(problem.message, problem.hint) from None
        data, mime = _strip(data, fmt, exif_bytes(raw_exif, s.keep_exif, orientation))
    else:
        full.info.clear()
        mime = PNG if alpha else JPEG
        data = _encoded(
            full, mime, max(s.quality, ORIGINAL_JPEG_QUALITY), exif_bytes(raw_exif, s.keep_exif, 1)
        )
    name = f"original.{EXTENSIONS[mime]}"
    write(entry / name, data)
    return {"file": name, "width": width, "height": height, "mime": mime, "original": True}
