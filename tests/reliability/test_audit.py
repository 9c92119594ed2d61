"""The audit log's hash chain: `flask audit verify`, tampering found, concurrent appends."""

import threading

import pytest
import sqlalchemy as sa

from app import audit
from app.extensions import db
from app.models import AuditEvent, User
from tests.conftest import session_token
from tests.factories import make_user

THREADS, EACH = 5, 10


def _verify(app):
    return app.test_cli_runner().invoke(args=["audit", "verify"])


@pytest.fixture
def chain(ctx):
    """Six events in the log, as the app records them; returns their ids."""
    actor = make_user("周主任", is_admin=True)
    for number in range(6):
        audit.record(
            "demo.changed",
            actor,
            actor=actor,
            before={"step": number},
            after={"step": number + 1, "说明": "第" + str(number + 1) + "步"},
        )
    db.session.commit()
    return db.session.scalars(sa.select(AuditEvent.id).order_by(AuditEvent.id)).all()


def _sql(statement: str, **params) -> None:
    db.session.execute(sa.text(statement), params)
    db.session.commit()


def test_an_untouched_chain_verifies(app, chain):
    """Verify exits 0 and counts the events when nobody touched the log."""
    result = _verify(app)
    assert result.exit_code == 0, result.stderr
    newest = db.session.get(AuditEvent, chain[-1])
    assert result.stdout.splitlines() == [
        "audit log intact: 6 events",
        f"newest event {newest.id}, hash {newest.hash}",
        f"head to publish: 6:{newest.hash}",
    ]


def test_an_empty_log_verifies(app, ctx):
    """A new site with no events yet is intact."""
    result = _verify(app)
    assert result.exit_code == 0 and "intact: 0 events" in result.stdout


def test_editing_after_json_is_found(app, chain):
    """Changing one event's `after` directly in the database makes verify fail naming it."""
    _sql("UPDATE audit_events SET after = :after WHERE id = :id", after='{"step": 99}', id=chain[2])
    result = _verify(app)
    assert result.exit_code == 1
    assert f"audit log broken at event {chain[2]}" in result.stderr


def test_an_edit_with_its_own_hash_recomputed_is_still_found(app, chain):
    """Re-hashing the edited event does not help: the next event no longer chains to it."""
    event = db.session.get(AuditEvent, chain[2])
    event.actor_id = None
    event.hash = audit.event_digest(event.prev_hash, event)
    db.session.commit()
    result = _verify(app)
    assert result.exit_code == 1 and f"at event {chain[3]}:" in result.stderr


def test_deleting_an_event_names_the_next_one(app, chain):
    """Removing an event in the middle makes verify name the event after the gap."""
    _sql("DELETE FROM audit_events WHERE id = :id", id=chain[3])
    result = _verify(app)
    assert result.exit_code == 1 and f"at event {chain[4]}:" in result.stderr


def test_changing_prev_hash_is_found(app, chain):
    """Pointing an event at another predecessor breaks the chain at that event."""
    _sql(
        "UPDATE audit_events SET prev_hash = (SELECT hash FROM audit_events WHERE id = :first) "
        "WHERE id = :id",
        first=chain[0],
        id=chain[4],
    )
    result = _verify(app)
    assert result.exit_code == 1 and f"at event {chain[4]}:" in result.stderr


def test_reordering_events_is_found(app, chain):
    """Swapping two events' places in the chain (their seq) breaks it at the one moved up."""
    first, second = (db.session.get(AuditEvent, chain[n]).seq for n in (1, 2))
    _sql("UPDATE audit_events SET seq = :to WHERE id = :id", to=first + 100, id=chain[1])
    _sql("UPDATE audit_events SET seq = :to WHERE id = :id", to=first, id=chain[2])
    _sql("UPDATE audit_events SET seq = :to WHERE id = :id", to=second, id=chain[1])
    result = _verify(app)
    assert result.exit_code == 1 and f"at event {chain[2]}:" in result.stderr


def test_a_gap_in_the_positions_is_found(app, chain):
    """An event whose place was moved (a position skipped) is named, though its hash holds."""
    _sql("UPDATE audit_events SET seq = seq + 1 WHERE id = :id", id=chain[-1])
    result = _verify(app)
    assert result.exit_code == 1 and f"at event {chain[-1]}:" in result.stderr


def _run_threads(work) -> None:
    errors = []

    def run(number):
        try:
            work(number)
        except Exception as error:  # noqa: BLE001 - collected and reported below
            errors.append(repr(error))

    threads = [threading.Thread(target=run, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def test_concurrent_appends_from_app_contexts_never_fork(app, ctx):
    """Five threads appending ten events each (commands, jobs) leave one unbroken chain."""
    db.session.commit()

    def append(number):
        for step in range(EACH):
            with app.app_context():
                audit.record("thread.step", object_type="thread", after={"n": number, "s": step})
                db.session.commit()

    _run_threads(append)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == THREADS * EACH
    assert audit.verify() == (True, None)
    prev_hashes = db.session.scalars(sa.select(AuditEvent.prev_hash)).all()
    assert len(set(prev_hashes)) == len(prev_hashes)


def test_concurrent_requests_that_record_events_never_fork(app, ctx):
    """Five signed-in conveners issuing ten links each at once leave one unbroken chain."""
    admin = make_user("管理员", is_admin=True)
    member = make_user("成员")
    admin_id, member_id = admin.id, member.id

    tokens = [session_token(app, admin_id) for _ in range(THREADS)]

    def issue(number):
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = tokens[number]
        for _ in range(EACH):
            response = client.post(f"/people/{member_id}/links")
            assert response.status_code == 200, response.status_code

    db.session.commit()  # end the test's read transaction: see what the threads wrote
    _run_threads(issue)
    events = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["sign_in_link.issued"] * (THREADS * EACH)
    assert audit.verify() == (True, None)
    assert db.session.get(User, member_id) is not None
