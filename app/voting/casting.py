"""The ballot's short path: every check in one query, the ballot in one INSERT (no Flask here).

A room of 2,000 phones taps within a minute, so a ballot is a few Core statements instead of
the ORM's dozen round trips (docs/performance.md):

1. ``ballot_context``: one SELECT, share-locking the motion's row on PostgreSQL (a close waits
   for the ballots being cast, see ``ballots.locked_motion``), returns the motion's and the
   meeting's state, the body's confirmation setting, the seat and its constituency, and, for
   this seat and this person, whether they hold it (not handed away), substitute for it, hold
   its proxy, whether it and they checked in, whether it stands aside (回避) on the item, and
   whether the person has any part in the body or the meeting. ``refusal`` then applies the
   same rule as every other path (``rules.ballot_refusal``).
2. ``insert_ballot``: INSERT … ON CONFLICT (motion, seat) DO NOTHING RETURNING id: the
   database's UNIQUE(motion_id, seat_id) still makes a hundred taps one ballot, without a
   savepoint. A secret ballot keeps no choice; its sealed box is written in the same
   transaction (``sealing``), so ballot and box exist together or not at all.
3. The audit event is written as pending in the same transaction (``audit.defer``) and chained
   after the commit, outside the ballot's critical section.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from app.accounts.sessions import live_session
from app.models import (
    Attendance,
    Ballot,
    Body,
    Constituency,
    Meeting,
    Motion,
    Proxy,
    Recusal,
    SealedBallot,
    Seat,
    Substitute,
    User,
    UserSession,
)
from app.models.accounts import hash_token
from app.models.statuses import MotionKind
from app.rows import insert_once
from app.voting import rules, sealing


@dataclass(frozen=True)
class Named:
    """Something the ballot card shows by name only (a constituency, a seat's holder)."""

    name: str


@dataclass(frozen=True)
class MotionRow:
    """The motion as the ballot card reads it."""

    id: int
    meeting_id: int
    status: str
    kind: str
    agenda_item_id: int | None


@dataclass(frozen=True)
class SeatRow:
    """The seat as the ballot card reads it: ``seat.constituency.name``, ``seat.holder.name``."""

    id: int
    number: int
    constituency_id: int
    holder_id: int | None
    constituency: Named
    holder: Named | None


@dataclass(frozen=True)
class CastRow:
    """A ballot as the card reads it: its choice (None for a secret one)."""

    id: int
    choice: str | None


@dataclass(frozen=True)
class BallotContext:
    """Everything the checks of one ballot need, read in one query."""

    #: The person casting it: the one whose live session the cookie names.
    voter_id: int
    motion: MotionRow
    seat: SeatRow
    meeting_status: str
    confirm_ballots: bool
    #: The person votes this seat directly: holds it (not handed away) or substitutes for it.
    direct: bool
    #: The seat's vote was handed to this person by proxy.
    by_proxy: bool
    #: The seat checked in, and the person checked in (a proxy holder makes the seat present).
    seat_checked_in: bool
    person_attending: bool
    #: The seat stands aside (回避) on the motion's item.
    recused: bool
    #: The person is a member of the body, or stands in for a seat at this meeting.
    has_part: bool

    @property
    def votes_now(self) -> bool:
        """Whether this person casts the seat's vote now (it is theirs and present)."""
        return (self.direct and self.seat_checked_in) or (self.by_proxy and self.person_attending)

    def refusal(self) -> str | None:
        """Why the ballot is refused, or None: the same rule as every ballot (rules.py)."""
        seat_id = self.seat.id
        voted = {seat_id} if self.votes_now else set()
        return rules.ballot_refusal(
            motion_status=self.motion.status,
            kind=self.motion.kind,
            meeting_status=self.meeting_status,
            seat_id=seat_id,
            seats_voted=voted,
            seats_of_person={seat_id} if self.direct or self.by_proxy else set(),
            is_voter=bool(voted) or self.has_part,
            recused={seat_id} if self.recused else set(),
        )


def ballot_context(
    session: Session, motion_id: int, seat_id: int, token: str
) -> BallotContext | None:
    """The voter, the motion, the seat and every fact the checks need, in one query.

    ``token`` is the session token of the signed session cookie: the voter is the person of
    that live session (``sessions.live_session``), so no separate query loads them. None when
    the session is not live or the motion or seat is unknown (the caller tells which).
    On PostgreSQL the motion's row is share-locked until the transaction ends.
    """
    if not token or len(token) > 100:
        return None
    query = _context_query(session.get_bind().dialect.name == "postgresql")
    params = {"motion_id": motion_id, "seat_id": seat_id, "token_hash": hash_token(token)}
    row = session.execute(query, params).first()
    if row is None:
        return None
    return BallotContext(
        voter_id=row.voter_id,
        motion=MotionRow(row.id, row.meeting_id, row.status, row.kind, row.agenda_item_id),
        seat=SeatRow(
            id=row.seat_id,
            number=row.number,
            constituency_id=row.constituency_id,
            holder_id=row.holder_id,
            constituency=Named(row.constituency_name),
            holder=Named(row.holder_name) if row.holder_name is not None else None,
        ),
        meeting_status=row.meeting_status,
        confirm_ballots=bool(row.confirm_ballots),
        direct=bool(row.holds or row.substitutes),
        by_proxy=bool(row.by_proxy),
        seat_checked_in=bool(row.seat_checked_in),
        person_attending=bool(row.person_attending),
        recused=bool(row.recused),
        has_part=bool(row.has_part),
    )


@functools.cache
def _context_query(postgresql: bool) -> sa.Select:
    """The statement of ``ballot_context``, built once (building it costs more than running it)."""
    users, user_sessions = User.__table__.alias("voter"), UserSession.__table__
    user_id_ = users.c.id
    meeting_id = Motion.meeting_id
    proxied = sa.select(Proxy.seat_id).where(Proxy.meeting_id == meeting_id)
    substituted = sa.select(Substitute.seat_id).where(Substitute.meeting_id == meeting_id)
    holds = sa.and_(
        Seat.holder_id == user_id_,
        Constituency.body_id == Meeting.body_id,
        ~sa.exists(proxied.where(Proxy.seat_id == Seat.id)),
        ~sa.exists(substituted.where(Substitute.seat_id == Seat.id)),
    )
    substitutes = sa.exists(
        sa.select(Substitute.id).where(
            Substitute.meeting_id == meeting_id,
            Substitute.seat_id == Seat.id,
            Substitute.user_id == user_id_,
            ~sa.exists(proxied.where(Proxy.seat_id == Seat.id)),
        )
    )
    by_proxy = sa.exists(
        sa.select(Proxy.id).where(
            Proxy.meeting_id == meeting_id, Proxy.seat_id == Seat.id, Proxy.holder_id == user_id_
        )
    )
    seat_checked_in = sa.exists(
        sa.select(Attendance.id).where(
            Attendance.meeting_id == meeting_id, Attendance.seat_id == Seat.id
        )
    )
    person_attending = sa.exists(
        sa.select(Attendance.id).where(
            Attendance.meeting_id == meeting_id, Attendance.user_id == user_id_
        )
    )
    recused = sa.exists(
        sa.select(Recusal.id).where(
            Recusal.agenda_item_id == Motion.agenda_item_id, Recusal.seat_id == Seat.id
        )
    )
    member_seat = aliased(Seat)
    member_constituency = aliased(Constituency)
    is_member = sa.exists(
        sa.select(member_seat.id)
        .join(member_constituency, member_constituency.id == member_seat.constituency_id)
        .where(member_constituency.body_id == Meeting.body_id, member_seat.holder_id == user_id_)
    )
    stands_in = sa.exists(
        sa.select(Substitute.id).where(
            Substitute.meeting_id == meeting_id,
            Substitute.user_id == user_id_,
            ~sa.exists(proxied.where(Proxy.seat_id == Substitute.seat_id)),
        )
    )
    holds_proxy = sa.exists(
        sa.select(Proxy.id).where(Proxy.meeting_id == meeting_id, Proxy.holder_id == user_id_)
    )
    holder = aliased(User)
    query = (
        sa.select(
            users.c.id.label("voter_id"),
            Motion.id,
            Motion.meeting_id,
            Motion.status,
            Motion.kind,
            Motion.agenda_item_id,
            Meeting.status.label("meeting_status"),
            Body.confirm_ballots,
            Seat.id.label("seat_id"),
            Seat.number,
            Seat.constituency_id,
            Seat.holder_id,
            Constituency.name.label("constituency_name"),
            holder.name.label("holder_name"),
            holds.label("holds"),
            substitutes.label("substitutes"),
            by_proxy.label("by_proxy"),
            seat_checked_in.label("seat_checked_in"),
            person_attending.label("person_attending"),
            recused.label("recused"),
            sa.or_(is_member, stands_in, holds_proxy).label("has_part"),
        )
        .join(Meeting, Meeting.id == Motion.meeting_id)
        .join(Body, Body.id == Meeting.body_id)
        .join(Seat, Seat.id == sa.bindparam("seat_id"))
        .join(Constituency, Constituency.id == Seat.constituency_id)
        .outerjoin(holder, holder.id == Seat.holder_id)
        .join(user_sessions, user_sessions.c.token_hash == sa.bindparam("token_hash"))
        .join(users, live_session(users, user_sessions, sa.bindparam("token_hash")))
        .where(Motion.id == sa.bindparam("motion_id"))
    )
    if postgresql:
        query = query.with_for_update(read=True, of=Motion)
    return query


def insert_ballot(
    session: Session, context: BallotContext, choice: str, voter_id: int, now: datetime
) -> CastRow | None:
    """Insert the seat's ballot; return it, or None when the seat had already voted.

    A secret ballot's row keeps no choice; the choice is sealed with the seat's constituency
    into a box under the motion's public key, in the same transaction.
    """
    motion, seat = context.motion, context.seat
    secret = motion.kind == MotionKind.SECRET
    values = {
        "motion_id": motion.id,
        "seat_id": seat.id,
        "cast_by_id": voter_id,
        "choice": None if secret else choice,
        "cast_at": now,
    }
    ballot_id = insert_once(session, Ballot.__table__, values, ("motion_id", "seat_id"))
    if ballot_id is None:
        return None
    if secret:
        box = sealing.store().seal(motion.id, seat.constituency_id, choice)
        session.execute(SealedBallot.__table__.insert(), {"motion_id": motion.id, "box": box})
    return CastRow(ballot_id, None if secret else choice)


def earlier_ballot(session: Session, motion_id: int, seat_id: int) -> CastRow | None:
    """The ballot the seat already cast on the motion."""
    row = session.execute(
        sa.select(Ballot.id, Ballot.choice).where(
            Ballot.motion_id == motion_id, Ballot.seat_id == seat_id
        )
    ).first()
    return CastRow(row.id, row.choice) if row else None
