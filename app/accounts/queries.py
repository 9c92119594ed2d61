"""Reads of the accounts area: what a person's own page (我的) gathers, their sign-in links.

Plain SQLAlchemy on a session, no Flask.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from app.followup.rules import FINISHED
from app.models import (
    Attendance,
    Body,
    Constituency,
    Meeting,
    MeetingStatus,
    Motion,
    MotionStatus,
    Resolution,
    ResponsibleUnit,
    Seat,
    SignInLink,
    Task,
    Topic,
    TopicStatus,
    UnitStaff,
    User,
)
from app.models.statuses import ResolutionStatus


@dataclass(frozen=True)
class MeetingToAttend:
    """A published or running meeting of a body where the person holds a seat."""

    meeting: Meeting
    checked_in: bool
    voting_open: bool


@dataclass(frozen=True)
class UnitWork:
    """A responsible unit the person works for, with its unfinished tasks."""

    unit: ResponsibleUnit
    open_tasks: int


def member_bodies(session: Session, user: User) -> list[Body]:
    """Bodies where the person holds a seat."""
    # DISTINCT over the whole row fails on PostgreSQL (bodies has JSON columns): pick ids first.
    held = (
        sa.select(Constituency.body_id)
        .join(Seat, Seat.constituency_id == Constituency.id)
        .where(Seat.holder_id == user.id)
    )
    query = sa.select(Body).where(Body.id.in_(held)).order_by(Body.id)
    return list(session.scalars(query))


def seats_held(session: Session, user: User) -> list[Seat]:
    """The seats the person holds, in every body."""
    query = sa.select(Seat).join(Constituency).where(Seat.holder_id == user.id)
    return list(session.scalars(query))


def sign_in_links(session: Session, person: User) -> list[SignInLink]:
    """The person's personal sign-in links, newest first (revoked and expired ones too)."""
    query = (
        sa.select(SignInLink).where(SignInLink.user_id == person.id).order_by(SignInLink.id.desc())
    )
    return list(session.scalars(query))


def meetings_to_attend(session: Session, bodies: list[Body], user: User) -> list[MeetingToAttend]:
    """Running meetings first, then published ones by date, with check-in and voting state."""
    if not bodies:
        return []
    meetings = session.scalars(
        sa.select(Meeting)
        .where(
            Meeting.body_id.in_([b.id for b in bodies]),
            Meeting.status.in_((MeetingStatus.PUBLISHED, MeetingStatus.IN_SESSION)),
        )
        .options(selectinload(Meeting.body))
        .order_by((Meeting.status == MeetingStatus.IN_SESSION).desc(), Meeting.starts_at)
    ).all()
    ids = [m.id for m in meetings]
    checked_in = set(
        session.scalars(
            sa.select(Attendance.meeting_id).where(
                Attendance.meeting_id.in_(ids), Attendance.user_id == user.id
            )
        )
    )
    voting = set(
        session.scalars(
            sa.select(Motion.meeting_id).where(
                Motion.meeting_id.in_(ids), Motion.status == MotionStatus.OPEN
            )
        )
    )
    return [MeetingToAttend(m, m.id in checked_in, m.id in voting) for m in meetings]


def units_worked_for(session: Session, user: User) -> list[UnitWork]:
    """Units whose tasks the person handles, with how many are not finished yet.

    Tasks of a draft resolution are not counted: the unit sees them once it is published.
    """
    published = sa.select(Resolution.id).where(Resolution.status == ResolutionStatus.PUBLISHED)
    rows = session.execute(
        sa.select(ResponsibleUnit, sa.func.count(Task.id))
        .join(UnitStaff, UnitStaff.unit_id == ResponsibleUnit.id)
        .outerjoin(
            Task,
            sa.and_(
                Task.unit_id == ResponsibleUnit.id,
                Task.status.not_in(FINISHED),
                Task.resolution_id.in_(published),
            ),
        )
        .where(UnitStaff.user_id == user.id)
        .group_by(ResponsibleUnit.id)
        .order_by(ResponsibleUnit.id)
    ).all()
    return [UnitWork(unit, count) for unit, count in rows]


def topics_raised(session: Session, user: User) -> list[Topic]:
    """Topics the person raised while signed in, newest first."""
    return list(
        session.scalars(
            sa.select(Topic).where(Topic.submitter_id == user.id).order_by(Topic.id.desc())
        )
    )


def waiting_topics(session: Session, bodies: list[Body]) -> dict[int, int]:
    """For each body a convener runs, how many topics wait for triage."""
    if not bodies:
        return {}
    rows = session.execute(
        sa.select(Topic.body_id, sa.func.count())
        .where(Topic.body_id.in_([b.id for b in bodies]), Topic.status == TopicStatus.SUBMITTED)
        .group_by(Topic.body_id)
    ).all()
    return dict(rows)


def sitting_meeting_id(session: Session, user: User) -> int | None:
    """The meeting in session of a body where the person holds a seat (the earliest started)."""
    return session.scalar(
        sa.select(Meeting.id)
        .join(Constituency, Constituency.body_id == Meeting.body_id)
        .join(Seat, Seat.constituency_id == Constituency.id)
        .where(Seat.holder_id == user.id, Meeting.status == MeetingStatus.IN_SESSION)
        .order_by(Meeting.starts_at, Meeting.id)
        .limit(1)
    )
