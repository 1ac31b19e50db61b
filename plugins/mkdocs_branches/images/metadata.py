"""Metadata of published photos: which EXIF fields go out, and originals stripped byte for byte.

Location (GPS) is never published; maker notes, serial numbers and names of people neither. Other EXIF
fields (camera and lens model, exposure, the time taken) only with `keep_exif`.
"""

from __future__ import annotations

import zlib

from PIL import Image

ORIENTATION = 0x0112
_EXIF_IFD = 0x8769
_GPS_IFD = 0x8825
_MAKER_NOTE = 0x927C
# Fields that name or identify a person or a device, dropped even with `keep`: Artist, HostComputer,
# Copyright, XP comment/author, user comment, camera owner, body and lens serial numbers, image unique id.
_PERSONAL = (0x013B, 0x013C, 0x8298, 0x9C9C, 0x9C9D, 0x9C9F)
_PERSONAL_EXIF = (_MAKER_NOTE, 0x9286, 0xA420, 0xA430, 0xA431, 0xA435)


def exif_bytes(raw: bytes | None, keep: bool, orientation: int) -> bytes:
    """EXIF for a published file: none by default; with `keep`, everything but location and maker notes.

    `orientation` is written only for files whose pixels still need turning (an untouched original).
    """
    exif = Image.Exif()
    if keep and raw:
        try:
            exif.load(raw)
            exif.pop(_GPS_IFD, None)
            exif.pop(ORIENTATION, None)
            for tag in _PERSONAL:
                exif.pop(tag, None)
            if _EXIF_IFD in exif:
                ifd = exif.get_ifd(_EXIF_IFD)
                for tag in _PERSONAL_EXIF:
                    ifd.pop(tag, None)
        except Exception:
            exif = Image.Exif()
    if orientation != 1:
        exif[ORIENTATION] = orientation
    if not len(exif):
        return b""
    try:
        data = exif.tobytes()
    except Exception:
        return b""
    return data if len(data) <= 65_000 else b""  # must fit one JPEG segment


# APP segments that affect how pixels look; every other APPn (EXIF, XMP, IPTC, MPF, maker data) and COM go.
_JPEG_KEEP = {0xE0: (b"JFIF\x00", b"JFXX\x00"), 0xE2: (b"ICC_PROFILE\x00",), 0xEE: (b"Adobe",)}


def strip_jpeg(data: bytes, exif: bytes) -> bytes:
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


def strip_png(data: bytes, exif: bytes) -> bytes:
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


def strip_webp(data: bytes) -> bytes:
    """A WebP's bytes without its EXIF and XMP chunks (the pixels untouched)."""
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise ValueError("not a WebP")
    out, pos = [], 12
    while pos + 8 <= len(data):
        kind, length = data[pos : pos + 4], int.from_bytes(data[pos + 4 : pos + 8], "little")
        end = pos + 8 + length + (length & 1)
        if end > len(data):
            raise ValueError("truncated")
        chunk = data[pos:end]
        if kind == b"VP8X":  # its flags say which chunks follow: EXIF (0x08) and XMP (0x04) no longer do
            chunk = chunk[:8] + bytes((chunk[8] & ~0x0C,)) + chunk[9:]
        if kind not in (b"EXIF", b"XMP "):
            out.append(chunk)
        pos = end
    body = b"WEBP" + b"".join(out)
    return b"RIFF" + len(body).to_bytes(4, "little") + body


def published_bytes(data: bytes, keep: bool) -> bytes | None:
    """An image file as it may be published when the photo pipeline does not make its renditions (a picture
    on a hand-written page): JPEG, PNG and WebP without metadata, their pixels untouched (a JPEG keeps its
    orientation); GIF, SVG and icons as they are (they hold no camera data). None: a photo format that
    cannot be published without being converted (HEIC, TIFF, AVIF …), or a file that is damaged."""
    import io

    try:
        if data[:2] == b"\xff\xd8":
            with Image.open(io.BytesIO(data)) as img:
                exif = img.getexif()
                orientation = exif.get(ORIENTATION, 1)
                raw = img.info.get("exif")
            return strip_jpeg(data, exif_bytes(raw, keep, orientation if orientation in range(1, 9) else 1))
        if data.startswith(_PNG_SIGNATURE):
            return strip_png(data, b"")
        if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
            return strip_webp(data)
    except (ValueError, OSError):
        return None
    if data[:6] in (b"GIF87a", b"GIF89a") or data[:2] == b"BM" or data[:4] == b"\x00\x00\x01\x00":
        return data
    return None
