"""The one place that decides between a full page and an htmx fragment, and answers polls.

Every view that can answer htmx goes through these functions; no view reads the ``HX-Request``
header itself. Three kinds of answer:

- :func:`render`: a page, or its partial when htmx asks for a fragment (not for a boosted
  request, which wants the whole page);
- :func:`fragment_or_redirect`: after a POST, the partial for htmx, else Post/Redirect/Get;
- :func:`polled` (with :func:`unchanged` before any loading): a fragment that phones ask for
  again and again, answered ``304 Not Modified`` when its fingerprint has not moved.

Every answer carries ``Vary: HX-Request`` (a page and its fragment share a URL); polled ones also
``Vary: Cookie`` and ``Cache-Control: private, no-cache``, since what they show depends on who asks.
"""

import hashlib

from flask import Response, make_response, redirect, render_template, request
from flask_babel import get_locale
from htmx_flask import request as htmx_request

POLLED_CACHE_CONTROL = "private, no-cache"


def wants_fragment() -> bool:
    """Whether this request is htmx asking for a fragment (a boosted request wants the page)."""
    return bool(htmx_request.htmx) and not htmx_request.htmx.boosted


def render(page: str, partial: str | None = None, status: int = 200, /, **context) -> Response:
    """Render ``page``, or only ``partial`` when htmx asks for a fragment."""
    template = partial if partial is not None and wants_fragment() else page
    response = make_response(render_template(template, **context), status)
    response.vary.add("HX-Request")
    return response


def fragment_or_redirect(partial: str, location: str, /, **context) -> Response:
    """After a change: the updated ``partial`` for htmx, else a 303 to ``location`` (PRG)."""
    if wants_fragment():
        return render(partial, None, 200, **context)
    response = redirect(location, 303)
    response.vary.add("HX-Request")
    return response


def fingerprint_etag(fingerprint: object) -> str:
    """The ETag of a polled answer: the data's fingerprint, the language, page or fragment."""
    return etag_of(fingerprint, str(get_locale()), wants_fragment())


def etag_of(fingerprint: object, locale: str, fragment: bool) -> str:
    """The ETag of ``fingerprint`` shown in ``locale`` as a fragment or a page (no Flask here).

    The change check answered before Flask (app/voting/unchanged_polls.py) computes the same tag.
    """
    source = f"{fingerprint}|{locale}|{fragment}"
    return hashlib.sha256(source.encode()).hexdigest()[:32]


def unchanged(fingerprint: object) -> Response | None:
    """A 304 when the client already holds what ``fingerprint`` stands for, else None.

    Call it with a cheap fingerprint before loading anything else, so an unchanged poll costs
    only the query that made the fingerprint.
    """
    etag = fingerprint_etag(fingerprint)
    if etag not in request.if_none_match:
        return None
    return _polled_headers(make_response("", 304), etag)


def polled(
    page: str | None, partial: str, fingerprint: object | None = None, /, **context
) -> Response:
    """A polled view's answer: ``partial`` for htmx, ``page`` otherwise (``None``: the partial).

    With a ``fingerprint`` the ETag comes from it (see :func:`unchanged`); without, from the
    rendered bytes. Either way an unchanged answer is a 304 with no body.
    """
    template = partial if page is None or wants_fragment() else page
    response = make_response(render_template(template, **context))
    etag = fingerprint_etag(fingerprint) if fingerprint is not None else None
    _polled_headers(response, etag)
    return response.make_conditional(request)


def _polled_headers(response: Response, etag: str | None) -> Response:
    response.headers["Cache-Control"] = POLLED_CACHE_CONTROL
    response.vary.add("HX-Request")
    response.vary.add("Cookie")
    if etag:
        response.set_etag(etag)
    else:
        response.add_etag()
    return response
