"""The image pipeline on real files made with Pillow: sizes, modes, metadata, problems, cache, HTML."""

from __future__ import annotations

import io
import os
import random
import struct
import time
import zlib
from pathlib import Path

import pytest
from mkdocs_branches import images
from mkdocs_branches.commands.check import check_content
from mkdocs_branches.errors import Severity
from mkdocs_branches.images import (
    ImageSettings,
    Job,
    Processed,
    Rendition,
    batch,
    cache,
    metadata,
    picture_html,
    pipeline,
    process_all,
    target_widths,
)
from PIL import Image, ImageChops, ImageDraw, ImageFile, PngImagePlugin

from conftest import SiteProject, tree_hashes

ORIENTATION, MAKE, MODEL, EXIF_IFD, GPS_IFD, MAKER_NOTE, DATE_TAKEN = (
    0x0112,
    0x010F,
    0x0110,
    0x8769,
    0x8825,
    0x927C,
    0x9003,
)
GPS = {1: "N", 2: (39.0, 54.0, 0.0), 3: "E", 4: (116.0, 23.0, 0.0)}
RED, BLUE = (220, 20, 20), (20, 20, 220)


def phone_exif(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[MAKE] = "Huawei"
    exif[MODEL] = "P60"
    if orientation != 1:
        exif[ORIENTATION] = orientation
    exif[GPS_IFD] = dict(GPS)
    exif[EXIF_IFD] = {DATE_TAKEN: "2024:03:13 10:00:00", MAKER_NOTE: b"vendor secrets"}
    return exif


def halves(size: tuple[int, int], mode: str = "RGB") -> Image.Image:
    """Left half red, right half blue: shows which way an image was turned."""
    img = Image.new("RGB", size, BLUE)
    ImageDraw.Draw(img).rectangle([0, 0, size[0] // 2 - 1, size[1]], fill=RED)
    return img.convert(mode) if mode != "RGB" else img


def noisy(size: tuple[int, int], seed: int = 1) -> Image.Image:
    """Photo-like content that compresses like a photo (so that truncating it cuts real image data)."""
    rng = random.Random(seed)
    img = Image.effect_noise(size, 40).convert("RGB")
    draw = ImageDraw.Draw(img)
    for _ in range(30):
        x, y = rng.randrange(size[0]), rng.randrange(size[1])
        r = rng.randrange(5, max(6, size[0] // 4))
        draw.ellipse([x - r, y - r, x + r, y + r], fill=tuple(rng.randrange(256) for _ in range(3)))
    return img


def save(img: Image.Image, path: Path, **params) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path, **params)
    return path


def job(path: Path, out: str | None = None) -> Job:
    return Job(str(path), f"branches/jg1/news/x/{path.name}", out or f"branches/jg1/news/x/{path.stem}")


def run(tmp_path: Path, *paths: Path, settings: ImageSettings | None = None, **kw):
    return process_all([job(p) for p in paths], settings or ImageSettings(), tmp_path / "cache", **kw)


def one(tmp_path: Path, path: Path, settings: ImageSettings | None = None) -> Processed:
    results, problems = run(tmp_path, path, settings=settings)
    assert problems == []
    return results[str(path)]


def opened(r: Rendition) -> Image.Image:
    img = Image.open(r.path)
    img.load()
    return img


def by(p: Processed, mime: str) -> list[Rendition]:
    return sorted((r for r in p.renditions if r.mime == mime and not r.original), key=lambda r: r.width)


def close_to(a: tuple[int, ...], b: tuple[int, ...], tolerance: int = 40) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a, b, strict=False))


# --------------------------------------------------------------------------- sizes and orientation


def test_orientation_6_comes_out_upright(tmp_path: Path) -> None:
    src = save(halves((400, 200)), tmp_path / "turned.jpg", exif=phone_exif(6), quality=95)
    p = one(tmp_path, src)
    assert (p.width, p.height) == (200, 400)
    for r in p.renditions:
        img = opened(r)
        assert img.size == (r.width, r.height) == (200, 400)
        # Orientation 6 turns the picture a quarter clockwise: the red left half ends on top.
        assert close_to(img.convert("RGB").getpixel((100, 60)), RED)
        assert close_to(img.convert("RGB").getpixel((100, 340)), BLUE)


def test_draft_decoding_respects_turned_photos(tmp_path: Path) -> None:
    # A phone photo held upright: stored 4032×3024 with orientation 6, shown 3024×4032.
    src = save(halves((4032, 3024)), tmp_path / "phone.jpg", exif=phone_exif(6), quality=90)
    p = one(tmp_path, src, ImageSettings(widths=(480, 960)))
    assert (p.width, p.height) == (3024, 4032)
    assert [(r.width, r.height) for r in by(p, images.JPEG)] == [(480, 640), (960, 1280)]
    img = opened(p.fallback).convert("RGB")
    assert img.size == (960, 1280)
    assert close_to(img.getpixel((480, 200)), RED) and close_to(img.getpixel((480, 1100)), BLUE)


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        ((2000, 1500), [(480, 360), (960, 720), (1600, 1200)]),
        ((1200, 900), [(480, 360), (960, 720)]),
        ((300, 200), [(300, 200)]),
        ((16, 16), [(16, 16)]),
        ((8000, 1000), [(480, 60), (960, 120), (1600, 200)]),
    ],
)
def test_widths_never_enlarge(tmp_path: Path, size: tuple[int, int], expected: list[tuple[int, int]]) -> None:
    src = save(noisy(size), tmp_path / "photo.jpg", quality=85)
    p = one(tmp_path, src)
    assert (p.width, p.height) == size
    for mime in (images.WEBP, images.JPEG):
        got = by(p, mime)
        assert [(r.width, r.height) for r in got] == expected
        for r in got:
            img = opened(r)
            assert img.format == ("WEBP" if mime == images.WEBP else "JPEG")
            assert img.size == (r.width, r.height)
    assert p.fallback.width == expected[-1][0] and p.fallback.mime == images.JPEG
    assert p.thumbnail.width == expected[0][0]


