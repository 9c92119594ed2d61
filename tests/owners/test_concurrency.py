"""Fifty simultaneous confirmed ballots of co-owners make one ballot (UNIQUE in the database).

Runs on both engines: on PostgreSQL the requests overlap and the losers hit the unique index;
on SQLite writers take turns, and the outcome must be the same.
"""

import threading

import sqlalchemy as sa

from app import audit
from app.extensions import db
from app.models import AuditEvent, OwnerBallot, OwnerContact
from tests.conftest import session_token
from tests.owners.helpers import make_compound, make_decision

THREADS = 50


def test_fifty_concurrent_ballots_of_one_owner_make_one(app, ctx):
    """50 co-owner links POST at once: exactly one ballot and one audit event, the rest refused."""
    body, _, owners = make_compound()
    owner = owners["a"]
    for n in range(THREADS - 1):
        owner.contacts.append(OwnerContact(name=f"共有人{n}"))
    db.session.commit()
    codes = [contact.issue_code() for contact in owner.contacts]
    db.session.commit()
    url = f"/o/{{}}/d/{make_decision(body).id}"
    barrier = threading.Barrier(THREADS)
    answers = [None] * THREADS

    def submit(index):
        client = app.test_client()
        barrier.wait()
        response = client.post(
            url.format(codes[index]),
            data={"choice": ("yes", "no", "abstain")[index % 3], "confirm": "1"},
        )
        answers[index] = response.status_code

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(answers) == [302] + [409] * (THREADS - 1), answers
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(OwnerBallot.id))) == 1
    audit.chain_pending(db.session)  # what a chainer has not reached yet (a reader does this)
    events = sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.action == "owner_ballot.cast")
    assert db.session.scalar(events) == 1


def _threads(count, target):
    barrier = threading.Barrier(count)

    def run(index):
        barrier.wait()
        target(index)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)


def test_fifty_confirmations_of_one_paper_ballot_count_it_once(app, ctx):
    """50 committee members confirm the same paper ballot at once: one ballot, counted."""
    from app.models import Convener, PaperBallot
    from tests.factories import make_user

    body, convener, _ = make_compound()
    people = [make_user(f"委员{n}") for n in range(THREADS)]
    for person in people:
        db.session.add(Convener(body_id=body.id, user_id=person.id))
    decision = make_decision(body)
    from app.models import Unit

    unit = db.session.scalar(sa.select(Unit.id).where(Unit.code == "2-101"))
    entry = PaperBallot(
        decision_id=decision.id,
        serial="1",
        unit_id=unit,
        choice="no",
        entered_by_id=convener.id,
    )
    db.session.add(entry)
    db.session.commit()
    url = f"/owners/paper/{entry.id}/confirm"
    tokens = [session_token(app, p.id) for p in people]
    answers = [None] * THREADS

    def confirm(index):
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = tokens[index]
        answers[index] = client.post(url).status_code

    _threads(THREADS, confirm)
    assert answers.count(200) == 1 and answers.count(400) == THREADS - 1, answers
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(OwnerBallot.id))) == 1
    assert db.session.scalar(sa.select(PaperBallot.status)) == "counted"


def test_fifty_first_visits_after_the_end_close_once(app, ctx):
    """50 visitors arrive just after the window ends: the decision is closed and audited once."""
    from datetime import timedelta

    from app import clock

    body, _, _ = make_compound()
    decision = make_decision(body, closes_at=clock.now() - timedelta(seconds=1))
    url = f"/owners/decisions/{decision.id}"
    answers = [None] * THREADS

    def visit(index):
        answers[index] = app.test_client().get(url).status_code

    _threads(THREADS, visit)
    assert answers == [200] * THREADS
    db.session.rollback()
    closed = sa.select(sa.func.count(AuditEvent.id)).where(
        AuditEvent.action == "owner_decision.closed"
    )
    assert db.session.scalar(closed) == 1
