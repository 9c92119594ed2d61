"""Compressed pages and BREACH: the CSRF token masked per response, a bare token never gzipped."""

import gzip
import re

import pytest
from flask import make_response
from flask_wtf.csrf import generate_csrf

from app import compression

GZIP = {"Accept-Encoding": "gzip, br"}
_HEADER_TOKEN = re.compile(r'hx-headers=\'\{"X-CSRFToken": "([^"]+)"\}\'')


@pytest.fixture
def csrf_on(app, monkeypatch):
    """Turn CSRF checking on (the rest of the suite posts without tokens)."""
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


def _page(client, path="/", headers=None):
    response = client.get(path, headers=headers or {})
    body = response.get_data()
    if response.headers.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    return response, body.decode()


def test_two_responses_carry_different_masked_tokens_that_both_validate(client, csrf_on):
    """The same session gets a different token on every page; each one is accepted."""
    _, first = _page(client)
    _, second = _page(client)
    tokens = [_HEADER_TOKEN.search(html).group(1) for html in (first, second)]
    assert tokens[0] != tokens[1]
    assert all(token.startswith(compression.MASK_PREFIX) for token in tokens)
    for token in tokens:
        response = client.post(
            "/preferences/large-text",
            data={"large": "1"},
            headers={"X-CSRFToken": token, "HX-Request": "true"},
        )
        assert response.status_code == 302
    form_token = compression.masked_csrf_token
    assert form_token  # (the template global)


def test_a_masked_token_in_a_form_field_validates(client, csrf_on):
    """The token in a form's hidden field is unmasked before Flask-WTF checks it."""
    _, html = _page(client, "/sign-in")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    masked = _HEADER_TOKEN.search(html).group(1)
    data = {"large": "1", "csrf_token": masked}
    assert client.post("/preferences/large-text", data=data).status_code == 302
    assert token is not None


def test_a_forged_or_altered_mask_is_refused(client, csrf_on):
    """Flipping a byte of the masked token makes it invalid: still a CSRF check."""
    _, html = _page(client)
    masked = _HEADER_TOKEN.search(html).group(1)
    altered = masked[:-2] + ("AA" if masked[-2:] != "AA" else "BB")
    response = client.post(
        "/preferences/large-text", data={"large": "1"}, headers={"X-CSRFToken": altered}
    )
    assert response.status_code == 400


def test_mask_and_unmask_round_trip(app):
    """Unmasking a masked token gives the session's token; other values pass unchanged."""
    with app.test_request_context():
        masked = [compression.masked_csrf_token() for _ in range(3)]
        assert len(set(masked)) == 3
        assert {compression.unmask(m) for m in masked} == {generate_csrf()}
        assert compression.unmask("plain-token") == "plain-token"
        assert compression.unmask("~!!!") == "~!!!"


def test_a_page_with_masked_tokens_is_compressed(client):
    """The home page carries only masked tokens: gzip for a browser that takes it, plain else."""
    response, html = _page(client, "/", GZIP)
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]
    assert int(response.headers["Content-Length"]) < len(html.encode())
    assert "X-CSRFToken" in html
    plain = client.get("/")
    assert "Content-Encoding" not in plain.headers


def test_a_page_that_bares_the_token_is_not_compressed(app):
    """A page with the unmasked token (``form.hidden_tag()``) is sent uncompressed."""
    filler = "<p>" + "联席会议" * 600 + "</p>"
    with app.test_request_context("/", headers=GZIP):
        bare = make_response(f"{filler}<input value='{generate_csrf()}'>")
        masked = make_response(f"{filler}<input value='{compression.masked_csrf_token()}'>")
        assert "Content-Encoding" not in compression.compress(bare).headers
        assert compression.compress(masked).headers["Content-Encoding"] == "gzip"


def test_small_answers_and_other_types_are_not_compressed(client):
    """A 304, a small fragment or a JSON answer is sent as it is."""
    response = client.get("/open-data/audit-head.json", headers=GZIP)
    assert "Content-Encoding" not in response.headers
