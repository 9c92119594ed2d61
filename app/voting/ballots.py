"""Ballots and counts of a motion: opening, casting, sealed secret choices, progress and freezing.

Plain SQLAlchemy on a session the caller owns: the views add the audit event and commit once, so
a ballot, its sealed choice and its audit event exist together or not at all.

Secrecy (README, "Secret ballots"; app/voting/sealing.py): for a secret motion a ballot row only
says that a seat voted (its choice stays NULL), and the choice with its constituency is written
as a sealed box under the motion's public key. Nothing in the database can open it: the private
key is a file outside the database, made when the vote opens and destroyed once the count is
committed. The count opens the boxes, writes only the totals into the motion's counters (made at
open, so their order says nothing) and deletes the boxes. No counter changes while the vote is
open, so neither SQLite's WAL nor PostgreSQL's old row versions show which total went up when a
seat voted; they show a box being written, which is random bytes without the key.
"""

from __future__ import annotations

import functools
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.accounts.sessions import live_session
from app.counting import tally
from app.meetings.presence import present_seat_ids
from app.meetings.recusal import recused_per_constituency, recused_seat_ids
from app.meetings.speakers import FloorRules
from app.models import (
    Attendance,
    Ballot,
    Constituency,
    Convener,
    HandCount,
    Meeting,
    Motion,
    Proxy,
    SealedBallot,
    Seat,
    SecretCount,
    Substitute,
    User,
    UserSession,
)
from app.models.accounts import hash_token
from app.models.statuses import Choice, MotionKind, MotionStatus
from app.voting import sealing

#: The choices as plain strings: the keys of the counts in a tally case and in a frozen result.
CHOICES = tuple(choice.value for choice in Choice)


def locked_motion(session: Session, motion_id: int, *, exclusive: bool = False) -> Motion | None:
    """Load a motion, locking its row on PostgreSQL until the transaction ends.

    Casting takes a shared lock and closing an exclusive one, so a close waits for the ballots
    being cast and a ballot that comes after the close sees it closed: no ballot is ever
    confirmed to a voter and then left out of the frozen count. (SQLite writers already take
    turns: every writing request begins with BEGIN IMMEDIATE, see ``app.database``.)
    """
    query = sa.select(Motion).where(Motion.id == motion_id)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(read=not exclusive, of=Motion)
    return session.scalars(query.execution_options(populate_existing=True)).first()


def open_motion(session: Session, motion: Motion, now: datetime) -> None:
    """Open the motion; a secret one gets its key pair and its counters, all at 0.

    The counters (every constituency × choice) are made here, before any ballot, so their order
    in the table says nothing about who voted when; they are written again only by the count.
    """
    motion.status = MotionStatus.OPEN
    motion.opened_at = now
    if motion.kind == MotionKind.SECRET:
        ids = session.scalars(
            sa.select(Constituency.id)
            .where(Constituency.body_id == motion.meeting.body_id)
            .order_by(Constituency.id)
        ).all()
        session.add_all(
            SecretCount(motion_id=motion.id, constituency_id=cid, choice=choice, count=0)
            for cid in ids
            for choice in CHOICES
        )
        sealing.store().create(motion.id)


def cast(
    session: Session, motion: Motion, seat: Seat, choice: str, voter_id: int, now: datetime
) -> Ballot | None:
    """Record a seat's ballot; return it, or None when the seat had already voted.

    One ballot per seat and motion is the database's UNIQUE(motion_id, seat_id): the insert
    is tried in a savepoint and a duplicate is caught, so a hundred simultaneous taps make one
    ballot. A secret ballot keeps no choice: the choice is sealed into a box of fixed length in
    the same savepoint, so a ballot and its box exist together or not at all.
    """
    secret = motion.kind == MotionKind.SECRET
    ballot = Ballot(
        motion_id=motion.id,
        seat_id=seat.id,
        cast_by_id=voter_id,
        choice=None if secret else choice,
        cast_at=now,
    )
    try:
        with session.begin_nested():
            session.add(ballot)
            session.flush()
            if secret:
                box = sealing.store().seal(motion.id, seat.constituency_id, choice)
                session.add(SealedBallot(motion_id=motion.id, box=box))
                session.flush()
    except IntegrityError:
        return None
    return ballot


