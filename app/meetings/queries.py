"""Reads of the meetings area: plain SQLAlchemy on a session, no Flask.

What a meeting page shows is loaded here, one query per list; the rules of presence and who
votes for which seat are in :mod:`app.meetings.presence`.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session, contains_eager, selectinload

from app.meetings import presence, rules
from app.models import (
    Attendance,
    AuditEvent,
    Body,
    Constituency,
    FloorMotion,
    Meeting,
    MeetingStatus,
    Motion,
    Recusal,
    Seat,
    SpeechRequest,
    Substitute,
    Topic,
    TopicStatus,
    User,
)


def meetings_of_body(session: Session, body: Body, *, with_drafts: bool) -> list[Meeting]:
    """The body's meetings, latest first; drafts only ``with_drafts`` (for its conveners)."""
    query = sa.select(Meeting).where(Meeting.body_id == body.id)
    if not with_drafts:
        query = query.where(Meeting.status != MeetingStatus.DRAFT)
    return list(session.scalars(query.order_by(Meeting.starts_at.desc())))


def meeting_by_token(session: Session, token: str) -> Meeting | None:
    """The meeting whose room QR code carries ``token``, if any."""
    return session.scalar(sa.select(Meeting).where(Meeting.checkin_token == token))


def accepted_topics(session: Session, meeting: Meeting) -> list[Topic]:
    """The body's accepted topics, which the convener may put on the agenda, oldest first."""
    return list(
        session.scalars(
            sa.select(Topic)
            .where(Topic.body_id == meeting.body_id, Topic.status == TopicStatus.ACCEPTED)
            .order_by(Topic.id)
        )
    )


def public_agenda_changes(
    session: Session, meeting: Meeting, actions: Iterable[str]
) -> list[AuditEvent]:
    """The audited ``actions`` on the meeting made while its agenda was public, oldest first."""
    events = session.scalars(
        sa.select(AuditEvent)
        .where(
            AuditEvent.object_type == "Meeting",
            AuditEvent.object_id == meeting.id,
            AuditEvent.action.in_(list(actions)),
        )
        .order_by(AuditEvent.id)
    )
    return [event for event in events if (event.after or {}).get("public")]


def presence_state(
    session: Session, meeting: Meeting
) -> tuple[list[presence.ConstituencyPresence], rules.Quorum]:
    """Present / expected seats per constituency, and the quorum they make under the body's rule."""
    rows = presence.presence_by_constituency(session, meeting)
    present, seats = sum(r.present for r in rows), sum(r.seats for r in rows)
    return rows, rules.quorum(present, seats, meeting.body.default_rule)


def check_in_state(
    session: Session, meeting: Meeting, user_id: int
) -> tuple[list[Seat], Attendance | None]:
    """A person's seats to check in for, and their check-in once every one of them is in."""
    seats = presence.seats_to_check_in(session, meeting, user_id)
    attendances = presence.attendances_of(session, meeting, [s.id for s in seats])
    done = seats and len(attendances) == len(seats)
    return seats, attendances[0] if done else None


def seats_of_body(session: Session, body_id: int) -> list[Seat]:
    """Every seat of the body in its order, with constituency and holder loaded (for choices)."""
    return list(
        session.scalars(
            sa.select(Seat)
            .join(Seat.constituency)
            .where(Constituency.body_id == body_id)
            .options(contains_eager(Seat.constituency), selectinload(Seat.holder))
            .order_by(Constituency.position, Seat.number)
        )
    )


def substitute_candidates(session: Session, body_id: int) -> list[tuple[User, list[Seat]]]:
    """Who may take a seat of the body as a substitute: its active members, by name.

    Each comes with their seats in this body, so namesakes are told apart by constituency and
    seat (and the last digits of their phone, see ``forms.person_label``). Nobody without a
    seat here is offered: not members of other bodies, nor accounts holding no seat at all.
    """
    seats = session.scalars(
        sa.select(Seat)
        .join(Constituency)
        .join(User, User.id == Seat.holder_id)
        .where(Constituency.body_id == body_id, User.active)
        .options(contains_eager(Seat.constituency))
        .order_by(Constituency.position, Seat.number)
    ).all()
    by_holder: dict[int, list[Seat]] = {}
    for seat in seats:
        by_holder.setdefault(seat.holder_id, []).append(seat)
    people = session.scalars(
        sa.select(User).where(User.id.in_(list(by_holder))).order_by(User.name, User.id)
    ).all()
    return [(person, by_holder[person.id]) for person in people]


def proxy_candidates(session: Session, meeting: Meeting) -> list[User]:
    """Who may carry a proxy: the body's members and the meeting's substitutes, by name."""
    members = (
        sa.select(Seat.holder_id)
        .join(Constituency)
        .where(Constituency.body_id == meeting.body_id, Seat.holder_id.is_not(None))
    )
    substitutes = sa.select(Substitute.user_id).where(Substitute.meeting_id == meeting.id)
    return list(
        session.scalars(
            sa.select(User).where(User.id.in_(members.union(substitutes))).order_by(User.name)
        )
    )


def floor_version(session: Session, item_id: int | None) -> tuple:
    """What the 会场 page's live part depends on: the item's hands and recusals.

    Hands and speeches as (id, status) pairs and the recusals' ids (an item has a few dozen).
    """
    if item_id is None:
        return ()
    hands = session.execute(
        sa.select(SpeechRequest.id, SpeechRequest.status)
        .where(SpeechRequest.agenda_item_id == item_id)
        .order_by(SpeechRequest.id)
    ).all()
    recused = session.scalars(
        sa.select(Recusal.id).where(Recusal.agenda_item_id == item_id).order_by(Recusal.id)
    ).all()
    moved = session.execute(
        sa.select(FloorMotion.id, FloorMotion.status)
        .where(FloorMotion.agenda_item_id == item_id)
        .order_by(FloorMotion.id)
    ).all()
    motions = session.execute(
        sa.select(Motion.id, Motion.status, sa.func.length(Motion.text))
        .where(Motion.agenda_item_id == item_id)
        .order_by(Motion.id)
    ).all()
    return (
        tuple(tuple(h) for h in hands),
        tuple(recused),
        tuple(tuple(m) for m in moved),
        tuple(tuple(m) for m in motions),
    )
