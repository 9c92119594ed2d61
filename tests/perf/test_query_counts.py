"""Regression guards of issue 9: the exact number of SQL statements of the hot pages.

Nothing here is timed. ``make bench`` measures speed on PostgreSQL with 100,000 resolutions;
these guards make sure a change cannot quietly add a query per row (an N+1) or per request to
the pages a room of phones or the public hits hardest. The counts differ by engine (PostgreSQL
locks the motion row and takes the audit chain's advisory lock; SQLite does neither), so each
is given for both. When a count changes on purpose, update it here and say why in the commit.
"""

import threading
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AgendaItem, Attendance, Motion, Resolution, Seat, Task
from tests.conftest import session_token
from tests.factories import make_body, make_convener, make_meeting, make_unit
from tests.perf.conftest import PLUMBING, explain

QUOTA_MAJORITY = {"weighting": "quota", "base": "cast", "threshold": {"op": ">", "value": "1/2"}}

#: Statements per request, by engine.
#: (The first page also reads the audit chain's head it publishes: one query.)
BOARD_FIRST_PAGE = {"sqlite": 7, "postgresql": 7}
BOARD_LIST = {"sqlite": 7, "postgresql": 7}
#: The ballot and the progress each look up the seats standing aside (回避) on the item (issue 18).
#: A ballot is 3 statements (the session and every check in one query, the ballot, its pending
#: audit event); the suite chains the event in the request (5 more), production in a thread.
BALLOT_POST = {"sqlite": 8, "postgresql": 8}
BALLOT_POST_CHAINED_IN_THE_BACKGROUND = 3
PROGRESS_FRAGMENT = {"sqlite": 13, "postgresql": 13}
#: Answering 304 to an unchanged panel: one query (the live session of a convener, the motion
#: and its fingerprint), before Flask (app/voting/unchanged_polls.py).
PROGRESS_UNCHANGED = {"sqlite": 1, "postgresql": 1}

BOARD_URLS = {
    "first": ("/", BOARD_FIRST_PAGE),
    "list": ("/board/resolutions", BOARD_LIST),
    "filtered": ("/board/resolutions?year=2026&status=open", BOARD_LIST),
}


def publish(body, units, count: int, tasks_each: int = 3) -> None:
    """``count`` published resolutions of ``body``, each with tasks spread over ``units``."""
    start = db.session.query(Resolution).count()
    for n in range(start + 1, start + count + 1):
        resolution = Resolution(
            body_id=body.id,
            year=2026,
            number=n,
            number_text=f"{body.short_name}〔2026〕{n}号",
            title=f"决议{n}",
            text="经表决通过。",
            decided_on=date(2026, 3, 1),
            status="published",
            published_at=datetime(2026, 3, 2) + timedelta(hours=n),
        )
        db.session.add(resolution)
        db.session.flush()
        for k in range(tasks_each):
            db.session.add(
                Task(
                    resolution_id=resolution.id,
                    unit_id=units[(n + k) % len(units)].id,
                    title=f"事项{n}-{k}",
                    deadline=date(2026, 6, 1) + timedelta(days=k * 90),
                    status=("assigned", "in_progress", "closed")[k % 3],
                )
            )
    db.session.commit()


@pytest.fixture
def board(ctx):
    """A body and three units with two published resolutions (six tasks)."""
    body = make_body(slug="huaxing", holders=False)
    units = [make_unit() for _ in range(3)]
    publish(body, units, 2)
    return {"body": body, "units": units}


@pytest.mark.parametrize("name", BOARD_URLS)
def test_board_page_runs_a_fixed_number_of_queries(board, client, queries, dialect, name):
    """A public board page runs exactly its known number of queries, at 2 and at 40 rows."""
    url, expected = BOARD_URLS[name]
    with queries() as small:
        assert client.get(url).status_code == 200
    publish(board["body"], board["units"], 38)
    with queries() as large:
        assert client.get(url).status_code == 200
    assert len(small) == expected[dialect], explain(small)
    assert len(large) == len(small), explain(large)


