"""Who is present at a meeting and who votes for which seat (no Flask here).

The rules:

* a seat is present when it checked in (签到), or when it handed its vote by proxy (委托) to a
  member who is present (docs/counting.md: a proxy holder makes the principal's seat present);
* the vote of a present seat is cast by its proxy holder if it has one, else by the substitute
  (替补) who took the seat for this meeting, else by the seat's holder;
* seats check in only while the meeting accepts it (``Meeting.accepts_check_in``); a closed
  meeting's roster is final, which the views check before calling the roster changes here.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.meetings.rules import MeetingError, check_proxy
from app.models import (
    Attendance,
    CheckInMethod,
    Constituency,
    Leave,
    Meeting,
    Proxy,
    Seat,
    Substitute,
    User,
)

#: What a seat can hand on for one meeting, by the name the roster's forms use.
STAND_INS: dict[str, type[Substitute] | type[Proxy]] = {"substitute": Substitute, "proxy": Proxy}


@dataclass(frozen=True)
class ConstituencyPresence:
    """Present and expected (应到/实到) seats of one constituency at a meeting."""

    key: str
    name: str
    seats: int
    present: int


def checked_in_seat_ids(session: Session, meeting_id: int) -> set[int]:
    """Seats that checked in themselves (in person, by substitute or ticked by the convener)."""
    query = sa.select(Attendance.seat_id).where(Attendance.meeting_id == meeting_id)
    return set(session.scalars(query))


def present_seat_ids(session: Session, meeting_id: int) -> set[int]:
    """Seats present at the meeting: checked in, or represented by a present proxy holder."""
    present = checked_in_seat_ids(session, meeting_id)
    attending_people = set(
        session.scalars(
            sa.select(Attendance.user_id).where(
                Attendance.meeting_id == meeting_id, Attendance.user_id.is_not(None)
            )
        )
    )
    for seat_id, holder_id in session.execute(
        sa.select(Proxy.seat_id, Proxy.holder_id).where(Proxy.meeting_id == meeting_id)
    ):
        if holder_id in attending_people:
            present.add(seat_id)
    return present


def presence_by_constituency(session: Session, meeting: Meeting) -> list[ConstituencyPresence]:
    """Present / expected seats per constituency, in the body's order."""
    present = present_seat_ids(session, meeting.id)
    constituencies = session.scalars(
        sa.select(Constituency)
        .where(Constituency.body_id == meeting.body_id)
        .order_by(Constituency.position, Constituency.id)
    ).all()
    seat_rows = session.execute(
        sa.select(Seat.id, Seat.constituency_id)
        .join(Constituency)
        .where(Constituency.body_id == meeting.body_id)
    ).all()
    counts = {c.id: 0 for c in constituencies}
    for seat_id, constituency_id in seat_rows:
        if seat_id in present:
            counts[constituency_id] += 1
    return [ConstituencyPresence(c.key, c.name, c.seats, counts[c.id]) for c in constituencies]


def seats_of_person(session: Session, meeting: Meeting, user_id: int) -> tuple[set, set]:
    """The seats whose vote this person casts if present, as (direct, by proxy), in one query.

    Direct: their own seats not handed to a substitute or a proxy for this meeting, and the seats
    they took as a substitute (unless handed on by proxy). By proxy: seats handed to them.
    """
    handed_away = sa.union(
        sa.select(Proxy.seat_id).where(Proxy.meeting_id == meeting.id),
        sa.select(Substitute.seat_id).where(Substitute.meeting_id == meeting.id),
    )
    own = (
        sa.select(Seat.id, sa.literal(False).label("by_proxy"))
        .join(Constituency)
        .where(
            Constituency.body_id == meeting.body_id,
            Seat.holder_id == user_id,
            Seat.id.not_in(handed_away.scalar_subquery()),
        )
    )
    stand_in = sa.select(Substitute.seat_id, sa.literal(False)).where(
        Substitute.meeting_id == meeting.id,
        Substitute.user_id == user_id,
        Substitute.seat_id.not_in(sa.select(Proxy.seat_id).where(Proxy.meeting_id == meeting.id)),
    )
    proxied = sa.select(Proxy.seat_id, sa.literal(True)).where(
        Proxy.meeting_id == meeting.id, Proxy.holder_id == user_id
    )
    direct, by_proxy = set(), set()
    for seat_id, is_proxy in session.execute(sa.union_all(own, stand_in, proxied)):
        (by_proxy if is_proxy else direct).add(seat_id)
    return direct, by_proxy


