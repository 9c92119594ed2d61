"""Reads of the lists: plain SQLAlchemy on a session, no Flask."""

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from app.lists.rules import NEED_TOPIC_STATUSES
from app.models import (
    Batch,
    Body,
    Meeting,
    Need,
    Pledge,
    Project,
    Resolution,
    Resource,
    ResponsibleUnit,
    Task,
    Topic,
)
from app.models.statuses import BatchStatus, MeetingStatus, ProjectStatus, ResolutionStatus


def needs(session: Session, body: Body) -> list[Need]:
    """The body's needs, oldest first, with their projects."""
    return list(
        session.scalars(
            sa.select(Need)
            .where(Need.body_id == body.id)
            .options(selectinload(Need.projects))
            .order_by(Need.id)
        )
    )


def topics_without_need(session: Session, body: Body) -> list[Topic]:
    """Accepted topics of the body not yet on the needs list."""
    listed = sa.select(Need.topic_id).where(Need.topic_id.is_not(None))
    return list(
        session.scalars(
            sa.select(Topic)
            .where(
                Topic.body_id == body.id,
                Topic.status.in_(NEED_TOPIC_STATUSES),
                Topic.id.not_in(listed),
            )
            .order_by(Topic.id)
        )
    )


def resources(session: Session, body: Body, *, public_only: bool = False) -> list[Resource]:
    """The body's resources, newest first; only those their owner made public when asked."""
    query = sa.select(Resource).where(Resource.body_id == body.id)
    if public_only:
        query = query.where(Resource.public.is_(True))
    return list(session.scalars(query.order_by(Resource.id.desc())))


def projects(session: Session, body: Body) -> list[Project]:
    """The body's projects with their need, batch, lead unit and pledges, in batch order."""
    return list(
        session.scalars(
            sa.select(Project)
            .where(Project.body_id == body.id)
            .options(
                selectinload(Project.pledges),
                selectinload(Project.need),
                selectinload(Project.batch),
                selectinload(Project.lead_unit),
            )
            .order_by(Project.id)
        )
    )


def batches(session: Session, body: Body) -> list[Batch]:
    """The body's batches, 第一批 first."""
    return list(
        session.scalars(
            sa.select(Batch)
            .where(Batch.body_id == body.id)
            .options(selectinload(Batch.projects))
            .order_by(Batch.number)
        )
    )


def units(session: Session) -> list[ResponsibleUnit]:
    """Every responsible unit, by name (a project's lead unit is one of them)."""
    return list(session.scalars(sa.select(ResponsibleUnit).order_by(ResponsibleUnit.name)))


def meetings_in_session(session: Session, body: Body) -> list[Meeting]:
    """The body's meetings in session: a batch is put to the vote at one of them."""
    return list(
        session.scalars(
            sa.select(Meeting).where(
                Meeting.body_id == body.id, Meeting.status == MeetingStatus.IN_SESSION
            )
        )
    )


def proposed_unbatched(session: Session, body: Body) -> list[Project]:
    """Proposed projects of the body in no batch yet."""
    return list(
        session.scalars(
            sa.select(Project).where(
                Project.body_id == body.id,
                Project.status == ProjectStatus.PROPOSED,
                Project.batch_id.is_(None),
            )
        )
    )


def tasks_of_projects(session: Session, project_list: list[Project]) -> dict[int, list[Task]]:
    """The follow-up tasks of each approved project's published resolution, by project id."""
    by_resolution = {p.resolution_id: p.id for p in project_list if p.resolution_id}
    if not by_resolution:
        return {}
    rows = session.scalars(
        sa.select(Task)
        .join(Resolution)
        .where(
            Task.resolution_id.in_(by_resolution),
            Resolution.status == ResolutionStatus.PUBLISHED,
        )
    )
    found: dict[int, list[Task]] = {}
    for task in rows:
        found.setdefault(by_resolution[task.resolution_id], []).append(task)
    return found


def approved_batches_count(session: Session, body: Body) -> int:
    """How many of the body's batches were approved."""
    return session.scalar(
        sa.select(sa.func.count())
        .select_from(Batch)
        .where(Batch.body_id == body.id, Batch.status == BatchStatus.APPROVED)
    )


def pledges(session: Session, body: Body) -> list[Pledge]:
    """Every pledge to the body's projects, by project."""
    return list(
        session.scalars(
            sa.select(Pledge)
            .join(Project)
            .where(Project.body_id == body.id)
            .options(selectinload(Pledge.project))
            .order_by(Pledge.project_id, Pledge.id)
        )
    )