def test_target_widths() -> None:
    assert target_widths((1600, 480, 960), 5000) == [480, 960, 1600]
    assert target_widths((480, 960, 1600), 960) == [480, 960]
    assert target_widths((480, 960, 1600), 100) == [100]


def test_uris_follow_out_base(tmp_path: Path) -> None:
    src = save(noisy((1000, 500)), tmp_path / "01.jpg")
    p = one(tmp_path, src)
    assert {r.uri for r in p.renditions} == {
        f"branches/jg1/news/x/01-{w}.{ext}" for w in (480, 960) for ext in ("webp", "jpg")
    }
    assert all(
        Path(r.path).is_file() and Path(r.path).is_relative_to(tmp_path / "cache") for r in p.renditions
    )


# --------------------------------------------------------------------------- colour modes


def test_cmyk_becomes_rgb(tmp_path: Path) -> None:
    src = save(Image.new("CMYK", (600, 400), (0, 255, 255, 0)), tmp_path / "cmyk.jpg", quality=95)
    assert Image.open(src).mode == "CMYK"
    p = one(tmp_path, src)
    for r in p.renditions:
        img = opened(r)
        assert img.mode == "RGB"
        assert close_to(img.getpixel((10, 10)), (255, 0, 0), 50)


def matrix_profile(description: str, primaries: tuple[tuple[float, float, float], ...]) -> bytes:
    """A minimal ICC v2 RGB display profile (gamma 2.2), like the Display P3 profile iPhones embed."""

    def xyz(values: tuple[float, float, float]) -> bytes:
        return b"XYZ \0\0\0\0" + struct.pack(">3i", *(round(v * 65536) for v in values))

    text = description.encode() + b"\0"
    desc = b"desc\0\0\0\0" + struct.pack(">I", len(text)) + text + b"\0" * 8 + b"\0\0\0" + b"\0" * 67
    curve = b"curv\0\0\0\0" + struct.pack(">IH", 1, 0x0233) + b"\0\0"
    tags = [(b"desc", desc), (b"wtpt", xyz((0.9642, 1.0, 0.8249)))]
    tags += [(name, xyz(p)) for name, p in zip((b"rXYZ", b"gXYZ", b"bXYZ"), primaries, strict=True)]
    tags += [(name, curve) for name in (b"rTRC", b"gTRC", b"bTRC")]
    offset = 128 + 4 + 12 * len(tags)
    table, body = b"", b""
    for name, data in tags:
        data += b"\0" * (-len(data) % 4)
        table += name + struct.pack(">II", offset + len(body), len(data))
        body += data
    size = offset + len(body)
    header = struct.pack(
        ">I4sI4s4s4s12s4s", size, b"lcms", 0x02100000, b"mntr", b"RGB ", b"XYZ ", b"\0" * 12, b"acsp"
    )
    # platform…attributes and rendering intent, the D50 illuminant, creator, id and reserved bytes
    header += b"\0" * 28 + struct.pack(">3i", 63190, 65536, 54061) + b"\0" * 48
    return header + struct.pack(">I", len(tags)) + table + body


DISPLAY_P3 = ((0.5151, 0.2412, -0.0011), (0.2920, 0.6922, 0.0419), (0.1571, 0.0666, 0.7841))


def test_colour_profiles_are_applied(tmp_path: Path) -> None:
    colour = (180, 120, 100)
    plain = save(Image.new("RGB", (600, 400), colour), tmp_path / "plain.jpg", quality=95)
    p3 = save(
        Image.new("RGB", (600, 400), colour),
        tmp_path / "p3.jpg",
        quality=95,
        icc_profile=matrix_profile("Display P3", DISPLAY_P3),
    )
    assert close_to(opened(one(tmp_path, plain).fallback).getpixel((5, 5)), colour, 3)
    converted = opened(one(tmp_path, p3).fallback)
    assert "icc_profile" not in converted.info  # the pixels are sRGB now, as untagged images are shown
    red, _, blue = converted.getpixel((5, 5))
    assert red >= colour[0] + 6 and blue <= colour[2] - 1  # P3 is wider: in sRGB, the reds are redder


def test_grayscale_stays_grayscale(tmp_path: Path) -> None:
    src = save(noisy((700, 500)).convert("L"), tmp_path / "grey.jpg")
    p = one(tmp_path, src)
    assert opened(p.fallback).mode == "L"
    assert opened(by(p, images.WEBP)[-1]).size == (480, 343)


