"""Where a ``next`` parameter may send the browser: a path on this site, nothing else."""

from urllib.parse import urlsplit


def local_path(target: str | None) -> str | None:
    r"""``target`` when it is a plain local path ("/me?x=1"), else None.

    Refused: anything with a scheme or host ("https://evil.test", "//evil.test"), a backslash
    (browsers read "/\evil.test" as "//evil.test"), and any control character or whitespace:
    "/\t/evil.test" passes a ``startswith("/")`` test, but the tab is dropped when the Location
    header is written, leaving "//evil.test".
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(ch) < 33 or ord(ch) == 127 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