@pytest.fixture
def vote(ctx):
    """A sitting in session with every seat checked in and an open roll-call motion."""
    body = make_body(rule=QUOTA_MAJORITY)
    convener = make_convener(body)
    meeting = make_meeting(body, status="in_session", opened_at=datetime(2026, 12, 1, 6, 30))
    item = AgendaItem(meeting_id=meeting.id, position=1, kind="decision", title="共享厕所")
    db.session.add(item)
    db.session.flush()
    motion = Motion(
        meeting_id=meeting.id,
        agenda_item_id=item.id,
        text="同意共享厕所行动。",
        kind="roll_call",
        rule=QUOTA_MAJORITY,
        status="open",
        created_by_id=convener.id,
        opened_at=datetime(2026, 12, 1, 7, 0),
    )
    db.session.add(motion)
    seats = db.session.scalars(db.select(Seat).order_by(Seat.id)).all()
    for seat in seats:
        db.session.add(
            Attendance(meeting_id=meeting.id, seat_id=seat.id, user_id=seat.holder_id, method="qr")
        )
    db.session.commit()
    return {"motion": motion, "seats": seats, "convener": convener}


def sign_in(client, user_id: int) -> None:
    """Sign a person in (the session is opened before the queries are counted)."""
    token = session_token(client.application, user_id)
    with client.session_transaction() as session:
        session["_user_id"] = token
        session["_fresh"] = True


def ballots_of(vote) -> list[tuple[int, str]]:
    """(holder id, ballot URL) of every seat, read before anything is counted."""
    motion_id = vote["motion"].id
    return [(s.holder_id, f"/motions/{motion_id}/seats/{s.id}/ballot") for s in vote["seats"]]


HTMX = {"HX-Request": "true"}


def cast(client, holder_id: int, url: str, choice: str = "yes"):
    """One seat's ballot, sent the way htmx sends it from the ballot page."""
    sign_in(client, holder_id)
    return client.post(url, data={"choice": choice, "confirm": "1"}, headers=HTMX)


def test_ballot_post_runs_a_fixed_number_of_queries(vote, client, queries, dialect):
    """Casting a ballot runs exactly its known number of queries, the first and the tenth."""
    seats = ballots_of(vote)
    url = seats[0][1]
    sign_in(client, seats[0][0])
    with queries() as first:
        answer = client.post(url, data={"choice": "yes", "confirm": "1"}, headers=HTMX)
        assert answer.status_code == 200
    for seat in seats[1:9]:
        cast(client, *seat)
    sign_in(client, seats[9][0])
    with queries() as tenth:
        response = client.post(seats[9][1], data={"choice": "no", "confirm": "1"}, headers=HTMX)
        assert response.status_code == 200
    assert len(first) == BALLOT_POST[dialect], explain(first)
    assert len(tenth) == len(first), explain(tenth)


def test_a_ballot_chained_in_the_background_is_three_statements(vote, client, app, monkeypatch):
    """As in production: the request runs 3 statements; the chaining thread does the rest."""
    monkeypatch.setitem(app.config, "LIANXI_AUDIT_CHAIN", "background")
    holder_id, url = ballots_of(vote)[0]
    sign_in(client, holder_id)
    request_thread, statements = threading.get_ident(), []

    def record(conn, cursor, statement, *args):
        # The test client answers in this thread; the chaining thread's statements are not counted.
        if threading.get_ident() == request_thread and not statement.startswith(PLUMBING):
            statements.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        answer = client.post(url, data={"choice": "yes", "confirm": "1"}, headers=HTMX)
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
        # Its pass must not write into the next test's database.
        assert app.extensions["audit_chainer"].wait_until_idle()
    assert answer.status_code == 200
    assert len(statements) == BALLOT_POST_CHAINED_IN_THE_BACKGROUND, explain(statements)
    assert "user_sessions" in statements[0] and "motions" in statements[0]


def test_progress_fragment_runs_a_fixed_number_of_queries(vote, client, queries, dialect):
    """The polled progress fragment runs its known queries; a 304 runs far fewer, no counting."""
    seats = ballots_of(vote)
    convener_id, url = vote["convener"].id, f"/motions/{vote['motion'].id}/progress"
    for seat in seats[:3]:
        cast(client, *seat)
    sign_in(client, convener_id)
    with queries() as fresh:
        response = client.get(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    etag = response.headers["ETag"]
    with queries() as unchanged:
        again = client.get(url, headers={"HX-Request": "true", "If-None-Match": etag})
    assert again.status_code == 304
    assert len(fresh) == PROGRESS_FRAGMENT[dialect], explain(fresh)
    assert len(unchanged) == PROGRESS_UNCHANGED[dialect], explain(unchanged)
