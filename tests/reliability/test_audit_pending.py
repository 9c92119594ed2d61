"""Events written as pending (the ballot's short path) join the chain in order, none lost.

A ballot writes its audit event into ``audit_pending`` in its own transaction, without the
chain's lock; ``audit.chain_pending`` moves pending events into the chain after the commit, in
the order of their ids, under the lock. These tests show that the chain stays one unbroken
chain with every event exactly once: in order, after a crash between the two steps, when a
ballot is rolled back, and with many ballots cast at once.
"""

import threading

import sqlalchemy as sa

from app import audit
from app.extensions import db
from app.models import AuditEvent, Ballot, PendingAuditEvent
from app.voting.ballots import open_motion
from tests.conftest import session_token
from tests.voting.helpers import add_motion, check_in, sitting


def _pending() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(PendingAuditEvent))


def _chain() -> list[AuditEvent]:
    return db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.seq)).all()


def test_deferred_events_join_the_chain_in_their_order(app, ctx):
    """Three events of one transaction are chained as 1, 2, 3 in the order they were written."""
    for step in range(3):
        audit.defer(db.session, "demo.step", "Demo", step, after={"step": step})
    db.session.commit()
    assert _pending() == 3 and _chain() == []
    assert audit.chain_pending(db.session) == 3
    events = _chain()
    assert [(e.seq, e.object_id, e.after) for e in events] == [
        (1, 0, {"step": 0}),
        (2, 1, {"step": 1}),
        (3, 2, {"step": 2}),
    ]
    assert _pending() == 0
    assert audit.verify() == (True, None)
    assert str(audit.head(db.session)) == f"3:{events[-1].hash}"


def test_an_event_left_pending_by_a_crash_is_chained_before_the_next_one(app, ctx):
    """A process dies after the ballot's commit, before chaining: the next event chains it first."""
    audit.defer(db.session, "ballot.cast", "Ballot", 41, after={"seat_id": 7})
    db.session.commit()  # … and the process dies here: the event waits in audit_pending
    audit.record("motion.closed", object_type="Motion", after={"id": 3})
    db.session.commit()
    assert [(e.seq, e.action) for e in _chain()] == [(1, "ballot.cast"), (2, "motion.closed")]
    assert _pending() == 0
    assert audit.verify() == (True, None)


def test_verify_chains_what_is_pending_and_counts_it(app, ctx):
    """`flask audit verify` chains pending events first: the whole log is verified."""
    audit.record("demo.first", object_type="Demo")
    audit.defer(db.session, "demo.second", "Demo", None)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.stderr
    assert "audit log intact: 2 events" in result.stdout
    assert [e.action for e in _chain()] == ["demo.first", "demo.second"]


def test_a_rolled_back_change_leaves_no_event(app, ctx):
    """A pending event exists exactly when its change does: a rollback takes both away."""
    audit.defer(db.session, "ballot.cast", "Ballot", 1)
    db.session.rollback()
    assert _pending() == 0
    assert audit.chain_pending(db.session) == 0
    assert _chain() == []


def _thirty_ballots_at_once(app) -> int:
    """Open a vote and let thirty seats cast their ballots at the same moment; how many."""
    body, _, meeting, item = sitting()
    seats = [seat for c in body.constituencies for seat in c.seat_list][:30]
    check_in(meeting, seats)
    motion = add_motion(meeting, item)
    open_motion(db.session, motion, motion.created_at)
    audit.record("motion.opened", motion)
    db.session.commit()
    jobs = [
        (session_token(app, seat.holder_id), f"/motions/{motion.id}/seats/{seat.id}/ballot")
        for seat in seats
    ]
    barrier = threading.Barrier(len(jobs))
    statuses = []

    def submit(token, url):
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = token
        barrier.wait()
        statuses.append(client.post(url, data={"choice": "yes", "confirm": "1"}).status_code)

    threads = [threading.Thread(target=submit, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert statuses == [303] * len(jobs)
    return len(jobs)


def test_many_ballots_at_once_chain_every_event_once(app, ctx):
    """Thirty seats vote at the same moment: thirty events, each once, one unbroken chain."""
    ballots = _thirty_ballots_at_once(app)
    db.session.rollback()  # see what the threads committed
    audit.chain_pending(db.session)  # what the last chainer did not see (a reader does this)
    events = _chain()
    assert [e.seq for e in events] == list(range(1, ballots + 2))
    assert events[0].action == "motion.opened"
    ballot_ids = set(db.session.scalars(sa.select(Ballot.id)))
    assert sorted(e.object_id for e in events[1:]) == sorted(ballot_ids)
    assert len(ballot_ids) == ballots and _pending() == 0
    assert audit.verify() == (True, None)


def test_the_chaining_thread_chains_a_burst_without_the_requests(app, ctx, monkeypatch):
    """Production's way: the ballots' requests only wake the process's chaining thread.

    Thirty seats vote at once and nobody else chains: the thread alone puts all thirty events
    in the chain, each once, in one unbroken chain, within moments of the last ballot.
    """
    monkeypatch.setitem(app.config, "LIANXI_AUDIT_CHAIN", "background")
    chainer = app.extensions["audit_chainer"]
    chained_before = chainer.chained
    ballots = _thirty_ballots_at_once(app)
    assert chainer.wait_until_idle()
    db.session.rollback()
    events = _chain()
    assert [e.seq for e in events] == list(range(1, ballots + 2))
    assert chainer.chained - chained_before == ballots, "the thread chained every ballot"
    assert sorted(e.object_id for e in events[1:]) == sorted(
        db.session.scalars(sa.select(Ballot.id))
    )
    assert audit.verify() == (True, None)
