"""The chair's nudge (提醒) to a seat that has not voted yet (no Flask here).

The convener sees which present seats have not voted (seats only, never a choice, for
roll-call and secret votes alike) and can nudge one with a tap: its voter — the proxy holder if
it has one, else its substitute, else its holder — sees a notice on their 会场 page while the
vote is open and the seat has not voted.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.meetings.presence import seat_attendee_id
from app.meetings.rules import MeetingError
from app.models import Ballot, Meeting, Motion, MotionStatus, Nudge, Proxy, Seat


def voter_of(session: Session, meeting: Meeting, seat: Seat) -> int | None:
    """Who casts the seat's vote at the meeting: proxy holder, else substitute, else holder."""
    holder = session.scalar(
        sa.select(Proxy.holder_id).where(Proxy.meeting_id == meeting.id, Proxy.seat_id == seat.id)
    )
    return holder or seat_attendee_id(session, meeting, seat)


def nudge(session: Session, meeting: Meeting, motion: Motion, seat: Seat, sent_by_id: int) -> Nudge:
    """Nudge the seat's voter; refused ("not_open", "already_voted", "no_voter") otherwise."""
    if motion.meeting_id != meeting.id or motion.status != MotionStatus.OPEN:
        raise MeetingError("not_open")
    voted = session.scalar(
        sa.select(Ballot.id).where(Ballot.motion_id == motion.id, Ballot.seat_id == seat.id)
    )
    if voted is not None:
        raise MeetingError("already_voted")
    voter = voter_of(session, meeting, seat)
    if voter is None:
        raise MeetingError("no_voter")
    row = Nudge(motion_id=motion.id, seat_id=seat.id, user_id=voter, sent_by_id=sent_by_id)
    session.add(row)
    return row


def notices_for(session: Session, meeting_id: int, user_id: int) -> list[tuple[int, str]]:
    """The open votes on which the person was nudged for a seat that has still not voted.

    As (motion id, motion text), oldest first, each once.
    """
    voted = sa.select(Ballot.id).where(
        Ballot.motion_id == Nudge.motion_id, Ballot.seat_id == Nudge.seat_id
    )
    rows = session.execute(
        sa.select(Motion.id, Motion.text)
        .join(Nudge, Nudge.motion_id == Motion.id)
        .where(
            Motion.meeting_id == meeting_id,
            Motion.status == MotionStatus.OPEN,
            Nudge.user_id == user_id,
            ~voted.exists(),
        )
        .distinct()
        .order_by(Motion.id)
    ).all()
    return [tuple(row) for row in rows]
