"""The ballot page's change check, answered before Flask when nothing changed.

Every phone in the room asks ``GET /meetings/<id>/vote/changes?shown=…`` every 5 s: 2,000 phones
are 400 requests a second, most of them for "nothing new". Through Flask each one paid the
extensions' hooks (limiter, Flask-Login, Babel, CSRF, security headers) before the view's one
query; here, in front of the app, an unchanged poll costs the session cookie's signature check,
that one query and a hash (docs/performance.md).

The answer is the same as the view's (app/voting/routes.py ``ballot_changes``): a 304 only when

- the request is a GET of that path carrying ``If-None-Match``, for a host the app trusts;
- the signed session cookie names a live server-side session (the query joins
  ``user_sessions`` with the same four conditions as ``sessions.live_sessions``: signing out
  anywhere is refused at the very next poll);
- the meeting is published and its open votes are those the page shows, in the visitor's
  language and as a fragment or a page, exactly as ``htmx.fingerprint_etag`` tags them.

Anything else — no cookie, a bad signature, an ended session, a draft meeting, a change, an
unknown host, a database that does not answer — goes on to Flask, which signs in, refuses,
404s or renders as usual. This module never answers anything but a 304.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from urllib.parse import parse_qs

from flask import Flask
from itsdangerous import BadSignature
from werkzeug.exceptions import SecurityError
from werkzeug.http import parse_cookie, parse_etags
from werkzeug.wsgi import get_host

from app import i18n
from app.extensions import db
from app.voting import queries
from app.web.htmx import POLLED_CACHE_CONTROL, etag_of

CHANGES_PATH = re.compile(r"/meetings/(\d{1,18})/vote/changes\Z")


def changes_fingerprint(shown: str, now_open: list[int]) -> str:
    """What the change check shows depends on the votes shown and the votes open, nothing else."""
    return f"changes|{shown}|{'-'.join(map(str, now_open))}"


class ChangeCheck:
    """WSGI middleware in front of the app: an unchanged change check answered 304, nothing else."""

    def __init__(self, app: Flask, wsgi_app: Callable) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        self._engine = None

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        """A 304 for an unchanged change check; every other request goes on to the app."""
        if environ.get("REQUEST_METHOD") == "GET" and "HTTP_IF_NONE_MATCH" in environ:
            match = CHANGES_PATH.match(environ.get("PATH_INFO", ""))
            etag = match and self.unchanged_etag(environ, int(match.group(1)))
            if etag:
                start_response("304 NOT MODIFIED", self.headers(etag))
                return [b""]
        return self.wsgi_app(environ, start_response)

    def unchanged_etag(self, environ: dict, meeting_id: int) -> str | None:
        """The ETag the client already holds, when it still stands; None: let Flask answer."""
        config = self.app.config
        try:
            get_host(environ, config.get("TRUSTED_HOSTS"))
        except SecurityError:
            return None
        cookies = parse_cookie(environ.get("HTTP_COOKIE", ""))
        token = self.session_token(cookies.get(config["SESSION_COOKIE_NAME"]))
        if not token:
            return None
        try:
            with (
                self.engine()
                .connect()
                .execution_options(isolation_level="AUTOCOMMIT") as connection
            ):
                now_open = queries.open_motions_for_session(connection, token, meeting_id)
        except Exception:  # noqa: BLE001 - whatever went wrong, Flask answers (and logs) it
            return None
        if now_open is None:
            return None
        chosen = cookies.get(i18n.LANGUAGE_COOKIE)
        locale = chosen if chosen in i18n.LANGUAGES else config["LIANXI_LOCALE"]
        fragment = (
            environ.get("HTTP_HX_REQUEST") == "true" and environ.get("HTTP_HX_BOOSTED") != "true"
        )
        shown = parse_qs(environ.get("QUERY_STRING", "")).get("shown", [""])[0]
        etag = etag_of(changes_fingerprint(shown, now_open), locale, fragment)
        return etag if etag in parse_etags(environ["HTTP_IF_NONE_MATCH"]) else None

    def session_token(self, value: str | None) -> str:
        """The token a signed session cookie carries ("" if none or not ours), as Flask reads it."""
        serializer = self.app.session_interface.get_signing_serializer(self.app)
        if not value or serializer is None:
            return ""
        try:
            data = serializer.loads(
                value, max_age=int(self.app.permanent_session_lifetime.total_seconds())
            )
        except BadSignature:
            return ""
        token = data.get("_user_id") if isinstance(data, dict) else None
        return token if isinstance(token, str) else ""

    def engine(self):
        """The app's database engine, looked up once."""
        if self._engine is None:
            with self.app.app_context():
                self._engine = db.engine
        return self._engine

    @staticmethod
    def headers(etag: str) -> list[tuple[str, str]]:
        """The 304's headers: those of every polled answer (app/web/htmx.py)."""
        return [
            ("ETag", f'"{etag}"'),
            ("Cache-Control", POLLED_CACHE_CONTROL),
            ("Vary", "HX-Request, Cookie"),
            ("X-Content-Type-Options", "nosniff"),
        ]


def init_app(app: Flask) -> None:
    """Put the change check in front of the app (inside any proxy fix added later)."""
    app.wsgi_app = ChangeCheck(app, app.wsgi_app)