def ballot_of(session: Session, motion_id: int, seat_id: int) -> Ballot | None:
    """The ballot a seat cast on a motion, if any."""
    return session.scalar(
        sa.select(Ballot).where(Ballot.motion_id == motion_id, Ballot.seat_id == seat_id)
    )


def voted_seat_ids(session: Session, motion_id: int, seat_ids) -> set[int]:
    """Which of ``seat_ids`` have voted on the motion."""
    if not seat_ids:
        return set()
    return set(
        session.scalars(
            sa.select(Ballot.seat_id).where(
                Ballot.motion_id == motion_id, Ballot.seat_id.in_(list(seat_ids))
            )
        )
    )


# --- progress while open ---------------------------------------------------------------------


@dataclass
class ConstituencyProgress:
    """One constituency's seats, present seats and ballots so far."""

    id: int
    key: str
    name: str
    seats: int
    present: int = 0
    voted: int = 0
    totals: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CHOICES, 0))


@dataclass
class Progress:
    """How far a vote has got: per constituency, who is still to vote (roll-call), totals."""

    rows: list[ConstituencyProgress]
    #: Present seats that have not voted, as (constituency name, seat number, name, seat id):
    #: seats only, never a choice, so secret votes list them too (not a show of hands).
    waiting: list[tuple[str, int, str, int]]
    #: Whether ``totals`` were counted (only when the convener shows running totals).
    with_totals: bool

    @property
    def present(self) -> int:
        """Present seats in all."""
        return sum(row.present for row in self.rows)

    @property
    def voted(self) -> int:
        """Seats that voted in all."""
        return sum(row.voted for row in self.rows)


def shows_running_totals(motion: Motion) -> bool:
    """Running yes/no totals are shown only when the convener turned them on, never if secret.

    Totals that change as each person votes in a secret ballot would tell the room how the
    person who just tapped voted; a body may also hide them for every vote until it closes.
    """
    if FloorRules.from_json(motion.meeting.body.floor_rules).hide_running_totals:
        return False
    return motion.show_running_totals and motion.allows_running_totals


def progress(session: Session, motion: Motion) -> Progress:
    """Voted / present per constituency, who has not voted (roll-call), and running totals.

    A fixed handful of queries whatever the size of the body: this runs every two seconds on
    every convener page and projector.
    """
    meeting = motion.meeting
    rows = {
        c.id: ConstituencyProgress(c.id, c.key, c.name, c.seats)
        for c in session.scalars(
            sa.select(Constituency)
            .where(Constituency.body_id == meeting.body_id)
            .order_by(Constituency.position, Constituency.id)
        )
    }
    present = present_seat_ids(session, meeting.id)
    seats = session.execute(
        sa.select(Seat.id, Seat.constituency_id, Seat.number, User.name)
        .join(Constituency)
        .outerjoin(User, Seat.holder_id == User.id)
        .where(Constituency.body_id == meeting.body_id)
        .order_by(Constituency.position, Seat.number)
    ).all()
    ballots = dict(
        session.execute(
            sa.select(Ballot.seat_id, Ballot.choice).where(Ballot.motion_id == motion.id)
        ).all()
    )
    with_totals = shows_running_totals(motion)
    recused = recused_seat_ids(session, motion.agenda_item_id)
    waiting = []
    for seat_id, constituency_id, number, name in seats:
        row = rows[constituency_id]
        if seat_id in present or seat_id in ballots:
            row.present += 1
        if seat_id in ballots:
            row.voted += 1
            if with_totals and ballots[seat_id]:
                row.totals[ballots[seat_id]] += 1
        elif seat_id in present and seat_id not in recused and motion.kind != MotionKind.HANDS:
            waiting.append((row.name, number, name or "", seat_id))
    return Progress(list(rows.values()), waiting, with_totals)


