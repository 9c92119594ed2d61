"""CSRF protection on state-changing requests, for plain forms and for htmx."""

import re

import pytest


@pytest.fixture
def csrf_on(app, monkeypatch):
    """Turn CSRF checking on (the rest of the suite posts without tokens)."""
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


def _token(client) -> str:
    html = client.get("/sign-in").get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def test_post_without_token_is_refused(client, csrf_on):
    """A POST with no CSRF token is refused with 400 and a plain message."""
    response = client.post("/preferences/large-text", data={"large": "1"})
    assert response.status_code == 400
    assert "页面已失效" in response.get_data(as_text=True)


def test_post_with_form_token_is_accepted(client, csrf_on):
    """The token from the page's form makes the same POST succeed."""
    response = client.post(
        "/preferences/large-text", data={"large": "1", "csrf_token": _token(client)}
    )
    assert response.status_code == 302


def test_htmx_header_token_is_accepted(client, csrf_on):
    """The htmx request sends the token in the X-CSRFToken header set once on <body>."""
    html = client.get("/").get_data(as_text=True)
    token = re.search(r'hx-headers=\'\{"X-CSRFToken": "([^"]+)"\}\'', html).group(1)
    response = client.post(
        "/preferences/large-text",
        data={"large": "1"},
        headers={"X-CSRFToken": token, "HX-Request": "true"},
    )
    assert response.status_code == 302