def seats_voted_by(session: Session, meeting: Meeting, user_id: int) -> list[Seat]:
    """The present seats whose vote this person casts at the meeting, in the body's seat order.

    Three small queries whatever the size of the body: this runs on every ballot.
    """
    direct, by_proxy = seats_of_person(session, meeting, user_id)
    if not direct and not by_proxy:
        return []
    attendances = session.execute(
        sa.select(Attendance.seat_id, Attendance.user_id).where(
            Attendance.meeting_id == meeting.id,
            sa.or_(Attendance.seat_id.in_(direct | by_proxy), Attendance.user_id == user_id),
        )
    ).all()
    checked_in = {seat_id for seat_id, _ in attendances}
    present = {s for s in direct if s in checked_in}
    if any(person == user_id for _, person in attendances):
        present |= by_proxy
    if not present:
        return []
    return list(
        session.scalars(
            sa.select(Seat)
            .join(Constituency)
            .where(Seat.id.in_(present))
            .order_by(Constituency.position, Seat.number)
        )
    )


def seats_to_check_in(session: Session, meeting: Meeting, user_id: int) -> list[Seat]:
    """The seats this person checks in for, in the body's seat order.

    These are the seats they hold that no substitute took for this meeting, and the seats they
    took as a substitute.
    """
    substitutes = dict(
        session.execute(
            sa.select(Substitute.seat_id, Substitute.user_id).where(
                Substitute.meeting_id == meeting.id
            )
        ).all()
    )
    seats = session.scalars(
        sa.select(Seat)
        .join(Constituency)
        .where(
            Constituency.body_id == meeting.body_id,
            sa.or_(
                Seat.holder_id == user_id,
                Seat.id.in_([s for s, u in substitutes.items() if u == user_id]),
            ),
        )
        .order_by(Constituency.position, Seat.number)
    ).all()
    return [s for s in seats if substitutes.get(s.id, user_id) == user_id]


def check_in(
    session: Session,
    meeting: Meeting,
    seats: list[Seat],
    user_id: int | None,
    method: CheckInMethod,
) -> list[Attendance]:
    """Check ``seats`` in; a seat already checked in counts once (the new attempt is skipped).

    Each row goes in its own savepoint, so two phones tapping at the same moment cannot fail:
    the database's UNIQUE(meeting_id, seat_id) lets one row in and the other is skipped.
    """
    already = checked_in_seat_ids(session, meeting.id)
    added = []
    for seat in seats:
        if seat.id in already:
            continue
        attendance = Attendance(
            meeting_id=meeting.id, seat_id=seat.id, user_id=user_id, method=method
        )
        try:
            with session.begin_nested():
                session.add(attendance)
        except sa.exc.IntegrityError:
            continue
        added.append(attendance)
    return added


def check_in_person(
    session: Session, meeting: Meeting, user_id: int, method: CheckInMethod
) -> list[Attendance]:
    """A member checks in for their seats (``seats_to_check_in``); returns the new check-ins.

    Refused with ``MeetingError("not_checkin_time")`` unless the meeting accepts check-in, and
    with ``MeetingError("no_seat")`` when the person has no seat to check in for.
    """
    if not meeting.accepts_check_in:
        raise MeetingError("not_checkin_time")
    seats = seats_to_check_in(session, meeting, user_id)
    if not seats:
        raise MeetingError("no_seat")
    return check_in(session, meeting, seats, user_id, method)


def tick_in(session: Session, meeting: Meeting, seat: Seat) -> list[Attendance]:
    """The convener checks a seat in for whoever attends it (its substitute, else its holder).

    Refused with ``MeetingError("closed")`` after the meeting, ``"not_checkin_time"`` before
    the agenda is published. Returns the new check-in, or nothing when the seat already was in.
    """
    if not meeting.accepts_check_in:
        raise MeetingError("closed" if meeting.is_closed else "not_checkin_time")
    attendee = seat_attendee_id(session, meeting, seat)
    return check_in(session, meeting, [seat], attendee, CheckInMethod.CONVENER)


def attendances_of(session: Session, meeting: Meeting, seat_ids: list[int]) -> list[Attendance]:
    """The check-ins of these seats at the meeting, earliest first."""
    if not seat_ids:
        return []
    return list(
        session.scalars(
            sa.select(Attendance)
            .where(Attendance.meeting_id == meeting.id, Attendance.seat_id.in_(seat_ids))
            .order_by(Attendance.checked_in_at, Attendance.id)
        )
    )


def present_people(session: Session, meeting_id: int) -> set[int]:
    """The people who checked in at the meeting (for themselves or as a substitute)."""
    return set(
        session.scalars(
            sa.select(Attendance.user_id).where(
                Attendance.meeting_id == meeting_id, Attendance.user_id.is_not(None)
            )
        )
    )


@dataclass(frozen=True)
class RosterRow:
    """One seat on a meeting's roster: its holder, substitute, proxy and check-in."""

    seat: Seat
    holder: User | None
    substitute: User | None
    proxy_holder: User | None
    attendance: Attendance | None
    present: bool
    #: The convener recorded the seat as excused (请假) from this meeting.
    on_leave: bool = False

    @property
    def voter(self) -> User | None:
        """Who checks in for the seat: its substitute if it has one, else its holder."""
        return self.substitute or self.holder


