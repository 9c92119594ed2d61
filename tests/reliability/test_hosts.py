"""Links that leave the site come from LIANXI_BASE_URL, never from the request's Host header."""

import pytest

from app.extensions import db
from app.web.urls import trusted_hosts
from tests.factories import make_body, make_meeting
from tests.followup.helpers import make_passed_motion, make_resolution

BASE = "https://lianxi.example.org"


@pytest.fixture
def published(ctx):
    """A body with a published meeting and a published resolution."""
    body = make_body("huaxing")
    meeting = make_meeting(body, status="published")
    make_resolution(body, motion=make_passed_motion(body), title="共享厕所行动")
    db.session.commit()
    return meeting


def test_unknown_hosts_are_refused_when_the_base_url_is_set(make_app, published):
    """A request naming another host answers 400; the public host is served."""
    other = make_app(LIANXI_BASE_URL=BASE, SERVER_NAME=None)
    client = other.test_client()
    assert client.get("/", headers={"Host": "evil.test"}).status_code == 400
    assert client.get("/", base_url="http://evil.test").status_code == 400
    assert client.get("/", base_url="https://lianxi.example.org").status_code == 200


@pytest.mark.parametrize(
    "url", ["/open-data/resolutions.atom", "/open-data/meetings.ics", "/meetings/{id}.ics"]
)
def test_feeds_and_calendars_name_the_public_host_only(make_app, published, url):
    """Atom ids and links, ICS UIDs and URLs use LIANXI_BASE_URL, whatever the Host header said."""
    other = make_app(LIANXI_BASE_URL=BASE, LIANXI_ALLOWED_HOSTS="internal.lan", SERVER_NAME=None)
    client = other.test_client()
    text = client.get(url.format(id=published.id), base_url="http://internal.lan").get_data(
        as_text=True
    )
    assert "internal.lan" not in text
    assert "lianxi.example.org" in text


def test_without_a_base_url_any_host_is_served_for_development():
    """Unset (development), the request's host is used and nothing is refused."""
    assert trusted_hosts(None, "") is None
    assert trusted_hosts(BASE, "a.lan, b.lan") == ["lianxi.example.org", "a.lan", "b.lan"]
