"""Reads of the voting pages: plain SQLAlchemy on a session, no Flask."""

import functools

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.accounts.sessions import live_session
from app.meetings import rules as meeting_rules
from app.meetings.presence import presence_by_constituency, seats_voted_by
from app.meetings.recusal import recused_seat_ids
from app.models import Ballot, Meeting, Motion, Seat, User, UserSession
from app.models.accounts import hash_token
from app.models.statuses import MeetingStatus, MotionStatus


def open_motions(session: Session, meeting: Meeting) -> list[Motion]:
    """The meeting's open motions, oldest first."""
    return list(
        session.scalars(
            sa.select(Motion)
            .where(Motion.meeting_id == meeting.id, Motion.status == MotionStatus.OPEN)
            .order_by(Motion.id)
        )
    )


def open_motions_for_session(connection, token: str, meeting_id: int) -> list | None:
    """The ballot page's change check in one query: the live session, the meeting, its open votes.

    Returns the ids of the meeting's open motions, oldest first, when ``token`` names a live
    session and the meeting is published (not a draft); None otherwise — the caller then
    answers the slow way, which signs in, refuses or 404s as usual. The session is checked in
    the same query, so a session that was ended is refused at the very next poll.
    ``connection`` may be a session or a connection (the view uses one in autocommit: a read
    of one statement needs no BEGIN and ROLLBACK, two round trips of three).
    """
    if not token or len(token) > 100:
        return None
    params = {"token_hash": hash_token(token), "meeting_id": meeting_id}
    rows = connection.execute(_open_motions_for_session(), params).all()
    if not rows or rows[0].status == MeetingStatus.DRAFT:
        return None
    return [row.motion_id for row in rows if row.motion_id is not None]


@functools.cache
def _open_motions_for_session() -> sa.Select:
    """The statement of ``open_motions_for_session``, built once, on the tables (Core)."""
    users, user_sessions = User.__table__, UserSession.__table__
    meetings, motions = Meeting.__table__, Motion.__table__
    return (
        sa.select(users.c.id, meetings.c.status, motions.c.id.label("motion_id"))
        .select_from(users)
        .join(user_sessions, live_session(users, user_sessions, sa.bindparam("token_hash")))
        .join(meetings, meetings.c.id == sa.bindparam("meeting_id"))
        .outerjoin(
            motions,
            sa.and_(motions.c.meeting_id == meetings.c.id, motions.c.status == MotionStatus.OPEN),
        )
        .order_by(motions.c.id)
    )


def projected_motion(session: Session, meeting: Meeting) -> Motion | None:
    """The motion the projector shows: the current item's latest one that was not cancelled."""
    if meeting.current_item_id is None:
        return None
    return session.scalar(
        sa.select(Motion)
        .where(
            Motion.agenda_item_id == meeting.current_item_id,
            Motion.status != MotionStatus.CANCELLED,
        )
        .order_by(Motion.id.desc())
        .limit(1)
    )


def ballot_sheet(
    session: Session, meeting: Meeting, seats: list[Seat]
) -> tuple[list[Motion], dict[tuple[int, int], Ballot]]:
    """What a member votes on now and what they cast: (open motions, {(motion, seat): ballot}).

    Motions are offered only while the meeting is in session; the ballots are those the given
    seats cast on them, in one query.
    """
    if meeting.status != MeetingStatus.IN_SESSION:
        return [], {}
    motions = open_motions(session, meeting)
    if not motions or not seats:
        return motions, {}
    rows = session.scalars(
        sa.select(Ballot).where(
            Ballot.motion_id.in_([m.id for m in motions]),
            Ballot.seat_id.in_([s.id for s in seats]),
        )
    )
    return motions, {(b.motion_id, b.seat_id): b for b in rows}


def recused_pairs(session: Session, motions: list[Motion], seats: list[Seat]) -> set:
    """(motion id, seat id) of the given seats that stand aside (回避) on a motion's item."""
    pairs = set()
    for motion in motions:
        recused = recused_seat_ids(session, motion.agenda_item_id)
        pairs |= {(motion.id, seat.id) for seat in seats if seat.id in recused}
    return pairs


def present_per_constituency(session: Session, meeting: Meeting) -> dict[int, int]:
    """Present seats per constituency id: where the show-of-hands form starts from."""
    present = {p.key: p.present for p in presence_by_constituency(session, meeting)}
    return {c.id: present.get(c.key, 0) for c in meeting.body.constituencies}


def ballot_link_counts(session: Session, meeting: Meeting, user_id: int) -> tuple[int, int]:
    """(open motions, seats this person votes for now): what the "去投票" button says.

    The seats are looked up only while a vote is open, since the button polls every 5 s.
    """
    motions = open_motions(session, meeting)
    seats = seats_voted_by(session, meeting, user_id) if motions else []
    return len(motions), len(seats)


def has_ballots(session: Session, motion_id: int) -> bool:
    """Whether anyone has voted on the motion: from then on it can no longer be withdrawn."""
    return session.scalar(sa.select(sa.exists().where(Ballot.motion_id == motion_id))) or False


def rescindable_motions(session: Session, body_id: int) -> list[Motion]:
    """The body's counted motions, newest first: what a new motion may rescind (复议)."""
    return list(
        session.scalars(
            sa.select(Motion)
            .join(Meeting, Motion.meeting_id == Meeting.id)
            .where(Meeting.body_id == body_id, Motion.status == MotionStatus.CLOSED)
            .order_by(Motion.id.desc())
        )
    )


def quorum_now(session: Session, motion: Motion) -> meeting_rules.Quorum:
    """Whether the motion's own quorum test holds with the seats present now (before opening)."""
    presence = presence_by_constituency(session, motion.meeting)
    present = sum(p.present for p in presence)
    seats = sum(p.seats for p in presence)
    return meeting_rules.quorum(present, seats, motion.rule)
