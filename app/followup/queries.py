"""Reads of the follow-up area: plain SQLAlchemy on a session, no Flask."""

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from app.followup.workdays import WorkCalendar
from app.models import (
    AgendaItem,
    BodyUnit,
    Meeting,
    Motion,
    Objection,
    Rating,
    Resolution,
    ResolutionCorrection,
    ResponsibleUnit,
    Task,
    TaskPart,
    Topic,
    UnitStaff,
)
from app.models.accounts import hash_token
from app.models.followup import WorkCalendarDay, WorkCalendarYear
from app.models.statuses import MeetingStatus, ResolutionStatus, TaskStatus, TopicStatus

#: Topics a new resolution may answer: those still open in the body, or already decided.
ANSWERABLE = (TopicStatus.ACCEPTED, TopicStatus.ON_AGENDA, TopicStatus.DECIDED)


def answerable_topics(session: Session, motion: Motion, own: list[Topic]) -> list[Topic]:
    """Topics a resolution of ``motion`` may answer: the body's open or decided ones, and ``own``.

    Newest first.
    """
    open_ids = sa.select(Topic.id).where(
        Topic.body_id == motion.meeting.body_id, Topic.status.in_(ANSWERABLE)
    )
    own_ids = [t.id for t in own]
    return list(
        session.scalars(
            sa.select(Topic)
            .where(sa.or_(Topic.id.in_(open_ids), Topic.id.in_(own_ids)))
            .order_by(Topic.id.desc())
        )
    )


def topics_by_id(session: Session, ids: list[int]) -> list[Topic]:
    """The topics with these ids (the ones a convener ticked)."""
    return list(session.scalars(sa.select(Topic).where(Topic.id.in_(ids))))


def corrections_of(session: Session, resolution_id: int) -> list[ResolutionCorrection]:
    """The corrections of a resolution, oldest first."""
    return list(
        session.scalars(
            sa.select(ResolutionCorrection)
            .where(ResolutionCorrection.resolution_id == resolution_id)
            .order_by(ResolutionCorrection.id)
        )
    )


def units_by_name(session: Session) -> list[ResponsibleUnit]:
    """Every responsible unit, by name."""
    return list(session.scalars(sa.select(ResponsibleUnit).order_by(ResponsibleUnit.name)))


def unit_staff(session: Session) -> list[UnitStaff]:
    """Every staff member of every unit, with the person and the unit loaded."""
    return list(
        session.scalars(
            sa.select(UnitStaff).options(selectinload(UnitStaff.user), selectinload(UnitStaff.unit))
        )
    )


def round_ratings(session: Session, task: Task) -> list[Rating]:
    """The ratings of ``task``'s current round."""
    return list(
        session.scalars(
            sa.select(Rating).where(Rating.task_id == task.id, Rating.round == task.round)
        )
    )


def tasks_of_body(session: Session, body_id: int) -> list[Task]:
    """Every task of the body's resolutions, with unit and resolution loaded."""
    return list(
        session.scalars(
            sa.select(Task)
            .join(Resolution)
            .where(Resolution.body_id == body_id)
            .options(selectinload(Task.unit), selectinload(Task.resolution))
        )
    )


def draft_resolutions(session: Session, body_id: int) -> list[Resolution]:
    """The body's resolutions not yet published."""
    return list(
        session.scalars(
            sa.select(Resolution).where(
                Resolution.body_id == body_id, Resolution.status == ResolutionStatus.DRAFT
            )
        )
    )


def tasks_of_unit(session: Session, unit_id: int) -> list[Task]:
    """A unit's tasks of published resolutions: led (主办) or with a part of it (协办).

    Their resolution and parts are loaded.

    Tasks of a draft resolution are not the unit's yet (see ``rules.roles_seeing``).
    """
    co_tasks = sa.select(TaskPart.task_id).where(TaskPart.unit_id == unit_id)
    return list(
        session.scalars(
            sa.select(Task)
            .join(Resolution)
            .where(
                sa.or_(Task.unit_id == unit_id, Task.id.in_(co_tasks)),
                Resolution.status == ResolutionStatus.PUBLISHED,
            )
            .options(
                selectinload(Task.resolution),
                selectinload(Task.parts).selectinload(TaskPart.unit),
            )
        )
    )


def body_has_unit(session: Session, body_id: int, unit_id: int) -> bool:
    """Whether the unit is one of the body's units (``BodyUnit``)."""
    return session.get(BodyUnit, (body_id, unit_id)) is not None


