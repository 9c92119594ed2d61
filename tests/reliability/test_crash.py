"""A worker killed mid-burst loses no acknowledged ballot, duplicates none, and retries are safe.

Gunicorn (2 sync workers, the real configuration: CSRF on) serves ``wsgi:app`` on the suite's
PostgreSQL database. Sixty members sign in through their personal links, then their ballots are
fired from a thread pool; one worker is killed with SIGKILL in the middle. Every ballot the app
acknowledged must be in the database, none twice, and every unacknowledged one, sent again,
must either be recorded or answered "已经投过票了" — ending with one ballot per seat.
"""

import os
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.models import AgendaItem, Attendance, Ballot, Motion, SignInLink
from tests.factories import make_body, make_meeting
from tests.servers import Server, csrf_token, request

pytestmark = [
    pytest.mark.slow,
    pytest.mark.postgres,
    pytest.mark.skipif(
        not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
        reason="the crash test runs gunicorn on PostgreSQL: set TEST_DATABASE_URL to a "
        "postgresql:// database",
    ),
]

SEATS = 60
RECORDED = "已经记录下来"
ALREADY = "已经投过票了"


def _world():
    """60 seats checked in to a sitting meeting with an open roll-call motion; a link each."""
    body = make_body(
        constituencies=[("community", 30, "1/2", False), ("merchant", 30, "1/2", False)]
    )
    meeting = make_meeting(body, status="in_session", opened_at=clock.now())
    item = AgendaItem(meeting_id=meeting.id, position=1, kind="decision", title="共享厕所")
    db.session.add(item)
    db.session.flush()
    meeting.current_item_id = item.id
    motion = Motion(
        meeting_id=meeting.id,
        agenda_item_id=item.id,
        text="同意开放共享厕所",
        kind="roll_call",
        rule=body.default_rule,
        status="open",
        opened_at=clock.now() - timedelta(minutes=1),
    )
    db.session.add(motion)
    voters = []
    for constituency in body.constituencies:
        for seat in constituency.seat_list:
            db.session.add(
                Attendance(
                    meeting_id=meeting.id, seat_id=seat.id, user_id=seat.holder_id, method="link"
                )
            )
            link, token = SignInLink.issue(seat.holder, None, days=1)
            db.session.add(link)
            voters.append((seat.id, token))
    db.session.commit()
    return meeting.id, motion.id, voters


def _sign_in(port, meeting_id, token):
    """A member's cookies and CSRF token: the personal link, then the ballot page."""
    status, _, cookies = request(port, "GET", f"/l/{token}")
    assert status in (302, 303), status
    status, page, more = request(port, "GET", f"/meetings/{meeting_id}/vote", cookies)
    assert status == 200, status
    cookies |= more
    return cookies, csrf_token(page)


def _cast(port, motion_id, seat_id, session):
    """Send one ballot as htmx does: (seat, status or None, body or the error)."""
    cookies, csrf = session
    try:
        status, text, _ = request(
            port,
            "POST",
            f"/motions/{motion_id}/seats/{seat_id}/ballot",
            cookies,
            {"choice": "yes", "confirm": "1", "csrf_token": csrf},
            {"HX-Request": "true", "X-CSRFToken": csrf},
        )
    except OSError as error:  # connection reset or closed by the killed worker
        return seat_id, None, repr(error)
    return seat_id, status, text


def _ballots(motion_id):
    db.session.rollback()
    rows = db.session.execute(
        sa.select(sa.func.count(), sa.func.count(sa.distinct(Ballot.seat_id))).where(
            Ballot.motion_id == motion_id
        )
    ).one()
    seats = set(db.session.scalars(sa.select(Ballot.seat_id).where(Ballot.motion_id == motion_id)))
    return rows[0], rows[1], seats


def test_killed_worker_loses_no_acknowledged_ballot(app, ctx, tmp_path):
    """SIGKILL of a worker mid-burst: acknowledged ballots kept, none doubled, retries safe."""
    meeting_id, motion_id, voters = _world()
    env = {"DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "SECRET_KEY": "crash-test-secret"}
    server = Server(env, tmp_path / "gunicorn.log")
    try:
        server.wait_until_up()
        with ThreadPoolExecutor(8) as pool:
            sessions = dict(
                zip(
                    [seat for seat, _ in voters],
                    pool.map(lambda v: _sign_in(server.port, meeting_id, v[1]), voters),
                    strict=True,
                )
            )
        done, killed = threading.Event(), []
        answered = []

        def killer():
            """Kill one worker once a third of the ballots have been answered."""
            while not done.is_set() and len(answered) < SEATS // 3:
                time.sleep(0.002)
            victim = server.workers()[0]
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)

        watcher = threading.Thread(target=killer)
        watcher.start()

        def fire(seat_id):
            result = _cast(server.port, motion_id, seat_id, sessions[seat_id])
            answered.append(result)
            return result

        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(fire, sessions))
        done.set()
        watcher.join()
        assert killed, "no worker was killed"

        acknowledged = {
            seat for seat, status, text in results if status == 200 and RECORDED in text
        }
        count, distinct, stored = _ballots(motion_id)
        assert acknowledged <= stored, f"acknowledged but lost: {acknowledged - stored}"
        assert count == distinct, "a seat has two ballots"
        assert all(status is None or status in (200, 502, 503) for _, status, _ in results), [
            (status, text[:200]) for _, status, text in results if status not in (None, 200)
        ]

        server.wait_until_up()
        retried = [seat for seat, status, text in results if seat not in acknowledged]
        for seat_id in retried:
            _, status, text = _cast(server.port, motion_id, seat_id, sessions[seat_id])
            assert status == 200 and (RECORDED in text or ALREADY in text), (status, text[:300])
        count, distinct, stored = _ballots(motion_id)
        assert count == distinct == SEATS and stored == set(sessions)
    finally:
        server.stop()