def progress_version(connection, motion_id: int, token: str) -> str | None:
    """A fingerprint of what the progress panel shows, from one query: no counting.

    The convener's page polls the panel every two seconds; while nothing changed the answer is
    304 and the fingerprint is all the server computes (before Flask: voting/unchanged_polls.py).
    It covers the motion's state and its running-totals switch, and the number and latest id of
    the motion's ballots and of the meeting's check-ins, proxies and substitutes, so any ballot,
    check-in, proxy or substitute added or removed changes it. (A member renamed in the middle
    of a vote shows with the next ballot or check-in.)

    The same query checks the session: None unless ``token`` names a live session
    (``sessions.live_session``) of an administrator or a convener of the motion's body — the
    people ``policy.is_convener`` lets run it — and the motion exists.
    """
    if not token or len(token) > 100:
        return None
    params = {"motion_id": motion_id, "token_hash": hash_token(token)}
    row = connection.execute(_progress_query(), params).first()
    if row is None or not row.runs:
        return None
    state = (row.id, str(row.status), str(row.kind), row.show_running_totals, row.closed_at)
    counts = tuple(row)[len(_PROGRESS_STATE) :]
    return hashlib.sha256(repr((state, counts)).encode()).hexdigest()[:32]


_PROGRESS_STATE = ("id", "status", "kind", "show_running_totals", "closed_at", "runs")


@functools.cache
def _progress_query() -> sa.Select:
    """The statement of ``progress_version``, built once, on the tables (Core)."""
    users, user_sessions = User.__table__, UserSession.__table__
    motions, meetings = Motion.__table__, Meeting.__table__
    conveners = Convener.__table__
    meeting_id = motions.c.meeting_id
    parts = []
    for table, where in (
        (Ballot.__table__, Ballot.__table__.c.motion_id == motions.c.id),
        (Attendance.__table__, Attendance.__table__.c.meeting_id == meeting_id),
        (Proxy.__table__, Proxy.__table__.c.meeting_id == meeting_id),
        (Substitute.__table__, Substitute.__table__.c.meeting_id == meeting_id),
    ):
        parts.append(sa.select(sa.func.count()).select_from(table).where(where).scalar_subquery())
        parts.append(sa.select(sa.func.max(table.c.id)).where(where).scalar_subquery())
    runs = sa.or_(
        users.c.is_admin,
        sa.exists().where(
            conveners.c.body_id == meetings.c.body_id, conveners.c.user_id == users.c.id
        ),
    )
    return (
        sa.select(
            motions.c.id,
            motions.c.status,
            motions.c.kind,
            motions.c.show_running_totals,
            motions.c.closed_at,
            runs.label("runs"),
            *parts,
        )
        .join(meetings, meetings.c.id == meeting_id)
        .join(user_sessions, user_sessions.c.token_hash == sa.bindparam("token_hash"))
        .join(users, live_session(users, user_sessions, sa.bindparam("token_hash")))
        .where(motions.c.id == sa.bindparam("motion_id"))
    )


# --- closing ---------------------------------------------------------------------------------


def record_hand_counts(session: Session, motion: Motion, counts: dict[int, dict]) -> None:
    """Store the show-of-hands counts typed by the convener: {constituency id: {present, ...}}."""
    for constituency_id, numbers in counts.items():
        session.merge(HandCount(motion_id=motion.id, constituency_id=constituency_id, **numbers))
    session.flush()


def case_for(session: Session, motion: Motion) -> dict:
    """The tally case of docs/counting.md for the motion, from the data as it stands now.

    Constituencies are identified by their key. Present seats are the meeting's present
    seats plus any seat that voted (a seat that voted was present when it voted); for a show
    of hands both come from the convener's counts. Roll-call votes are counted from the
    ballots, secret votes from their counters.
    """
    constituencies = session.scalars(
        sa.select(Constituency)
        .where(Constituency.body_id == motion.meeting.body_id)
        .order_by(Constituency.position, Constituency.id)
    ).all()
    keys = {c.id: c.key for c in constituencies}
    present = dict.fromkeys(keys.values(), 0)
    votes = {key: dict.fromkeys(CHOICES, 0) for key in keys.values()}
    if motion.kind == MotionKind.HANDS:
        for hands in session.scalars(sa.select(HandCount).where(HandCount.motion_id == motion.id)):
            key = keys[hands.constituency_id]
            present[key] = hands.present
            votes[key] = {choice: getattr(hands, choice) for choice in CHOICES}
    else:
        _count_ballots(session, motion, keys, present, votes)
    case = {
        "constituencies": [
            {"id": c.key, "name": c.name, "seats": c.seats, "share": c.share}
            for c in constituencies
        ],
        "present": present,
        "votes": votes,
        "rule": motion.rule,
    }
    if recused := recused_seat_ids(session, motion.agenda_item_id):
        case["recused"] = _recused(session, motion, keys, recused, present)
    return case


