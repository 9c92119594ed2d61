"""Attachments of a decision's proposal: images and PDF, recognised by their first bytes.

Plain functions with no Flask import; files are kept outside the static folder under a random
name and served with the type checked here.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from app.followup.uploads import TYPES as IMAGE_TYPES
from app.followup.uploads import sniff as sniff_image

MAX_BYTES = 10 * 1024 * 1024
TYPES = {**IMAGE_TYPES, "pdf": "application/pdf"}
FOLDER = "owners"


class AttachmentError(ValueError):
    """The upload is not an attachment we accept; the message is a key for the labels."""


def sniff(head: bytes) -> str | None:
    """The extension for a JPEG, PNG, WebP or PDF file from its first bytes, else None."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    return sniff_image(head)


def save_attachment(stream, folder: str) -> tuple[str, str, int]:
    """Check and store an attachment; return (stored name, content type, size in bytes).

    Raises AttachmentError when the file is empty, above 10 MB, or not an image or a PDF
    whatever its name says.
    """
    data = stream.read(MAX_BYTES + 1)
    if not data:
        raise AttachmentError("empty")
    if len(data) > MAX_BYTES:
        raise AttachmentError("too_large")
    ext = sniff(data[:16])
    if ext is None:
        raise AttachmentError("wrong_type")
    name = f"{secrets.token_hex(16)}.{ext}"
    target = Path(folder) / FOLDER
    target.mkdir(parents=True, exist_ok=True)
    (target / name).write_bytes(data)
    return name, TYPES[ext], len(data)


def attachment_file(folder: str, name: str) -> Path | None:
    """The stored file for ``name``, or None when the name is not one we could have made."""
    stem, _, ext = name.partition(".")
    if ext not in TYPES or len(stem) != 32 or not all(c in "0123456789abcdef" for c in stem):
        return None
    path = Path(folder) / FOLDER / name
    return path if path.is_file() else None
