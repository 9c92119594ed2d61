"""Gzip for HTML pages where it pays, with the CSRF token masked per response against BREACH.

BREACH recovers a secret from a compressed page that also reflects text an attacker chooses,
by watching the compressed size as they guess it a character at a time. The one secret our
pages carry is the CSRF token (in ``<body hx-headers>`` and in forms), so:

* every token a template writes with ``csrf_token()`` is **masked per response**: a fresh
  random pad P and ``P XOR token``, base64url, prefixed ``~``. The bytes differ on every
  page, so compression has nothing repeated to leak; a request's token is unmasked before
  Flask-WTF checks it (``unmask_request_tokens``, the first before-request hook), and an
  unmasked token is still accepted;
* a page that still carries the token unmasked (a form rendered with ``form.hidden_tag()``)
  is **never compressed**: the after-request hook looks for the token's bytes first;
* only ``text/html`` of at least ``MIN_BYTES`` is compressed (a 304 or a small fragment gains
  nothing), and only for clients that accept gzip. Static files are WhiteNoise's gzip copies.

Why not a dependency (Flask-Compress): the compression is a dozen lines, and the BREACH rule
must sit next to it, where it is read and tested together.
"""

import binascii
import gzip
import os
from base64 import urlsafe_b64decode, urlsafe_b64encode

from flask import Flask, current_app, g, request
from flask.wrappers import Response
from flask_wtf.csrf import generate_csrf
from werkzeug.datastructures import ImmutableMultiDict

#: Smaller pages are sent as they are: the header costs more than the bytes saved.
MIN_BYTES = 1024
#: Fast and nearly as small as 9 for pages of a few kilobytes.
LEVEL = 6
MASK_PREFIX = "~"
_CSRF_HEADERS = ("HTTP_X_CSRFTOKEN", "HTTP_X_CSRF_TOKEN")


def init_app(app: Flask) -> None:
    """Mask ``csrf_token()`` in templates, unmask tokens first thing, gzip pages last thing."""
    # Flask-WTF offers ``csrf_token`` both as a global and from a context processor: both.
    app.jinja_env.globals["csrf_token"] = masked_csrf_token
    app.context_processor(lambda: {"csrf_token": masked_csrf_token})
    app.before_request_funcs.setdefault(None, []).insert(0, unmask_request_tokens)
    app.after_request(compress)


def masked_csrf_token() -> str:
    """The session's CSRF token under a fresh random pad: different bytes on every call."""
    token = generate_csrf().encode()
    pad = os.urandom(len(token))
    masked = pad + bytes(a ^ b for a, b in zip(pad, token, strict=True))
    return MASK_PREFIX + urlsafe_b64encode(masked).decode().rstrip("=")


def unmask(value: str) -> str:
    """The token under a mask made by ``masked_csrf_token``; any other value as it is."""
    if not isinstance(value, str) or not value.startswith(MASK_PREFIX):
        return value
    body = value[len(MASK_PREFIX) :]
    try:
        raw = urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError):
        return value
    half = len(raw) // 2
    if not raw or len(raw) % 2:
        return value
    return bytes(a ^ b for a, b in zip(raw[:half], raw[half:], strict=True)).decode("latin-1")


def unmask_request_tokens() -> None:
    """Unmask the token of a state-changing request before Flask-WTF checks it."""
    methods = current_app.config.get("WTF_CSRF_METHODS") or ("POST", "PUT", "PATCH", "DELETE")
    if request.method not in methods:
        return
    for key in _CSRF_HEADERS:
        if key in request.environ:
            request.environ[key] = unmask(request.environ[key])
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    if field in request.form:
        pairs = [
            (name, unmask(value) if name == field else value)
            for name, values in request.form.lists()
            for value in values
        ]
        request.form = ImmutableMultiDict(pairs)


def compress(response: Response) -> Response:
    """Gzip an HTML answer of some size for a client that takes it, unless it bares the token."""
    if (
        response.status_code != 200
        or response.direct_passthrough
        or response.is_streamed
        or "Content-Encoding" in response.headers
        or response.mimetype != "text/html"
    ):
        return response
    response.vary.add("Accept-Encoding")
    if not request.accept_encodings["gzip"] or g.get("lianxi_uncompressed"):
        return response
    body = response.get_data()
    if len(body) < MIN_BYTES or _bares_token(body):
        return response
    response.set_data(gzip.compress(body, LEVEL))
    # The ETag stays as it is (strong): polls send it back to get their 304, and the answer
    # varies on Accept-Encoding, which a browser does not change between two polls.
    response.headers["Content-Encoding"] = "gzip"
    return response


def keep_uncompressed() -> None:
    """Mark this response never to be compressed (a page that shows a one-time secret)."""
    g.lianxi_uncompressed = True


def _bares_token(body: bytes) -> bool:
    """Whether the page carries the CSRF token unmasked (``form.hidden_tag()``)."""
    token = g.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
    return bool(token) and token.encode() in body
