"""The polls of a vote answered before Flask when nothing changed: a 304 from one query.

Every phone in the room asks ``GET /meetings/<id>/vote/changes?shown=…`` every 5 s (2,000 phones
are 400 requests a second, almost all for "nothing new"), and the convener's page asks
``GET /motions/<id>/progress`` every 2 s. Through Flask each one paid the extensions' hooks
(limiter, Flask-Login, Babel, CSRF, security headers) before its query; here, in front of the
app, an unchanged poll costs the session cookie's signature check, one query and a hash
(docs/performance.md).

The answer is the one the views would give (``ballot_changes`` and ``progress`` in
app/voting/routes.py, which compute the same fingerprints with the same functions): a 304 only when

- the request is a GET of one of those paths carrying ``If-None-Match``, for a host the app
  trusts;
- the signed session cookie names a live server-side session, checked in the poll's one query
  (``sessions.live_session``: signing out anywhere is refused at the very next poll) — for the
  progress also a convener of the motion's body or an administrator, as ``policy.is_convener``;
- the fingerprint, in the visitor's language and as a fragment or a page, is the ETag the
  client already holds, exactly as ``htmx.fingerprint_etag`` tags it.

Anything else — no cookie, a bad signature, an ended session, someone not allowed, a draft
meeting, a change, an unknown host, a database that does not answer — goes on to Flask, which
signs in, refuses, 404s or renders as usual. This module never answers anything but a 304, so
it can tell nobody anything they could not already see.
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
from app.voting import ballots, queries
from app.web.htmx import POLLED_CACHE_CONTROL, etag_of


def changes_fingerprint(shown: str, now_open: list[int]) -> str:
    """What the change check shows depends on the votes shown and the votes open, nothing else."""
    return f"changes|{shown}|{'-'.join(map(str, now_open))}"


def _ballot_changes(connection, token: str, meeting_id: int, query: dict) -> str | None:
    now_open = queries.open_motions_for_session(connection, token, meeting_id)
    if now_open is None:
        return None
    return changes_fingerprint(query.get("shown", [""])[0], now_open)


def _progress(connection, token: str, motion_id: int, query: dict) -> str | None:
    return ballots.progress_version(connection, motion_id, token)


#: The polls answered here: their path, and the fingerprint of what they show (None: ask Flask).
POLLS = (
    (re.compile(r"/meetings/(\d{1,18})/vote/changes\Z"), _ballot_changes),
    (re.compile(r"/motions/(\d{1,18})/progress\Z"), _progress),
)


class UnchangedPolls:
    """WSGI middleware in front of the app: an unchanged poll answered 304, nothing else."""

    def __init__(self, app: Flask, wsgi_app: Callable) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        self._engine = None

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        """A 304 for an unchanged poll; every other request goes on to the app."""
        if environ.get("REQUEST_METHOD") == "GET" and "HTTP_IF_NONE_MATCH" in environ:
            path = environ.get("PATH_INFO", "")
            for pattern, fingerprint in POLLS:
                if match := pattern.match(path):
                    etag = self.unchanged_etag(environ, fingerprint, int(match.group(1)))
                    if etag:
                        start_response("304 NOT MODIFIED", self.headers(etag))
                        return [b""]
                    break
        return self.wsgi_app(environ, start_response)

    def unchanged_etag(self, environ: dict, fingerprint: Callable, object_id: int) -> str | None:
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
        query = parse_qs(environ.get("QUERY_STRING", ""))
        try:
            with (
                self.engine()
                .connect()
                .execution_options(isolation_level="AUTOCOMMIT") as connection
            ):
                found = fingerprint(connection, token, object_id, query)
        except Exception:  # noqa: BLE001 - whatever went wrong, Flask answers (and logs) it
            return None
        if found is None:
            return None
        chosen = cookies.get(i18n.LANGUAGE_COOKIE)
        locale = chosen if chosen in i18n.LANGUAGES else config["LIANXI_LOCALE"]
        fragment = (
            environ.get("HTTP_HX_REQUEST") == "true" and environ.get("HTTP_HX_BOOSTED") != "true"
        )
        etag = etag_of(found, locale, fragment)
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
    """Put the unchanged polls in front of the app (inside any proxy fix added later)."""
    app.wsgi_app = UnchangedPolls(app, app.wsgi_app)