def test_sixteen_bit_grey_png_keeps_its_brightness(tmp_path: Path) -> None:
    src = save(Image.new("I;16", (500, 300), 40000), tmp_path / "grey16.png")
    p = one(tmp_path, src)
    assert abs(opened(p.fallback).convert("L").getpixel((5, 5)) - 40000 // 256) <= 3


def transparent(mode: str) -> Image.Image:
    img = Image.new("RGBA", (600, 300), (0, 0, 0, 0))
    ImageDraw.Draw(img).ellipse([100, 50, 500, 250], fill=(200, 30, 30, 255))
    if mode == "LA":
        return img.convert("LA")
    if mode == "P":
        return _palette(img)
    return img


def _palette(img: Image.Image) -> Image.Image:
    p = Image.new("P", img.size, 0)
    p.putpalette([0, 0, 0, 200, 30, 30] + [0] * (256 * 3 - 6))
    p.paste(1, mask=img.getchannel("A"))
    p.info["transparency"] = 0
    return p


@pytest.mark.parametrize("mode", ["RGBA", "LA", "P"])
def test_transparency_keeps_alpha_with_png_fallback(tmp_path: Path, mode: str) -> None:
    src = save(transparent(mode), tmp_path / f"logo-{mode}.png")
    p = one(tmp_path, src)
    assert {r.mime for r in p.renditions} == {images.WEBP, images.PNG}
    assert p.fallback.mime == images.PNG
    webp, png = opened(by(p, images.WEBP)[-1]), opened(p.fallback)
    assert webp.format == "WEBP" and png.format == "PNG"
    for img in (webp, png):
        assert img.mode in ("RGBA", "LA")
        assert img.getchannel("A").getpixel((5, 5)) == 0  # the corner stays see-through, not black
        assert img.getchannel("A").getpixel((240, 120)) == 255


def test_opaque_rgba_gets_a_jpeg_fallback(tmp_path: Path) -> None:
    src = save(noisy((600, 400)).convert("RGBA"), tmp_path / "opaque.png")
    p = one(tmp_path, src)
    assert p.fallback.mime == images.JPEG


# --------------------------------------------------------------------------- metadata


def assert_no_metadata(img: Image.Image) -> None:
    assert len(img.getexif()) == 0
    assert "exif" not in img.info and "xmp" not in img.info and "XML:com.adobe.xmp" not in img.info


def test_exif_and_gps_are_stripped(tmp_path: Path) -> None:
    src = save(noisy((1000, 700)), tmp_path / "gps.jpg", exif=phone_exif(), quality=90)
    assert Image.open(src).getexif().get_ifd(GPS_IFD)  # the test photo does carry a location
    p = one(tmp_path, src)
    assert len(p.renditions) == 4
    for r in p.renditions:
        assert_no_metadata(opened(r))
        assert b"Huawei" not in Path(r.path).read_bytes()


def test_keep_exif_keeps_camera_but_never_location(tmp_path: Path) -> None:
    src = save(halves((800, 400)), tmp_path / "gps.jpg", exif=phone_exif(6), quality=90)
    p = one(tmp_path, src, ImageSettings(keep_exif=True))
    for r in p.renditions:
        exif = opened(r).getexif()
        assert exif.get(MAKE) == "Huawei" and exif.get(MODEL) == "P60"
        assert GPS_IFD not in exif and not exif.get_ifd(GPS_IFD)
        assert ORIENTATION not in exif  # the pixels are already upright
        assert exif.get_ifd(EXIF_IFD).get(DATE_TAKEN) == "2024:03:13 10:00:00"
        assert MAKER_NOTE not in exif.get_ifd(EXIF_IFD)
        assert (r.width, r.height) == (400, 800)


def test_original_is_not_published_by_default(tmp_path: Path) -> None:
    src = save(noisy((500, 300)), tmp_path / "o.jpg", exif=phone_exif())
    p = one(tmp_path, src)
    assert p.original is None
    assert not any(f.read_bytes() == src.read_bytes() for f in (tmp_path / "cache").rglob("*") if f.is_file())


def test_published_jpeg_original_keeps_pixels_and_drops_location(tmp_path: Path) -> None:
    src = save(halves((900, 600)), tmp_path / "o.jpg", exif=phone_exif(6), quality=90)
    p = one(tmp_path, src, ImageSettings(publish_original=True))
    original = p.original
    assert original is not None and original.original
    assert original.uri == "branches/jg1/news/x/o.jpg"
    assert (original.mime, original.width, original.height) == (images.JPEG, 600, 900)
    img = opened(original)
    assert ImageChops.difference(img, Image.open(src).convert("RGB")).getbbox() is None  # same pixels
    exif = img.getexif()
    assert dict(exif) == {ORIENTATION: 6}  # the untouched pixels still need turning
    assert b"Huawei" not in Path(original.path).read_bytes()
    # The original is never a srcset candidate or the fallback.
    assert p.fallback.uri != original.uri and "o.jpg " not in p.srcset(images.JPEG, str)


def test_published_png_original_drops_text_chunks(tmp_path: Path) -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "GPS 39.9N 116.4E")
    src = save(transparent("RGBA"), tmp_path / "logo.png", pnginfo=info)
    p = one(tmp_path, src, ImageSettings(publish_original=True))
    assert p.original is not None and p.original.mime == images.PNG
    data = Path(p.original.path).read_bytes()
    assert b"GPS" not in data
    assert ImageChops.difference(opened(p.original), Image.open(src)).getbbox() is None


def test_strip_jpeg_drops_appended_images() -> None:
    buf = io.BytesIO()
    noisy((64, 64)).save(buf, "JPEG", exif=phone_exif())
    data = buf.getvalue() + b"\xff\xd8 a depth map \xff\xd9"
    stripped = metadata.strip_jpeg(data, b"")
    assert stripped.endswith(b"\xff\xd9") and b"depth" not in stripped and b"Huawei" not in stripped
    assert Image.open(io.BytesIO(stripped)).size == (64, 64)


@pytest.mark.parametrize("params", [{"progressive": True}, {"restart_marker_blocks": 4}, {"subsampling": 0}])
def test_strip_jpeg_keeps_every_pixel(params: dict[str, object]) -> None:
    buf = io.BytesIO()
    noisy((300, 200)).save(buf, "JPEG", quality=90, exif=phone_exif(), comment=b"secret", **params)
    stripped = metadata.strip_jpeg(b"\xff\xd8" + b"\0\0" + buf.getvalue()[2:], b"")  # stray bytes too
    assert b"Huawei" not in stripped and b"secret" not in stripped
    before, after = Image.open(buf), Image.open(io.BytesIO(stripped))
    assert ImageChops.difference(before.convert("RGB"), after.convert("RGB")).getbbox() is None