def body_unit_staff(session: Session, body_id: int) -> list[UnitStaff]:
    """The staff of the body's units, with the person and the unit loaded."""
    return list(
        session.scalars(
            sa.select(UnitStaff)
            .join(BodyUnit, BodyUnit.unit_id == UnitStaff.unit_id)
            .where(BodyUnit.body_id == body_id)
            .options(selectinload(UnitStaff.user), selectinload(UnitStaff.unit))
        )
    )


def unit_by_slug(session: Session, slug: str) -> ResponsibleUnit | None:
    """The responsible unit with this slug, or None."""
    return session.scalar(sa.select(ResponsibleUnit).where(ResponsibleUnit.slug == slug))


def topic_by_follow_token(session: Session, token: str) -> Topic | None:
    """The topic whose private follow link carries ``token``, or None."""
    return session.scalar(sa.select(Topic).where(Topic.follow_token_hash == hash_token(token)))


def rating_tasks_of_topic(
    session: Session, topic: Topic, followed: Topic | None = None
) -> list[tuple[Task, bool]]:
    """Completed tasks of published resolutions answering the followed topic, each with "rated".

    ``followed`` is the topic whose fate the submitter follows: the topic their own was merged
    into (see ``topics.rules.survivor``), else their own. "Already rated" means the submitter
    (through ``topic``'s link) rated the task's current round.
    """
    followed = followed or topic
    tasks = session.scalars(
        sa.select(Task)
        .join(Resolution)
        .where(
            Resolution.topics.any(Topic.id == followed.id),
            Resolution.status == ResolutionStatus.PUBLISHED,
            Task.status == TaskStatus.COMPLETED,
        )
        .order_by(Task.id)
    ).all()
    rated = set(
        session.execute(
            sa.select(Rating.task_id, Rating.round).where(Rating.topic_id == topic.id)
        ).all()
    )
    return [(task, (task.id, task.round) in rated) for task in tasks]


def resolutions_answering(session: Session, topic: Topic) -> list[Resolution]:
    """Published resolutions answering ``topic``, with their tasks: what its follow page shows."""
    return list(
        session.scalars(
            sa.select(Resolution)
            .where(
                Resolution.topics.any(Topic.id == topic.id),
                Resolution.status == ResolutionStatus.PUBLISHED,
            )
            .options(selectinload(Resolution.tasks))
            .order_by(Resolution.id)
        )
    )


def work_calendar(session: Session) -> WorkCalendar:
    """The working-day calendar: the package plus the administrator's years and days."""
    years = session.scalars(sa.select(WorkCalendarYear.year)).all()
    days = session.execute(sa.select(WorkCalendarDay.day, WorkCalendarDay.is_workday)).all()
    return WorkCalendar(overrides=dict(days), extra_years=frozenset(years))


def running_tasks(session: Session) -> list[Task]:
    """Tasks a unit works on (not handed back, not finished) with what reminders need loaded."""
    return list(
        session.scalars(
            sa.select(Task)
            .join(Resolution)
            .where(
                Resolution.status == ResolutionStatus.PUBLISHED,
                Task.status.in_((TaskStatus.ASSIGNED, TaskStatus.ACCEPTED, TaskStatus.IN_PROGRESS)),
            )
            .options(
                selectinload(Task.updates),
                selectinload(Task.unit),
                selectinload(Task.resolution).selectinload(Resolution.body),
            )
            .order_by(Task.id)
        )
    )


def next_draft_meeting(session: Session, body_id: int, now) -> Meeting | None:
    """The body's next meeting still being drafted (its agenda can take an item), if any."""
    return session.scalar(
        sa.select(Meeting)
        .where(
            Meeting.body_id == body_id,
            Meeting.status == MeetingStatus.DRAFT,
            Meeting.starts_at > now,
        )
        .order_by(Meeting.starts_at, Meeting.id)
        .limit(1)
    )


def next_item_position(session: Session, meeting_id: int) -> int:
    """The position after the meeting's last agenda item (1 for an empty agenda)."""
    last = session.scalar(
        sa.select(sa.func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting_id)
    )
    return (last or 0) + 1


def objections_of(session: Session, resolution_id: int) -> list[Objection]:
    """A resolution's objections, oldest first."""
    return list(
        session.scalars(
            sa.select(Objection)
            .where(Objection.resolution_id == resolution_id)
            .order_by(Objection.id)
        )
    )


def body_units(session: Session, body_id: int) -> list[ResponsibleUnit]:
    """The units the body works with, by name, with their staff loaded."""
    return list(
        session.scalars(
            sa.select(ResponsibleUnit)
            .join(BodyUnit, BodyUnit.unit_id == ResponsibleUnit.id)
            .where(BodyUnit.body_id == body_id)
            .options(selectinload(ResponsibleUnit.staff).selectinload(UnitStaff.user))
            .order_by(ResponsibleUnit.name, ResponsibleUnit.id)
        )
    )
