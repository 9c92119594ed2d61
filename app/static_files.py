"""Static files (htmx, CSS) served compressed and cacheable by WhiteNoise.

Flask's own static route sends files as they are: htmx alone is ~50 KB, which is most of a
member's ballot page on a phone on the meeting room's Wi-Fi. WhiteNoise serves the gzip copies
made at build time (``make assets`` runs ``python -m whitenoise.compress app/static``) to
clients that accept them, with ``Cache-Control`` so a phone fetches them once per meeting.
"""

import os

from flask import Flask
from whitenoise import WhiteNoise

#: An hour, about one meeting: file names carry no version, so an edited stylesheet must
#: reach phones the same day; in between, revalidation is a cheap 304.
STATIC_MAX_AGE = 3600


class StaticFiles(WhiteNoise):
    """WhiteNoise that never serves a compressed copy older than its source file.

    A stylesheet edited after the last ``make assets`` would otherwise go out as its old
    ``.gz`` to every browser that accepts gzip. Static files also say ``nosniff``, as pages do.
    """

    def add_mime_headers(self, headers, path, url):
        """The media type, which browsers must not second-guess (as for pages, app.security)."""
        super().add_mime_headers(headers, path, url)
        headers["X-Content-Type-Options"] = "nosniff"

    def get_static_file(self, path, url, stat_cache=None):
        """The file and its compressed alternatives, leaving out stale ones."""
        static_file = super().get_static_file(path, url, stat_cache=stat_cache)
        source = os.stat(path).st_mtime
        static_file.alternatives = [
            alternative
            for alternative in static_file.alternatives
            if alternative[1] == path or os.stat(alternative[1]).st_mtime >= source
        ]
        return static_file


def init_app(app: Flask) -> None:
    """Serve ``app.static_folder`` through WhiteNoise in front of the Flask app.

    Under gunicorn the folder is scanned once at start. The development server (``flask
    run``), debug mode and tests look at the disk on every request instead, so an edited
    stylesheet shows at once, as it did with Flask's static route.
    """
    autorefresh = app.debug or app.testing or os.environ.get("FLASK_RUN_FROM_CLI") == "true"
    app.wsgi_app = StaticFiles(
        app.wsgi_app,
        root=app.static_folder,
        prefix=app.static_url_path,
        max_age=STATIC_MAX_AGE,
        autorefresh=autorefresh,
    )
    # Files that clients ask for at the site's root without being told (/favicon.ico).
    app.wsgi_app.add_files(os.path.join(app.static_folder, "root"), prefix="/")
