"""Progress photos: images only, re-encoded without their metadata, kept outside the static folder.

A phone's photo carries EXIF data, often with the GPS position where it was taken — a resident's
home. Every accepted photo is decoded and saved again by Pillow with no metadata at all (EXIF,
XMP, comments, text chunks), turned upright first by its EXIF orientation. A file declaring more
than ``MAX_PIXELS`` pixels is refused from its header, before anything is decoded: a few hundred
bytes of PNG can declare 60000 × 60000 pixels and take gigabytes to open (a decompression bomb).

Plain functions with no Flask import; the caller passes the upload folder.
"""

from __future__ import annotations

import io
import secrets
import warnings
from pathlib import Path

from PIL import Image, ImageOps

MAX_PHOTO_BYTES = 5 * 1024 * 1024
#: The most pixels a photo may declare: 50 megapixels, more than any phone camera takes.
MAX_PIXELS = 50_000_000
#: Pillow's format name for each stored extension.
FORMATS = {"jpg": "JPEG", "png": "PNG", "webp": "WEBP"}

#: Stored file extension → content type; checked against the file's signature, not its name.
TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


class PhotoError(ValueError):
    """The upload is not a photo we accept; the message says why."""


def sniff(head: bytes) -> str | None:
    """The extension for a JPEG, PNG or WebP file from its first bytes, else None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


def save_photo(stream, folder: str) -> tuple[str, str]:
    """Check and store an uploaded photo under ``folder`` with a random name.

    Returns (stored name, content type). Raises ``PhotoError`` when the file is empty, larger
    than 5 MB or not a JPEG/PNG/WebP image, whatever its name or declared type says.
    """
    data = stream.read(MAX_PHOTO_BYTES + 1)
    if not data:
        raise PhotoError("empty")
    if len(data) > MAX_PHOTO_BYTES:
        raise PhotoError("too_large")
    ext = sniff(data[:16])
    if ext is None:
        raise PhotoError("not_image")
    clean = reencode(data, ext)
    name = f"{secrets.token_hex(16)}.{ext}"
    target = Path(folder) / "tasks"
    target.mkdir(parents=True, exist_ok=True)
    (target / name).write_bytes(clean)
    return name, TYPES[ext]


def reencode(data: bytes, ext: str) -> bytes:
    """The photo decoded and saved again in its own format, upright, with no metadata.

    Raises ``PhotoError("too_many_pixels")`` when the header declares more than ``MAX_PIXELS``
    (checked before decoding), ``PhotoError("not_image")`` when it does not decode as ``ext``.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[FORMATS[ext]]) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise PhotoError("too_many_pixels")
                image.load()
                upright = ImageOps.exif_transpose(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise PhotoError("too_many_pixels") from error
    except (OSError, SyntaxError, ValueError) as error:
        raise PhotoError("not_image") from error
    if ext == "jpg" and upright.mode not in ("RGB", "L"):
        upright = upright.convert("RGB")
    out = io.BytesIO()
    options = {"quality": 85} if ext in ("jpg", "webp") else {}
    # No exif=, icc_profile=, pnginfo= or comment=: nothing of the original's metadata is kept.
    upright.save(out, format=FORMATS[ext], **options)
    return out.getvalue()


def photo_file(folder: str, name: str) -> Path | None:
    """The stored file for ``name``, or None when the name is not one we could have made."""
    stem, _, ext = name.partition(".")
    if ext not in TYPES or len(stem) != 32 or not all(c in "0123456789abcdef" for c in stem):
        return None
    path = Path(folder) / "tasks" / name
    return path if path.is_file() else None
