"""Progress photos: images only, recognised by their first bytes, kept outside the static folder.

Plain functions with no Flask import; the caller passes the upload folder.
"""

from __future__ import annotations

import secrets
from pathlib import Path

MAX_PHOTO_BYTES = 5 * 1024 * 1024

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
    name = f"{secrets.token_hex(16)}.{ext}"
    target = Path(folder) / "tasks"
    target.mkdir(parents=True, exist_ok=True)
    (target / name).write_bytes(data)
    return name, TYPES[ext]


def photo_file(folder: str, name: str) -> Path | None:
    """The stored file for ``name``, or None when the name is not one we could have made."""
    stem, _, ext = name.partition(".")
    if ext not in TYPES or len(stem) != 32 or not all(c in "0123456789abcdef" for c in stem):
        return None
    path = Path(folder) / "tasks" / name
    return path if path.is_file() else None
