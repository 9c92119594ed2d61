"""Static files go out compressed and cacheable, and never as a stale compressed copy."""

import gzip
import os

from werkzeug.test import Client
from werkzeug.wrappers import Response

from app.static_files import STATIC_MAX_AGE, StaticFiles

CSS = b"body { font-size: 20px; }\n" * 200


def not_found(environ, start_response):
    """The wrapped app: anything that is not a static file."""
    return Response("not static", status=404)(environ, start_response)


def serve(root, autorefresh=False) -> Client:
    """A client of the static files under ``root`` at /static/."""
    return Client(StaticFiles(not_found, root=str(root), prefix="/static/",
                              max_age=STATIC_MAX_AGE, autorefresh=autorefresh))  # fmt: skip


def write(root, compressed_age_seconds: int) -> None:
    """lianxi.css and its .gz, the .gz made ``compressed_age_seconds`` after the source."""
    source = root / "lianxi.css"
    source.write_bytes(CSS)
    packed = root / "lianxi.css.gz"
    packed.write_bytes(gzip.compress(CSS))
    mtime = source.stat().st_mtime
    os.utime(packed, (mtime + compressed_age_seconds, mtime + compressed_age_seconds))


def test_fresh_gzip_copy_is_served_to_browsers_that_accept_it(tmp_path):
    """A browser accepting gzip gets the smaller gzip copy, cacheable for an hour."""
    write(tmp_path, compressed_age_seconds=5)
    response = serve(tmp_path).get("/static/lianxi.css", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.data) == CSS
    assert f"max-age={STATIC_MAX_AGE}" in response.headers["Cache-Control"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_stale_gzip_copy_is_never_served(tmp_path):
    """A stylesheet edited after its .gz was made goes out as it is now, uncompressed."""
    write(tmp_path, compressed_age_seconds=-60)
    for autorefresh in (False, True):
        client = serve(tmp_path, autorefresh=autorefresh)
        response = client.get("/static/lianxi.css", headers={"Accept-Encoding": "gzip"})
        assert "Content-Encoding" not in response.headers
        assert response.data == CSS


def test_pages_still_reach_the_app(tmp_path):
    """Anything but a static file is passed on to the application."""
    write(tmp_path, compressed_age_seconds=5)
    assert serve(tmp_path).get("/board").status_code == 404
