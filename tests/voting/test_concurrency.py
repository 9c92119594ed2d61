"""A hundred simultaneous taps for one seat make exactly one ballot (UNIQUE in the database).

Runs on both engines. On PostgreSQL the requests really overlap: each thread has its own client,
session and connection, and the losers wait on the unique index until the winner commits, then
get the duplicate error that says "already voted". On SQLite writers take turns (BEGIN
IMMEDIATE), so the test there proves the same outcome under SQLite's own locking.
"""

import threading

import sqlalchemy as sa

from app import audit
from app.extensions import db
from app.models import AuditEvent, Ballot, SealedBallot
from app.voting.ballots import open_motion
from tests.conftest import session_token
from tests.voting.helpers import add_motion, check_in, seats_of, sitting

THREADS = 100


def test_hundred_concurrent_submissions_make_one_ballot(app, ctx):
    """100 threads POST the same seat's secret ballot at once: one ballot, one count, one event."""
    body, convener, meeting, item = sitting()
    seat = seats_of(body, "merchant")[0]
    check_in(meeting, [seat])
    motion = add_motion(meeting, item, kind="secret")
    open_motion(db.session, motion, motion.created_at)
    db.session.commit()
    url = f"/motions/{motion.id}/seats/{seat.id}/ballot"
    holder_id = seat.holder_id

    clients = []
    token = session_token(app, holder_id)
    for _ in range(THREADS):
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = token
        clients.append(client)
    barrier = threading.Barrier(THREADS)
    answers = [None] * THREADS

    def submit(index):
        barrier.wait()
        response = clients[index].post(
            url,
            data={"choice": ("yes", "no", "abstain")[index % 3], "confirm": "1"},
            headers={"HX-Request": "true"},
        )
        answers[index] = (response.status_code, response.get_data(as_text=True))

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert all(answer and answer[0] == 200 for answer in answers), answers[:3]
    recorded = [text for _, text in answers if "已经记录下来" in text]
    already = [text for _, text in answers if "已经投过票了" in text]
    assert (len(recorded), len(already)) == (1, THREADS - 1)
    db.session.rollback()  # end the test's own read snapshot (SQLite WAL) before counting
    assert db.session.scalar(sa.select(sa.func.count(Ballot.id))) == 1
    assert db.session.scalar(sa.select(sa.func.count(SealedBallot.id))) == 1
    audit.chain_pending(db.session)  # an event the last chainer did not see (readers do this)
    cast_events = sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.action == "ballot.cast")
    assert db.session.scalar(cast_events) == 1