# --------------------------------------------------------------------------- HEIC


def test_heic_from_an_iphone(tmp_path: Path) -> None:
    images.register_heif()
    src = tmp_path / "IMG_0001.HEIC"
    try:
        noisy((1200, 900)).save(src, format="HEIF", quality=50, exif=phone_exif())
    except (KeyError, OSError, ValueError, RuntimeError) as exc:
        pytest.skip(f"this libheif cannot encode HEIC: {exc}")
    p = one(tmp_path, src, ImageSettings(publish_original=True))
    assert (p.width, p.height) == (1200, 900)
    assert [r.width for r in by(p, images.JPEG)] == [480, 960]
    assert p.original is not None and p.original.mime == images.JPEG  # re-encoded: browsers cannot show HEIC
    for r in p.renditions:
        assert_no_metadata(opened(r))


# --------------------------------------------------------------------------- problems


def truncated_jpeg(path: Path) -> Path:
    buf = io.BytesIO()
    noisy((800, 600)).save(buf, "JPEG", quality=90)
    path.write_bytes(buf.getvalue()[: len(buf.getvalue()) * 6 // 10])
    return path


def huge_png(path: Path, width: int, height: int) -> Path:
    """A valid PNG header declaring width×height, with a tiny IDAT: decoding it would need gigabytes."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\0" * 100))
        + chunk(b"IEND", b"")
    )
    return path


def only_problem(tmp_path: Path, path: Path, settings: ImageSettings | None = None) -> str:
    results, problems = run(tmp_path, path, settings=settings)
    assert results == {}
    assert len(problems) == 1
    problem = problems[0]
    assert problem.severity is Severity.WARNING  # the photo's fault: the page goes out without it
    assert problem.path == f"branches/jg1/news/x/{path.name}"
    assert problem.hint
    return problem.message


def test_truncated_jpeg_is_not_accepted(tmp_path: Path) -> None:
    assert "已损坏或不完整" in only_problem(tmp_path, truncated_jpeg(tmp_path / "cut.jpg"))
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def test_truncated_jpeg_is_caught_in_draft_mode_too(tmp_path: Path) -> None:
    buf = io.BytesIO()
    noisy((2400, 1800)).save(buf, "JPEG", quality=90)
    path = tmp_path / "cut-big.jpg"
    path.write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])
    assert "已损坏或不完整" in only_problem(tmp_path, path, ImageSettings(widths=(480,)))


def test_non_image_is_named(tmp_path: Path) -> None:
    path = tmp_path / "notes.jpg"
    path.write_bytes("这其实是一段文字，不是照片。".encode() * 50)
    assert "不是能识别的图片" in only_problem(tmp_path, path)


def test_empty_and_missing_files(tmp_path: Path) -> None:
    (tmp_path / "empty.jpg").write_bytes(b"")
    assert "空的" in only_problem(tmp_path, tmp_path / "empty.jpg")
    assert "无法读取" in only_problem(tmp_path, tmp_path / "gone.jpg")


def test_garbage_after_a_valid_header_is_corrupt(tmp_path: Path) -> None:
    buf = io.BytesIO()
    noisy((300, 200)).save(buf, "PNG")
    data = bytearray(buf.getvalue())
    data[43:200] = b"\xff" * 157  # clobber the compressed pixels, just after the zlib header
    path = tmp_path / "broken.png"
    path.write_bytes(bytes(data))
    assert "已损坏" in only_problem(tmp_path, path)


def test_too_many_pixels_by_setting(tmp_path: Path) -> None:
    src = save(noisy((1000, 800)), tmp_path / "big.jpg")
    message = only_problem(tmp_path, src, ImageSettings(max_pixels=500_000))
    assert (
        "图片太大" in message and "1000×800" in message and "80 万像素" in message and "50 万像素" in message
    )


def test_large_decodes_take_turns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A photo decoded at full size (PNG, HEIC, WebP) or a progressive JPEG (libjpeg keeps its coefficients
    at full size) takes the lock for large decodes; a baseline JPEG decoded reduced does not."""
    taken: list[str] = []

    class Recorder:
        def __enter__(self) -> None:
            taken.append(current)

        def __exit__(self, *args: object) -> None:
            pass

    monkeypatch.setattr(pipeline, "_large", Recorder())
    monkeypatch.setattr(pipeline, "LARGE_DECODE", 200_000)
    photo = noisy((1200, 900))
    for current, params in (
        ("baseline.jpg", {"quality": 85}),
        ("progressive.jpg", {"quality": 85, "progressive": True}),
        ("flat.png", {}),
    ):
        one(tmp_path, save(photo, tmp_path / current, **params), ImageSettings(widths=(300,)))
        assert pipeline.inspect(str(tmp_path / current), ImageSettings()) is None
    assert taken == ["progressive.jpg", "progressive.jpg", "flat.png", "flat.png"]


def test_decompression_bomb_is_refused_from_its_header(tmp_path: Path) -> None:
    limit = Image.MAX_IMAGE_PIXELS
    start = time.perf_counter()
    message = only_problem(tmp_path, huge_png(tmp_path / "bomb.png", 30000, 30000))
    assert time.perf_counter() - start < 2  # refused from the header: 2.7 GB were never allocated
    assert "图片太大" in message and "30000×30000" in message
    assert limit == Image.MAX_IMAGE_PIXELS  # Pillow's own setting is left as it was


def test_size_limit_applies_to_cached_images_too(tmp_path: Path) -> None:
    src = save(noisy((1000, 800)), tmp_path / "big.jpg")
    assert run(tmp_path, src)[1] == []
    results, problems = run(tmp_path, src, settings=ImageSettings(max_pixels=500_000))
    assert results == {} and "图片太大" in problems[0].message


def test_bad_images_do_not_stop_good_ones_in_worker_processes(tmp_path: Path) -> None:
    good = [save(noisy((700, 500), seed=i), tmp_path / f"{i:02}.jpg") for i in range(4)]
    bad = [truncated_jpeg(tmp_path / "cut.jpg"), huge_png(tmp_path / "bomb.png", 20000, 20000)]
    seen: list[tuple[int, int]] = []
    results, problems = run(tmp_path, *good, *bad, workers=2, progress=lambda d, t: seen.append((d, t)))
    assert set(results) == {str(p) for p in good}
    assert sorted(p.path.rsplit("/", 1)[1] for p in problems) == ["bomb.png", "cut.jpg"]
    assert seen[-1] == (6, 6) and [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_clashing_output_names_are_processed_once(tmp_path: Path) -> None:
    """Two photos meeting in one published name are the loader's to report (whichever edition is built:
    tests/test_awkward_inputs.py); the pipeline never writes two files to one name."""
    a = save(noisy((500, 300), 1), tmp_path / "01.jpg")
    b = save(noisy((500, 300), 2), tmp_path / "01.png")
    results, problems = process_all([job(a), job(b)], ImageSettings(), tmp_path / "cache")
    assert list(results) == [str(a)] and problems == []


def test_a_long_phone_screenshot_fits_webp(tmp_path: Path) -> None:
    """1080×20000: a 960-wide rendition would be 17,778 high, more than WebP holds (16,383)."""
    src = save(halves((1080, 20000)), tmp_path / "screenshot.png")
    result = one(tmp_path, src)
    assert [(r.width, r.height) for r in by(result, images.WEBP)] == [(480, 8889), (884, 16370)]
    assert all(r.height <= pipeline.WEBP_MAX for r in result.renditions)
    assert opened(by(result, images.WEBP)[-1]).size == (884, 16370)


def test_an_image_too_thin_for_a_web_page_is_refused(tmp_path: Path) -> None:
    src = save(Image.new("RGB", (1, 20000), "red"), tmp_path / "line.png")
    assert "图片太细长（1×20000）" in only_problem(tmp_path, src)
    wide = save(Image.new("RGB", (20000, 1), "red"), tmp_path / "wide.png")
    assert run(tmp_path, wide)[1] == []  # lying down it fits


def broken_photos(folder: Path) -> list[Path]:
    """One of every photo the pipeline refuses."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "empty.jpg").write_bytes(b"")
    (folder / "text.jpg").write_text("这其实是一段文字。" * 20, encoding="utf-8")
    (folder / "drawing.jpg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"/>')
    buf = io.BytesIO()
    noisy((1200, 900)).save(buf, "JPEG", quality=90)
    (folder / "cut.jpg").write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])
    buf = io.BytesIO()
    noisy((400, 300)).save(buf, "PNG")
    data = bytearray(buf.getvalue())
    data[43:200] = b"\xff" * 157
    (folder / "garbage.png").write_bytes(bytes(data))
    huge_png(folder / "bomb.png", 30000, 30000)
    save(Image.new("RGB", (1, 20000)), folder / "line.png")
    return sorted(folder.iterdir())


def test_check_all_finds_what_process_all_refuses(tmp_path: Path) -> None:
    paths = broken_photos(tmp_path / "in")
    good = [save(noisy((600, 400), i), tmp_path / "in" / f"good{i}.jpg") for i in range(3)]
    jobs = [job(p) for p in [*paths, *good]]
    checked = batch.check_all(jobs, ImageSettings(), tmp_path / "cache")
    assert not (tmp_path / "cache").exists()  # checking writes nothing
    _, processed = process_all(jobs, ImageSettings(), tmp_path / "cache")
    assert sorted(map(str, checked)) == sorted(map(str, processed))
    assert {p.path.rsplit("/", 1)[1] for p in checked} == {p.name for p in paths}


def test_check_all_opens_no_photo_the_cache_knows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    good = [save(noisy((600, 400), i), tmp_path / f"{i}.jpg") for i in range(3)]
    assert run(tmp_path, *good)[1] == []

    def no_open(*args, **kwargs):
        raise AssertionError("a photo processed before must not be opened again")

    monkeypatch.setattr(Image, "open", no_open)
    assert batch.check_all([job(p) for p in good], ImageSettings(), tmp_path / "cache") == []
    problems = batch.check_all([job(p) for p in good], ImageSettings(max_pixels=1000), tmp_path / "cache")
    assert len(problems) == 3 and all("图片太大" in p.message for p in problems)


# --------------------------------------------------------------------------- cache


def count_renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real = pipeline.render

    def counting(task):
        calls.append(task.source)
        return real(task)

    monkeypatch.setattr(pipeline, "render", counting)
    return calls


def cache_files(tmp_path: Path) -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in (tmp_path / "cache").rglob("*") if p.is_file()}


def test_unchanged_photos_are_never_processed_twice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    srcs = [save(noisy((900, 600), i), tmp_path / f"{i}.jpg") for i in range(2)]
    calls = count_renders(monkeypatch)
    first, _ = run(tmp_path, *srcs)
    assert len(calls) == 2
    before = cache_files(tmp_path)

    def no_open(*args, **kwargs):
        raise AssertionError("a warm run must not open images, nor read them to hash them")

    monkeypatch.setattr(Image, "open", no_open)
    monkeypatch.setattr(cache, "_digest", no_open)  # size and mtime are those recorded
    second, problems = run(tmp_path, *srcs)
    assert problems == [] and len(calls) == 2
    assert second == first
    assert cache_files(tmp_path) == before
    assert not any(p.name.endswith(".tmp") for p in before)


def test_cache_follows_content_and_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = save(noisy((900, 600), 1), tmp_path / "a.jpg")
    calls = count_renders(monkeypatch)
    run(tmp_path, src)
    run(tmp_path, src, settings=ImageSettings(quality=60))
    assert len(calls) == 2
    save(noisy((900, 600), 2), src)  # the editor replaced the photo under the same name
    run(tmp_path, src)
    assert len(calls) == 3
    # The same photo under another name and place shares the cached files.
    copy = tmp_path / "elsewhere" / "b.jpg"
    copy.parent.mkdir()
    copy.write_bytes(src.read_bytes())
    results, _ = process_all([job(copy, "branches/jg2/news/y/b")], ImageSettings(), tmp_path / "cache")
    assert len(calls) == 3
    assert results[str(copy)].fallback.uri == "branches/jg2/news/y/b-480.jpg"


def test_an_interrupted_entry_is_redone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = save(noisy((1000, 600)), tmp_path / "a.jpg")
    real = pipeline._encoded
    calls = {"n": 0}

    def failing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(28, "No space left on device")
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "_encoded", failing)
    results, problems = run(tmp_path, src)
    assert results == {} and "无法写入图片缓存" in problems[0].message
    assert problems[0].severity is Severity.ERROR  # not the photo's fault: the build stops
    assert not list((tmp_path / "cache").rglob("manifest.json"))
    assert not list((tmp_path / "cache").rglob("*.tmp"))
    monkeypatch.setattr(pipeline, "_encoded", real)
    p = one(tmp_path, src)
    assert len(p.renditions) == 4


def test_missing_cached_file_is_redone(tmp_path: Path) -> None:
    src = save(noisy((1000, 600)), tmp_path / "a.jpg")
    p = one(tmp_path, src)
    Path(p.fallback.path).unlink()
    assert Path(one(tmp_path, src).fallback.path).is_file()


def test_settings_key() -> None:
    assert ImageSettings().key() == ImageSettings(widths=(1600, 480, 960, 960)).key()
    assert ImageSettings().key() == ImageSettings(max_pixels=1000).key()
    assert (
        len(
            {
                ImageSettings(**kw).key()
                for kw in ({}, {"quality": 70}, {"keep_exif": True}, {"widths": (800,)})
            }
        )
        == 4
    )
    with pytest.raises(ValueError):
        ImageSettings(quality=0)
    with pytest.raises(ValueError):
        ImageSettings(widths=())


# --------------------------------------------------------------------------- HTML


def sample() -> Processed:
    def r(w: int, mime: str) -> Rendition:
        ext = images.EXTENSIONS[mime]
        return Rendition(f"b/x/01-{w}.{ext}", f"/c/{w}.{ext}", w, w * 3 // 4, mime)

    rs = tuple(r(w, m) for w in (480, 960, 1600) for m in (images.WEBP, images.JPEG))
    return Processed(4032, 3024, rs)


def test_picture_html() -> None:
    p = sample()
    html = picture_html(
        p, '"><script>alert(1)</script>', lambda uri: "../../" + uri, lazy=True, css_class="bb-x"
    )
    assert html.startswith("<picture><source ") and html.endswith("></picture>")
    assert (
        '<source type="image/webp" srcset="../../b/x/01-480.webp 480w, ../../b/x/01-960.webp 960w, '
        '../../b/x/01-1600.webp 1600w" sizes="(max-width: 960px) 100vw, 960px">'
    ) in html
    assert 'src="../../b/x/01-1600.jpg"' in html
    assert (
        'srcset="../../b/x/01-480.jpg 480w, ../../b/x/01-960.jpg 960w, ../../b/x/01-1600.jpg 1600w"' in html
    )
    assert 'width="1600" height="1200"' in html
    assert 'loading="lazy"' in html and 'decoding="async"' in html and 'class="bb-x"' in html
    assert "<script>" not in html and 'alt="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in html


def test_picture_html_escapes_everything() -> None:
    html = picture_html(sample(), "a&b", lambda uri: f'x" onerror="y/{uri}', sizes='100vw"', lazy=False)
    assert 'onerror="' not in html and 'sizes="100vw&quot;"' in html
    assert "loading=" not in html and 'alt="a&amp;b"' in html


def test_picture_html_for_a_fixed_size_and_the_largest_paint() -> None:
    # 150 CSS pixels are at most 450 device pixels: the 480-wide renditions are enough.
    thumb = picture_html(sample(), "", str, sizes="150px")
    assert "960w" not in thumb and "1600w" not in thumb and thumb.count("480w") == 2
    assert "960w" not in picture_html(sample(), "", str, sizes="6rem")
    medium = picture_html(sample(), "", str, sizes="300px")  # 900 device pixels: up to 960
    assert medium.count("960w") == 2 and "1600w" not in medium
    assert picture_html(sample(), "", str, sizes="400px").count("1600w") == 2  # 1,200: up to 1600
    # Half of a screen at most 600 pixels wide, else 240: at most 900 device pixels (the gallery's thumbnails).
    thumbs = picture_html(sample(), "", str, sizes="(max-width: 600px) 50vw, 240px")
    assert thumbs.count("960w") == 2 and "1600w" not in thumbs
    assert picture_html(sample(), "", str, sizes="(max-width: 960px) 100vw, 960px").count("1600w") == 2
    assert picture_html(sample(), "", str, sizes="(min-width: 600px) 50vw, 240px").count("1600w") == 2
    assert picture_html(sample(), "", str, sizes="100vw").count("1600w") == 2
    first = picture_html(sample(), "", str, priority=True)
    assert 'fetchpriority="high"' in first and "loading=" not in first
    # A list's cover beside its text: never raised above the page's styles and scripts, lazy or not.
    cover = picture_html(sample(), "", str, lazy=False, background=True)
    assert 'fetchpriority="low"' in cover and "loading=" not in cover
    assert 'loading="lazy"' in picture_html(sample(), "", str, background=True)


def test_processed_helpers() -> None:
    p = sample()
    assert p.fallback.uri == "b/x/01-1600.jpg" and p.thumbnail.uri == "b/x/01-480.jpg"
    assert p.srcset(images.WEBP, lambda u: f"a b,{u}") == ", ".join(
        f"a%20b%2Cb/x/01-{w}.webp {w}w" for w in (480, 960, 1600)
    )


# --------------------------------------------------------------------------- the lightbox, in Chromium

GALLERY = """<!doctype html><html lang="zh"><head><meta charset="utf-8">
<link rel="stylesheet" href="assets/lightbox.css"></head><body>
<p><a id="before" href="#">前面的链接</a></p>
{links}
<p><a id="other" data-lightbox="other" href="{other}">另一组</a></p>
<script src="assets/lightbox.js"></script></body></html>"""


@pytest.mark.browser
def test_lightbox_in_a_browser_from_file_url(tmp_path: Path, browser) -> None:
    site = tmp_path / "site" / "sub" / "path"
    srcs = [save(noisy((1200, 800), i), tmp_path / f"{i:02}.jpg") for i in range(3)]
    results, problems = process_all(
        [Job(str(s), s.name, f"photos/{s.stem}") for s in srcs], ImageSettings(), tmp_path / "cache"
    )
    assert problems == []
    for p in results.values():
        for r in p.renditions:
            (site / r.uri).parent.mkdir(parents=True, exist_ok=True)
            (site / r.uri).write_bytes(Path(r.path).read_bytes())
    assets = Path(images.__file__).parent.parent / "assets"
    for name in ("lightbox.js", "lightbox.css"):
        (site / "assets").mkdir(exist_ok=True)
        (site / "assets" / name).write_bytes((assets / name).read_bytes())
    links = "\n".join(
        f'<a id="l{i}" data-lightbox="g" data-caption="第 {i + 1} 张 <b>说明</b>" href="{p.fallback.uri}"'
        f' data-srcset="{p.srcset(images.WEBP, str)}">{picture_html(p, f"照片{i + 1}", str)}</a>'
        for i, p in enumerate(results[str(s)] for s in srcs)
    )
    (site / "index.html").write_text(
        GALLERY.format(links=links, other=results[str(srcs[0])].thumbnail.uri), encoding="utf-8"
    )
    page = browser.new_page(viewport={"width": 1000, "height": 700})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto((site / "index.html").as_uri())
    dialog = page.locator(".bb-lightbox")

    page.click("#l1")
    assert dialog.is_visible()
    assert dialog.get_attribute("role") == "dialog" and dialog.get_attribute("aria-modal") == "true"
    assert page.locator(".bb-lightbox__caption").inner_text() == "第 2 张 <b>说明</b>"  # text, never HTML
    assert page.locator(".bb-lightbox__counter").inner_text() == "2 / 3"
    page.wait_for_function("document.querySelector('.bb-lightbox__img').naturalWidth > 0")
    assert page.evaluate("document.querySelector('.bb-lightbox__img').currentSrc").startswith("file://")
    assert page.evaluate("document.activeElement.className").endswith("bb-lightbox__close")

    page.keyboard.press("ArrowRight")
    assert page.locator(".bb-lightbox__counter").inner_text() == "3 / 3"
    page.keyboard.press("ArrowRight")
    assert page.locator(".bb-lightbox__counter").inner_text() == "1 / 3"
    page.keyboard.press("ArrowLeft")
    assert page.locator(".bb-lightbox__counter").inner_text() == "3 / 3"
    page.click(".bb-lightbox__next")
    assert page.locator(".bb-lightbox__counter").inner_text() == "1 / 3"
    for _ in range(4):  # Tab stays inside the dialog
        page.keyboard.press("Tab")
        assert page.evaluate("!!document.activeElement.closest('.bb-lightbox')")

    page.keyboard.press("Escape")
    assert not dialog.is_visible()
    assert page.evaluate("document.activeElement.id") == "l1"  # focus went back to the link

    page.click("#other")  # a gallery of one: no previous / next
    assert dialog.is_visible() and not page.locator(".bb-lightbox__next").is_visible()
    page.mouse.click(5, 350)  # the dark background closes
    assert not dialog.is_visible()

    # A finger swiping left shows the next photo.
    page.click("#l0")
    page.evaluate(
        """() => {
        const box = document.querySelector('.bb-lightbox');
        const t = (x) => [new Touch({identifier: 1, target: box, clientX: x, clientY: 300})];
        box.dispatchEvent(new TouchEvent('touchstart', {touches: t(600), changedTouches: t(600)}));
        box.dispatchEvent(new TouchEvent('touchend', {touches: [], changedTouches: t(400)}));
    }"""
    )
    assert page.locator(".bb-lightbox__counter").inner_text() == "2 / 3"
    page.keyboard.press("Escape")
    assert errors == []
    page.close()


def crash_on_marked(tasks):
    """A worker that dies like a crashing image library would; module-level, so workers can import it."""
    if any(task.source.endswith("crash.jpg") for task in tasks):
        os._exit(3)
    return batch._run_chunk(tasks)


def test_a_crashing_worker_blames_only_its_photo(tmp_path: Path) -> None:
    paths = [save(noisy((600, 400), i), tmp_path / f"{i}.jpg") for i in range(5)]
    paths.append(save(noisy((600, 400), 9), tmp_path / "crash.jpg"))
    tasks = [pipeline.Task(str(p), p.name, str(tmp_path / "cache" / p.stem), ImageSettings()) for p in paths]
    outcomes = {task.source: outcome for task, outcome in batch._execute(tasks, 2, crash_on_marked)}
    assert set(outcomes) == {str(p) for p in paths}
    assert outcomes.pop(str(paths[-1])) == batch._CRASHED
    assert all(isinstance(outcome, dict) for outcome in outcomes.values())


# --------------------------------------------------------------------------- a whole site


def phone_photo_108mp(path: Path) -> Path:
    """What a phone's 108-megapixel mode writes: 12000×9000 stored lying down (orientation 6), with GPS.
    Flat blue with a red corner (stored top left, so top right once upright): quick to make and to encode."""
    img = Image.new("RGB", (12000, 9000), BLUE)
    img.paste(RED, (0, 0, 1500, 1500))
    return save(img, path, quality=85, exif=phone_exif(6).tobytes())


def bomb_png(path: Path, width: int, height: int) -> Path:
    """A real decompression bomb: a valid 1-bit PNG of width×height, all black, a few dozen KB."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    packer = zlib.compressobj(9)
    row = b"\0" * (1 + (width + 7) // 8)
    data = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", data) + chunk(b"IEND", b""))
    return path


@pytest.fixture(scope="module")
def phone_site(tmp_path_factory: pytest.TempPathFactory):
    """One real site, built once: branch jg1's news has a 108-megapixel phone photo; branch xs1's has a
    truncated photo (its cover) and a 3-billion-pixel PNG shown in its body."""
    project = SiteProject(tmp_path_factory.mktemp("phone"))
    project.branch("jg1", "name: 教工第一党支部\nbrand: 红色引擎")
    project.branch("xs1", "name: 学生第一党支部\nbrand: 青春领航")
    news = project.root / "branches"
    phone_photo_108mp(news / "jg1/news/2024-03-13-big/01.jpg")
    project.item("jg1", "2024-03-13-big.md", "title: 大照片\ntype: 支委会\nreviewer: 王芳")
    truncated_jpeg(save(noisy((8, 8)), news / "xs1/news/2024-03-14-bad/01.jpg"))
    bomb_png(news / "xs1/news/2024-03-14-bad/02.png", 20000, 15000)
    save(noisy((800, 600)), news / "xs1/news/2024-03-14-bad/03.jpg")
    project.item(
        "xs1",
        "2024-03-14-bad.md",
        "title: 坏照片\ntype: 支委会\nreviewer: 王芳\ncover: 01.jpg",
        "正文。\n\n![会场全景](2024-03-14-bad/02.png)\n",
    )
    before = tree_hashes(project.root / "branches")
    result = project.build()
    assert tree_hashes(project.root / "branches") == before
    return project, result


BAD = "branches/xs1/news/2024-03-14-bad.md"


def test_a_108_megapixel_phone_photo_is_published_upright_without_gps(phone_site) -> None:
    project, result = phone_site
    assert result.returncode == 0, result.stderr
    folder = project.root / "site/branches/jg1/news/2024-03-13-big"
    for width, height in ((480, 640), (960, 1280), (1600, 2133)):
        for ext in ("jpg", "webp"):
            img = Image.open(folder / f"01-{width}.{ext}")
            assert img.size == (width, height)  # upright: 9000×12000
            assert close_to(img.convert("RGB").getpixel((width - 5, 5)), RED)  # the red corner, top right
            assert close_to(img.convert("RGB").getpixel((5, 5)), BLUE)
            assert not img.getexif().get_ifd(GPS_IFD) and GPS_IFD not in img.getexif()
    assert b"Huawei" not in (folder / "01-1600.jpg").read_bytes()
    assert not (folder / "01.jpg").exists()  # the original is not published


def test_bad_photos_are_problems_of_their_item_and_the_site_is_built(phone_site) -> None:
    project, result = phone_site
    assert result.returncode == 0 and "Traceback" not in result.stderr
    warnings = [line.split("mkdocs_branches: ", 1)[1] for line in result.stderr.splitlines() if BAD in line]
    assert sorted(warnings) == [
        f"{BAD}: 照片“2024-03-14-bad/01.jpg”这次不发布（其余内容照常发布）：图片文件已损坏或不完整。"
        "请重新从手机或相机导出这张照片，再复制进来",
        f"{BAD}: 照片“2024-03-14-bad/02.png”这次不发布（其余内容照常发布）："
        "图片太大（20000×15000，约 3 亿像素），超过上限 2.5 亿像素。"
        "请先用看图软件把它缩小（例如长边不超过 6000 像素）再放进来",
    ]
    assert "ERROR" not in result.stderr
    # The item is published with its good photo, which became its cover; the bad ones leave no trace.
    page = project.html("branches/xs1/news/2024-03-14-bad/")
    assert "03-480.jpg" in page
    assert not [name for name in ("01-480", "01.jpg", "02-480", "02.png") if name in page]
    assert "会场全景" not in page and "02.png" not in project.html("branches/xs1/")
    assert "03-480.jpg" in project.html("branches/xs1/")  # the cover in the branch's latest news
    published = project.root / "site/branches/xs1/news/2024-03-14-bad"
    assert sorted(p.name for p in published.iterdir()) == ["03-480.jpg", "03-480.webp", "index.html"]
    assert project.html("branches/jg1/")  # the other branch's site is all there


def test_check_reports_what_the_build_does(phone_site) -> None:
    project, result = phone_site
    problems = check_content(project.root / "mkdocs.yml")
    built = {
        line.split("mkdocs_branches: ", 1)[1] for line in result.stderr.splitlines() if "WARNING" in line
    }
    assert {str(p) for p in problems.items} == built
    assert all(p.severity is Severity.WARNING for p in problems.items)
    strict = project.build("--strict", "-d", "strict")
    assert strict.returncode != 0 and BAD in strict.stderr
