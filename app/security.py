"""Security headers on every response, and the proxy fix for gunicorn behind nginx.

Why our own after-request hook and not Flask-Talisman: Talisman has seen no release since 2023
and does much we do not need (HTTPS redirects that nginx already does, nonces for inline
scripts we do not have). We need five fixed headers and one exception for the projector page;
that is a dozen lines we can read and test, with no dependency to keep alive.
"""

import unicodedata

from flask import Flask, request
from flask.wrappers import Response
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import SecurityError
from werkzeug.middleware.proxy_fix import ProxyFix

#: Everything from our own origin only; no inline script or style, no plugins, no framing.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
#: Endpoints that our own pages may show in a frame (the projector view of a meeting).
FRAMEABLE_BY_SAME_ORIGIN = frozenset({"meetings.projector"})
#: The browser features no page of ours uses, switched off.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
#: Two years, once the site is served over HTTPS (LIANXI_HTTPS=1).
STRICT_TRANSPORT_SECURITY = "max-age=63072000"


def init_app(app: Flask) -> None:
    """Add the headers to every response; trust one proxy's X-Forwarded-* when LIANXI_PROXY=1."""
    app.after_request(add_security_headers)
    app.before_request(drop_nul_characters)
    app.register_error_handler(SecurityError, unknown_host)
    if app.config.get("LIANXI_PROXY"):
        # nginx sets X-Forwarded-For/-Proto/-Host: the client's address (for rate limits) and
        # https (for Secure cookies and external links) come from there, from one hop only.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)


def unknown_host(error: SecurityError):
    """A request naming a host outside TRUSTED_HOSTS (LIANXI_BASE_URL): a plain 400.

    Plain text: no page can be rendered, as no URL can be built for a host the app refuses.
    """
    return "400 Bad Request: unknown host\n", 400, {"Content-Type": "text/plain; charset=utf-8"}


def invisible_only(value: str) -> bool:
    """Whether a non-empty text shows nothing: only spaces and format characters.

    Format characters are Unicode category Cf: zero-width space, joiners, word joiner, BOM.
    """
    return bool(value) and all(ch.isspace() or unicodedata.category(ch) == "Cf" for ch in value)


def _cleaned(value: str) -> str:
    value = value.replace("\x00", "")
    return "" if invisible_only(value) else value


def drop_nul_characters() -> None:
    """Clean submitted fields and query strings before any form sees them.

    NUL characters are removed: PostgreSQL cannot store a NUL in text, so one in any field was
    a 500 (and the typed text was lost). A value that shows nothing at all — only spaces and
    zero-width characters — becomes empty, so "required" means something a person can see.
    """
    for name in ("form", "args"):
        data = getattr(request, name)
        if any(_cleaned(value) != value for _, values in data.lists() for value in values):
            cleaned = [(k, _cleaned(v)) for k, values in data.lists() for v in values]
            setattr(request, name, ImmutableMultiDict(cleaned))


def content_security_policy(endpoint: str | None) -> str:
    """The policy for a page: framing by our own origin for the projector, by nobody otherwise."""
    if endpoint in FRAMEABLE_BY_SAME_ORIGIN:
        return CONTENT_SECURITY_POLICY.replace("frame-ancestors 'none'", "frame-ancestors 'self'")
    return CONTENT_SECURITY_POLICY


def add_security_headers(response: Response) -> Response:
    """Set the security headers, keeping any a view chose itself."""
    frameable = request.endpoint in FRAMEABLE_BY_SAME_ORIGIN
    headers = response.headers
    headers.setdefault("Content-Security-Policy", content_security_policy(request.endpoint))
    # Older browsers ignore frame-ancestors; X-Frame-Options says the same thing to them.
    headers.setdefault("X-Frame-Options", "SAMEORIGIN" if frameable else "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY)
    return response
