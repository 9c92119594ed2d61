"""Links that leave the site (feeds, calendars, QR codes, personal links) use the public base URL.

``LIANXI_BASE_URL`` (e.g. ``https://lianxi.example.org``) is where the public reaches the app. Links
built from the request's ``Host`` header would carry whatever host an attacker sent into an
Atom feed, a calendar UID or a QR code printed for a meeting room; with the base URL set they never
do, and requests for any other host are refused (``TRUSTED_HOSTS``, see ``trusted_hosts``).
Without it (development) the request's host is used.
"""

from urllib.parse import urlsplit

from flask import current_app, request, url_for


def trusted_hosts(base_url: str | None, extra: str | None) -> list[str] | None:
    """The hosts requests may name: the base URL's host and any listed extra; None = any."""
    if not base_url:
        return None
    hosts = [urlsplit(base_url).hostname or ""]
    hosts += [h.strip() for h in (extra or "").split(",") if h.strip()]
    return [h for h in hosts if h]


def external_url(endpoint: str, **values) -> str:
    """The absolute URL of ``endpoint`` under the public base URL (the request's host if unset)."""
    base = current_app.config.get("LIANXI_BASE_URL")
    if not base:
        return url_for(endpoint, _external=True, **values)
    return base.rstrip("/") + url_for(endpoint, **values)


def public_host() -> str:
    """The public host name, for calendar UIDs and feed ids."""
    base = current_app.config.get("LIANXI_BASE_URL")
    if base:
        return urlsplit(base).hostname or ""
    return request.host.split(":")[0]
