"""Presence and who votes for which seat: check-ins, substitutes and proxies."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.meetings.presence import (
    check_in_person,
    presence_by_constituency,
    present_seat_ids,
    seats_voted_by,
    set_substitute,
    tick_in,
    withdraw,
)
from app.meetings.rules import MeetingError
from app.models import Attendance, CheckInMethod, Proxy, Substitute
from tests.factories import make_body, make_meeting, make_user


def _check_in(meeting, seat, user=None):
    db.session.add(
        Attendance(
            meeting_id=meeting.id, seat_id=seat.id, user_id=(user or seat.holder).id, method="qr"
        )
    )
    db.session.commit()


def test_presence_counts_check_ins_and_present_proxies(app, ctx):
    """A proxied seat is present only while its proxy holder is present."""
    body = make_body(constituencies=[("merchant", 3, None, False), ("resident", 2, None, False)])
    meeting = make_meeting(body, status="in_session")
    m1, m2, m3 = body.constituencies[0].seat_list
    r1, _ = body.constituencies[1].seat_list
    db.session.add(
        Proxy(meeting_id=meeting.id, seat_id=m2.id, holder_id=r1.holder_id, set_by_id=r1.holder_id)
    )
    _check_in(meeting, m1)
    assert present_seat_ids(db.session, meeting.id) == {m1.id}
    _check_in(meeting, r1)
    assert present_seat_ids(db.session, meeting.id) == {m1.id, m2.id, r1.id}
    presence = presence_by_constituency(db.session, meeting)
    assert [(p.key, p.present, p.seats) for p in presence] == [
        ("merchant", 2, 3),
        ("resident", 1, 2),
    ]
    assert m3.id not in present_seat_ids(db.session, meeting.id)


def test_who_votes_for_a_seat(app, ctx):
    """The proxy holder votes a proxied seat, a substitute votes the seat they took."""
    body = make_body(constituencies=[("merchant", 3, None, False)])
    meeting = make_meeting(body, status="in_session")
    s1, s2, s3 = body.constituencies[0].seat_list
    stand_in = make_user("替补")
    db.session.add(
        Substitute(meeting_id=meeting.id, seat_id=s3.id, user_id=stand_in.id, set_by_id=stand_in.id)
    )
    db.session.add(
        Proxy(meeting_id=meeting.id, seat_id=s2.id, holder_id=s1.holder_id, set_by_id=s1.holder_id)
    )
    db.session.commit()
    assert seats_voted_by(db.session, meeting, s1.holder_id) == []
    _check_in(meeting, s1)
    _check_in(meeting, s3, stand_in)
    assert seats_voted_by(db.session, meeting, s1.holder_id) == [s1, s2]
    assert seats_voted_by(db.session, meeting, s2.holder_id) == []
    assert seats_voted_by(db.session, meeting, s3.holder_id) == []
    assert seats_voted_by(db.session, meeting, stand_in.id) == [s3]


def test_a_member_checks_in_only_while_the_meeting_accepts_it(app, ctx):
    """Before publishing and after closing no one checks in; twice counts once."""
    body = make_body(constituencies=[("merchant", 2, None, False)])
    meeting = make_meeting(body, status="draft")
    s1, _ = body.constituencies[0].seat_list
    with pytest.raises(MeetingError, match="not_checkin_time"):
        check_in_person(db.session, meeting, s1.holder_id, CheckInMethod.QR)
    meeting.status = "published"
    assert [a.seat_id for a in check_in_person(db.session, meeting, s1.holder_id, "qr")] == [s1.id]
    assert check_in_person(db.session, meeting, s1.holder_id, CheckInMethod.LINK) == []
    with pytest.raises(MeetingError, match="no_seat"):
        check_in_person(db.session, meeting, make_user("路人").id, CheckInMethod.QR)
    meeting.status = "closed"
    with pytest.raises(MeetingError, match="not_checkin_time"):
        check_in_person(db.session, meeting, s1.holder_id, CheckInMethod.QR)


def test_the_convener_ticks_in_whoever_attends_the_seat(app, ctx):
    """A ticked-in seat is checked in for its substitute; refused before and after the meeting."""
    body = make_body(constituencies=[("merchant", 2, None, False)])
    meeting = make_meeting(body, status="draft")
    s1, _ = body.constituencies[0].seat_list
    with pytest.raises(MeetingError, match="not_checkin_time"):
        tick_in(db.session, meeting, s1)
    stand_in = make_user("替补")
    set_substitute(db.session, meeting, s1, stand_in.id, stand_in.id)
    meeting.status = "in_session"
    (attendance,) = tick_in(db.session, meeting, s1)
    assert (attendance.user_id, attendance.method) == (stand_in.id, "convener")
    assert tick_in(db.session, meeting, s1) == []
    meeting.status = "closed"
    with pytest.raises(MeetingError, match="closed"):
        tick_in(db.session, meeting, s1)


def test_substitute_is_set_once_per_seat_and_withdrawn(app, ctx):
    """Setting a seat's substitute again replaces it; withdrawing says whether there was one."""
    body = make_body(constituencies=[("merchant", 2, None, False)])
    meeting = make_meeting(body, status="published")
    s1, s2 = body.constituencies[0].seat_list
    first, second = make_user("甲"), make_user("乙")
    set_substitute(db.session, meeting, s1, first.id, s2.holder_id)
    db.session.commit()
    again = set_substitute(db.session, meeting, s1, second.id, s1.holder_id)
    db.session.commit()
    rows = db.session.scalars(sa.select(Substitute).filter_by(meeting_id=meeting.id)).all()
    assert rows == [again] and (again.user_id, again.set_by_id) == (second.id, s1.holder_id)
    assert withdraw(db.session, meeting, s1, "substitute")
    assert not withdraw(db.session, meeting, s1, "substitute")
    assert not withdraw(db.session, meeting, s1, "proxy")