def roster(session: Session, meeting: Meeting) -> list[RosterRow]:
    """Every seat of the body with who holds, substitutes, carries its proxy and checked it in."""
    seats = session.scalars(
        sa.select(Seat)
        .join(Constituency)
        .where(Constituency.body_id == meeting.body_id)
        .order_by(Constituency.position, Seat.number)
    ).all()
    where = {"meeting_id": meeting.id}
    substitutes = {
        s.seat_id: s.user_id for s in session.scalars(sa.select(Substitute).filter_by(**where))
    }
    proxies = {p.seat_id: p.holder_id for p in session.scalars(sa.select(Proxy).filter_by(**where))}
    attendances = {a.seat_id: a for a in session.scalars(sa.select(Attendance).filter_by(**where))}
    people_ids = {s.holder_id for s in seats} | set(substitutes.values()) | set(proxies.values())
    people = {
        u.id: u for u in session.scalars(sa.select(User).where(User.id.in_(people_ids - {None})))
    }
    present = present_seat_ids(session, meeting.id)
    leaves = set(session.scalars(sa.select(Leave.seat_id).filter_by(**where)))
    return [
        RosterRow(
            seat=seat,
            holder=people.get(seat.holder_id),
            substitute=people.get(substitutes.get(seat.id)),
            proxy_holder=people.get(proxies.get(seat.id)),
            attendance=attendances.get(seat.id),
            present=seat.id in present,
            on_leave=seat.id in leaves,
        )
        for seat in seats
    ]


def seat_attendee_id(session: Session, meeting: Meeting, seat: Seat) -> int | None:
    """Who attends for a seat without a proxy: its substitute at this meeting, else its holder."""
    substitute = session.scalar(
        sa.select(Substitute.user_id).filter_by(meeting_id=meeting.id, seat_id=seat.id)
    )
    return substitute or seat.holder_id


def set_substitute(
    session: Session, meeting: Meeting, seat: Seat, user_id: int, set_by_id: int
) -> Substitute:
    """Record who takes ``seat`` for this meeting (替补), replacing an earlier substitute.

    A seat has at most one substitute per meeting (the database's UNIQUE(meeting_id, seat_id)),
    so setting it again changes the person and who set it.
    """
    substitute = session.scalar(
        sa.select(Substitute).filter_by(meeting_id=meeting.id, seat_id=seat.id)
    )
    if substitute is None:
        substitute = Substitute(meeting_id=meeting.id, seat_id=seat.id)
        session.add(substitute)
    substitute.user_id, substitute.set_by_id = user_id, set_by_id
    return substitute


def withdraw(session: Session, meeting: Meeting, seat: Seat, what: str) -> bool:
    """Withdraw the seat's substitute or proxy (``what``, a key of ``STAND_INS``) for the meeting.

    Returns whether there was one to withdraw.
    """
    model = STAND_INS[what]
    row = session.scalar(sa.select(model).filter_by(meeting_id=meeting.id, seat_id=seat.id))
    if row is None:
        return False
    session.delete(row)
    return True


def add_proxy(session: Session, meeting: Meeting, seat: Seat, holder_id: int, set_by_id: int):
    """Record a proxy (委托) after ``rules.check_proxy`` allows it (raises ``MeetingError``)."""
    proxies = dict(
        session.execute(
            sa.select(Proxy.seat_id, Proxy.holder_id).filter_by(meeting_id=meeting.id)
        ).all()
    )
    check_proxy(
        seat_id=seat.id,
        seat_voter_id=seat_attendee_id(session, meeting, seat),
        holder_id=holder_id,
        present_people=present_people(session, meeting.id),
        proxied_seats=proxies,
        allow_multiple=meeting.body.allow_multiple_proxies,
    )
    proxy = Proxy(meeting_id=meeting.id, seat_id=seat.id, holder_id=holder_id, set_by_id=set_by_id)
    session.add(proxy)
    return proxy


def set_leave(
    session: Session, meeting: Meeting, seat: Seat, *, on_leave: bool, set_by_id: int, note=""
) -> bool:
    """Record a seat as excused (请假) from the meeting, or take that back; whether it changed.

    Only until the meeting closes (``MeetingError("closed")``): the minutes then list the seat
    as 请假 instead of 缺席, unless it came after all.
    """
    if meeting.is_closed:
        raise MeetingError("closed")
    leave = session.scalar(
        sa.select(Leave).where(Leave.meeting_id == meeting.id, Leave.seat_id == seat.id)
    )
    if on_leave and leave is None:
        session.add(Leave(meeting_id=meeting.id, seat_id=seat.id, set_by_id=set_by_id, note=note))
        return True
    if not on_leave and leave is not None:
        session.delete(leave)
        return True
    return False
