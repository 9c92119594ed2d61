"""Secret ballots (无记名): a full copy of the database and audit log cannot tell who voted what.

The proof: cast two different assignments of choices to the same seats, in the same order, with
the same totals per constituency, and dump every row and every column of every table — with
PostgreSQL's ``xmin`` (the transaction that last wrote the row) or SQLite's ``rowid`` — in the
order the rows sit in their tables. The two dumps are identical, so nothing stored depends on
which seat chose what; only the totals are kept, and they add up.
"""

from datetime import datetime

import sqlalchemy as sa
import time_machine

from app.extensions import db
from app.models import (
    AgendaItem,
    Attendance,
    AuditEvent,
    Ballot,
    Body,
    Constituency,
    Convener,
    Meeting,
    Motion,
    SealedBallot,
    Seat,
    SecretCount,
    User,
)
from tests.conftest import empty_all_tables

#: The explicit second step of an irreversible action (app/web/confirm.py).
CONFIRMED = {"confirmed": "yes"}

SEATS = [("community", 3), ("street", 2), ("merchant", 3)]
# The same seats in the same order, the same totals per constituency, different choices.
FIRST = ["yes", "no", "abstain", "yes", "no", "no", "yes", "yes"]
SECOND = ["abstain", "yes", "no", "no", "yes", "yes", "no", "yes"]


def _build():
    """A body, its members, a sitting meeting and a secret motion, all with fixed values."""
    body = Body(slug="secret", name="联席", short_name="联席")
    db.session.add(body)
    number = 0
    for position, (key, seats) in enumerate(SEATS):
        constituency = Constituency(body=body, key=key, name=key, seats=seats, position=position)
        for seat_number in range(1, seats + 1):
            number += 1
            holder = User(
                name=f"member{number}", username=f"m{number}", phone=f"1300000{number:04d}"
            )
            constituency.seat_list.append(Seat(number=seat_number, holder=holder))
        db.session.add(constituency)
    convener = User(name="convener", username="convener", phone="13999999999")
    db.session.add(convener)
    db.session.flush()
    db.session.add(Convener(body_id=body.id, user_id=convener.id))
    meeting = Meeting(
        body_id=body.id,
        title="会议",
        starts_at=datetime(2026, 12, 1),
        status="in_session",
        checkin_token="fixed-token",
    )
    db.session.add(meeting)
    db.session.flush()
    item = AgendaItem(meeting_id=meeting.id, position=1, kind="decision", title="议题")
    db.session.add(item)
    db.session.flush()
    seats = db.session.scalars(
        sa.select(Seat).join(Constituency).order_by(Constituency.position, Seat.number)
    ).all()
    for seat in seats:
        db.session.add(
            Attendance(meeting_id=meeting.id, seat_id=seat.id, user_id=seat.holder_id, method="qr")
        )
    motion = Motion(
        meeting_id=meeting.id,
        agenda_item_id=item.id,
        text="同意",
        kind="secret",
        rule={"weighting": "seat", "base": "cast", "threshold": {"op": ">", "value": "1/2"}},
        created_by_id=convener.id,
    )
    db.session.add(motion)
    db.session.commit()
    return convener, motion.id, [(s.id, s.holder_id, s.constituency_id) for s in seats]


def _run(client, login_as, choices, after_each_ballot=None, before_close=None):
    """Open the motion, cast ``choices`` seat by seat through the web, close it."""
    with time_machine.travel(datetime(2026, 12, 1, 8, 0), tick=False):
        convener, motion_id, seats = _build()
        login_as(convener)
        assert client.post(f"/motions/{motion_id}/open", data=CONFIRMED).status_code == 302
        for (seat_id, holder_id, _), choice in zip(seats, choices, strict=True):
            login_as(db.session.get(User, holder_id))
            response = client.post(
                f"/motions/{motion_id}/seats/{seat_id}/ballot",
                data={"choice": choice, "confirm": "1"},
            )
            assert response.status_code == 303
            if after_each_ballot:
                after_each_ballot(seat_id, choice)
        if before_close:
            before_close(motion_id)
        login_as(convener)
        assert client.post(f"/motions/{motion_id}/close", data=CONFIRMED).status_code == 302
        _check_counts(motion_id, seats, choices)
    return _dump()


def _check_counts(motion_id, seats, choices):
    """After the count: the counters hold exactly the choices cast, per constituency."""
    expected = {}
    for (_, _, constituency_id), choice in zip(seats, choices, strict=True):
        expected[(constituency_id, choice)] = expected.get((constituency_id, choice), 0) + 1
    counted = {
        (c, choice): n
        for c, choice, n in db.session.execute(
            sa.select(SecretCount.constituency_id, SecretCount.choice, SecretCount.count).where(
                SecretCount.motion_id == motion_id, SecretCount.count > 0
            )
        )
    }
    assert counted == expected
    assert db.session.scalars(sa.select(Ballot.choice)).all() == [None] * len(choices)
    assert db.session.scalar(sa.select(sa.func.count(SealedBallot.id))) == 0


def _dump() -> dict:
    """Every row and column of every table (with xmin / rowid) in the order rows are stored."""
    postgres = db.engine.dialect.name == "postgresql"
    dump = {}
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            if postgres:
                query = f"SELECT xmin::text::bigint AS _xmin, * FROM {table.name} ORDER BY ctid"
            else:
                query = f"SELECT rowid AS _rowid, * FROM {table.name} ORDER BY rowid"
            result = connection.exec_driver_sql(query)
            dump[table.name] = [tuple(row) for row in result]
    if postgres:
        # Transaction ids differ between runs; their order is what could link rows.
        xmins = sorted({row[0] for rows in dump.values() for row in rows})
        rank = {xmin: index for index, xmin in enumerate(xmins)}
        dump = {name: [(rank[r[0]], *r[1:]) for r in rows] for name, rows in dump.items()}
    return dump


def test_secret_ballots_leave_nothing_that_links_a_choice_to_a_seat(app, ctx, client, login_as):
    """Two assignments with equal totals leave identical databases and audit logs."""
    first = _run(client, login_as, FIRST)
    db.session.remove()
    empty_all_tables()
    second = _run(client, login_as, SECOND)
    assert FIRST != SECOND
    assert first.keys() == second.keys()
    for table in first.keys() - {"user_sessions"}:  # the test's sign-ins: random tokens
        assert first[table] == second[table], f"table {table} differs"
    assert len(first["ballots"]) == len(FIRST) and len(first["secret_counts"]) == 9
    assert len(first["audit_events"]) == len(FIRST) + 2


def test_secret_ballot_audit_says_who_voted_not_what(app, ctx, client, login_as):
    """The audit log records "seat X voted on motion Y" for a secret ballot, never the choice."""
    _run(client, login_as, FIRST)
    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "ballot.cast")
    ).all()
    assert len(events) == len(FIRST)
    for event in events:
        assert set(event.after) == {"motion_id", "seat_id"}
        text = repr((event.before, event.after, event.object_type))
        assert not any(word in text for word in ("yes", "no", "abstain", "choice"))
    columns = {c.name for c in SecretCount.__table__.columns}
    assert columns == {"motion_id", "constituency_id", "choice", "count"}