def _recused(session, motion, keys, recused, present) -> dict[str, int]:
    """Present seats standing aside (回避) on the motion's item, per constituency key.

    For a show of hands the present seats are the convener's counts, so the seats standing
    aside are counted among the checked-in ones, at most the present count.
    """
    seat_key = {
        seat_id: keys[constituency_id]
        for seat_id, constituency_id in session.execute(
            sa.select(Seat.id, Seat.constituency_id).where(Seat.constituency_id.in_(keys))
        )
    }
    counts = recused_per_constituency(
        seat_key, recused, present_seat_ids(session, motion.meeting_id)
    )
    return {key: min(n, present[key]) for key, n in counts.items()}


def _count_ballots(session, motion, keys, present, votes) -> None:
    """Fill ``present`` and ``votes`` from the ballots (roll-call) or the counters (secret)."""
    seat_constituency = dict(
        session.execute(
            sa.select(Seat.id, Seat.constituency_id).where(Seat.constituency_id.in_(keys))
        ).all()
    )
    ballots = session.execute(
        sa.select(Ballot.seat_id, Ballot.choice).where(Ballot.motion_id == motion.id)
    ).all()
    attending = present_seat_ids(session, motion.meeting_id) | {s for s, _ in ballots}
    for seat_id in attending:
        present[keys[seat_constituency[seat_id]]] += 1
    if motion.kind == MotionKind.SECRET:
        counters = session.execute(
            sa.select(SecretCount.constituency_id, SecretCount.choice, SecretCount.count).where(
                SecretCount.motion_id == motion.id
            )
        )
        for constituency_id, choice, number in counters:
            votes[keys[constituency_id]][choice] += number
        return
    per_constituency = defaultdict(int)
    for seat_id, choice in ballots:
        per_constituency[(seat_constituency[seat_id], choice)] += 1
    for (constituency_id, choice), number in per_constituency.items():
        votes[keys[constituency_id]][choice] = number


def unseal(session: Session, motion: Motion) -> None:
    """Open the motion's sealed boxes into its counters, then delete the boxes.

    The totals must match the ballots: per constituency, as many boxes as seats that voted.
    Boxes that do not open under the motion's key, or that do not match the ballots (a box
    added or removed behind the app's back), refuse the count with ``SealingError``.
    """
    boxes = session.scalars(
        sa.select(SealedBallot.box).where(SealedBallot.motion_id == motion.id)
    ).all()
    opened = sealing.store().open_all(motion.id, boxes)
    totals = defaultdict(int)
    for constituency_id, choice in opened:
        totals[(constituency_id, choice)] += 1
    voted = defaultdict(int)
    for (constituency_id,) in session.execute(
        sa.select(Seat.constituency_id)
        .join(Ballot, Ballot.seat_id == Seat.id)
        .where(Ballot.motion_id == motion.id)
    ):
        voted[constituency_id] += 1
    boxed = defaultdict(int)
    for (constituency_id, _), number in totals.items():
        boxed[constituency_id] += number
    if dict(boxed) != dict(voted):
        raise sealing.SealingError(f"the sealed ballots of motion {motion.id} do not match")
    for counter in session.scalars(
        sa.select(SecretCount).where(SecretCount.motion_id == motion.id)
    ):
        counter.count = totals.pop((counter.constituency_id, counter.choice), 0)
    if totals:
        raise sealing.SealingError(f"a sealed ballot of motion {motion.id} has no counter")
    session.execute(sa.delete(SealedBallot).where(SealedBallot.motion_id == motion.id))
    session.flush()


def freeze(session: Session, motion: Motion, now: datetime, locale: str) -> dict:
    """Close the motion: count it now and keep the rule, inputs and result for good.

    ``motion.frozen`` holds {"rule", "constituencies", "present", "votes", "result"}; the
    result is never recomputed from later data. A secret motion's boxes are opened and counted
    first (``unseal``); its key is destroyed when this transaction commits.
    """
    if motion.kind == MotionKind.SECRET:
        unseal(session, motion)
    case = case_for(session, motion)
    result = tally.tally_case(case, locale)
    motion.frozen = {**case, "result": result.to_json()}
    motion.passed = result.passed
    motion.status = MotionStatus.CLOSED
    motion.closed_at = now
    return motion.frozen
