"""Open redirects: ``next`` may only name a local path (issue 15, problem 2)."""

import pytest

from app.web.redirects import local_path
from tests.factories import PASSWORD, make_user

EVIL = [
    "/\t/evil.test",
    "/%09/evil.test",  # as sent in the query string: decoded to a tab by the server
    "/\n/evil.test",
    "/\r\n/evil.test",
    "/\\evil.test",
    "/\\/evil.test",
    "//evil.test",
    "https://evil.test/",
    "javascript:alert(1)",
    "/ /evil.test",
    "/\x00/evil.test",
    "/\x7f/evil.test",
    "evil.test",
    "",
]


@pytest.mark.parametrize("target", [t for t in EVIL if "%" not in t])
def test_local_path_refuses_anything_but_a_plain_path(target):
    """Schemes, hosts, backslashes, control characters and whitespace are refused."""
    assert local_path(target) is None


@pytest.mark.parametrize("target", ["/me", "/bodies/x/topics?page=2", "/m/1#now", "/a%20b"])
def test_local_path_keeps_a_plain_path(target):
    """An ordinary path with a query or fragment is followed."""
    assert local_path(target) == target


def _location_host(response) -> str:
    location = response.headers["Location"]
    stripped = "".join(ch for ch in location if ch not in "\t\r\n")
    return stripped


@pytest.mark.parametrize("target", ["/%09/evil.test", "/%5C/evil.test", "/%0d%0a/evil.test"])
def test_sign_in_never_sends_the_browser_off_site(client, ctx, target):
    """POST /sign-in?next=/%09/evil.test with the right password lands on /me, not //evil.test."""
    make_user(username="zhaojun")
    response = client.post(
        f"/sign-in?next={target}", data={"login": "zhaojun", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert "evil.test" not in _location_host(response)
    assert response.headers["Location"].endswith("/me")


@pytest.mark.parametrize("url", ["/preferences/language", "/preferences/large-text"])
@pytest.mark.parametrize("target", ["/\t/evil.test", "/\\evil.test", "//evil.test"])
def test_preferences_never_send_the_browser_off_site(client, url, target):
    """The language and 长辈版 switches refuse a tab- or backslash-smuggled host."""
    response = client.post(url, data={"language": "en", "large": "1", "next": target})
    assert response.status_code == 302
    assert "evil.test" not in _location_host(response)
