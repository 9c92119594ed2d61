"""Security headers, cookie flags and the proxy fix."""

import re
from pathlib import Path

import pytest
from flask import request
from flask.wrappers import Response
from werkzeug.routing import Rule

from app.qr import qr_svg
from app.security import CONTENT_SECURITY_POLICY, add_security_headers
from tests.factories import PASSWORD, make_user

TEMPLATES = Path(__file__).resolve().parents[2] / "app" / "templates"
STRICT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def test_page_carries_every_security_header(client):
    """A page is sent with the strict CSP and the other protective headers."""
    response = client.get("/")
    assert response.headers["Content-Security-Policy"] == STRICT_CSP
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert "Strict-Transport-Security" not in response.headers


@pytest.mark.parametrize("path", ["/no-such-page", "/sign-in"])
def test_error_pages_and_forms_carry_the_headers_too(client, path):
    """Error pages and forms are covered as well, not only the home page."""
    response = client.get(path)
    assert response.headers["Content-Security-Policy"] == STRICT_CSP
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_static_files_are_not_sniffed(client):
    """Static files (served by WhiteNoise, before Flask) are still sent with nosniff."""
    response = client.get("/static/vendor/htmx.min.js")
    assert response.status_code == 200
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_projector_may_be_framed_by_the_same_origin_only(app):
    """The projector endpoint gets frame-ancestors 'self' and SAMEORIGIN; the rest stays strict."""
    with app.test_request_context("/"):
        request.url_rule = Rule("/m/1/projector", endpoint="meetings.projector")
        headers = add_security_headers(Response()).headers
    assert headers["Content-Security-Policy"] == STRICT_CSP.replace(
        "frame-ancestors 'none'", "frame-ancestors 'self'"
    )
    assert headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "script-src 'self'" in headers["Content-Security-Policy"]


def test_no_other_page_may_be_framed(app, client):
    """Every page without URL parts (other than the projector) refuses all framing."""
    paths = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and not rule.arguments and rule.endpoint != "meetings.projector"
    ]
    assert "/" in paths and "/sign-in" in paths
    for path in paths:
        response = client.get(path)
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"], path
        assert response.headers["X-Frame-Options"] == "DENY", path


def test_a_header_set_by_a_view_is_kept(app):
    """The hook fills in missing headers and never overrides one a view chose itself."""
    with app.test_request_context("/"):
        response = Response(headers={"Referrer-Policy": "no-referrer"})
        headers = add_security_headers(response).headers
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


@pytest.mark.parametrize(
    "pattern",
    [
        r"\sstyle\s*=",
        r"<style",
        r"<script(?![^>]*\ssrc=)",
        r"\son[a-z]+\s*=",
        r"hx-on",
        "javascript:",
    ],
)
def test_no_template_has_what_the_csp_would_block(pattern):
    """No template carries inline style, inline script or event handlers (the CSP blocks them)."""
    offenders = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0)!r}"
        for path in TEMPLATES.rglob("*.html")
        for match in re.finditer(pattern, path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_qr_code_svg_has_no_inline_style():
    """The segno QR code draws with attributes only, nothing style-src 'self' would block."""
    svg = str(qr_svg("https://lianxi.test/l/abc", title="个人链接"))
    assert "<svg" in svg
    assert "style" not in svg and "<script" not in svg


def _cookies(response) -> dict[str, str]:
    return {c.split("=", 1)[0]: c for c in response.headers.getlist("Set-Cookie")}


@pytest.mark.parametrize("https", [False, True])
def test_sign_in_cookies_flags(make_app, ctx, monkeypatch, https):
    """Session and remember cookies are HttpOnly and SameSite=Lax; Secure iff LIANXI_HTTPS=1."""
    monkeypatch.setenv("LIANXI_HTTPS", "1" if https else "0")
    other = make_app()
    make_user(username="zhaojun")
    response = other.test_client().post("/sign-in", data={"login": "zhaojun", "password": PASSWORD})
    assert response.status_code == 302
    cookies = _cookies(response)
    assert {"session", "remember_token"} <= set(cookies)
    for name in ("session", "remember_token"):
        flags = [part.strip() for part in cookies[name].split(";")]
        assert "HttpOnly" in flags and "SameSite=Lax" in flags, cookies[name]
        assert ("Secure" in flags) is https, cookies[name]


def test_proxy_fix_trusts_forwarded_https_only_when_asked(make_app):
    """Behind nginx (LIANXI_PROXY=1) X-Forwarded-Proto https counts; without it, it is ignored."""
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
    proxied = make_app(LIANXI_PROXY=True)
    assert "Strict-Transport-Security" in proxied.test_client().get("/", headers=forwarded).headers
    direct = make_app().test_client()
    assert "Strict-Transport-Security" not in direct.get("/", headers=forwarded).headers


def test_rate_limits_key_on_the_forwarded_client_behind_a_proxy(make_app):
    """Behind the proxy each client's address (X-Forwarded-For) has its own link-attempt counter."""
    proxied = make_app(
        LIANXI_PROXY=True, RATELIMIT_ENABLED=True, LIANXI_LINK_LIMIT_IP="2 per 15 minutes"
    )
    client = proxied.test_client()
    first, second = {"X-Forwarded-For": "203.0.113.7"}, {"X-Forwarded-For": "198.51.100.9"}
    assert [client.get("/l/bad", headers=first).status_code for _ in range(3)] == [404, 404, 429]
    assert client.get("/l/bad", headers=second).status_code == 404
