"""Reads of the public board: plain SQLAlchemy on a session, no Flask; published data only.

Every list loads what its cards show up front (tasks, their units, the body), so a page runs the
same number of queries whether it shows 2 resolutions or 40 (tests/perf/test_query_counts.py).
"""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Self

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from app.models import (
    Body,
    Motion,
    Rating,
    Resolution,
    ResponsibleUnit,
    Task,
    Topic,
)
from app.models.statuses import ResolutionStatus

RECENT = 10
PER_PAGE = 10


def published() -> sa.Select:
    """Published resolutions, newest first, with what the board's cards show loaded (no N+1)."""
    return (
        sa.select(Resolution)
        .where(Resolution.status == ResolutionStatus.PUBLISHED)
        .options(
            selectinload(Resolution.tasks).selectinload(Task.unit),
            selectinload(Resolution.body),
        )
        .order_by(Resolution.published_at.desc(), Resolution.id.desc())
    )


def recent_resolutions(session: Session, body_id: int | None = None) -> list[Resolution]:
    """The latest published resolutions, of one body or of all."""
    query = published()
    if body_id is not None:
        query = query.where(Resolution.body_id == body_id)
    return list(session.scalars(query.limit(RECENT)))


def bodies(session: Session) -> list[Body]:
    """Every body with its constituencies, in the order they were set up."""
    return list(
        session.scalars(
            sa.select(Body).options(selectinload(Body.constituencies)).order_by(Body.id)
        )
    )


def body_by_slug(session: Session, slug: str) -> Body | None:
    """The body with this slug and its constituencies, or None."""
    return session.scalar(
        sa.select(Body).where(Body.slug == slug).options(selectinload(Body.constituencies))
    )


class Progress(StrEnum):
    """How far a resolution's tasks have got, as the list filters them."""

    OPEN = "open"  # at least one task not closed yet (还在办理)
    DONE = "done"  # tasks assigned, every one of them closed (全部销号)
    OVERDUE = "overdue"  # at least one task past its deadline and not finished (有逾期事项)


@dataclass(frozen=True)
class BoardFilter:
    """The list's filters: body slug, year, task progress ("open", "done", "overdue"), unit."""

    body: str | None = None
    year: int | None = None
    status: str | None = None
    unit: str | None = None

    @classmethod
    def from_args(cls, args) -> Self:
        """The filters from a query string (a ``MultiDict``); unknown values filter nothing."""
        return cls(
            body=args.get("body") or None,
            year=args.get("year", type=int),
            status=args.get("status") or None,
            unit=args.get("unit") or None,
        )


def filtered(filters: BoardFilter, today: date) -> sa.Select:
    """The published resolutions matching ``filters``; "overdue" is judged on ``today``."""
    query = published()
    if filters.body:
        query = query.where(Resolution.body.has(Body.slug == filters.body))
    if filters.year is not None:
        query = query.where(Resolution.year == filters.year)
    if filters.unit:
        query = query.where(
            Resolution.tasks.any(Task.unit.has(ResponsibleUnit.slug == filters.unit))
        )
    if filters.status == Progress.OPEN:
        query = query.where(Resolution.tasks.any(Task.is_open))
    elif filters.status == Progress.DONE:
        query = query.where(Resolution.tasks.any(), ~Resolution.tasks.any(Task.is_open))
    elif filters.status == Progress.OVERDUE:
        query = query.where(Resolution.tasks.any(sa.and_(Task.deadline < today, ~Task.is_finished)))
    return query


@dataclass(frozen=True)
class BoardPage:
    """One page of the board's list.

    It knows whether a next page exists by asking for one row more than it shows, instead of
    counting every matching row: with 100,000 resolutions an exact total costs more than the
    page itself, and "next page" is all a reader needs.
    """

    number: int
    items: list
    has_next: bool

    @property
    def has_prev(self) -> bool:
        """Whether there is a page before this one."""
        return self.number > 1


def page_of(session: Session, query: sa.Select, number: int) -> BoardPage:
    """Page ``number`` (from 1) of ``query``, ``PER_PAGE`` rows."""
    rows = session.scalars(query.limit(PER_PAGE + 1).offset((number - 1) * PER_PAGE)).all()
    return BoardPage(number, list(rows[:PER_PAGE]), len(rows) > PER_PAGE)


def filter_choices(session: Session) -> dict[str, list]:
    """What the filters offer: every body, every unit by name, every year with a publication."""
    return {
        "bodies": list(session.scalars(sa.select(Body).order_by(Body.id))),
        "units": list(session.scalars(sa.select(ResponsibleUnit).order_by(ResponsibleUnit.name))),
        "years": publication_years(session),
    }


def publication_years(session: Session) -> list[int]:
    """Every year with a published resolution, newest first, one index probe per year.

    A DISTINCT over the published resolutions reads all of them (100,000 on a district's
    board); this walks the (status, year, …) index from one year to the next below it instead
    (a "loose index scan" written as a recursive query, the same on PostgreSQL and SQLite).
    """
    published_now = Resolution.status == ResolutionStatus.PUBLISHED
    newest = sa.select(sa.func.max(Resolution.year)).where(published_now).scalar_subquery()
    years = sa.select(newest.label("year")).cte("years", recursive=True)
    below = (
        sa.select(sa.func.max(Resolution.year))
        .where(published_now, Resolution.year < years.c.year)
        .scalar_subquery()
    )
    years = years.union_all(sa.select(below).where(years.c.year.is_not(None)))
    return list(session.scalars(sa.select(years.c.year).where(years.c.year.is_not(None))))


def published_resolution(session: Session, resolution_id: int) -> Resolution | None:
    """A published resolution with its tasks' timelines, its topics' histories and its vote."""
    return session.scalar(
        sa.select(Resolution)
        .where(Resolution.id == resolution_id, Resolution.status == ResolutionStatus.PUBLISHED)
        .options(
            selectinload(Resolution.tasks).selectinload(Task.updates),
            selectinload(Resolution.tasks).selectinload(Task.unit),
            selectinload(Resolution.topics).selectinload(Topic.events),
            selectinload(Resolution.motion).selectinload(Motion.meeting),
        )
    )


def ratings_of(session: Session, tasks: list[Task]) -> list[Rating]:
    """Every rating (all rounds) of these tasks."""
    return list(session.scalars(sa.select(Rating).where(Rating.task_id.in_([t.id for t in tasks]))))


def published_tasks_of_unit(session: Session, unit_id: int) -> list[Task]:
    """A unit's tasks of published resolutions, by deadline, with the resolution loaded."""
    return list(
        session.scalars(
            sa.select(Task)
            .join(Resolution)
            .where(Task.unit_id == unit_id, Resolution.status == ResolutionStatus.PUBLISHED)
            .options(selectinload(Task.resolution))
            .order_by(Task.deadline)
        )
    )


def rating_values(session: Session, tasks: list[Task]) -> list[str]:
    """The values of every rating (all rounds) of these tasks."""
    return list(
        session.scalars(sa.select(Rating.value).where(Rating.task_id.in_([t.id for t in tasks])))
    )


def published_tasks_of_body(session: Session, body_id: int) -> list[Task]:
    """Every task of the body's published resolutions, with its unit loaded."""
    return list(
        session.scalars(
            sa.select(Task)
            .join(Resolution)
            .where(Resolution.body_id == body_id, Resolution.status == ResolutionStatus.PUBLISHED)
            .options(selectinload(Task.unit))
            .order_by(Task.id)
        )
    )
