"""Reads of the open data: plain SQLAlchemy on a session, no Flask; published data only.

Each accepts the slug of one body (``?body=``) or None for all bodies.
"""

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from app.models import Body, Meeting, Motion, Resolution, Task, TaskPart
from app.models.statuses import MeetingStatus, MotionStatus, ResolutionStatus


def _published(session: Session, query: sa.Select, body_slug: str | None) -> list:
    """The rows of ``query`` (which reads ``Resolution``) of published resolutions, of one body."""
    query = query.where(Resolution.status == ResolutionStatus.PUBLISHED)
    if body_slug:
        query = query.where(Resolution.body.has(Body.slug == body_slug))
    return list(session.scalars(query))


def published_resolutions(session: Session, body_slug: str | None = None) -> list[Resolution]:
    """Published resolutions, newest first, with their body and motion (the frozen result)."""
    query = (
        sa.select(Resolution)
        .options(selectinload(Resolution.body), selectinload(Resolution.motion))
        .order_by(Resolution.published_at.desc(), Resolution.id.desc())
    )
    return _published(session, query, body_slug)


def published_tasks(session: Session, body_slug: str | None = None) -> list[Task]:
    """Tasks of published resolutions, oldest first, with their unit and resolution."""
    query = (
        sa.select(Task)
        .join(Resolution)
        .options(
            selectinload(Task.unit),
            selectinload(Task.resolution),
            selectinload(Task.updates),
            selectinload(Task.parts).selectinload(TaskPart.unit),
        )
        .order_by(Task.id)
    )
    return _published(session, query, body_slug)


def published_meetings(session: Session, body_slug: str | None = None) -> list[Meeting]:
    """Meetings whose agenda is public (every status but draft), by start, with their items."""
    query = (
        sa.select(Meeting)
        .where(Meeting.status != MeetingStatus.DRAFT)
        .options(selectinload(Meeting.items))
        .order_by(Meeting.starts_at, Meeting.id)
    )
    if body_slug:
        query = query.where(Meeting.body.has(Body.slug == body_slug))
    return list(session.scalars(query))


def public_counted_motions(session: Session, body_slug: str | None = None) -> list[Motion]:
    """Counted motions whose result is public, oldest first.

    A result is public once its meeting is closed and the body's minutes are public, or when it
    became a published resolution (公示).
    """
    published = sa.exists().where(
        Resolution.motion_id == Motion.id, Resolution.status == ResolutionStatus.PUBLISHED
    )
    query = (
        sa.select(Motion)
        .join(Meeting, Motion.meeting_id == Meeting.id)
        .join(Body, Meeting.body_id == Body.id)
        .where(
            Motion.status == MotionStatus.CLOSED,
            sa.or_(
                sa.and_(
                    Meeting.status == MeetingStatus.CLOSED, Body.minutes_members_only.is_(False)
                ),
                published,
            ),
        )
        .options(selectinload(Motion.meeting).selectinload(Meeting.body))
        .order_by(Motion.closed_at, Motion.id)
    )
    if body_slug:
        query = query.where(Body.slug == body_slug)
    return list(session.scalars(query))
