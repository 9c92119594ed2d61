"""A published audit head pins the chain: cutting or re-forging it no longer passes unseen."""

import json

import sqlalchemy as sa

from app import audit
from app.extensions import db
from app.models import AuditEvent
from tests.factories import make_body, make_meeting, make_user
from tests.reliability.test_audit import chain  # noqa: F401 - the fixture


def _verify(app, *heads):
    args = ["audit", "verify"] + [arg for head in heads for arg in ("--head", str(head))]
    return app.test_cli_runner().invoke(args=args)


def _append(count: int) -> None:
    actor = db.session.scalar(sa.select(audit.AuditEvent.actor_id).limit(1))
    for number in range(count):
        audit.record("demo.more", None, actor=None, after={"n": number, "actor": actor})
    db.session.commit()


def _reforge_from(event_id: int, **after) -> None:
    """Edit an event and recompute its hash and every hash after it, as a forger would."""
    prev = db.session.scalar(
        sa.select(AuditEvent.hash).where(AuditEvent.id < event_id).order_by(AuditEvent.id.desc())
    )
    prev = prev or audit.GENESIS
    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.id >= event_id).order_by(AuditEvent.id)
    ).all()
    events[0].after = after
    for event in events:
        event.prev_hash = prev
        event.hash = audit.event_digest(prev, event)
        prev = event.hash
    db.session.commit()


def test_a_head_published_earlier_still_verifies_as_the_log_grows(app, chain):  # noqa: F811
    """The head printed now is still in the chain after more events are appended."""
    published = audit.head(db.session)
    assert published.events == 6
    _append(3)
    result = _verify(app, published)
    assert result.exit_code == 0, result.stderr
    assert f"published head {published} is in the chain" in result.stdout
    assert "head to publish: 9:" in result.stdout


def test_cutting_off_the_newest_events_is_caught_by_the_published_head(app, chain):  # noqa: F811
    """Deleting the newest events passes a plain verify, not one with the published head."""
    published = audit.head(db.session)
    db.session.execute(sa.delete(AuditEvent).where(AuditEvent.id >= chain[4]))
    db.session.commit()
    assert _verify(app).exit_code == 0  # the attack of issue 15: the chain alone still holds
    result = _verify(app, published)
    assert result.exit_code == 1
    assert f"published head {published} is not in the audit log (4 events)" in result.stderr


def test_reforging_the_chain_is_caught_by_the_published_head(app, chain):  # noqa: F811
    """Editing an event and recomputing every later hash passes verify, not the pinned head."""
    published = audit.head(db.session)
    _reforge_from(chain[2], step=99)
    assert _verify(app).exit_code == 0
    result = _verify(app, published)
    assert result.exit_code == 1 and "not in the audit log" in result.stderr
    # A head published before the edited event still holds: the record up to it is intact.
    assert _verify(app, audit.Head(2, db.session.get(AuditEvent, chain[1]).hash)).exit_code == 0


def test_a_malformed_head_is_refused_with_usage(app, chain):  # noqa: F811
    """`--head` must be N:HASH with a 64-hex-digit hash."""
    for bad in ("6", "6:abc", "0:" + "a" * 64, "x:" + "a" * 64):
        result = app.test_cli_runner().invoke(args=["audit", "verify", "--head", bad])
        assert result.exit_code == 2, bad


def test_the_head_is_published_on_the_board_and_in_open_data(app, chain, client):  # noqa: F811
    """The board shows N:HASH and /open-data/audit-head.json gives the same head."""
    head = audit.head(db.session)
    assert str(head) in client.get("/").get_data(as_text=True)
    assert "/open-data/audit-head.json" in client.get("/").get_data(as_text=True)
    data = json.loads(client.get("/open-data/audit-head.json").get_data(as_text=True))
    assert data == {"events": head.events, "hash": head.hash, "head": str(head)}


def test_the_minutes_of_a_closed_meeting_print_the_head_at_closing(app, ctx, client, login_as):
    """Closing a meeting pins the head in its minutes: the head right after the close event."""
    body = make_body("huaxing")
    meeting = make_meeting(body, status="in_session")
    admin = make_user(is_admin=True)
    login_as(admin)
    open_minutes = client.get(f"/meetings/{meeting.id}/minutes").get_data(as_text=True)
    assert "会议结束时" not in open_minutes
    response = client.post(
        f"/meetings/{meeting.id}/status", data={"action": "close", "confirmed": "yes"}
    )
    assert response.status_code in (302, 303)
    closing = audit.head(db.session)
    _append(2)
    html = client.get(f"/meetings/{meeting.id}/minutes").get_data(as_text=True)
    assert "会议结束时" in html and str(closing) in html
    markdown = client.get(f"/meetings/{meeting.id}/minutes.md").get_data(as_text=True)
    assert str(closing) in markdown
    assert _verify(app, closing).exit_code == 0
