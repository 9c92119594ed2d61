"""Residents' "我也遇到过": one per device, no account needed, apart from members' seconds."""

import threading

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, MeToo, Topic
from app.topics import rules
from app.topics.routes import ME_TOO_COOKIE
from tests.factories import make_body

THREADS = 50


def _topic(body, status="submitted"):
    topic = Topic(
        body_id=body.id,
        receipt_no=f"T-{body.id}-1",
        follow_token_hash=f"{body.id:064d}",
        title="路灯坏了",
        description="三号楼前的路灯坏了一个月。",
        category="设施",
        status=status,
    )
    db.session.add(topic)
    db.session.commit()
    return topic


def _host(app) -> str:
    """The cookie domain of the app's server name (the browser tests move it to 127.0.0.1)."""
    return app.config["SERVER_NAME"].split(":")[0]


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(MeToo))


def test_rule_one_per_device_and_never_a_second(ctx):
    """A device counts once; the seconds (附议) stay untouched; a merged topic takes none."""
    topic = _topic(make_body(holders=False))
    assert rules.me_too(topic, "a" * 64) is True
    assert rules.me_too(topic, "a" * 64) is False
    assert rules.me_too(topic, "b" * 64) is True
    assert _count() == 2 and topic.seconds_count == 0
    survivor = _topic(make_body(holders=False))
    merged = Topic(
        body_id=survivor.body_id,
        receipt_no="T-merged",
        follow_token_hash="f" * 64,
        title="路灯",
        description="同上",
        category="设施",
        status="merged",
        merged_into_id=survivor.id,
    )
    db.session.add(merged)
    db.session.commit()
    with pytest.raises(rules.TransitionError):
        rules.me_too(merged, "a" * 64)


def test_a_resident_taps_without_an_account(ctx, client):
    """The tap sets the device cookie, adds one, is audited; the page shows it apart."""
    topic = _topic(make_body(holders=False))
    response = client.post(f"/topics/{topic.id}/me-too")
    assert response.status_code == 303 and ME_TOO_COOKIE in response.headers["Set-Cookie"]
    page = client.get(f"/topics/{topic.id}").text
    assert "1 位居民说“我也遇到过”" in page and "您已说过“我也遇到过”" in page
    assert "0 位成员附议" in page
    client.post(f"/topics/{topic.id}/me-too")
    assert _count() == 1
    assert db.session.scalars(sa.select(AuditEvent.action)).all() == ["topic.me_too"]


def test_htmx_tap_answers_the_box(ctx, client, captured_templates):
    """With htmx the box replaces itself."""
    topic = _topic(make_body(holders=False))
    response = client.post(f"/topics/{topic.id}/me-too", headers={"HX-Request": "true"})
    assert captured_templates == ["topics/partials/me_too.html"]
    assert "1 位居民说" in response.text


def test_taps_are_rate_limited(app, ctx, client, monkeypatch):
    """One network may not tap without end: the 61st tap in an hour is refused."""
    monkeypatch.setitem(app.config, "RATELIMIT_ENABLED", True)
    topic = _topic(make_body(holders=False))
    codes = [client.post(f"/topics/{topic.id}/me-too").status_code for _ in range(61)]
    assert codes[:60] == [303] * 60 and codes[60] == 429


def test_fifty_concurrent_taps_of_one_device_count_once(app, ctx):
    """50 threads tap at once with the same device cookie: one row, one audit event."""
    topic = _topic(make_body(holders=False))
    url = f"/topics/{topic.id}/me-too"
    clients = []
    for _ in range(THREADS):
        client = app.test_client()
        client.set_cookie(ME_TOO_COOKIE, "one-phone-of-one-resident", domain=_host(app))
        clients.append(client)
    barrier = threading.Barrier(THREADS)
    codes = [None] * THREADS

    def tap(index):
        barrier.wait()
        codes[index] = clients[index].post(url, headers={"HX-Request": "true"}).status_code

    threads = [threading.Thread(target=tap, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert codes == [200] * THREADS
    db.session.rollback()
    assert _count() == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == 1
